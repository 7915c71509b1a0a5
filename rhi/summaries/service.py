"""Making summaries: one PDF per recipient, holding only what `rhi.sharing` allows them."""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, g
from flask_login import current_user
from sqlalchemy import Select, and_, case, distinct, exists, func, or_, select

from rhi import access, audit, numbers, writing
from rhi.actions.rules import OPEN, still_to_follow_clause
from rhi.actions.tracking import tell_new_owner
from rhi.extensions import db
from rhi.interviews import decisions, read_back
from rhi.interviews.content import RECIPIENTS, normalise
from rhi.models import (
    Child,
    Episode,
    FollowedAction,
    Interview,
    InterviewStatus,
    Role,
    Summary,
    SummaryQuestion,
    User,
)
from rhi.models.base import utcnow
from rhi.models.settings import ADDRESSED_AS, SummaryAddressee
from rhi.sharing import addenda_reaching, view_for

log = logging.getLogger(__name__)


def render_for(
    interview: Interview,
    recipient: str,
    prepared_for: str,
    prepared_at: datetime,
    *,
    draft: bool = False,
) -> bytes:
    """The copy for `recipient`. Once the interview is finished: what the child agreed to share
    with them and what safeguarding decisions in force release. Before that, a copy to send
    holds only what those decisions release (the child's consent is not read back nor agreed
    yet: rhi.sharing.outside_view), and a `draft` (to check with the child, at the read-back)
    holds what the copy will hold if they agree, marked on every page as not to be sent."""
    from rhi.summaries.pdf import render_summary  # WeasyPrint loads only when a PDF is made

    content = normalise(interview.content)
    episodes = sorted(interview.episodes, key=lambda e: e.started_at)
    child = episodes[0].child if episodes else interview.child
    in_force = decisions.in_force(interview)
    # Until the interview is finished, what the child said is not read back nor agreed, and
    # their consent shares nothing yet: a copy holds only what a safeguarding decision in force
    # releases (as the social worker's pages do: rhi.sharing.outside_view).
    draft = draft and not interview.locked
    as_agreed = interview.locked or draft
    view = view_for(content, recipient, in_force=in_force, decisions_only=not as_agreed)
    view.read_back_changed = read_back.changed_since_read(content, in_force, interview.read_back_of)
    view.addenda = addenda_reaching(view, content, interview.addenda)
    history: list[Any] = []
    earlier: list[datetime] = []
    if view.shares_content:  # a copy with no content shows none of this: nothing is read
        history, earlier = _earlier(interview, child.id, episodes)
    worker = interview.worker
    return render_summary(
        child=child,
        episodes=episodes,
        interview=interview,
        view=view,
        prepared_for=prepared_for,
        prepared_at=prepared_at,
        interviewer=worker.name if worker else "Not recorded",
        place=content["start"]["location"],
        present=content["start"]["present"],
        # Counted in the words this copy holds, as the review counts the whole record.
        language=writing.record_counts(content, view),
        history=history,
        earlier_interviews=earlier,
        interviewer_role=_role_label(worker.role) if worker else "",
        interviewer_contact=worker.email if worker else "",
        draft=draft,
    )


def sendable_before_finishing(interview: Interview, recipient: str) -> bool:
    """Before the interview is finished, a copy for `recipient` may be sent only when a
    safeguarding decision in force shares something with them: the copy to send then holds
    just that (`render_for`)."""
    content = normalise(interview.content)
    in_force = decisions.in_force(interview)
    return view_for(content, recipient, in_force=in_force, decisions_only=True).shares_content


def _role_label(role: str) -> str:
    try:
        return Role(role).label
    except ValueError:
        return role


def _earlier(
    interview: Interview, child_id: int, episodes: list[Episode]
) -> tuple[list[Any], list[datetime]]:
    """The child's other episodes begun by the latest one this interview covers (dates and
    grade only: what the summary shows), and when their earlier interviews were held."""
    covered = [e.id for e in episodes]
    latest = max((e.started_at for e in episodes), default=None)
    query = select(Episode.started_at, Episode.returned_at, Episode.risk_grade).where(
        Episode.child_id == child_id, Episode.id.not_in(covered)
    )
    if latest is not None:
        query = query.where(Episode.started_at <= latest)
    history = list(db.session.execute(query.order_by(Episode.started_at.desc())))
    held = select(Interview.held_at).where(
        Interview.child_id == child_id,
        Interview.id != interview.id,
        Interview.held_at.is_not(None),
    )
    if interview.held_at is not None:
        held = held.where(Interview.held_at < interview.held_at)
    earlier = list(db.session.scalars(held.order_by(Interview.held_at.desc())))
    return history, earlier


class SummaryNotMade(Exception):
    """The PDF could not be made. The interview stays finished; sending can be tried again."""


def allocated_reader(interview: Interview) -> User | None:
    """The child's allocated social worker, while they still work here."""
    social_worker = interview.child.social_worker
    if social_worker is None or not social_worker.active:
        return None
    return social_worker


def with_own_social_worker(child_ids: Iterable[int]) -> set[int]:
    """Those of `child_ids` whose child has an allocated social worker who still works here
    (`allocated_reader`'s rule, in one query for many children: the tablet's copy)."""
    ids = set(child_ids)
    if not ids:
        return set()
    return set(
        db.session.scalars(
            select(Child.id)
            .join(User, User.id == Child.social_worker_id)
            .where(Child.id.in_(ids), User.active.is_(True))
        )
    )


def _readers() -> Select[tuple[User]]:
    """Who can receive a summary in rhi: active social workers (they have an Inbox)."""
    return select(User).where(User.active.is_(True), User.role == Role.SOCIAL_WORKER.value)


def possible_readers() -> list[User]:
    """Everyone a summary may be sent to when the child has no allocated social worker."""
    return list(db.session.scalars(_readers().order_by(User.name, User.id)))


def duty_inbox() -> User | None:
    """The duty inbox (RHI_DUTY_INBOX: an administrator's setting, or the environment's), while
    it is an active social worker's account."""
    email = (current_app.config.get("RHI_DUTY_INBOX") or "").strip().lower()
    if not email:
        return None
    return db.session.scalar(_readers().where(func.lower(User.email) == email))


def recipient_for(interview: Interview, chosen: str | int | None = None) -> tuple[User | None, str]:
    """Who receives the summary, and as what: the allocated social worker ("allocated"); else
    the person chosen on finishing ("chosen"); else the duty inbox ("duty_inbox"). (None, "")
    when there is nobody: no social worker, nobody chosen, no duty inbox set."""
    allocated = allocated_reader(interview)
    if allocated is not None:
        return allocated, "allocated"
    duty = duty_inbox()
    chosen_id = numbers.whole_number(chosen)
    if chosen_id is not None and (duty is None or chosen_id != duty.id):
        person = db.session.scalar(_readers().where(User.id == chosen_id))
        if person is not None:  # anyone else (a stale or forged id) falls back to the duty inbox
            return person, "chosen"
    if duty is not None:
        return duty, "duty_inbox"
    return None, ""


def share_with_social_worker(
    interview: Interview, user: User, chosen: str | int | None = None
) -> Summary | None:
    """On finishing: the social worker's copy, rendered once and kept, and the interview shared.

    It goes to the allocated social worker; a child with none (or whose social worker has left)
    has it sent to the person chosen on finishing (`chosen`, a user id) or the duty inbox
    (`recipient_for`). Returns None when there is nobody to send it to.

    With a job queue (RHI_JOBS_REDIS_URL) the summary is made now with its PDF "preparing", and
    a job renders it after the caller commits (rhi.summaries.preparing): the inbox and the
    tracking see it at once. Without one (the embedded default) it is rendered here, before
    anything is changed, as it always was: a failure raises SummaryNotMade and the caller
    still saves the finished interview, with "Send the summary again" on its review page.
    """
    reader, addressed_as = recipient_for(interview, chosen)
    if reader is None:
        return None
    return _send(interview, user, reader, addressed_as)


def share_after_decision(interview: Interview, user: User) -> Summary | None:
    """A decision to share with the social worker came into force after the interview was
    finished, or an addendum their copy holds was added (rhi/sharing.py rule 8), so the copy
    they have was made without it: a new copy, made now with it, goes to
    whoever the last went to (the allocated social worker first, as on finishing). None before
    finishing (the copy made then holds it) or with nobody to send it to. Raises
    SummaryNotMade as on finishing."""
    last = db.session.scalar(
        select(Summary)
        .where(Summary.interview_id == interview.id, Summary.recipient == "social_worker")
        .order_by(Summary.created_at.desc(), Summary.id.desc())
        .limit(1)
    )
    if last is None:
        return None
    # The person chosen on finishing again, if the last went to one; otherwise the rule of
    # finishing (a social worker since de-allocated is not sent it for having had the last).
    addressee = db.session.scalar(
        select(SummaryAddressee.addressed_as).where(SummaryAddressee.summary_id == last.id)
    )
    chosen = last.prepared_for_id if addressee == "chosen" else None
    reader, addressed_as = recipient_for(interview, chosen)
    if reader is None:
        return None
    return _send(interview, user, reader, addressed_as)


def withdraw_and_send_again(interview: Interview, user: User, why: str) -> Summary | None:
    """What the social worker may read narrowed after their summary was made (a decision
    declined, the child took back their agreement): each summary of it still standing is
    withdrawn (it no longer opens for its reader, nor passes to a new one), and a new one made
    with what they may read now goes where the last went. None when there was none. Raises
    SummaryNotMade as on finishing; the caller commits."""
    standing = list(
        db.session.scalars(
            select(Summary).where(
                Summary.interview_id == interview.id,
                Summary.recipient == "social_worker",
                Summary.withdrawn_at.is_(None),
            )
        )
    )
    if not standing:
        return None
    again = share_after_decision(interview, user)
    now = utcnow()
    for summary in standing:
        summary.withdrawn_at = now
        summary.withdrawn_why = why[:200]
        audit.record(
            "summary.withdraw",
            user=user,
            object_type="summary",
            object_id=summary.id,
            child_id=interview.child_id,
            detail=why[:200],
        )
    return again


def _send(interview: Interview, user: User, reader: User, addressed_as: str) -> Summary:
    from rhi import jobs
    from rhi.summaries import preparing

    child = interview.child
    now = utcnow()
    queued = bool(jobs.redis_url())
    pdf = b""  # preparing: the job fills it
    if not queued:
        try:
            pdf = render_for(interview, "social_worker", reader.name, now)
        except Exception as exc:  # WeasyPrint can fail in many ways; none may lose the interview
            log.exception("summary for interview %s could not be rendered", interview.uuid)
            raise SummaryNotMade from exc
    summary = Summary(
        interview=interview,
        recipient="social_worker",  # the copy: what the social worker's copy may hold
        prepared_for_id=reader.id,
        prepared_for_name=reader.name,
        prepared_by_id=user.id,
        created_at=now,
        pdf=pdf,
    )
    db.session.add(summary)
    detail = f"to social worker {reader.id}"
    if addressed_as != "allocated":
        # Its reader is not allocated to the child: this row is what lets them read it.
        db.session.add(
            SummaryAddressee(
                summary=summary, addressed_as=addressed_as, chosen_by_id=user.id, chosen_at=now
            )
        )
        detail = f"to {ADDRESSED_AS[addressed_as].lower()} {reader.id}"
    interview.status = InterviewStatus.SHARED.value
    if queued:
        preparing.prepare(summary, user.id)
    audit.record(
        "summary.share",
        user=user,
        object_type="interview",
        object_id=interview.uuid,
        child_id=child.id,
        detail=detail,
    )
    return summary


def sent_message(summary: Summary | None) -> str:
    """What the worker is told on finishing about where the summary went."""
    if summary is None:
        return (
            "No social worker is allocated and no duty inbox is set, so no summary was sent: "
            "tell the child's team."
        )
    if summary.prepared_for_id == summary.interview.child.social_worker_id:
        return "The summary is in the social worker's inbox."
    return f"The summary is in {summary.prepared_for_name}'s inbox."


def has_work_to_hand_over(user_ids: Collection[int]) -> set[int]:
    """Which of these people `hand_over` would move something from: children allocated to them,
    or unread summaries sent to them as the duty inbox or chosen on finishing (those of their
    children go with the children). A social worker whose role was changed, or the duty inbox
    made a manager, keeps both until handed over."""
    if not user_ids:
        return set()
    ids = list(user_ids)
    with_children = select(Child.social_worker_id).where(Child.social_worker_id.in_(ids))
    with_unread = select(Summary.prepared_for_id).where(
        Summary.prepared_for_id.in_(ids),
        Summary.acknowledged_at.is_(None),
        Summary.withdrawn_at.is_(None),
        exists(select(SummaryAddressee.id).where(SummaryAddressee.summary_id == Summary.id)),
    )
    return set(db.session.scalars(with_children.union(with_unread)))


def hand_over(from_user: User, to_user: User, by: User) -> tuple[int, int, int]:
    """Every child allocated to `from_user` is allocated to `to_user`, each audited; summaries
    in `from_user`'s inbox (of those children, or sent to them as the duty inbox or chosen on
    finishing) that nobody has said "I have read this" about move with them.

    Why unread summaries move: a departed social worker's inbox is read by no one, and the
    summary's questions and "what happens next" need a reader. Read (acknowledged) ones stay:
    they are the record of who read what. A moved summary keeps its PDF as made (it names the
    person it was first prepared for); its opening is cleared, so the new reader opens it
    before saying they have read it, and the earlier opening stays in the audit trail.
    The actions `from_user` holds as those children's social worker that are still to follow
    (open, or closed with the child not yet told: `rules.still_to_follow_clause`) move too:
    followed by no one otherwise, they would stay overdue, or untold, on a departed person's
    list. Returns (children moved, summaries moved, open actions moved: what the page says
    moved); the caller commits.
    """
    children = list(db.session.scalars(select(Child).where(Child.social_worker_id == from_user.id)))
    for child in children:
        child.social_worker_id = to_user.id
        audit.record(
            "child.hand_over",
            user=by,
            object_type="child",
            object_id=child.id,
            child_id=child.id,
            detail=f"social worker {from_user.id} -> {to_user.id}",
        )
    unread = list(
        db.session.scalars(
            select(Summary)
            .join(Interview, Interview.id == Summary.interview_id)
            .where(
                Summary.prepared_for_id == from_user.id,
                Summary.acknowledged_at.is_(None),
                Summary.withdrawn_at.is_(None),
                or_(
                    Interview.child_id.in_([c.id for c in children]),
                    # sent to them as the duty inbox or chosen on finishing: in their inbox too
                    exists(
                        select(SummaryAddressee.id).where(SummaryAddressee.summary_id == Summary.id)
                    ),
                ),
            )
        )
    )
    _readdress(unread, to_user, by, f"social worker {from_user.id} -> {to_user.id}")
    actions = list(
        db.session.scalars(
            select(FollowedAction).where(
                FollowedAction.owner_id == from_user.id,
                FollowedAction.owner_kind == "social_worker",
                still_to_follow_clause(),
                FollowedAction.child_id.in_([c.id for c in children]),
            )
        )
    )
    _give_actions(actions, to_user, by, f"social worker {from_user.id} -> {to_user.id}")
    return len(children), len(unread), _open_count(actions)


def recipient_label(recipient: str, interview: Interview) -> str:
    label = RECIPIENTS[recipient]
    if recipient == "other":
        name = normalise(interview.content)["consent"]["other"].get("name", "").strip()
        return name or label
    return label


def summaries_of(interview: Interview) -> list[Summary]:
    return list(
        db.session.scalars(
            select(Summary).where(Summary.interview_id == interview.id).order_by(Summary.created_at)
        )
    )


def new_social_worker(
    child: Child, from_id: int | None, to_user: User, by: User
) -> tuple[int, int]:
    """The child's social worker changed on their details page: what is held for "the child's
    social worker" passes to `to_user`, by `hand_over`'s rules for one child. The unread
    summaries of this child's interviews sent to their social worker (not those sent to the
    duty inbox or a person chosen, which are that person's), and the actions for "the child's
    social worker" still to follow (open, or closed with the child not yet told: a probe found
    the new social worker could not record the telling): the one before's, or no one's (agreed
    while the child had none), or those left with a social worker taken off before.

    Before, only the administrator's hand-over moved them: a manager moving a child to another
    social worker left the unread summary in nobody's inbox and the overdue safety plan on no
    one's list (a probe). Returns (summaries moved, open actions moved: what the page says
    moved); the caller commits."""
    why = f"social worker {from_id or 'none'} -> {to_user.id}"
    unread = _unread_for(child, not_of=to_user.id)
    _readdress(unread, to_user, by, why)
    actions = _actions_to_follow_for(child, not_of=to_user.id)
    _give_actions(actions, to_user, by, why)
    return len(unread), _open_count(actions)


def left_with(child: Child, from_id: int) -> tuple[int, int]:
    """The child's social worker was taken off with no one after them: how many unread
    summaries and open actions of this child's stay with the one before, who no longer sees
    the child, until a social worker is given to the child (`new_social_worker`: a review)."""
    unread = [s for s in _unread_for(child) if s.prepared_for_id == from_id]
    actions = [a for a in _actions_to_follow_for(child) if a.owner_id == from_id]
    return len(unread), _open_count(actions)


def _unread_for(child: Child, *, not_of: int | None = None) -> list[Summary]:
    """This child's unread summaries sent to their social worker (never those addressed to the
    duty inbox or a person chosen on finishing), but not already `not_of`'s."""
    query = (
        select(Summary)
        .join(Interview, Interview.id == Summary.interview_id)
        .where(
            Interview.child_id == child.id,
            Summary.acknowledged_at.is_(None),
            Summary.withdrawn_at.is_(None),
            ~exists(select(SummaryAddressee.id).where(SummaryAddressee.summary_id == Summary.id)),
        )
    )
    if not_of is not None:
        query = query.where(
            or_(Summary.prepared_for_id.is_(None), Summary.prepared_for_id != not_of)
        )
    return list(db.session.scalars(query))


def _actions_to_follow_for(child: Child, *, not_of: int | None = None) -> list[FollowedAction]:
    """This child's actions for "the child's social worker" still to follow (open, or the child
    not yet told what became of them), but not already `not_of`'s."""
    query = select(FollowedAction).where(
        FollowedAction.child_id == child.id,
        FollowedAction.owner_kind == "social_worker",
        still_to_follow_clause(),
    )
    if not_of is not None:
        query = query.where(
            or_(FollowedAction.owner_id.is_(None), FollowedAction.owner_id != not_of)
        )
    return list(db.session.scalars(query))


def _open_count(actions: list[FollowedAction]) -> int:
    """How many of these are open: the pages say "N open actions passed on" (rhi/children/
    views.py, rhi/admin/views.py), and a closed one the child is not yet told of is not open."""
    return sum(1 for action in actions if action.status == OPEN)


def _readdress(unread: list[Summary], to_user: User, by: User, why: str) -> None:
    """Unread summaries to their new reader, who opens each before saying they have read it (the
    earlier opening stays in the audit trail); each keeps its PDF as made."""
    for summary in unread:
        summary.prepared_for_id = to_user.id
        summary.prepared_for_name = to_user.name
        summary.opened_at = None
        summary.opened_by_id = None
        audit.record(
            "summary.hand_over",
            user=by,
            object_type="summary",
            object_id=summary.id,
            child_id=summary.interview.child_id,
            detail=why,
        )


def _give_actions(actions: list[FollowedAction], to_user: User, by: User, why: str) -> None:
    """Actions still to follow to their new owner (who recorded what became of a closed one stays
    on it: `updated_by_id`). An open strategy meeting among them is told to the new
    owner and their manager, as when it was asked for (a probe: only those told then knew of
    it, so the new social worker's My children page said nothing)."""
    for action in actions:
        action.owner_id = to_user.id
        tell_new_owner(action, by)
        audit.record(
            "action.hand_over",
            user=by,
            object_type="action",
            object_id=action.id,
            child_id=action.child_id,
            detail=why,
        )


# --- What waits in a social worker's inbox, said on their pages ---------------------------------

# An answer to the reader's question is told on their home page for this long: rhi keeps no
# record of the reader seeing it, and a line that stayed for good would soon say nothing.
ANSWERS_TOLD_FOR_DAYS = 7


@dataclass(frozen=True)
class InboxNews:
    """What the Inbox link and the "For you" box say (a probe: nothing said a summary was
    waiting, or that a question was answered, until the reader opened their inbox)."""

    to_read: int = 0  # in their inbox, not yet said to be read ("I have read this")
    answered: int = 0  # their questions answered in the last ANSWERS_TOLD_FOR_DAYS days
    answered_summary_id: int | None = None  # the summary, when those answers are all about one

    @property
    def answers_told_for_days(self) -> int:
        return ANSWERS_TOLD_FOR_DAYS


def inbox_news(user: User) -> InboxNews:
    """For `user`'s inbox, by the inbox's own rule (rhi/access.py summary_filter, withdrawn
    ones left out, as the inbox leaves them): how many summaries are not yet read, and how many
    of their questions about them were answered lately. One aggregate query, counting rows and
    loading none; it reads the user's own summaries only (summaries.prepared_for_id is indexed)."""
    if not access.has_inbox(user):
        return InboxNews()
    answered = and_(
        SummaryQuestion.summary_id == Summary.id,
        SummaryQuestion.asked_by_id == user.id,
        SummaryQuestion.answered_at >= utcnow() - timedelta(days=ANSWERS_TOLD_FOR_DAYS),
    )
    to_read, answers, first, last = db.session.execute(
        select(
            # The outer join repeats a summary once per answer: each is counted once.
            func.count(distinct(case((Summary.acknowledged_at.is_(None), Summary.id)))),
            func.count(SummaryQuestion.id),
            func.min(SummaryQuestion.summary_id),
            func.max(SummaryQuestion.summary_id),
        )
        .select_from(Summary)
        .outerjoin(SummaryQuestion, answered)
        .where(access.summary_filter(user), Summary.withdrawn_at.is_(None))
    ).one()
    return InboxNews(int(to_read or 0), int(answers or 0), first if first == last else None)


def signed_in_inbox_news() -> InboxNews:
    """The signed-in person's `inbox_news`, asked once a request however many places on the
    page say it (the menu and the "For you" box). A template global (rhi/templating.py): only
    a callable, so nothing is asked of the database unless a page calls it."""
    if not current_user.is_authenticated:
        return InboxNews()
    if "rhi_inbox_news" not in g:
        g.rhi_inbox_news = inbox_news(current_user)
    news: InboxNews = g.rhi_inbox_news
    return news
