"""The social worker's inbox, reading and acknowledging a summary, their questions and the worker's
answers, and per-recipient copies with the record of where each copy went.

Who may do what: rhi.access for the person a summary was prepared for and for the interview;
rhi.summaries.rules for the interviewer's side (built from rhi.access's functions).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from rhi import access, audit, numbers, paging
from rhi.actions import tracking as tracking_of_actions
from rhi.extensions import db
from rhi.forms.fields import CLOCK_SKEW, NotSaved, field_errors, typed_words
from rhi.forms.summaries import AcknowledgeForm, AnswerForm, QuestionForm, SendingForm
from rhi.interviews import decisions, private_mentions
from rhi.interviews.content import RECIPIENTS
from rhi.models import (
    Episode,
    FollowedAction,
    Interview,
    Summary,
    SummaryQuestion,
    SummarySending,
    User,
)
from rhi.models.base import utcnow
from rhi.summaries import (
    current_copy,
    headings,
    preparing,
    rules,
    sent_before,
    tracking,
    what_the_child_said,
)
from rhi.summaries.service import (
    allocated_reader,
    duty_inbox,
    possible_readers,
    recipient_label,
    render_for,
    sendable_before_finishing,
    summaries_of,
)
from rhi.timefmt import format_datetime, from_local, to_local

bp = Blueprint("summaries", __name__)
bp.add_app_template_global(current_copy.current_copy, "current_copy")
bp.add_app_template_global(current_copy.newer_copy, "newer_copy")

COPIES_PARTIAL = "summaries/_copies.html"


# The inbox shows 50 summaries a page, the unread first: a social worker's summaries grow with
# every year of their children's interviews, and the page loaded them all (issue 16 item 1).
INBOX_PER_PAGE = 50


def _inbox_query(user: User) -> Select[tuple[Summary]]:
    # A withdrawn summary is not to be read: its newer one is in the inbox instead.
    return select(Summary).where(access.summary_filter(user), Summary.withdrawn_at.is_(None))


@dataclass(frozen=True)
class Standing:
    """Where a summary in the inbox stands among the copies of its interview its reader may
    read (current_copy.newer_copy, the rule the worker's "Not the current copy" uses):
    replaced by `newer`, or replacing `replaces` (newest first). A probe found two rows alike
    but for the time sent, and the older copy taken for the one to read."""

    newer: Summary | None = None
    replaces: tuple[Summary, ...] = ()


def _standing(user: User, summaries: list[Summary]) -> dict[int, Standing]:
    """For each of `summaries` (a page of the inbox), its `Standing`, among every copy of its
    interview in `user`'s inbox, on this page or not: never a copy that is not theirs."""
    ids = {s.interview_id for s in summaries}
    theirs: dict[int, list[Summary]] = {}
    for s in db.session.scalars(_inbox_query(user).where(Summary.interview_id.in_(ids))):
        theirs.setdefault(s.interview_id, []).append(s)
    standing: dict[int, Standing] = {}
    for s in summaries:
        copies = theirs.get(s.interview_id, [s])
        replaced = [o for o in copies if current_copy.newer_copy(o, copies) is s]
        standing[s.id] = Standing(
            newer=current_copy.newer_copy(s, copies),
            replaces=tuple(sorted(replaced, key=lambda o: o.id, reverse=True)),
        )
    return standing


@bp.route("/inbox")
@login_required
def inbox() -> str:
    if not access.has_inbox(current_user):
        abort(403)
    held = _inbox_query(current_user).subquery()
    total, unread = db.session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((held.c.acknowledged_at.is_(None), 1), else_=0)), 0),
        ).select_from(held)
    ).one()
    pages = paging.pages(
        numbers.page_number(request.args.get("page")),
        int(total),
        INBOX_PER_PAGE,
        lambda n: url_for("summaries.inbox", page=n),
    )
    summaries = list(
        db.session.scalars(
            _inbox_query(current_user)
            .options(
                selectinload(Summary.interview)
                .selectinload(Interview.episodes)
                .selectinload(Episode.child),
                selectinload(Summary.questions),
            )
            .order_by(
                Summary.acknowledged_at.is_not(None), Summary.created_at.desc(), Summary.id.desc()
            )
            .limit(INBOX_PER_PAGE)
            .offset((pages.number - 1) * INBOX_PER_PAGE)
        )
    )
    audit.record(
        "summaries.list", object_type="summary", object_id="list", detail=f"{len(summaries)} shown"
    )
    html = render_template(
        "summaries/inbox.html",
        summaries=summaries,
        total=int(total),
        unread=int(unread),
        pages=pages,
        pdf_states=preparing.states_of([s.id for s in summaries]),
        standing=_standing(current_user, summaries),
    )
    db.session.commit()  # after drawing it: a commit expires what the page reads
    return html


# --- One summary: reading, opening, "I have read this", questions -------------------------------


NOT_OPENED = (
    "Please open the summary first, with the button above. Once you have opened it, you can "
    "say you have read it."
)
ALREADY_READ = (
    "You had already said you have read this summary (in another tab or on another device), "
    "so this was not sent again."
)
# A withdrawn summary no longer opens for its reader (`pdf`), so it is neither said to be read
# nor asked about: its newer summary is (a probe: its page still offered both).
WITHDRAWN_NOT_READ = (
    "This summary was withdrawn, so it is not marked as read. Read the newer summary, and say "
    "you have read that one."
)
WITHDRAWN_NOT_ASKED = (
    "This summary was withdrawn, so questions are asked about the newer summary: ask it there."
)
# The id of "I have read this summary" (summaries/show.html): the error summary links to it
# when it is refused because the summary has not been opened.
ACKNOWLEDGE_BUTTON = "acknowledge"


def _page_boxes() -> tuple[AcknowledgeForm, QuestionForm]:
    """Every box of the summary's page, as sent. The page is one form with a button for each
    action (summaries/show.html), so whichever button was pressed, what was typed in every box
    came with it: a page sent back, or drawn after the other action was done, shows each box
    as it was typed. Only the form of the button pressed is checked."""
    return AcknowledgeForm(), QuestionForm()


def _holds_anything(form: AcknowledgeForm | QuestionForm) -> bool:
    """Something typed or chosen in the form's boxes (its CSRF token is not)."""
    values = (f.data for f in form if f.name != "csrf_token")
    return any(v.strip() if isinstance(v, str) else v for v in values)


def _newer(summary: Summary, is_recipient: bool) -> Summary | None:
    """The copy that replaces `summary` (current_copy.newer_copy: withdrawn, or made before an
    addendum or a decision a newer one holds), or None: for its reader, only one that is
    theirs to read (it may have gone to another inbox); the interviewer's side sees every
    summary of the interview."""
    query = select(Summary).where(
        Summary.interview_id == summary.interview_id,
        Summary.recipient == summary.recipient,
    )
    if is_recipient:
        query = query.where(access.summary_filter(current_user))
    return current_copy.newer_copy(summary, db.session.scalars(query))


def _what_it_adds(summary: Summary, newer: Summary | None) -> str:
    """What the newer copy holds that `summary` was made without, in words ("the addendum of
    23 Nov 2026 12:00 to \u201cWhile away\u201d"); "" when none is found, or `summary` was
    withdrawn (its page says why instead)."""
    if newer is None or summary.withdrawn_at is not None:
        return ""
    held = sent_before.newer_holds(summary, newer)
    if len(held) < 2:
        return "".join(held)
    return f"{'; '.join(held[:-1])} and {held[-1]}"


def _withdrawn_refusal(
    summary: Summary, action: str, message: str, *forms: AcknowledgeForm | QuestionForm
) -> tuple[str, int]:
    """A withdrawn summary's page again, saying why nothing was saved, with anything typed to
    copy (its page has no boxes any more). Audited as refused."""
    for form in forms:
        form.validate_on_submit()  # read what was sent, to give it back
    audit.record(
        action,
        object_type="summary",
        object_id=summary.id,
        child_id=summary.interview.child_id,
        outcome="refused",
        detail="withdrawn",
    )
    db.session.commit()
    return _show(summary, True, status=410, not_saved=NotSaved(message, typed_words(*forms)))


def _show(
    summary: Summary,
    is_recipient: bool,
    *,
    status: int = 200,
    ack_form: AcknowledgeForm | None = None,
    question_form: QuestionForm | None = None,
    not_opened: bool = False,
    not_saved: NotSaved | None = None,
) -> tuple[str, int]:
    sent = [f for f in (ack_form, question_form) if f is not None]
    errors = field_errors(*sent)
    if not_opened:  # said beside the button, and first at the top, linking to it
        errors.insert(0, (ACKNOWLEDGE_BUTTON, "I have read this summary", [NOT_OPENED]))
    if (
        not_saved is None
        and ack_form is not None
        and summary.acknowledged_at is not None
        and typed_words(ack_form)
    ):
        # Read meanwhile (another tab): the page has no box for the note any more, so it is
        # quoted back to copy rather than dropped.
        not_saved = NotSaved(ALREADY_READ, typed_words(ack_form))
    newer = _newer(summary, is_recipient)
    return render_template(
        "summaries/show.html",
        # A whole page sent back with a form's errors says so at its top (macros/forms.html).
        form_errors=errors,
        not_saved=not_saved,
        summary=summary,
        pdf_state=preparing.state_of(summary.id),
        interview=summary.interview,
        is_recipient=is_recipient,
        newer=newer,
        adds=_what_it_adds(summary, newer),
        ack_form=ack_form or AcknowledgeForm(formdata=None),
        question_form=question_form or QuestionForm(formdata=None),
        not_opened=not_opened,
        not_opened_message=NOT_OPENED,
        acknowledge_button=ACKNOWLEDGE_BUTTON,
    ), status


def _done(
    summary: Summary,
    message: str,
    anchor: str = "",
    *,
    ack_form: AcknowledgeForm | None = None,
    question_form: QuestionForm | None = None,
) -> Response | tuple[str, int]:
    """After one action is done: the page afresh (a redirect), unless the page's other boxes
    hold words, which a redirect would drop: then the page is drawn here with them."""
    flash(message, "success")
    if any(f is not None and _holds_anything(f) for f in (ack_form, question_form)):
        return _show(summary, True, ack_form=ack_form, question_form=question_form)
    return redirect(url_for("summaries.show", summary_id=summary.id) + anchor)


@bp.route("/summaries/<int:summary_id>")
@login_required
def show(summary_id: int) -> tuple[str, int]:
    summary, is_recipient = rules.get_summary_for_reading(current_user, summary_id)
    audit.record(
        "summary.view",
        object_type="summary",
        object_id=summary.id,
        child_id=summary.interview.child_id,
        detail=None if is_recipient else "interviewer's side",
    )
    db.session.commit()
    return _show(summary, is_recipient)


@bp.route("/summaries/<int:summary_id>/pdf")
@login_required
def pdf(summary_id: int) -> Response:
    """The copy kept when the interview was finished. The first time the person it was
    prepared for opens it is recorded: only then may they say they have read it."""
    summary, is_recipient = rules.get_summary_for_reading(current_user, summary_id)
    if summary.withdrawn_at is not None and is_recipient:
        # It holds what its reader may no longer read; the interviewer's side keeps it for
        # the record of what was sent.
        page = render_template("summaries/_withdrawn.html", summary=summary)
        return _not_downloaded(summary, "withdrawn", page, 410)
    state = preparing.state_of(summary.id)
    if state is not preparing.PdfState.READY:
        # Not opened: nothing was there to read. 409 with the words the page shows, never
        # an empty file (the person it was prepared for could not then say they read it).
        page = render_template("summaries/_pdf_state.html", summary=summary, pdf_state=state)
        return _not_downloaded(summary, f"pdf {state.value}", page, 409)
    audit.record(
        "summary.download",
        object_type="summary",
        object_id=summary.id,
        child_id=summary.interview.child_id,
    )
    if _opened_here():
        tracking.record_opening(summary, current_user)
    db.session.commit()
    return _pdf_response(summary.pdf, f"rhi-summary-{summary.id}.pdf")


def _not_downloaded(summary: Summary, why: str, page: str, status: int) -> Response:
    """The file refused, audited, with the words that say why instead."""
    audit.record(
        "summary.download",
        object_type="summary",
        object_id=summary.id,
        child_id=summary.interview.child_id,
        outcome="refused",
        detail=why,
    )
    db.session.commit()
    return Response(page, status=status, mimetype="text/html")


def _opened_here() -> bool:
    """The social worker opened the copy themselves: from rhi's own pages, or typed or
    bookmarked (Sec-Fetch-Site same-origin or none; a browser too old to say is believed). A
    link on another site, which the sign-in cookie (SameSite=Lax) follows, once marked the copy
    opened, and so let "I have read this" be recorded for a copy no one had opened."""
    return request.headers.get("Sec-Fetch-Site", "same-origin") in ("same-origin", "none")


@bp.route("/summaries/<int:summary_id>/pdf-state")
@login_required
def pdf_state(summary_id: int) -> str:
    """The small part of a page that says whether the copy is ready, polled by htmx every 2
    seconds while it is being prepared; checked like the summary's page. A poll that finds it
    still preparing shows nothing of the record and is not written to the audit trail (it
    would be 30 rows a minute per open page); the answer that ends the polling is."""
    summary, is_recipient = rules.get_summary_for_reading(current_user, summary_id)
    if summary.withdrawn_at is not None and is_recipient:
        # It holds what its reader may no longer read; the interviewer's side keeps it for
        # the record of what was sent.
        audit.record(
            "summary.download",
            object_type="summary",
            object_id=summary.id,
            child_id=summary.interview.child_id,
            outcome="refused",
            detail="withdrawn",
        )
        db.session.commit()
        return Response(
            render_template("summaries/_withdrawn.html", summary=summary),
            status=410,
            mimetype="text/html",
        )
    state = preparing.state_of(summary.id)
    if state in (preparing.PdfState.READY, preparing.PdfState.FAILED):
        audit.record(
            "summary.pdf_state",
            object_type="summary",
            object_id=summary.id,
            child_id=summary.interview.child_id,
            detail=state.value,
        )
        db.session.commit()
    return render_template(
        "summaries/_pdf_state.html",
        summary=summary,
        pdf_state=state,
        compact=request.args.get("compact") == "1",
    )


@bp.route("/summaries/<int:summary_id>/acknowledge", methods=["POST"])
@login_required
def acknowledge(summary_id: int) -> Response | tuple[str, int]:
    summary = rules.get_summary_as_recipient(current_user, summary_id)
    form, question_form = _page_boxes()
    if summary.withdrawn_at is not None:
        return _withdrawn_refusal(
            summary, "summary.acknowledge", WITHDRAWN_NOT_READ, form, question_form
        )
    if summary.acknowledged_at is not None:
        form.validate_on_submit()  # read what was sent, to give a note typed back
        if typed_words(form):
            # Said in another tab meanwhile: this note is not added; quoted back, to copy.
            notice = NotSaved(ALREADY_READ, typed_words(form))
            return _show(summary, True, status=409, question_form=question_form, not_saved=notice)
        return _done(
            summary,
            "You have already said you have read this summary.",
            question_form=question_form,
        )
    if summary.opened_at is None:
        tracking.refuse_unopened(summary, current_user)
        db.session.commit()
        return _show(
            summary, True, status=409, ack_form=form, question_form=question_form, not_opened=True
        )
    if not form.validate_on_submit():
        return _show(summary, True, status=422, ack_form=form, question_form=question_form)
    done = tracking.acknowledge(
        summary,
        current_user,
        next_step=form.next_step.data,
        note=(form.note.data or "").strip(),
    )
    message = "Thank you: the interviewer can see you have read it, and what happens next."
    newer = _newer(summary, True)
    if newer is not None and newer.acknowledged_at is None:
        # Read, and kept as read; but the copy to read is the newer one (a probe: an older copy
        # said to be read, and the newer one, with an addendum, taken for the same).
        message = (
            "Thank you: the interviewer can see you have read this older copy, and what happens "
            "next. A newer summary replaces it: read that one too, and say you have read it."
        )
    if done is not None and done.meeting is not None:
        message = f"{message} {_meeting_words(summary, done.meeting, done.meeting_made)}"
    db.session.commit()
    return _done(summary, message, question_form=question_form)


def _meeting_words(summary: Summary, meeting: FollowedAction, made: bool) -> str:
    """What became of the strategy meeting "what happens next" asked for."""
    name = summary.interview.child.display_name
    if made:
        return f"A strategy meeting is asked for {name}: it is followed on the Actions page."
    asked = format_datetime(meeting.created_at)
    return (
        f"A strategy meeting for {name} was already asked for ({asked}) and is not yet held, "
        "so it was not asked for again."
    )


@bp.route("/summaries/<int:summary_id>/questions", methods=["POST"])
@login_required
def ask(summary_id: int) -> Response | tuple[str, int]:
    summary = rules.get_summary_as_recipient(current_user, summary_id)
    ack_form, form = _page_boxes()
    if summary.withdrawn_at is not None:
        return _withdrawn_refusal(summary, "summary.question", WITHDRAWN_NOT_ASKED, ack_form, form)
    if not form.validate_on_submit():
        return _show(summary, True, status=422, ack_form=ack_form, question_form=form)
    _question, made = tracking.ask(summary, current_user, form.question.data.strip())
    db.session.commit()
    return _done(
        summary,
        "Your question is sent. The answer will appear here."
        if made
        # Sent twice (a second press, or the browser sent it again): it is asked once.
        else "You had already sent this question: it is waiting for an answer, below.",
        "#questions",
        ack_form=ack_form,
    )


@bp.route("/summaries/<int:summary_id>/questions/<int:question_id>/answer", methods=["POST"])
@login_required
def answer(summary_id: int, question_id: int) -> Response | tuple[str, int]:
    summary = rules.get_summary_as_interviewer(current_user, summary_id)
    question = db.session.scalar(
        select(SummaryQuestion).where(
            SummaryQuestion.id == question_id, SummaryQuestion.summary_id == summary.id
        )
    )
    if question is None:
        abort(404)
    interview = summary.interview
    form = AnswerForm(prefix=_answer_prefix(question.id))
    if not form.validate_on_submit():
        return _copies_response(interview, 422, answer_forms={question.id: form})
    text = form.answer.data.strip()
    named = private_mentions.in_answer(
        interview.content, decisions.in_force(interview), text, summary.recipient
    )
    if named and not form.names_checked.data:
        # Words naming someone, or telling of something, the child kept back from this reader:
        # said next to the field, the words kept, and sent only once the worker has looked.
        form.answer.errors = [_kept_back_in_answer(interview, named)]
        form.named = True
        return _copies_response(interview, 422, answer_forms={question.id: form})
    try:
        tracking.answer(question, current_user, text)
    except tracking.AlreadyAnswered:
        db.session.rollback()
        notice = NotSaved(
            "Someone has already answered this question: see below.", typed_words(form)
        )
        return _copies_response(interview, 409, not_saved=notice)
    db.session.commit()
    return _copies_done(interview, "Your answer is sent to the social worker.")


def _kept_back_in_answer(interview: Interview, named: list[private_mentions.Mention]) -> str:
    """The words for the answer's field: what it names that the child kept back from its reader."""
    who = interview.child.preferred_name or interview.child.first_name
    reader = named[0].recipient_label.lower()
    return (
        f"These words {private_mentions.what_is_named(named)}. {who} asked to keep this between "
        f"you, and the {reader} may not read it. Change the words; or tick below to send them "
        "all the same."
    )


# --- Copies for each recipient, and the record of where each went -------------------------------


def _answer_prefix(question_id: int) -> str:
    return f"q{question_id}"


@dataclass
class SentRow:
    recipient: str
    sent_to: str
    method: str
    sent_at: Any
    recorded_by: str
    # Each safeguarding decision for this recipient that came into force after the copy left:
    # said beside it, so the copy the recipient holds is not taken for one that holds it.
    before_decisions: list[str] = field(default_factory=list)


@dataclass
class Copies:
    """What the copies partial (summaries/_copies.html) shows for one interview."""

    interview: Interview
    recipients: list[tuple[str, str]]
    sent: list[SentRow]
    summaries: list[Summary]
    questions: list[SummaryQuestion]
    sending_form: SendingForm
    answer_forms: dict[int, AnswerForm] = field(default_factory=dict)
    done: str | None = None
    pdf_states: dict[int, preparing.PdfState] = field(default_factory=dict)
    not_saved: NotSaved | None = None  # refused because it changed meanwhile, words quoted
    # What the child said about sharing with each recipient, by key (`child_said`): beside each
    # copy and in the form's list; none before the interview is finished.
    said: dict[str, what_the_child_said.ChildSaid] = field(default_factory=dict)

    @property
    def open_questions(self) -> list[SummaryQuestion]:
        return [q for q in self.questions if q.answered_at is None]

    @property
    def tick(self) -> bool:
        """The form draws its tick: the copy chosen needs it (`ChildSaid.not_told`)."""
        chosen = self.said.get(self.sending_form.recipient.data or "")
        return chosen is not None and chosen.not_told


SOCIAL_WORKERS_COPY = "social_worker"


def _sent_to_first(interview: Interview, recipient: str | None) -> str:
    """What "Sent to" starts with for a copy: for a child placed here by another authority
    (Child.placed_from_elsewhere, the one rule), the social worker's copy likely goes to that
    authority, so their name; for any other copy, or any other child, nothing (a police copy
    recorded as sent to the placing authority was too easy to save unseen)."""
    child = interview.child
    if recipient != SOCIAL_WORKERS_COPY or not child.placed_from_elsewhere:
        return ""
    return f"{(child.placing_authority or '').strip()} (placing authority)"


def _sending_form(interview: Interview) -> SendingForm:
    """A fresh form: the social worker's copy chosen (the first), "Sent to" as it starts, and
    "When it was sent" at now in local time, as every other "when" box starts (the episode's
    forms: rhi/episodes/views.py): left empty, a copy recorded straight after sending was
    refused for want of a time."""
    now_local = to_local(utcnow()).replace(tzinfo=None, second=0, microsecond=0)
    return SendingForm(
        formdata=None,
        recipient=SOCIAL_WORKERS_COPY,
        sent_to=_sent_to_first(interview, SOCIAL_WORKERS_COPY),
        sent_at=now_local,
    )


def _with_what_the_child_said(
    form: SendingForm, said: dict[str, what_the_child_said.ChildSaid]
) -> None:
    """Each copy in "Which copy" with what the child said about sharing with them; and the tick,
    in those words, for the copy chosen when the child was not told they would hear anything
    (drawn only then: `Copies.tick`)."""
    form.recipient.choices = [
        (key, f"{label}: {said[key].words}" if key in said else label)
        for key, label in form.recipient.choices
    ]
    chosen = said.get(form.recipient.data or "")
    if chosen is not None and chosen.not_told:
        # No full stop at its end: a page sent back lists it as "label: message".
        form.not_told.label.text = f"{chosen.words} The copy was sent all the same"
        form.not_told.render_kw = {"value": form.recipient.data}


def _copies(
    interview: Interview,
    *,
    sending_form: SendingForm | None = None,
    answer_forms: dict[int, AnswerForm] | None = None,
    done: str | None = None,
    not_saved: NotSaved | None = None,
) -> Copies:
    sendings: list[SummarySending] = tracking.sendings_of(interview)
    questions = tracking.questions_of(interview)
    forms = {q.id: AnswerForm(formdata=None, prefix=_answer_prefix(q.id)) for q in questions}
    forms.update(answer_forms or {})
    for q in questions:  # one label per question: a page may hold several answer boxes
        forms[
            q.id
        ].answer.label.text = (
            f"Your answer to {q.asked_by.name}'s question of {format_datetime(q.asked_at)}"
        )
    summaries = summaries_of(interview)
    marks: dict[int, list[str]] = {}
    for found in sent_before.sent_before_decisions(interview, sendings):
        for s in found.before:
            marks.setdefault(s.id, []).append(sent_before.words_for(found))
    for added in sent_before.sent_before_addenda(interview, sendings):
        for s in added.before:
            marks.setdefault(s.id, []).append(sent_before.words_for_addendum(added))
    for sending_id, words in sent_before.withdrawal_marks(interview, sendings).items():
        marks.setdefault(sending_id, []).extend(words)
    said = what_the_child_said.child_said(interview)
    sending_form = sending_form or _sending_form(interview)
    _with_what_the_child_said(sending_form, said)
    return Copies(
        interview=interview,
        recipients=list(RECIPIENTS.items()),
        sent=[
            SentRow(
                recipient=recipient_label(s.recipient, interview),
                sent_to=s.sent_to,
                method=s.method_label,
                sent_at=s.sent_at,
                recorded_by=s.recorded_by.name,
                before_decisions=marks.get(s.id, []),
            )
            for s in sendings
        ],
        summaries=summaries,
        questions=questions,
        sending_form=sending_form,
        answer_forms=forms,
        done=done,
        pdf_states=preparing.states_of([s.id for s in summaries]),
        not_saved=not_saved,
        said=said,
    )


@bp.app_context_processor
def _copies_for_templates() -> dict[str, Any]:
    """`summary_copies(interview)` for the review page's include of summaries/_copies.html:
    None (nothing shown) unless the signed-in user is on the interviewer's side."""

    def summary_copies(interview: Interview) -> Copies | None:
        if not current_user.is_authenticated or not rules.interviewer_side(current_user, interview):
            return None
        return _copies(interview)

    return {"summary_copies": summary_copies}


@bp.app_context_processor
def _copy_tables_for_templates() -> dict[str, Any]:
    """`copy_tables(view, interview)` for interviews/shared.html: the places, people and
    actions of the social worker's copy on screen, worded as its PDF words them."""
    return {"copy_tables": headings.copy_tables, "copy_asked_of_them": headings.copy_asked_of_them}


@dataclass
class RecipientChoice:
    """What the finish form's summaries/_recipient.html shows: the allocated social worker, or,
    with none, who may receive it instead (the duty inbox first, chosen by default)."""

    allocated: User | None
    departed: User | None  # the allocated social worker who has left
    duty: User | None
    choices: list[User]
    placing_authority: str | None
    # Actions for "the child's social worker" with none here: followed by the interviewer's
    # side only until one is given (actions.tracking.waiting_for_a_social_worker).
    waiting_actions: int = 0


@bp.app_context_processor
def _recipient_for_templates() -> dict[str, Any]:
    def summary_recipient(interview: Interview) -> RecipientChoice:
        child = interview.child
        allocated = allocated_reader(interview)
        departed = child.social_worker if allocated is None else None
        duty = duty_inbox() if allocated is None else None
        choices = possible_readers() if allocated is None else []
        if duty is not None:  # the default first
            choices = [duty] + [u for u in choices if u.id != duty.id]
        # Send the placing authority the copy too: only one that is not the child's own
        # council (Child.placed_from_elsewhere, the one rule).
        placing = child.placing_authority if child.placed_from_elsewhere else None
        waiting = tracking_of_actions.waiting_for_a_social_worker(interview) if not allocated else 0
        return RecipientChoice(allocated, departed, duty, choices, placing, waiting)

    return {"summary_recipient": summary_recipient}


def _copies_response(interview: Interview, status: int, **kwargs: Any) -> tuple[str, int]:
    """htmx: the partial alone, swapped in place. Without JavaScript: the copies page."""
    copies = _copies(interview, **kwargs)
    template = COPIES_PARTIAL if request.htmx else "summaries/copies.html"
    return render_template(
        template, copies=copies, interview=interview, child=interview.child
    ), status


def _copies_done(interview: Interview, message: str) -> Response | tuple[str, int]:
    if request.htmx:
        return _copies_response(interview, 200, done=message)
    flash(message, "success")
    return redirect(
        url_for("interviews.page", uuid=interview.uuid, page_id="review") + "#summary-copies"
    )


def _interviewer_interview(uuid: str) -> Interview:
    interview = access.get_interview(current_user, uuid)  # 404, audited, if not theirs to see
    rules.require_interviewer_side(current_user, interview)  # 403, audited
    return interview


@bp.route("/interviews/<uuid>/copies")
@login_required
def copies(uuid: str) -> tuple[str, int]:
    """The copies and where each went, on a page of their own (the review page shows the same
    partial)."""
    interview = _interviewer_interview(uuid)
    audit.record(
        "summary.sent.view",
        object_type="interview",
        object_id=interview.uuid,
        child_id=interview.child_id,
    )
    db.session.commit()
    return render_template(
        "summaries/copies.html",
        copies=_copies(interview),
        interview=interview,
        child=interview.child,
    ), 200


@bp.route("/interviews/<uuid>/copies/sent", methods=["POST"])
@login_required
def record_sent(uuid: str) -> Response | tuple[str, int]:
    interview = _interviewer_interview(uuid)
    form = SendingForm()
    if not form.validate_on_submit():
        return _copies_response(interview, 422, sending_form=form)
    first = _sent_to_first(interview, SOCIAL_WORKERS_COPY)
    if first and form.recipient.data != SOCIAL_WORKERS_COPY and form.sent_to.data.strip() == first:
        # Filled in for the social worker's copy and left as it was when another copy was
        # chosen (without JavaScript, "Sent to" does not follow the copy).
        label = recipient_label(form.recipient.data, interview).lower()
        form.sent_to.errors = [
            f"\u201c{first}\u201d was filled in for the social worker's copy. Write who the copy "
            f"for {label} was sent to: their name, and the organisation or address."
        ]
        return _copies_response(interview, 422, sending_form=form)
    if not interview.locked and not sendable_before_finishing(interview, form.recipient.data):
        # A draft is to check with the child, never to send: until the interview is finished
        # only what a safeguarding decision in force shares may go (render_for).
        label = recipient_label(form.recipient.data, interview).lower()
        form.recipient.errors = [
            f"This return ended without a finished interview, so there is no copy for {label} "
            "to send: only a copy a safeguarding decision shares could be sent."
            if interview.ended
            else f"This interview is not finished, so no copy for {label} can be sent yet: a "
            "draft is to check with the child, not to send. Record the copy as sent once the "
            "interview is finished (before then, only a copy a safeguarding decision shares "
            "can be sent)."
        ]
        return _copies_response(interview, 422, sending_form=form)
    said = what_the_child_said.child_said(interview).get(form.recipient.data)
    if said is not None and said.not_told and not form.ticked_for(form.recipient.data):
        # The copy still says a return home interview took place, to someone the child was not
        # told would hear of it: recorded only once the worker has read so, and ticked.
        form.not_told.data = False  # a tick given for another copy says nothing of this one
        form.not_told.errors = [f"Tick the box to record this copy as sent: {said.unheard}."]
        return _copies_response(interview, 422, sending_form=form)
    sent_at = from_local(form.sent_at.data)
    existed = tracking.copy_existed_from(interview, form.recipient.data)
    if existed is not None and sent_at < existed - CLOCK_SKEW:
        # A time before the copy could have gone: a mistyped date, which the record would
        # otherwise keep as information shared before the child was interviewed.
        form.sent_at.errors = [_before_the_copy(interview, existed)]
        return _copies_response(interview, 422, sending_form=form)
    sending = tracking.record_sending(
        interview,
        current_user,
        recipient=form.recipient.data,
        sent_to=form.sent_to.data.strip(),
        method=form.method.data,
        sent_at=sent_at,
        # Kept in the audit trail: the worker ticked that it went all the same.
        unheard=said.unheard if said is not None and said.not_told else "",
    )
    db.session.commit()
    label = recipient_label(sending.recipient, interview)
    return _copies_done(interview, f"Recorded: the copy for {label.lower()} was sent.")


def _before_the_copy(interview: Interview, existed: datetime) -> str:
    finished = interview.locked and interview.finished_at == existed
    why = (
        f"the interview was finished {format_datetime(existed)}"
        if finished
        else f"the safeguarding decision to share it came into force {format_datetime(existed)}"
    )
    return f"This is before the copy existed: {why}. Check the date and time."


@bp.route("/interviews/<uuid>/copies/sent-to", methods=["POST"])
@login_required
def sent_to(uuid: str) -> str | Response:
    """ "Sent to" again, for the copy now chosen on the form (htmx, as "Which copy" changes):
    what the worker typed stays; what rhi filled in, or nothing, becomes what that copy starts
    with. Nothing is saved. Asked with `typing` (a keystroke in "Sent to" while that answer
    was on its way, which the page then drops: summaries/_copies.html), nothing: the box keeps
    what the worker is typing."""
    interview = _interviewer_interview(uuid)
    if request.form.get("typing"):
        return Response(status=204)
    form = SendingForm()  # what the form holds now; not checked: nothing is sent yet
    typed = (form.sent_to.data or "").strip()
    if not typed or typed == _sent_to_first(interview, SOCIAL_WORKERS_COPY):
        form.sent_to.data = _sent_to_first(interview, form.recipient.data)
    return render_template("summaries/_sent_to.html", form=form)


@bp.route("/interviews/<uuid>/copies/<recipient>.pdf")
@login_required
def interview_pdf(uuid: str, recipient: str) -> Response:
    """A copy for one recipient, made now from what they may read; for the interviewer's side."""
    if recipient not in RECIPIENTS:
        abort(404)
    interview = _interviewer_interview(uuid)
    prepared_for = recipient_label(recipient, interview)
    # `?draft=1`, before the interview is finished: what the copy will hold if the child agrees,
    # to check with them (marked not to be sent). Without it, the copy to send (render_for).
    draft = request.args.get("draft") == "1" and not interview.locked
    data = render_for(interview, recipient, prepared_for, utcnow(), draft=draft)
    audit.record(
        "summary.download",
        object_type="interview",
        object_id=interview.uuid,
        child_id=interview.child_id,
        detail=f"{'draft ' if draft else ''}copy for {recipient}",
    )
    db.session.commit()
    stamp = to_local(utcnow()).strftime("%Y%m%d-%H%M")
    kind = "draft-" if draft else ""
    return _pdf_response(data, f"rhi-{kind}{recipient}-{stamp}.pdf")


def _pdf_response(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype="application/pdf")
    disposition = "inline" if request.args.get("view") else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
