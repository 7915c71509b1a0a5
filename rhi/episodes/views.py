"""The Returns list and the episode page: offer, answer and contact attempts; and for managers
and coordinators, missing and found notifications, the "Still missing" and "Waiting to be
allocated" lists, and allocation (rhi/episodes/notifications.py, rhi/episodes/allocation.py).

Every route asks rhi.access; every read and change writes its audit row in the same transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from jinja2_fragments.flask import render_block
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from rhi import access, audit, deadlines, numbers, paging, shells
from rhi.actions import tracking
from rhi.actions.tracking import latest_meeting
from rhi.episodes import (
    allocation,
    imports_apply,
    notifications,
    overlaps,
    references,
    service,
)
from rhi.episodes.queries import (
    DEFAULT_SORT,
    PER_PAGE,
    SORTS,
    count_waiting,
    earlier_for,
    hours_missing,
    is_open,
    long_marker,
    named_before,
    offer_open,
    repeat_count,
    return_clock,
    still_missing,
    waiting_notifications,
    waiting_returns,
)
from rhi.episodes.service import CLOSING_OUTCOMES
from rhi.extensions import db
from rhi.forms.episodes import (
    AcceptForm,
    AllocateForm,
    ContactAttemptForm,
    DeclineForm,
    NotificationForm,
    OfferForm,
    OutcomeForm,
    ReturnForm,
    StartForm,
)
from rhi.forms.fields import NotSaved, field_errors, typed_words
from rhi.interviews.service import LockedError
from rhi.models import Child, Episode, Interview, Team, User, WaitingRow
from rhi.models.base import utcnow
from rhi.models.episodes import REPORTERS, RETURN_METHODS, Notice, first_return, reporter_label
from rhi.models.interviews import DELAY_REASONS, outcome_label, status_label
from rhi.timefmt import format_datetime, from_local, to_local
from rhi.writing.placeholders import saved_and_left

bp = Blueprint("episodes", __name__)

PAGE = "episodes/episode.html"
RETURNS = "episodes/returns.html"


@bp.route("/returns")
@login_required
def returns() -> str | tuple[str, dict[str, str]]:
    """Workers: their returns and their notices. Managers and coordinators also: children still
    missing, and returns waiting to be allocated (coordinators see statuses, never content).
    Sorted by deadline, police risk grade or times reported missing lately (`?sort=`), in SQL
    (rhi/episodes/queries.py)."""
    if not access.can_see_returns(current_user):
        abort(403)
    now = utcnow()
    oversight = access.can_record_episodes(current_user)
    # Kept in the address (?sort=), so a refresh, a bookmark and the minute's update keep it;
    # anything else is the default.
    sort = request.args.get("sort", DEFAULT_SORT)
    if sort not in SORTS:
        sort = DEFAULT_SORT
    # 50 at a time (`?page=`, and `?waiting=` for "Waiting to be allocated"), so the page costs
    # the same however many returns are open; the count line is a COUNT query.
    page = _page_number("page")
    waiting_page = _page_number("waiting")
    counts = count_waiting(current_user, now)
    pages = _pages("page", page, counts.total, sort, page=page, waiting=waiting_page)
    unallocated_counts = count_waiting(current_user, now, allocated=False) if oversight else None
    unallocated_pages = (
        _pages(
            "waiting", waiting_page, unallocated_counts.total, sort, page=page, waiting=waiting_page
        )
        if unallocated_counts
        else None
    )
    ctx = {
        "rows": waiting_returns(
            current_user,
            now,
            sort=sort,
            with_named=True,
            limit=PER_PAGE,
            offset=(pages.number - 1) * PER_PAGE,
        ),
        "counts": counts,
        "pages": pages,
        "unallocated_counts": unallocated_counts,
        "unallocated_pages": unallocated_pages,
        # The address the list refreshes from each minute: this sort, these pages.
        "refresh_url": _returns_url(sort, page, waiting_page),
        "sort": sort,
        "sorts": SORTS,
        "default_sort": DEFAULT_SORT,
        "oversight": oversight,
        "unallocated": waiting_returns(
            current_user,
            now,
            allocated=False,
            sort=sort,
            with_named=True,
            limit=PER_PAGE,
            offset=(unallocated_pages.number - 1) * PER_PAGE,
        )
        if oversight and unallocated_pages
        else [],
        "missing": still_missing(current_user, now) if oversight else [],
        # Police notifications waiting for a person to say who the child is: no episode yet,
        # so on no list here. Told to those who settle them (None for anyone else), beside
        # "Still missing": two statements (a COUNT and a short list), whatever the number, so
        # the minute's refresh says it too and "No child you can see is missing now" is never
        # said while they wait.
        "waiting_notices": waiting_notifications(current_user, now) if oversight else None,
        # Children who said no, with the offer kept open: theirs until the return has an outcome.
        "offer_open": offer_open(current_user, now),
        "notices": allocation.notices_for(current_user),
        "can_add_child": access.can_record_children(current_user),
    }
    # Drawn once, and what it shows in one word: a hash of the list as drawn, less the forms'
    # CSRF token (new with each request; the list is not). The minute's refresh sends it with
    # the list (X-Returns-Shown), and the page puts the list in only when it differs from what
    # it shows (static/js/returns-updates.js): redrawn each minute, the cards were taken
    # from under a screen reader's reading place though nothing on them had changed (WCAG
    # 2.2.2). A hash of the whole list, not of its rows' fields, so a change to anything it
    # shows (a notice, a row under "Still missing") is never left out.
    listed = render_block(RETURNS, "returns_list", **ctx)
    list_shown = hashlib.sha256(listed.replace(generate_csrf(), "").encode()).hexdigest()[:32]
    if request.htmx:
        # The minute's refresh of a page already recorded: a row a minute for every open
        # Returns page would grow with the hours it stays open, and says nothing new.
        return listed, {"X-Returns-Shown": list_shown}
    # Who opened which page of children's returns, as every list of children's records is
    # (children.list, actions.list); paging and sorting are links, so each is recorded.
    shown = len(ctx["rows"]) + len(ctx["unallocated"]) + len(ctx["missing"])
    if ctx["waiting_notices"]:
        shown += len(ctx["waiting_notices"].listed)
    audit.record(
        "returns.list",
        object_type="episode",
        object_id="list",
        detail=f"{shown + len(ctx['offer_open'])} shown, page {pages.number}, {sort}",
    )
    html = render_template(RETURNS, listed=listed, list_shown=list_shown, **ctx)
    db.session.commit()  # after drawing it: a commit expires what the page reads
    return html


def _page_number(name: str) -> int:
    """A page number from the address (`?page=2`): 1 for anything that is not a whole number
    of at least 1."""
    return numbers.page_number(request.args.get(name))


def _returns_url(sort: str, page: int, waiting: int) -> str:
    """The Returns page's address for a sort and a page of each list, naming only what is not
    the default (so the first page's address stays /returns)."""
    args: dict[str, Any] = {}
    if sort != DEFAULT_SORT:
        args["sort"] = sort
    if page > 1:
        args["page"] = page
    if waiting > 1:
        args["waiting"] = waiting
    return url_for("episodes.returns", **args)


def _pages(
    name: str, current: int, total: int, sort: str, *, page: int, waiting: int
) -> paging.Pages:
    """Where "Previous page" and "Next page" go for one list (None at either end), and which
    of the list's rows this page shows ("51 to 100")."""

    def to(n: int) -> str:
        return _returns_url(
            sort, n if name == "page" else page, n if name == "waiting" else waiting
        )

    return paging.pages(current, total, PER_PAGE, to)


@bp.route("/notices/<int:notice_id>/dismiss", methods=["POST"])
@login_required
def dismiss_notice(notice_id: int) -> Response:
    """A notice is its reader's alone: anyone else's is refused as if it did not exist."""
    notice = db.session.scalar(
        select(Notice).where(Notice.id == notice_id, Notice.user_id == current_user.id)
    )
    if notice is None:
        access.refuse(current_user, "notice", notice_id, None)
    assert notice is not None
    if notice.dismissed_at is None and notice.kind == "offer_declined":
        notice.dismissed_at = utcnow()
        audit.record(
            "notice.dismiss",
            object_type="notice",
            object_id=notice.id,
            child_id=notice.interview.child_id if notice.interview else None,
        )
        db.session.commit()
    elif notice.dismissed_at is None:
        allocation.dismiss(notice, current_user, utcnow())
        db.session.commit()
    # A social worker has no Returns page: their notices are on My children.
    if not access.can_see_returns(current_user):
        return redirect(url_for("children.my_children"))
    return redirect(url_for("episodes.returns"))


def offer_declined_notices() -> list[Notice]:
    """The signed-in social worker's unread "a child said no" notices, newest first: for their
    home page (episodes/_offer_declined.html). Only children they may see are listed."""
    if not current_user.is_authenticated:
        return []
    return list(
        db.session.scalars(
            select(Notice)
            .join(Interview, Interview.id == Notice.interview_id)
            .join(Child, Child.id == Interview.child_id)
            .where(
                Notice.user_id == current_user.id,
                Notice.kind == "offer_declined",
                Notice.dismissed_at.is_(None),
                access.child_filter(current_user),
            )
            .options(selectinload(Notice.interview).selectinload(Interview.child))
            .order_by(Notice.created_at.desc(), Notice.id.desc())
        )
    )


def _forms(*, csrf: bool = True, **bound: FlaskForm) -> dict[str, FlaskForm]:
    now_local = to_local(utcnow()).replace(tzinfo=None, second=0, microsecond=0)
    meta = {"csrf": csrf}
    forms: dict[str, FlaskForm] = {
        "attempt_form": ContactAttemptForm(formdata=None, attempted_at=now_local, meta=meta),
        "offer_form": OfferForm(formdata=None, offered_at=now_local, meta=meta),
        "accept_form": AcceptForm(formdata=None, accepted_at=now_local, meta=meta),
        "decline_form": DeclineForm(formdata=None, declined_at=now_local, meta=meta),
        "start_form": StartForm(formdata=None, offered_at=now_local, meta=meta),
        "outcome_form": OutcomeForm(formdata=None, outcome_at=now_local, meta=meta),
    }
    forms.update(bound)
    return forms


def render_episode_page(episode: Episode, status: int = 200, **context: Any) -> tuple[str, int]:
    """The episode page (or its interview panel, for htmx), e.g. with a bound form and its
    errors; the interview's start route shows its "offer first" step here."""
    return _render_page(episode, status, **context)


def _render_page(episode: Episode, status: int = 200, **context: Any) -> tuple[str, int]:
    now = utcnow()
    ctx = {
        "episode": episode,
        "child": episode.child,
        "now": now,
        "long": long_marker(episode.started_at, episode.returned_at, now),
        "hours_missing": hours_missing(episode.started_at, now),
        "can_record_episodes": access.can_record_episodes(current_user),
        "can_allocate": access.can_allocate(current_user, episode),
        "closed_to_moves": allocation.closed_to_moves(episode),
        "joinable": _joinable(episode),
        "offer_on_record": service.offer_on_record(episode.interview),
        # Where an open return stands against its deadline, as its Returns card says it.
        "clock": (
            return_clock(episode, now)
            if episode.returned_at is not None
            and not (episode.interview is not None and episode.interview.ended)
            else None
        ),
        **_forms(),
        **context,
    }
    if request.htmx:
        return render_block(PAGE, "interview_panel", **ctx), status
    # A whole page sent back with a form's errors says so at its top (macros/forms.html).
    ctx["form_errors"] = field_errors(*(f for f in ctx.values() if isinstance(f, FlaskForm)))
    # What the worker prepares with, as the Returns card shows it (only the whole page has it).
    reads = named_before(current_user, [episode.child_id]).get(episode.child_id, [])
    ctx["repeat_count"] = repeat_count(episode.child_id, now)
    ctx["named"] = earlier_for(episode, reads, now)
    ctx["reads_interviews"] = access.can_read_interviews(current_user)
    # The strategy meeting block: the child's latest request, and a form to ask for one.
    ctx["meeting"] = meeting = latest_meeting(episode.child_id)
    # Its page is for those who follow it (access.action_filter): the rest see where it is.
    ctx["follows_meeting"] = meeting is not None and access.follows_action(current_user, meeting)
    if meeting is None or meeting.status != "open":  # the form to ask for one is shown
        ctx["meeting_told"] = tracking.meeting_told_words(episode.child, current_user)
    return render_template(PAGE, **ctx), status


def _joinable(episode: Episode) -> SimpleNamespace | None:
    """The child's interview still to be held that this return may join, for someone who may
    record both (service.interview_to_join): with when its first return came back and what
    this return's own deadline would be. None otherwise."""
    if episode.returned_at is None or episode.interviews:
        return None  # asked first: most returns have their own interview, and no query more
    if not access.may_record_work(current_user, episode, starting=True):
        return None
    interview = service.interview_to_join(episode)
    if interview is None or not access.may_change_interview(current_user, interview):
        return None
    first = first_return(interview.episodes)
    assert first is not None  # interview_to_join: every return it covers came back
    return SimpleNamespace(
        interview=interview,
        first_back=first,
        due_here=deadlines.due_for_return(episode.returned_at, interview.due_at, first),
    )


@bp.route("/shell/returns")
def shell_returns() -> str:
    """The Returns list with no one on it, for the service worker to keep (rhi/shells.py)."""
    child = shells.StandInChild()
    stand_in = SimpleNamespace(
        episode=shells.StandInEpisode(child=child),
        clock=SimpleNamespace(
            urgency="ok",
            overdue=False,
            tag="",
            after_tag=shells.blank("after_tag"),
            due=shells.blank("due"),
        ),
        status=shells.blank("status", status_label(None)),
    )
    return render_template("episodes/returns.html", **shells.shell_context(), stand_in=stand_in)


@bp.route("/shell/episode")
def shell_episode() -> str:
    """The episode page with no one in it, for the service worker to keep. Its forms record an
    attempt, the offer or the child's answer on the tablet (shell.js) when there is no signal."""
    child = shells.StandInChild()
    episode = shells.StandInEpisode(child=child)
    episode.interview = SimpleNamespace(  # type: ignore[assignment]
        uuid=shells.PLACEHOLDER_UUID,
        status=shells.blank("status", status_label(None)),
        due_at=shells.blank("due"),
        offered_at=None,
        accepted_at=None,
        declined_at=None,
        contact_attempts=[],
        locked=False,
    )
    return render_template(
        PAGE,
        **shells.shell_context(),
        episode=episode,
        child=child,
        now=utcnow(),
        **_forms(csrf=False),
    )


@bp.route("/episodes/<int:episode_id>")
@login_required
def show(episode_id: int) -> tuple[str, int]:
    episode = access.get_episode(current_user, episode_id)
    audit.record(
        "episode.view", object_type="episode", object_id=episode.id, child_id=episode.child_id
    )
    db.session.commit()
    return _render_page(episode)


def locked_notice(episode: Episode, *forms: FlaskForm) -> NotSaved:
    """Why a change to a return whose interview is finished, or which has its outcome, was not
    saved, with the words typed into `forms`."""
    interview = episode.interview
    if interview is not None and interview.locked:
        why = (
            "This interview has been finished, so its offer and the child's answer stay as "
            "they are. Anything still to say goes on the interview's review page, as a "
            "correction."
        )
    else:
        why = (
            "This return has its outcome now (recorded while this page was open), so its "
            "offer and the child's answer stay as they are."
        )
    return NotSaved(why, typed_words(*forms))


def _change(
    episode_id: int, form_name: str, form: FlaskForm, apply: Callable[[Episode, FlaskForm], str]
) -> tuple[str, int] | Response:
    """Validate, apply and commit one change; on bad input show the form again, as typed."""
    episode = access.get_episode(current_user, episode_id)
    access.require_change(current_user, episode)
    if episode.returned_at is None:
        flash("This child has not been reported as returned yet.", "error")
        return redirect(url_for("episodes.show", episode_id=episode.id))
    if not form.validate_on_submit():
        return _render_page(episode, 422, **{form_name: form})
    try:
        message = apply(episode, form)
    except service.OutcomeError as error:
        # Said next to its field, with everything typed kept (the form as posted).
        db.session.rollback()
        getattr(form, error.field).errors = [str(error)]
        return _render_page(access.get_episode(current_user, episode_id), 422, **{form_name: form})
    except LockedError:
        db.session.rollback()
        # Finished or given its outcome while this page was open: nothing changes, and what
        # was typed comes back quoted, to copy where it now belongs.
        return _render_page(episode, 409, not_saved=locked_notice(episode, form))
    db.session.commit()
    if request.htmx:
        return _render_page(episode, done=message)
    flash(message, "success")
    return redirect(url_for("episodes.show", episode_id=episode.id) + "#interview")


@bp.route("/episodes/<int:episode_id>/attempts", methods=["POST"])
@login_required
def add_attempt(episode_id: int) -> tuple[str, int] | Response:
    def apply(episode: Episode, form: FlaskForm) -> str:
        # As the offer's: an attempt before the child was back reads as one made while they
        # were missing, and a "not reached" standing on it (and the return's time) would too.
        service.not_before_return(episode, from_local(form.attempted_at.data), "attempted_at")
        service.record_attempt(
            episode,
            current_user,
            at=from_local(form.attempted_at.data),
            method=form.method.data,
            outcome=form.outcome.data,
            note=form.note.data,
        )
        # Saved as written; a suggestion's placeholder left in it is named (issue 14 item 1).
        return saved_and_left("Contact attempt saved.", (form.note.data, "the note"))

    return _change(episode_id, "attempt_form", ContactAttemptForm(), apply)


@bp.route("/episodes/<int:episode_id>/offer", methods=["POST"])
@login_required
def offer(episode_id: int) -> tuple[str, int] | Response:
    def apply(episode: Episode, form: FlaskForm) -> str:
        service.not_before_return(episode, from_local(form.offered_at.data), "offered_at")
        service.record_offer(
            episode, current_user, at=from_local(form.offered_at.data), method=form.method.data
        )
        return "Offer saved."

    return _change(episode_id, "offer_form", OfferForm(), apply)


@bp.route("/episodes/<int:episode_id>/accept", methods=["POST"])
@login_required
def accept(episode_id: int) -> tuple[str, int] | Response:
    def apply(episode: Episode, form: FlaskForm) -> str:
        service.not_before_return(episode, from_local(form.accepted_at.data), "accepted_at")
        service.record_accept(episode, current_user, at=from_local(form.accepted_at.data))
        return "Saved: the child would like an interview."

    return _change(episode_id, "accept_form", AcceptForm(), apply)


@bp.route("/episodes/<int:episode_id>/decline", methods=["POST"])
@login_required
def decline(episode_id: int) -> tuple[str, int] | Response:
    def apply(episode: Episode, form: FlaskForm) -> str:
        service.not_before_return(episode, from_local(form.declined_at.data), "declined_at")
        service.record_decline(
            episode,
            current_user,
            at=from_local(form.declined_at.data),
            reason=form.reason.data.strip(),
            offer_again=form.offer_again.data == "yes",
            carer_information=bool(form.carer_information.data),
            carer_said=form.carer_said.data,
        )
        # Saved as written; a suggestion's placeholder left in either box is named.
        said = form.carer_said.data if form.carer_information.data else None
        return saved_and_left(
            declined_message(episode),
            (form.reason.data, "what the child said"),
            (said, "what the carer said"),
        )

    return _change(episode_id, "decline_form", DeclineForm(), apply)


@bp.route("/episodes/<int:episode_id>/join", methods=["POST"])
@login_required
def join(episode_id: int) -> Response:
    """This return joins the child's interview still to be held (one conversation about both
    times away), the one the page offered (`interview`): not another, if that one was held,
    closed or joined by a tenth return while the page was open."""
    episode = access.get_episode(current_user, episode_id)
    access.require_change(current_user, episode, starting=True)
    # The interview's row first, as allocating its returns takes it (no deadlock), then this
    # return's (an offer at once), then read afresh: held, joined or moved meanwhile.
    offered = service.interview_to_join(episode)
    if offered is not None:
        service.lock_interview(offered)
    service.lock_for_interview(episode)  # two presses, or a press and an offer, at once
    interview = service.interview_to_join(episode)
    if offered is not None and interview is not offered:
        interview = None
    if interview is None or interview.uuid != request.form.get("interview"):
        # On the trail too: the page's interview, or a made-up one, was not joined.
        audit.record(
            "interview.cover",
            object_type="episode",
            object_id=episode.id,
            child_id=episode.child_id,
            outcome="refused",
            detail="not an interview this return may join now",
        )
        db.session.commit()
        flash(
            "Nothing was changed: that interview can no longer cover this return (it was held "
            "or closed, or this return got an interview of its own, while the page was open). "
            "What this return has now is below.",
            "error",
        )
        return redirect(url_for("episodes.show", episode_id=episode.id) + "#interview")
    access.require_interview_change(current_user, interview)
    first = first_return(interview.episodes)
    moved_to = service.join_interview(episode, interview, current_user)
    db.session.commit()
    flash(
        f"Saved: the interview for {episode.child.display_name}'s return on "
        f"{format_datetime(first)} now covers this return too. Talk about both times away "
        "in it."
        + (f" This return is now with {moved_to}, who holds the interview." if moved_to else ""),
        "success",
    )
    return redirect(url_for("episodes.show", episode_id=episode.id) + "#interview")


def declined_message(episode: Episode) -> str:
    """What the worker is told after a "no": when the offer is made again, and who was told."""
    interview = episode.interview
    assert interview is not None
    if interview.reoffer_at is not None:
        message = (
            "Saved: the child does not want an interview now. The offer stays open: offer "
            f"again from {to_local(interview.reoffer_at):%d/%m/%Y}."
        )
    else:
        message = "Saved: the child does not want an interview, and asked not to be offered again."
    if episode.child.social_worker is not None:
        message += f" {episode.child.social_worker.name} (social worker) has been told."
    return message


@bp.route("/episodes/<int:episode_id>/outcome", methods=["POST"])
@login_required
def outcome(episode_id: int) -> tuple[str, int] | Response:
    """End the return without an interview: the child said no, not reached after attempts, or
    a recorded decision not to interview. A refusal is said next to the field it concerns."""
    form = OutcomeForm()

    def apply(episode: Episode, form: FlaskForm) -> str:
        # An outcome reached before the child was back would close the return before it began.
        service.not_before_return(episode, from_local(form.outcome_at.data), "outcome_at")
        service.record_outcome(
            episode,
            current_user,
            outcome=form.outcome.data,
            at=from_local(form.outcome_at.data),
            reason=form.reason.data.strip(),
            decided_by=(form.decided_by.data or "").strip() or None,
        )
        saved = f"Outcome saved: {CLOSING_OUTCOMES[form.outcome.data].lower()}."
        # Saved as written; a suggestion's placeholder left in the reason is named.
        return saved_and_left(saved, (form.reason.data, "the reason"))

    return _change(episode_id, "outcome_form", form, apply)


# Missing and found notifications -------------------------------------------------------------

NOTIFICATION_PAGE = "episodes/notification.html"
RETURN_PAGE = "episodes/return.html"
ALLOCATE_PAGE = "episodes/allocate.html"


def _local(value: Any) -> Any:
    """A stored UTC time as the naive local time a form shows."""
    return to_local(value).replace(tzinfo=None) if value is not None else None


class _AsShown:
    """An episode as a correction form shows it: the values given (times in local time, the
    form's own codes), and any other field as the episode holds it. For `obj=`: WTForms reads an
    object's attribute before a value given by name, so times given by name beside the episode
    were not used (a probe: summer times showed in UTC, and saving moved them an hour earlier;
    "Reported to the police?" showed no answer)."""

    def __init__(self, episode: Episode, **shown: Any) -> None:
        self._episode = episode
        self._shown = shown

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return self._shown[name] if name in self._shown else getattr(self._episode, name)


def _utc(value: Any) -> Any:
    return from_local(value) if value is not None else None


def _go(url: str) -> Response:
    """After a change: a redirect, or for htmx a full page load of the new address."""
    if request.htmx:
        response = Response("", 200)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url)


def _render(page: str, block: str, status: int, **ctx: Any) -> tuple[str, int]:
    if request.htmx:
        return render_block(page, block, **ctx), status
    return render_template(page, **ctx), status


def _notification_form(episode: Episode | None = None, **kwargs: Any) -> NotificationForm:
    form = NotificationForm(risk_grades=current_app.config["RHI_RISK_GRADES"], **kwargs)
    if episode is not None and episode.returned_at is not None:
        # Correcting a time away with its return: both times on one form, moved together.
        form.came_back_at.label.text = "Came back at"
        form.came_back_at.description = "Corrected here with the missing time, if both moved."
        form.came_back_how.label.text = "How they came back"
        form.how_required = False
    return form


def _notification(form: NotificationForm) -> notifications.Notification:
    police = form.reported_to_police.data
    return notifications.Notification(
        started_at=from_local(form.started_at.data),
        reported_at=_utc(form.reported_at.data),
        reported_by=form.reported_by.data,
        reported_to_police={"yes": True, "no": False}.get(police),
        police_reference=references.tidy(form.police_reference.data or "") or None,
        missing_from=form.missing_from.data.strip(),
        risk_grade=form.risk_grade.data,
        dfe_type=form.dfe_type.data,
    )


@bp.route("/children/<int:child_id>/episodes/new")
@login_required
def new_episode(child_id: int) -> tuple[str, int]:
    child = access.get_child(current_user, child_id)
    access.require_episode_record(current_user, child)
    audit.record("child.view", object_type="child", object_id=child.id, child_id=child.id)
    db.session.commit()
    now_local = to_local(utcnow()).replace(tzinfo=None, second=0, microsecond=0)
    form = _notification_form(formdata=None, started_at=now_local)
    return _render(NOTIFICATION_PAGE, "notification_form", 200, form=form, child=child)


@bp.route("/children/<int:child_id>/episodes/new", methods=["POST"])
@login_required
def create_episode(child_id: int) -> tuple[str, int] | Response:
    child = access.get_child(current_user, child_id)
    access.require_episode_record(current_user, child)
    form = _notification_form()
    valid = form.validate_on_submit()
    if valid:
        # One at a time with every other notification, typed or imported: read what rhi holds
        # only after the others are written (two at once each read "not in rhi" and each made
        # an episode: one time away counted twice).
        imports_apply.serialise()
    back = _utc(form.came_back_at.data) if valid else None
    if (
        not valid
        or _reference_taken(form, None)
        or (_overlaps(form, child, None, back=back) if back else _missing_already(form, child))
    ):
        db.session.rollback()  # the turn taken ends here: nothing was written
        return _render(NOTIFICATION_PAGE, "notification_form", 422, form=form, child=child)
    episode = notifications.record_missing(child, current_user, _notification(form))
    if back is not None:
        # Told of after it ended: recorded with its return, its clock running from then.
        found = _found_as_kept(episode, back, form.came_back_how.data)
        notifications.record_return(
            episode, current_user, found, current_app.config["RHI_DEADLINE_HOURS"]
        )
        said = f"Recorded: {child.display_name}'s time away, and their return."
    else:
        said = f"Recorded: {child.display_name} is missing."
    db.session.commit()
    flash(f"{said} The episode waits to be allocated.", "success")
    return _go(url_for("episodes.show", episode_id=episode.id))


def _missing_already(form: NotificationForm, child: Child) -> bool:
    """The child is recorded as missing and not yet back: a second episode would be the same
    time away counted twice (two returns to allocate, a repeat count one too high), with no way
    to take it back. Said by the missing time's box, naming the episode to correct instead."""
    open_one = _latest_of(child, Episode.returned_at.is_(None))
    if open_one is None:
        return _overlaps(form, child, None)
    # In the words the overlap rule has for a time away not yet back (one home for them).
    clash = overlaps.Clash(overlaps.OPEN_BEFORE, open_one, None)
    form.started_at.errors = [overlaps.said_on_a_form(clash, child.display_name)]
    return True


def _latest_of(child: Child, *where: ColumnElement[bool]) -> Episode | None:
    """The child's latest episode the user may see that is as `where` says (never another
    team's, unseen: the box names it)."""
    return db.session.scalar(
        select(Episode)
        .where(Episode.child_id == child.id, access.episode_filter(current_user), *where)
        .order_by(Episode.started_at.desc())
        .limit(1)
    )


def _times_away(child: Child, since: datetime, episode: Episode | None) -> list[Episode]:
    """The child's other times away (not `episode`, the one being changed) a span from `since`
    may meet, among those the user may see (never another team's, unseen: the box names it)."""
    query = overlaps.times_away_since(
        [child.id],
        since,
        access.episode_filter(current_user),
        besides=episode.id if episode is not None else None,
    )
    return list(db.session.scalars(query))


def _overlaps(
    form: NotificationForm,
    child: Child,
    episode: Episode | None,
    *,
    back: datetime | None = None,
) -> bool:
    """The missing time would count one time away twice (rhi/episodes/overlaps.py): it falls
    inside another of the child's with its return, the span to `episode`'s return (a
    correction) holds another's start, or, not yet back, it began before a time away the child
    is recorded back from since. Said by the missing time's box, naming the other episode, as
    `_missing_already` says of one not yet back. A correction is checked only when its missing
    time moves: a grade corrected on an episode already overlapping another is no new harm."""
    started = from_local(form.started_at.data)
    if episode is not None:
        # A correction may move its return with its start (`back`): both checked together, as
        # one span (moved one at a time, each step met the other time away: a review).
        back = back or episode.returned_at
        if started == episode.started_at and back == episode.returned_at:
            return False
    clash = overlaps.find(
        started,
        back,
        _times_away(child, started, episode),
        lambda e: e.returned_at,
        # A new one (back or not: one already back, told of late, cannot begin while the
        # child is recorded missing since before it); a correction: see `overlaps.find`.
        still_missing=episode is None,
    )
    if clash is None:
        return False
    can_say_back = episode is None or episode.returned_at is not None  # the form has the box
    form.started_at.errors = [
        overlaps.said_on_a_form(clash, child.display_name, back_box=can_say_back)
    ]
    return True


def _reference_taken(form: NotificationForm, episode: Episode | None) -> bool:
    """The police reference typed is another episode's (in any case): said by the box. Each
    missing episode has its own; a second one made every later import of it refused, with no
    way out (imports meet a reference on one episode only)."""
    reference = (form.police_reference.data or "").strip()
    if not reference:
        return False
    found = db.session.scalar(
        select(Episode.id).where(
            references.matches(Episode.police_reference, [reference]),
            Episode.id != (episode.id if episode is not None else 0),
        )
    )
    if found is not None:
        form.police_reference.errors = [
            "rhi already holds another episode with this police reference. Check it: each time "
            "a child goes missing, the police give a new one."
        ]
        return True
    if episode is not None:
        held = episode.police_reference  # as stored: the form has not been applied to it
        if held and references.key(held) == references.key(reference):
            return False  # its own reference, kept as it is
    # A police notification with it waits for a person to say which child it is: recording it
    # here too would leave that decision with nothing to do, and its found time thrown away.
    waiting = db.session.scalar(
        select(WaitingRow.id).where(
            references.matches(WaitingRow.police_reference, [reference]),
            WaitingRow.resolved_at.is_(None),
        )
    )
    if waiting is None:
        return False
    form.police_reference.errors = [
        "A police notification with this reference is waiting for someone to confirm which "
        "child it is (Import, then the notifications waiting for a person). Decide there: it "
        "holds the police's details."
    ]
    return True


def _editable(episode_id: int) -> Episode:
    episode = access.get_episode(current_user, episode_id)
    access.require_notification_change(current_user, episode)
    return episode


@bp.route("/episodes/<int:episode_id>/notification")
@login_required
def edit_notification(episode_id: int) -> tuple[str, int]:
    episode = _editable(episode_id)
    audit.record(
        "episode.view", object_type="episode", object_id=episode.id, child_id=episode.child_id
    )
    db.session.commit()
    reporter = (episode.reported_by or "").lower()  # older rows hold "Carer"
    police = {True: "yes", False: "no"}.get(episode.reported_to_police, "not_known")  # type: ignore
    form = _notification_form(
        episode,
        formdata=None,
        obj=_AsShown(
            episode,
            started_at=_local(episode.started_at),
            reported_at=_local(episode.reported_at),
            reported_by=reporter if reporter in REPORTERS else None,
            reported_to_police=police,
            came_back_at=_local(episode.returned_at),
            came_back_how=episode.return_method,
        ),
    )
    return _render(
        NOTIFICATION_PAGE,
        "notification_form",
        200,
        form=form,
        child=episode.child,
        episode=episode,
    )


@bp.route("/episodes/<int:episode_id>/notification", methods=["POST"])
@login_required
def update_notification(episode_id: int) -> tuple[str, int] | Response:
    episode = _editable(episode_id)
    form = _notification_form(episode)
    ctx = {"form": form, "child": episode.child, "episode": episode}
    valid = form.validate_on_submit()
    if valid:
        imports_apply.serialise()  # as create_episode: after any other notification is written
        db.session.refresh(episode)  # as an import may have left it meanwhile
    # The return, for an episode that has one, is corrected here too (its box is on this form
    # only then): the two times move together.
    back = _utc(form.came_back_at.data) if valid and episode.returned_at is not None else None
    if (
        not valid
        or _reference_taken(form, episode)
        or _overlaps(form, episode.child, episode, back=back)
    ):
        db.session.rollback()  # the turn taken ends here: nothing was written
        return _render(NOTIFICATION_PAGE, "notification_form", 422, **ctx)
    notification = _notification(form)
    returned = back or episode.returned_at
    if returned is not None and returned < notification.started_at:
        form.started_at.errors = [
            "This is after the child came back "
            f"({_local(returned):%d/%m/%Y %H:%M}). Check the date and time."
        ]
        db.session.rollback()
        return _render(NOTIFICATION_PAGE, "notification_form", 422, **ctx)
    changed = notifications.update_missing(episode, current_user, notification)
    if form.legal_status.data and episode.returned_at is not None:  # missing now: the child's
        changed += notifications.correct_legal_status(episode, current_user, form.legal_status.data)
    how = form.came_back_how.data or episode.return_method  # None kept where none was given
    if back is not None and (back != episode.returned_at or how != episode.return_method):
        try:
            changed += notifications.record_return(
                episode,
                current_user,
                _found_as_kept(episode, back, how),
                current_app.config["RHI_DEADLINE_HOURS"],
            )
        except notifications.ReturnAfterItsInterview as exc:
            db.session.rollback()
            form.came_back_at.errors = [*form.came_back_at.errors, str(exc)]
            return _render(NOTIFICATION_PAGE, "notification_form", 422, **ctx)
    db.session.commit()
    flash("Saved the changes." if changed else "Nothing was changed.", "success")
    return _go(url_for("episodes.show", episode_id=episode.id))


def _found_as_kept(episode: Episode, back: datetime, how: str | None) -> notifications.Found:
    """The episode's return as it is kept, with its time and how they came back as given."""
    return notifications.Found(
        returned_at=back,
        found_where=episode.found_where,
        found_by=episode.found_by,
        return_method=how,
        safe_and_well_by=episode.safe_and_well_by,
        safe_and_well_at=episode.safe_and_well_at,
        safe_and_well_notes=episode.safe_and_well_notes,
        safe_and_well_new=episode.safe_and_well_new,
    )


def _return_form(episode: Episode, **kwargs: Any) -> ReturnForm:
    return ReturnForm(started_at=_local(episode.started_at), **kwargs)


@bp.route("/episodes/<int:episode_id>/return")
@login_required
def edit_return(episode_id: int) -> tuple[str, int]:
    episode = _editable(episode_id)
    audit.record(
        "episode.view", object_type="episode", object_id=episode.id, child_id=episode.child_id
    )
    db.session.commit()
    if episode.returned_at is None:
        now_local = to_local(utcnow()).replace(tzinfo=None, second=0, microsecond=0)
        form = _return_form(episode, formdata=None, returned_at=now_local)
    else:
        form = _return_form(
            episode,
            formdata=None,
            obj=_AsShown(
                episode,
                returned_at=_local(episode.returned_at),
                safe_and_well_at=_local(episode.safe_and_well_at),
            ),
        )
    return _return_page(form, episode, 200)


def _return_page(form: FlaskForm, episode: Episode, status: int) -> tuple[str, int]:
    """The return's form, with the deadline this return has (its interview's, or the setting
    now for one not made yet)."""
    given = notifications.deadline_of(episode, current_app.config["RHI_DEADLINE_HOURS"])
    return _render(
        RETURN_PAGE,
        "return_form",
        status,
        form=form,
        child=episode.child,
        episode=episode,
        deadline=given,
    )


@bp.route("/episodes/<int:episode_id>/return", methods=["POST"])
@login_required
def record_return(episode_id: int) -> tuple[str, int] | Response:
    episode = _editable(episode_id)
    form = _return_form(episode)
    if not form.validate_on_submit():
        return _return_page(form, episode, 422)
    # As the notification forms: after any other notification is written, so the times away
    # it is checked against (`others` below) are those rhi holds now.
    imports_apply.serialise()
    db.session.refresh(episode)

    def text(value: str | None) -> str | None:
        return (value or "").strip() or None

    first = episode.returned_at is None
    found = notifications.Found(
        returned_at=from_local(form.returned_at.data),
        found_where=text(form.found_where.data),
        found_by=text(form.found_by.data),
        return_method=form.return_method.data,
        safe_and_well_by=text(form.safe_and_well_by.data),
        safe_and_well_at=_utc(form.safe_and_well_at.data),
        safe_and_well_notes=text(form.safe_and_well_notes.data),
        safe_and_well_new=text(form.safe_and_well_new.data),
    )
    try:
        changed = notifications.record_return(
            episode,
            current_user,
            found,
            current_app.config["RHI_DEADLINE_HOURS"],
            # The times away a return may not make this one hold (a probe: a return typed
            # here made one episode wholly hold another, which the import refuses).
            others=_times_away(episode.child, episode.started_at, episode),
        )
    except (notifications.ReturnAfterItsInterview, notifications.TimesOverlap) as exc:
        db.session.rollback()  # the turn taken ends here: nothing was written
        form.returned_at.errors = [*form.returned_at.errors, str(exc)]
        return _return_page(form, episode, 422)
    db.session.commit()
    if first:
        assert episode.returned_at is not None
        given = notifications.deadline_of(episode, current_app.config["RHI_DEADLINE_HOURS"])
        due = episode.returned_at + timedelta(minutes=given.longest)
        clock = deadlines.Clock(due=due, now=utcnow())
        # Said as the Returns card says it: a return recorded late is already overdue.
        message = (
            f"Recorded: {episode.child.display_name} is back. The interview should happen "
            f"{given.within_of('their return')}: "
            + ("it is already overdue." if clock.overdue else f"{clock.phrase}.")
        )
        if not episode.allocated:
            message += " Allocate the return to a worker or a team."
    else:
        message = "Saved the changes." if changed else "Nothing was changed."
    flash(message, "success")
    return _go(url_for("episodes.show", episode_id=episode.id))


# Allocation ----------------------------------------------------------------------------------


def _targets(user: User) -> tuple[list[User], list[Team], list[tuple[str, str]]]:
    """Who a return may be allocated to by `user`: their team's workers, their team, and other
    teams with workers; as radio choices."""
    assert user.team_id is not None
    workers = allocation.team_workers(user.team_id)
    # Their own team only if it has workers: a return held by a team with none (a social work
    # team's manager recording a return) would be seen by no interviewer while its clock ran.
    own = db.session.get(Team, user.team_id) if workers else None
    teams = [t for t in (own, *allocation.other_teams(user.team_id)) if t is not None]
    choices = [(f"worker:{w.id}", w.name) for w in workers]
    choices += [(f"team:{t.id}", f"{t.name} (the whole team)") for t in teams]
    return workers, teams, choices


def _render_allocate(
    episode: Episode, form: AllocateForm, workers: list[User], teams: list[Team], status: int
) -> tuple[str, int]:
    now = utcnow()
    loads = allocation.workloads(workers, current_app.config["RHI_DEADLINE_HOURS"])
    together = allocation.moving_with(episode)
    return _render(
        ALLOCATE_PAGE,
        "allocate_form",
        status,
        form=form,
        episode=episode,
        child=episode.child,
        loads=loads,
        teams=teams,
        now=now,
        # The returns sharing its interview are said once, as moving with it, not as others.
        others=[o for o in _other_open_returns(episode) if o not in together],
        together=together,
    )


def _other_open_returns(episode: Episode) -> list[Episode]:
    """The child's other returns still open (back, no outcome yet), or still missing, that the
    person may see, soonest first: so returns of one child can go to one worker, who may talk
    about both times away in one interview (an intake probe: nothing on the page said the child
    had two other returns waiting, held by another team)."""
    return list(
        db.session.scalars(
            select(Episode)
            .where(
                Episode.child_id == episode.child_id,
                Episode.id != episode.id,
                or_(is_open(Episode), Episode.returned_at.is_(None)),
                access.episode_filter(current_user),
            )
            .options(selectinload(Episode.assigned_worker), selectinload(Episode.assigned_team))
            .order_by(Episode.started_at)
            .limit(10)
        )
    )


@bp.route("/episodes/<int:episode_id>/allocate")
@login_required
def allocate_form(episode_id: int) -> tuple[str, int]:
    episode = access.get_episode(current_user, episode_id)
    access.require_allocation(current_user, episode)
    audit.record(
        "episode.view",
        object_type="episode",
        object_id=episode.id,
        child_id=episode.child_id,
        detail="allocation",
    )
    db.session.commit()
    workers, teams, choices = _targets(current_user)
    form = AllocateForm(formdata=None, targets=choices)
    closed = allocation.closed_to_moves(episode)
    if closed is not None:  # reached by its address: said before anything is chosen
        form.to.errors = [closed]
    return _render_allocate(episode, form, workers, teams, 200)


@bp.route("/episodes/<int:episode_id>/allocate", methods=["POST"])
@login_required
def allocate(episode_id: int) -> tuple[str, int] | Response:
    episode = access.get_episode(current_user, episode_id)
    access.require_allocation(current_user, episode)
    workers, teams, choices = _targets(current_user)
    form = AllocateForm(targets=choices)
    if not form.validate_on_submit():
        return _render_allocate(episode, form, workers, teams, 422)
    kind, _, raw_id = form.to.data.partition(":")
    worker = next((w for w in workers if kind == "worker" and str(w.id) == raw_id), None)
    team = next((t for t in teams if kind == "team" and str(t.id) == raw_id), None)
    allocation.lock_interview_of(episode)
    together = allocation.moving_with(episode)
    # A return moving with this one is theirs to move too: one joined before joined returns
    # went to one holder may still be another team's (a review: moving their own return took
    # another team's with it, and the interview).
    theirs = [o for o in together if not access.can_allocate(current_user, o)]
    if theirs:
        form.to.errors = [
            f"This return shares its interview with the return on "
            f"{format_datetime(theirs[0].returned_at)}, held by {theirs[0].holder_name}: they "
            "move together, and that one is not yours to move. Ask its manager."
        ]
        return _render_allocate(episode, form, workers, teams, 422)
    try:
        made = allocation.allocate(
            episode, current_user, worker=worker, team=team, reason=form.reason.data
        )
    except allocation.AllocationError as error:
        db.session.rollback()
        field = form.reason if "Write why" in str(error) else form.to
        field.errors = [str(error)]
        return _render_allocate(episode, form, workers, teams, 422)
    db.session.commit()
    moved_too = [format_datetime(o.returned_at) for o in together if o.returned_at is not None]
    also = ""
    if len(moved_too) == 1:
        also = f" So is the return on {moved_too[0]}: one interview covers both."
    elif moved_too:
        also = (
            f" So are the returns on {', '.join(moved_too[:-1])} and {moved_too[-1]}: one "
            "interview covers them all."
        )
    flash(f"{episode.child.display_name}'s return is now with {made.to_name}.{also}", "success")
    # Given to another team, the return may no longer be this person's to open.
    still_seen = db.session.scalar(
        select(Episode.id).where(Episode.id == episode.id, access.episode_filter(current_user))
    )
    if still_seen is None:
        return _go(url_for("episodes.returns"))
    return _go(url_for("episodes.show", episode_id=episode.id))


def notice_child_name(child: Child, user: User) -> str:
    """The child's name in a notice: in full for a worker who holds the return, "Maya K." for
    one it was moved away from (enough to know whose it was)."""
    seen = db.session.scalar(
        select(Child.id).where(Child.id == child.id, access.child_filter(user))
    )
    if seen is not None:
        return child.display_name
    first = child.preferred_name or child.first_name
    return f"{first} {child.last_name[:1]}." if child.last_name else first


@bp.app_context_processor
def _notice_helpers() -> dict[str, Any]:
    return {
        "notice_child_name": notice_child_name,
        "offer_declined_notices": offer_declined_notices,
        "may_start": service.may_start,
        # A time before the child came back, in the server's words, for the tablet's episode
        # page (rhi/static/js/shell-episode.js): "{returned}" is filled in there.
        "before_return_words": service.BEFORE_RETURN,
    }


@bp.app_template_filter("outcome_label")
def _outcome_label(value: str | None) -> str:
    return outcome_label(value)


@bp.app_template_filter("delay_reason")
def _delay_reason(value: str | None) -> str:
    return DELAY_REASONS.get(value or "", value or "Not recorded")


@bp.app_template_filter("reporter")
def _reporter(value: str | None) -> str:
    return reporter_label(value)


@bp.app_template_filter("return_method")
def _return_method(value: str | None) -> str:
    return RETURN_METHODS.get(value or "", value or "Not recorded")
