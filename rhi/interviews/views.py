"""The guided interview: pages in any order, autosave per field, review, finish, addenda."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Collection, Mapping
from types import SimpleNamespace
from typing import Any, TypeVar

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
from jinja2_fragments.flask import render_block
from markupsafe import Markup, escape
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from rhi import access, audit, deadlines, i18n, numbers, shells, writing
from rhi.actions import rules as rules_of_actions
from rhi.auth import throttle
from rhi.episodes import service as episode_service
from rhi.episodes.views import declined_message, locked_notice, render_episode_page
from rhi.extensions import db, limiter
from rhi.forms.admin import ConfirmForm
from rhi.forms.episodes import DeclineForm, FinishForm, StartForm
from rhi.forms.fields import NotSaved, field_errors, typed_words
from rhi.forms.interviews import AddendumForm, AskInsteadForm, ConsentChangeForm, DecisionForm
from rhi.interviews import (
    child_copy,
    consent_changes,
    decisions,
    private_mentions,
    review,
    service,
)
from rhi.interviews import content as c
from rhi.interviews import fields as catalogue
from rhi.interviews import read_back as reading_back
from rhi.interviews.child_words import ChildWords, every_variant, words_for
from rhi.interviews.pages import PAGE_IDS, PAGES
from rhi.jobs import downloads
from rhi.models import Episode, Interview, InterviewStatus, SharingDecision
from rhi.models.base import utcnow
from rhi.passwords import verify_password
from rhi.prompts import load_bank
from rhi.sharing import (
    addenda_reaching,
    addendum_reaches,
    consent_record,
    outside_view,
    withheld_items,
)
from rhi.summaries import sent_before
from rhi.summaries.service import (
    SummaryNotMade,
    allocated_reader,
    recipient_label,
    sent_message,
    share_after_decision,
    share_with_social_worker,
    summaries_of,
    withdraw_and_send_again,
)
from rhi.sync import held as held_work
from rhi.sync.protocol import valid_device_id
from rhi.timefmt import format_datetime, from_local, to_local
from rhi.writing.events import open_flags
from rhi.writing.placeholders import found_in, left_unfilled_in, saved_and_left

bp = Blueprint("interviews", __name__)

# Saves of one interview by one worker come in bursts (a tap on a suggestion saves its field
# while another field's autosave is on its way), so a refused write is tried again a few times,
# a little later each time, before the worker is asked to try again (503: autosave.js retries).
SAVE_RETRIES = 8
T = TypeVar("T")


def _change_interview(
    uuid: str,
    apply: Callable[[Interview], T],
    *,
    hold_row: bool = False,
    read: Interview | None = None,
) -> tuple[Interview, T]:
    """Load, check, apply and commit one change to an interview.

    Each change is applied to the interview as it stands now (read afresh). If another write
    lands between our read and our write, its version has moved and our write is refused
    (optimistic locking): read again and apply again, a little later each time.

    `hold_row` (autosave, which comes in bursts from several tabs and a tablet): on PostgreSQL
    the read takes the interview's row lock (SELECT ... FOR UPDATE) until the commit, so saves
    of one interview queue for a few milliseconds each instead of being refused: twenty at once
    all land, field by field (each applies its own fields to what the one before it saved).
    The request holding it needs no other connection until its commit (the session row is read
    before the view and written after it), so a save waiting on it cannot hang it. SQLite has
    no row locks and takes one writer at a time: there only the version check works.

    `read`: the interview as the caller has just read it that way (access.find_interview,
    fresh, locked as `hold_row` says, `to_change`), used for the first try instead of reading
    it again.
    """
    for attempt in range(SAVE_RETRIES):
        # Read afresh: an earlier query of this request may have loaded an older copy into
        # the session, which a plain query does not overwrite.
        interview = (
            read
            if read is not None and attempt == 0
            else access.get_interview(current_user, uuid, fresh=True, lock=hold_row)
        )
        if interview is not read:  # `read` was found only if they may change it (to_change)
            access.require_interview_change(current_user, interview)
        try:
            # The UPDATE may be flushed inside apply() (a query there autoflushes), so the
            # refusal can come from apply() as well as from the commit.
            outcome = apply(interview)
            db.session.commit()
            return interview, outcome
        except StaleDataError:
            db.session.rollback()
            # A pause of random length, so that two saves refused together do not meet again.
            time.sleep(random.uniform(0, 0.02 * (attempt + 1)))  # noqa: S311 (not a secret)
    # Never a 500: nothing was changed, and the same save can succeed in a moment.
    abort(503)


@bp.route("/interviews/<uuid>/language", methods=["POST"])
@login_required
def language(uuid: str) -> tuple[str, int]:
    """The worker took a wording suggestion or kept their own words: recorded with the interview."""

    def apply(interview: Interview) -> None:
        try:
            service.language_action(
                interview,
                current_user,
                path=request.form.get("path", ""),
                rule_id=request.form.get("rule_id", "")[:80],
                text=request.form.get("text", ""),
                action=request.form.get("action", ""),
                reason=request.form.get("reason", ""),
                around=(request.form.get("before", ""), request.form.get("after", "")),
            )
        except service.LockedError:
            abort(409)
        except c.ContentError:
            abort(400)

    _change_interview(uuid, apply)
    return "", 204


@bp.route("/episodes/<int:episode_id>/interview", methods=["POST"])
@login_required
def begin(episode_id: int) -> tuple[str, int] | Response:
    """Start (or carry on with) the episode's interview. With no offer and "yes" on record, the
    episode page's start form carries them (when offered, how, the child's answer): recorded
    first, in the same transaction; a "no" is saved as the child's answer and nothing starts."""
    episode = access.get_episode(current_user, episode_id)
    access.require_change(current_user, episode, starting=True)
    if episode.returned_at is None:
        abort(409)
    interview = episode.interview
    if episode_service.may_start(interview):
        if not ConfirmForm().validate_on_submit():
            abort(400)
        assert interview is not None
        if "answer" in request.form:
            # The page was opened before the offer and the child's answer were recorded (by a
            # colleague, a tablet): its own answer is never overridden by starting.
            refused = _start_form_out_of_date(episode, interview)
            if refused is not None:
                return refused
        if interview.locked:
            return redirect(url_for("interviews.page", uuid=interview.uuid, page_id="review"))
        service.start(interview, current_user, to_local(utcnow()).replace(tzinfo=None))
        db.session.commit()
        return redirect(url_for("interviews.page", uuid=interview.uuid, page_id="start"))
    form = StartForm()
    offered = episode_service.offer_on_record(interview)
    if offered:
        # The offer on record is the offer: asked for again (an accessibility probe, WCAG
        # 3.3.7), the time and way typed there were kept as an offer made again, unsaid.
        del form.offered_at
        del form.method
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return render_episode_page(episode, 422, start_form=form)
    # The answer is given now where the offer is on record; with the offer, when it was made.
    at = utcnow() if offered else from_local(form.offered_at.data)
    try:
        if not offered:
            episode_service.not_before_return(episode, at, "offered_at")
            episode_service.record_offer(episode, current_user, at=at, method=form.method.data)
        if form.answer.data == "no":
            episode_service.record_decline(
                episode,
                current_user,
                at=at,
                reason=form.reason.data.strip(),
                offer_again=True,
                carer_information=False,
            )
        else:
            started = episode_service.record_accept(episode, current_user, at=at)
            service.start(started, current_user, to_local(utcnow()).replace(tzinfo=None))
    except episode_service.OutcomeError as error:
        db.session.rollback()
        getattr(form, error.field).errors = [str(error)]  # said beside it, as typed
        return render_episode_page(episode, 422, start_form=form)
    except service.LockedError:
        db.session.rollback()
        return render_episode_page(episode, 409, not_saved=locked_notice(episode, form))
    db.session.commit()
    if form.answer.data == "no":
        # Saved as written; a suggestion's placeholder left in the child's words is named.
        said = saved_and_left(declined_message(episode), (form.reason.data, "what the child said"))
        flash(said, "success")
        return redirect(url_for("episodes.show", episode_id=episode.id) + "#interview")
    assert episode.interview is not None
    return redirect(url_for("interviews.page", uuid=episode.interview.uuid, page_id="start"))


def _start_form_out_of_date(episode: Episode, interview: Interview) -> tuple[str, int] | None:
    """The start form sent from a page opened before the offer and an answer were recorded.
    A "yes" agrees with what is recorded: None, and the interview starts. A "no" is not
    overridden: nothing starts, and the episode page comes back with the child's words in the
    "The child said no" form (still to be saved by the worker, who knows which answer is the
    child's latest); a finished interview or an outcome keeps the words quoted."""
    form = StartForm()
    if form.answer.data != "no":
        return None
    if interview.locked or interview.outcome is not None:
        return render_episode_page(episode, 409, not_saved=locked_notice(episode, form))
    name = episode.child.preferred_name or episode.child.first_name
    notice = NotSaved(
        f"While this page was open, someone recorded that {name} said yes"
        + (" and started the interview" if interview.status == "in_progress" else "")
        + f". Nothing was started and your answer is not saved yet. If {name} has said no, "
        "save it below with \u201cThe child said no\u201d: what you wrote is in it.",
        [],
    )
    declined = DeclineForm(
        formdata=None,
        declined_at=form.offered_at.data or to_local(utcnow()).replace(tzinfo=None, second=0),
        reason=form.reason.data or "",
    )
    return render_episode_page(
        episode, 409, not_saved=notice, decline_form=declined, decline_open=True
    )


def _context(interview: Interview, page_id: str, **extra: Any) -> dict[str, Any]:
    episode = interview.episodes[0]
    child = episode.child
    held = to_local(interview.held_at or utcnow()).date()
    words = words_for(child, held)  # the band (age, or the worker's choice) and the language
    content = c.normalise(interview.content)
    rows = decisions.rows(interview) if page_id in ("consent", "review") else {}
    return _page_context(
        interview=interview,
        episode=episode,
        child=child,
        content=content,
        page_id=page_id,
        for_band=lambda text_for: text_for(words.band),
        child_words_variants=[words],
        editable=not interview.ended and access.may_change_interview(current_user, interview),
        summaries=summaries_of(interview) if page_id == "review" else [],
        in_force=decisions.in_force(interview),
        decision_rows=rows,
        decision_form=extra.pop("decision_form", None)
        or (_decision_form(interview, formdata=None) if page_id == "consent" else None),
        ask_instead=_ask_instead_forms(interview, rows, extra.pop("ask_instead", {}), page_id),
        **extra,
    )


def _ask_instead_forms(
    interview: Interview,
    rows: Mapping[str, SharingDecision],
    sent: Mapping[str, AskInsteadForm],
    page_id: str,
) -> dict[str, AskInsteadForm]:
    """On the consent page, for the interviewer's side: a form beside each decision waiting for
    someone who can no longer decide for the child, to ask someone else (the one sent back with
    its message, when one was refused)."""
    if (
        page_id != "consent"
        or not rows
        or not access.reads_whole_interview(current_user, interview)
    ):
        return {}
    return {
        row.decision_id: sent.get(row.decision_id)
        or _ask_instead_form(interview, row.decision_id, formdata=None)
        for row in decisions.waiting_on_no_one(rows.values())
    }


def _ask_instead_form(interview: Interview, decision_id: str, **kwargs: Any) -> AskInsteadForm:
    form = AskInsteadForm(prefix=f"ask-{decision_id}", **kwargs)
    form.decider.choices = [("", "Choose a person")] + [
        (str(user.id), f"{user.name} ({user.role_enum.label.lower()})")
        for user in decisions.deciders(interview.child)
    ]
    return form


def _decision_form(interview: Interview, **kwargs: Any) -> DecisionForm:
    """The decision form with this interview's kept-back items and possible deciders."""
    form = DecisionForm(**kwargs)
    form.releases.choices = list(withheld_items(interview.content).items())
    form.decider.choices = [("", "Choose a person")] + [
        (str(user.id), f"{user.name} ({user.role_enum.label.lower()})")
        for user in decisions.deciders(interview.child)
    ]
    return form


def _page_context(
    *,
    interview: Any,
    episode: Any,
    child: Any,
    content: dict[str, Any],
    page_id: str,
    for_band: Callable[[Callable[[str], str]], str],
    editable: bool,
    summaries: list[Any],
    csrf: bool = True,
    in_force: Collection[str] = frozenset(),
    decision_rows: Mapping[str, Any] | None = None,
    decision_form: DecisionForm | None = None,
    typed: Mapping[str, Any] | None = None,
    refused: Mapping[str, service.FieldResult] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Everything page.html needs: the one list, for a real interview and for the shell.

    The fields, their labels and the review's record come from the field catalogue
    (rhi/interviews/fields.py); labels hold {child}, which the page fills with the child's name
    (a blank in a shell)."""
    bank = load_bank()
    typed = typed or {}
    meta = {"csrf": csrf}
    name = child.preferred_name or child.first_name
    # Placeholders left anywhere in the record (its pages, the "no", the notes, the delay...):
    # gaps while it is open, still to fill in (as an addendum) once it is finished.
    unfilled = left_unfilled_in(interview, str(name)) if page_id == "review" else []
    # Does the child have a social worker of their own? Asked on the pages that name them to
    # the child (sharing, their message); a shell page has no child: its words as written.
    own = (
        page_id not in ("consent", "own_words")
        or not isinstance(interview, Interview)
        or allocated_reader(interview) is not None
    )
    return {
        "interview": interview,
        "episode": episode,
        "child": child,
        "content": content,
        "page_id": page_id,
        "pages": PAGES,
        "progress": c.progress(content),
        "bank": bank,
        "for_band": for_band,
        "section": bank.section(page_id) if page_id in bank_ids() else None,
        "labels": c,
        # Who the child may share with, as the child would say it (the sharing page's child view):
        # the read-back's own words and rule, so a child with no social worker of their own is
        # not told "Your social worker" here either.
        "recipient_words": reading_back.recipient_words(own_social_worker=own),
        # The child's message field, "What I want a social worker to know" for the same child.
        "field_labels": reading_back.field_labels(own_social_worker=own),
        # A shell page (no child yet) holds the words for a child with none too, each marked;
        # shell-fill.js keeps those the tablet's copy of the child says (own_social_worker).
        "no_own": None
        if isinstance(interview, Interview)
        else SimpleNamespace(
            field_labels=reading_back.field_labels(own_social_worker=False),
            recipient_words=reading_back.recipient_words(own_social_worker=False),
        ),
        "consent_explained": i18n.CONSENT_EXPLAINED,  # in the child's language beside it
        "catalogue": catalogue,
        "page_fields": catalogue.on_page(page_id),
        # What a refused save typed (a page sent back without JavaScript) over what is held.
        "typed": typed,
        "refused": refused or {},
        "read": lambda path: typed[path] if path in typed else c.get_field(content, path),
        "list_heading": lambda kind: _with_name(catalogue.entry(kind).heading, name),
        "editable": editable,
        "decision_form": decision_form,
        "decision_rows": decision_rows or {},
        "addendum_form": extra.pop("addendum_form", None) or AddendumForm(formdata=None, meta=meta),
        "consent_change_form": extra.pop("consent_change_form", None)
        or ConsentChangeForm(formdata=None, meta=meta),
        "confirm": ConfirmForm(formdata=None, meta=meta),
        "consent_lines": consent_record(content, in_force),
        # Which decisions were declined: not "waiting for confirmation" (a review).
        "declined_ids": decisions.declined(interview)
        if page_id == "review" and isinstance(interview, Interview)
        else set(),
        # The sharing record's columns (sharing.ConsentLine's answer and words), as labelled.
        "consent_columns": [
            catalogue.find(f"consent.social_worker.{column}") for column in ("answer", "words")
        ],
        "gaps": c.gaps(content)
        + _held_gap(interview, content)
        + _read_back_gap(interview, content, in_force, str(name))
        + unfilled
        if page_id == "review"
        else [],
        "unfilled": unfilled,
        "record": review.recorded(content, str(name)) if page_id == "review" else [],
        "summaries": summaries,
        "open_flags": open_flags(
            writing.matcher(), c.text_fields(content), content["language"]["dismissed"]
        )
        if page_id == "review"
        else [],
        # Names of people and places the child asked to keep between them, in the worker's
        # words elsewhere in a copy: said before finishing (rhi/interviews/private_mentions.py).
        "private_named": private_mentions.on_review(content, in_force)
        if page_id == "review" and isinstance(interview, Interview) and not interview.locked
        else [],
        "field_title": lambda path: catalogue.title(path, (content,), str(name)),
        "dismissed_pairs": lambda path: [
            [d.get("rule_id"), d.get("text"), d.get("before", ""), d.get("after", "")]
            for d in content["language"]["dismissed"]
            if d.get("path") == path
        ],
        **extra,
    }


def _with_name(text: str, name: Any) -> Markup:
    """Words holding {child}, with the child's name put in (escaped; a shell's blank as it is)."""
    return escape(text).replace("{child}", name)


@bp.route("/shell/interviews/<page_id>")
def shell(page_id: str) -> str:
    """A blank interview page for the service worker to keep (see rhi/shells.py). No sign-in:
    it holds nothing about anyone. One blank list entry per list is kept in a <template>."""
    if page_id not in PAGE_IDS:
        abort(404)
    context = shells.shell_context()
    return render_template(
        "interviews/page.html",
        **context,
        **_page_context(
            interview=shells.StandInInterview(),
            episode=shells.StandInEpisode(child=shells.StandInChild()),
            child=shells.StandInChild(),
            content=c.normalise({}),
            page_id=page_id,
            for_band=shells.every_band,
            child_words_variants=every_variant(),
            editable=True,
            summaries=[],
            new_entries=context["shell_blanks"]["entries"],
            csrf=False,
        ),
    )


def bank_ids() -> set[str]:
    return {s.id for s in load_bank().sections}


@bp.route("/interviews/<uuid>")
@login_required
def show(uuid: str) -> Response:
    interview = access.get_interview(current_user, uuid)
    return redirect(
        url_for(
            "interviews.page",
            uuid=interview.uuid,
            page_id="review" if interview.locked else "start",
        )
    )


@bp.route("/interviews/<uuid>/<page_id>")
@login_required
def page(uuid: str, page_id: str) -> str:
    if page_id not in PAGE_IDS:
        abort(404)
    interview = access.get_interview(current_user, uuid)
    whole = access.reads_whole_interview(current_user, interview)
    view = in_force = None
    if not whole:
        # What the social worker's copy holds, and nothing more (rhi/sharing.py): once it is
        # finished; before that, only what a safeguarding decision in force releases.
        in_force = decisions.in_force(interview)
        view = outside_view(interview.content, in_force=in_force, finished=interview.locked)
    nothing = view is not None and not interview.locked and not view.shares_content
    audit.record(
        "interview.view",
        object_type="interview",
        object_id=interview.uuid,
        child_id=interview.child_id,
        detail=page_id
        if whole
        else "not finished: nothing shown"
        if nothing
        else "social worker's copy",
    )
    db.session.commit()
    if view is not None and in_force is not None:
        if nothing:
            return render_template(
                "interviews/shared.html", interview=interview, child=interview.child, view=None
            )
        view.read_back_changed = reading_back.changed_since_read(
            interview.content, in_force, interview.read_back_of
        )
        view.addenda = addenda_reaching(view, interview.content, interview.addenda)
        child = interview.child
        return render_template(
            "interviews/shared.html",
            interview=interview,
            child=child,
            titles={s.id: s.title for s in load_bank().sections},
            view=view,
        )
    return render_template(
        "interviews/page.html",
        **_context(interview, page_id, **_read_back_context(interview, page_id)),
    )


def _changes_from_form() -> list[tuple[str, Any, Any]]:
    """Fields arrive as f:<path> (value; a flag's last value wins) and o:<path> (original)."""
    changes = []
    for key in request.form:
        if key.startswith("f:"):
            path = key[2:]
            values = request.form.getlist(key)
            original = request.form.get("o:" + path)
            changes.append((path, values[-1] if values else "", original))
    return changes


@bp.route("/interviews/<uuid>/save", methods=["POST"])
@login_required
def save(uuid: str) -> tuple[str, int] | Response:
    changes = _changes_from_form()
    # A tablet sending what it kept offline says which device it is (for the audit trail).
    device = valid_device_id(request.headers.get("X-RHI-Device"))
    taps = _taps_from_form(changes)
    # The writing check runs inside the interview's row lock: its first use in this process
    # compiles the rules, which must not hold up every other save of the interview meanwhile.
    writing.matcher().compile()
    # One query asks whether the interview is theirs, reads it and takes its row lock (not for
    # someone who may read it but not change it: they are refused below, holding up no save).
    read = access.find_interview(
        current_user,
        uuid,
        fresh=True,
        lock=access.can_record_interview_work(current_user),
        to_change=True,
    )
    unseen = read is None and access.find_interview(current_user, uuid) is None
    if read is None and (unseen or held_work.recorded_it(current_user, uuid)):
        # They cannot see it at all, or see it and may no longer change it after recording it
        # (the return moved; their team keeps the child's record): held. Anyone else who sees
        # it but may not change it is refused below.
        kept_for_managers = held_work.hold_saved_fields(current_user, uuid, changes, device)
        if kept_for_managers is not None:
            # The return moved to someone else since this page was opened (or the save was
            # kept on a tablet): the words are held for the managers, and the worker told whose
            # they were.
            db.session.commit()
            return _held_response(uuid, changes, kept_for_managers)
    # Not theirs and nothing held: _change_interview refuses it (404, audited).
    unanswered = _unanswered_from_form(changes)
    interview, results = _change_interview(
        uuid,
        lambda i: _save_changes(i, changes, device, taps, unanswered),
        hold_row=True,
        read=read,
    )
    if results is None:
        return _locked_response(interview, changes)
    conflicts = [r for r in results if r.outcome in ("conflict", "invalid")]
    if request.htmx:
        status = 409 if any(r.outcome == "conflict" for r in results) else 422 if conflicts else 200
        return render_template(
            "interviews/_save_results.html",
            results=results,
            interview=interview,
            saved_at=utcnow(),
            # A clash's buttons name their field to a screen reader ("Keep my version of..."),
            # and the other version is said in words (a choice's label, not its code). Asked
            # only for a clash: a save that worked reads nothing more (test_concurrent_saves).
            title_of=lambda path: catalogue.title(
                path,
                (interview.content,),
                str(interview.child.preferred_name or interview.child.first_name),
            ),
            words_of=_words_of,
            kind_of=_kind,  # words can be kept both; a tick or a choice cannot
        ), status
    page_id = request.form.get("page", "start")
    page_id = page_id if page_id in PAGE_IDS else "start"
    if conflicts:
        # Without JavaScript the whole page was posted: it comes back with each refused field
        # holding what was typed and saying why next to it, never a fresh page that drops it.
        return _refused_page(interview, page_id, conflicts), 409 if any(
            r.outcome == "conflict" for r in conflicts
        ) else 422
    flash("Saved.", "success")
    return redirect(url_for("interviews.page", uuid=uuid, page_id=page_id))


def _refused_page(
    interview: Interview,
    page_id: str,
    refused: list[service.FieldResult],
    typed: Mapping[str, Any] | None = None,
) -> str:
    """The interview's page as posted: the refused fields keep the worker's words (a flag as a
    flag), each with its reason beside it, listed in an error summary at the top. A refused
    field's hidden original is what the server holds now, so saving again keeps the words.
    `typed`: other words sent with them, not saved, kept on the page too."""
    typed = {
        **(typed or {}),
        **{
            r.path: c.as_flag(r.mine) if _kind(r.path) == "flag" else r.mine
            for r in refused
            if r.mine is not None
        },
    }
    name = str(interview.child.preferred_name or interview.child.first_name)
    # A box whose entry was removed meanwhile is not drawn: its words are quoted to copy.
    gone = [r for r in refused if r.message == c.ENTRY_REMOVED]
    errors = [
        (
            f"in-{r.path.replace('.', '-')}" + ("-1" if _drawn_as_radios(r.path) else ""),
            catalogue.title(r.path, (interview.content,), name),
            [r.message],
        )
        for r in refused
        if r not in gone
    ]
    words = [
        (catalogue.title(r.path, (), name), str(r.mine).strip())
        for r in gone
        if _kind(r.path) in ("text", "line") and str(r.mine or "").strip()
    ]
    not_saved = (
        NotSaved(
            "An entry was removed (perhaps on another device) while you wrote in it, so what "
            "you wrote there is not saved. Here it is to copy: add the entry again if it is "
            "still needed.",
            words,
        )
        if words
        else None
    )
    return render_template(
        "interviews/page.html",
        **_context(
            interview,
            page_id,
            typed=typed,
            refused={r.path: r for r in refused if r not in gone},
            form_errors=errors,
            not_saved=not_saved,
            words_of=_words_of,  # a clash's other version in words (a choice's label)
        ),
    )


def _kind(path: str) -> str | None:
    placed = catalogue.find(path)
    return placed.kind if placed is not None else None


def _drawn_as_radios(path: str) -> bool:
    """A choice of five options or fewer is drawn as radio buttons (_fields.html field): the
    summary links to the first."""
    placed = catalogue.find(path)
    return placed is not None and placed.kind == "choice" and len(placed.options) <= 5


def _held_response(
    uuid: str, changes: list[tuple[str, Any, Any]], held: held_work.Held
) -> tuple[str, int] | Response:
    """202: the server holds the words, so a tablet that kept them lets go (upload.js), and an
    open page says why they are not in the interview any more (and, beside a field whose words
    could not be kept, why not: those are not held)."""
    message = held.message
    # Nothing held (each field's words refused): not a 202, on which a tablet lets go.
    status = 202 if any(not held.refused.get(path) for path, _v, _o in changes) else 422
    if request.htmx:
        results = [
            service.FieldResult(path, "invalid", None, value, held.refused[path])
            if held.refused.get(path)
            else service.FieldResult(path, "held", None, value, message)
            for path, value, _ in changes
        ]
        return render_template(
            "interviews/_save_results.html", results=results, interview=None, saved_at=utcnow()
        ), status
    # Without JavaScript the page is gone: what could not be kept is said, never "kept".
    refused = [reason for reason in held.refused.values() if reason]
    if status == 202:
        flash(message, "info")
    if refused:
        flash("Not kept: " + " ".join(dict.fromkeys(refused)), "error")
    return redirect(url_for("episodes.returns"))


# The most suggestions one save can say were taken in its field: more taps than this between
# two saves of one field are not a worker's.
MOST_TAPS = 200


def _taps_from_form(changes: list[tuple[str, Any, Any]]) -> dict[str, list[str]]:
    """t:<path>, once for each suggestion taken in that field since its last save (the rule's
    id; writing.js and autosave.js send them with the field's words): {path: [rule_id, ...]}.
    Rules this server does not have are left out (the page was older than the rules)."""
    known = {rule.id for rule in writing.matcher().rules}
    taps: dict[str, list[str]] = {}
    for path, _value, _original in changes:
        rules = [r for r in request.form.getlist("t:" + path)[:MOST_TAPS] if r in known]
        if rules:
            taps[path] = rules
    return taps


# The most values of a field's earlier saves whose answers were lost that one save can send
# (autosave.js keeps no more): enough for a few minutes of typing on a weak signal.
MOST_UNANSWERED = 20
bp.add_app_template_global(MOST_UNANSWERED, "most_unanswered")  # handed to the page's scripts


def _unanswered_from_form(changes: list[tuple[str, Any, Any]]) -> dict[str, list[str]]:
    """u:<path>, once for each earlier save of that field from this page whose answer never
    came (autosave.js): {path: [value, ...]}. The field's current value may be one of them,
    saved though the page never heard so (service.save_fields)."""
    unanswered: dict[str, list[str]] = {}
    for path, _value, _original in changes:
        values = request.form.getlist("u:" + path)[-MOST_UNANSWERED:]
        if values:
            unanswered[path] = values
    return unanswered


def _save_changes(
    interview: Interview,
    changes: list[tuple[str, Any, Any]],
    device_id: str | None = None,
    taps: Mapping[str, list[str]] | None = None,
    unanswered: Mapping[str, list[str]] | None = None,
) -> list[service.FieldResult] | None:
    """None when the interview is finished: nothing is applied.

    The suggestions taken in a field are counted with the save of the words they changed, in
    the same transaction, so a tap is counted exactly when its replacement is saved: only when
    the field is saved now. A field "unchanged" already holds these words (the same save sent
    again after its answer was lost), so its taps were counted then; a field not saved
    (conflict, invalid) counts nothing, and the browser sends its taps again with the next save.
    """
    if interview.ended:
        return None
    results = service.save_fields(
        interview,
        current_user,
        changes,
        writing.matcher(),
        now_local=to_local(utcnow()).replace(tzinfo=None),
        device_id=device_id,
        unanswered=unanswered,
    )
    checked = c.text_paths(interview.content) if taps else set()
    for result in results:
        if result.outcome != "saved" or result.path not in checked:
            continue  # a field the writing check does not read has no suggestions to take
        for rule_id in (taps or {}).get(result.path, []):
            service.language_action(
                interview,
                current_user,
                path=result.path,
                rule_id=rule_id,
                text="",
                action="replaced",
            )
    return results


LOCKED_MESSAGE = (
    "This interview has been finished (perhaps on another device), so it is not "
    "changed. Your words are still in the box: add them as a correction on the "
    "review page."
)
# The child said no, or another outcome was recorded, while the page was open: the interview
# ended without being finished (Interview.ended), and nothing more is written in it.
ENDED_MESSAGE = (
    "This child's return now has its outcome (the child said no, or another was recorded), "
    "so the interview is not changed. Your words are still in the box: add them as an "
    "addendum on the review page."
)


def _not_changed(interview: Interview) -> str:
    return LOCKED_MESSAGE if interview.locked else ENDED_MESSAGE


def _words_of(path: str, value: Any) -> str:
    placed = catalogue.find(path)
    return placed.words(value) if placed is not None else str(value)


def _locked_response(
    interview: Interview, changes: list[tuple[str, Any, Any]]
) -> tuple[str, int] | Response:
    """Finished or ended meanwhile: say so next to each field and keep what was typed on the
    screen."""
    if request.htmx:
        results = [
            service.FieldResult(path, "invalid", None, value, _not_changed(interview))
            for path, value, _original in changes
        ]
        return render_template(
            "interviews/_save_results.html", results=results, interview=interview, saved_at=utcnow()
        ), 409
    # Without JavaScript the page is gone: its words come back quoted on the review page, to
    # copy into a correction (a redirect would have dropped them).
    document = c.normalise(interview.content)
    name = str(interview.child.preferred_name or interview.child.first_name)
    words = [
        (catalogue.title(path, (document,), name), str(value).strip())
        for path, value, _original in changes
        if _kind(path) in ("text", "line")
        and str(value).strip()
        and _differs(document, path, value)
    ]
    why = (
        "This interview has been finished (perhaps on another device), so it is not changed."
        if interview.locked
        else "This child's return now has its outcome (the child said no, or another was "
        "recorded), so the interview is not changed."
    )
    then = "a correction" if interview.locked else "an addendum"
    return _review_with_words(interview, f"{why} Add what you wrote as {then} below.", words)


def _review_with_words(
    interview: Interview, why: str, words: list[tuple[str, str]]
) -> tuple[str, int]:
    """The review page of an interview finished meanwhile, saying why nothing changed and
    quoting what was typed, to copy into a correction (409)."""
    return render_template(
        "interviews/page.html",
        **_context(interview, "review", not_saved=NotSaved(why, words)),
    ), 409


def _differs(document: Mapping[str, Any], path: str, value: Any) -> bool:
    try:
        held = c.get_field(document, path)
    except c.ContentError:
        return False
    return str(held).strip() != str(value).replace("\r\n", "\n").strip()


@bp.route("/interviews/<uuid>/items/<kind>", methods=["POST"])
@login_required
def add_item(uuid: str, kind: str) -> str | Response:
    return _change_list(uuid, kind, lambda i: service.add_item(i, current_user, kind))


@bp.route("/interviews/<uuid>/items/<kind>/<item_id>/remove", methods=["POST"])
@login_required
def remove_item(uuid: str, kind: str, item_id: str) -> str | Response:
    return _change_list(uuid, kind, lambda i: service.remove_item(i, current_user, kind, item_id))


def _change_list(uuid: str, kind: str, change: Callable[[Interview], object]) -> str | Response:
    if kind not in catalogue.lists() or not ConfirmForm().validate_on_submit():
        abort(400)
    changes = _changes_from_form()

    def apply(interview: Interview) -> list[service.FieldResult] | None:
        if interview.ended:
            return None
        # Without JavaScript the whole page comes with the button: keep what was typed first.
        results = (_save_changes(interview, changes) or []) if changes else []
        change(interview)
        return [r for r in results if r.outcome in ("conflict", "invalid")]

    interview, refused = _change_interview(uuid, apply)
    if refused is None:
        if request.htmx:
            abort(409)  # the list's button, on a page opened before it was finished
        return _locked_response(interview, changes)
    if refused and not request.htmx:
        # The entry is added (or removed); a field sent with it that was refused comes back
        # holding what was typed, as a save of the page would (`save`).
        page_id = "analysis" if kind == "actions" else "findings"
        status = 409 if any(r.outcome == "conflict" for r in refused) else 422
        return _refused_page(interview, page_id, refused), status
    return _list_response(interview, kind)


def _list_response(interview: Interview, kind: str) -> str | Response:
    page_id = "analysis" if kind == "actions" else "findings"
    if request.htmx:
        return render_block("interviews/page.html", f"list_{kind}", **_context(interview, page_id))
    return redirect(url_for("interviews.page", uuid=interview.uuid, page_id=page_id) + f"#{kind}")


@bp.route("/interviews/<uuid>/overrides", methods=["POST"])
@login_required
def add_override(uuid: str) -> tuple[str, int] | Response:
    """Record a safeguarding decision to share without the child's agreement."""
    interview = access.get_interview(current_user, uuid)
    access.require_interview_change(current_user, interview)
    form = _decision_form(interview)

    def refused() -> tuple[str, int]:
        return render_template(
            "interviews/page.html",
            **_context(interview, "consent", decision_form=form, form_errors=field_errors(form)),
        ), 422

    def finished_meanwhile() -> tuple[str, int]:
        # What was typed (why it must be shared, what the child said...) comes back quoted.
        notice = NotSaved(
            "This interview has been finished (perhaps on another device), so no decision is "
            "added to it here.",
            typed_words(form),
        )
        return render_template(
            "interviews/page.html", **_context(interview, "consent", not_saved=notice)
        ), 409

    if interview.locked:
        form.validate_on_submit()  # read what was sent, to give it back
        return finished_meanwhile()
    valid = form.validate_on_submit()
    decision = _decision_sent(form)
    if not valid:
        # A box too long and an answer missing are said together, not one after the other.
        _show_problems(form, decisions.problems(interview, decision))
        return refused()

    def apply(current: Interview) -> bool:
        if current.locked:
            return False
        decisions.record(current, current_user, decision)
        return True

    try:
        # A save landing meanwhile: read again, not a 500.
        interview, recorded_it = _change_interview(uuid, apply)
    except decisions.DecisionError as problem:
        db.session.rollback()
        interview = access.get_interview(current_user, uuid)
        _show_problems(form, problem.problems)
        return refused()
    if not recorded_it:
        return finished_meanwhile()
    recorded = "The decision to share without agreement is recorded" + (
        ", and the copy is released now. The person who decided is asked to confirm it."
        if decision.urgent
        else ". The copy is released when the person who decided confirms it in rhi."
    )
    # Saved as written; a suggestion's placeholder left in any of its boxes is named.
    saved = saved_and_left(
        recorded,
        (decision.reason, "why it must be shared"),
        (decision.child_told_how, "how the child was told"),
        (decision.child_said, "what the child said"),
        (decision.urgent_reason, "why it cannot wait"),
    )
    flash(saved, "success")
    return redirect(url_for("interviews.page", uuid=uuid, page_id="consent"))


def _decision_sent(form: DecisionForm) -> decisions.Decision:
    """The decision as the form sent it, for rhi/interviews/decisions.py to check and record."""
    return decisions.Decision(
        recipient=form.recipient.data or "",
        parts=list(form.parts.data or []),
        releases=list(form.releases.data or []),
        reason=form.reason.data or "",
        decider_id=numbers.whole_number(form.decider.data),
        child_told=form.child_told.data or "",
        child_told_how=form.child_told_how.data or "",
        child_said=form.child_said.data or "",
        urgent=bool(form.urgent.data),
        urgent_reason=form.urgent_reason.data or "",
    )


def _show_problems(form: DecisionForm, problems: Mapping[str, list[str]]) -> None:
    """Each problem beside its field (and so in the page's error summary), after any the form
    found itself."""
    for name, messages in problems.items():
        field = getattr(form, name)
        field.errors = [*field.errors, *(m for m in messages if m not in field.errors)]


@bp.route("/interviews/<uuid>/decisions/<decision_id>/decider", methods=["POST"])
@login_required
def ask_instead(uuid: str, decision_id: str) -> tuple[str, int] | Response:
    """The interviewer's side names someone else to confirm or decline a decision whose
    decider can no longer decide for the child (they moved team, left, or are no longer the
    child's social worker); before, no one could, and an urgent one stayed in force for good."""
    interview = access.get_interview(current_user, uuid)
    if not access.reads_whole_interview(current_user, interview):
        abort(403)
    row = decisions.rows(interview).get(decision_id)
    if row is None:
        abort(404)
    form = _ask_instead_form(interview, decision_id)
    if not form.validate_on_submit():
        abort(400)  # only the CSRF token is checked here: the rule says what else is wrong
    try:
        chosen = decisions.ask_instead(row, current_user, numbers.whole_number(form.decider.data))
    except decisions.DecisionError as problem:
        db.session.rollback()
        interview = access.get_interview(current_user, uuid)
        form.decider.errors = [str(problem)]
        return render_template(
            "interviews/page.html",
            **_context(
                interview,
                "consent",
                ask_instead={decision_id: form},
                form_errors=field_errors(form),
            ),
        ), 422
    db.session.commit()
    flash(f"{chosen.name} is asked to confirm or decline the decision in rhi.", "success")
    return redirect(url_for("interviews.page", uuid=uuid, page_id="consent"))


@bp.route("/interviews/<uuid>/finish", methods=["POST"])
@login_required
def finish(uuid: str) -> tuple[str, int] | Response:
    """Finish: the return's outcome is "interview held". Past its deadline, the form asks why
    (from the list) and for a note, kept with the interview; without them nothing is finished
    and the review page says so next to the fields."""
    interview = access.get_interview(current_user, uuid)
    access.require_interview_change(current_user, interview)
    form = FinishForm(late=_late(interview))
    valid = form.validate_on_submit()
    if form.csrf_token.errors:
        abort(400)
    if interview.locked:
        return _finished_already(interview, form)
    if not interview.may_finish:
        return _review_with_words(
            interview,
            "This interview's return already has its outcome (the child said no, or another "
            "was recorded), so it was not finished: finishing would record it as held.",
            typed_words(form),
        )
    if not valid:
        return render_template(
            "interviews/page.html",
            **_context(interview, "review", finish_form=form, form_errors=field_errors(form)),
        ), 422
    late = form.late

    def apply(current: Interview) -> bool:
        if not current.may_finish:
            return False  # finished (or ended) in another tab meanwhile
        service.finish(
            current,
            current_user,
            delay_reason=form.delay_reason.data if late else None,
            delay_note=(form.delay_note.data or "").strip() if late else None,
        )
        return True

    # Finished first (a save landing meanwhile is read again, not a 500); then the summary.
    interview, finished = _change_interview(uuid, apply)
    if not finished:
        return _finished_already(interview, form)
    _send_summary(interview)
    return redirect(url_for("interviews.page", uuid=uuid, page_id="review"))


def _finished_already(interview: Interview, form: FinishForm) -> tuple[str, int] | Response:
    """Finished in another tab or on another device meanwhile: nothing changes. A note typed
    about the delay comes back quoted, to add as a correction; with none, the review page."""
    words = typed_words(form)
    if not words:
        return redirect(url_for("interviews.page", uuid=interview.uuid, page_id="review"))
    return _review_with_words(
        interview,
        "This interview had already been finished (perhaps on another device), so it was not "
        "finished again. Add what you wrote as a correction below.",
        words,
    )


def _late(interview: Interview) -> bool:
    """The interview was held after its deadline (the deadline is for holding it: one held in
    time and written up later is not late), or is not held yet and the deadline has passed;
    by the clock's own rule (rhi.deadlines.Clock: at the deadline itself it is late)."""
    return deadlines.Clock(interview.due_at, interview.held_at or utcnow()).overdue


@bp.app_context_processor
def _finish_helpers() -> dict[str, Any]:
    """The review page's finish form, blank, when the route did not pass one with errors."""

    def finish_form_for(interview: Interview) -> FinishForm:
        return FinishForm(formdata=None, late=_late(interview))

    return {"finish_form_for": finish_form_for}


def _send_summary(interview: Interview) -> None:
    """Send the social worker's copy; the interview is saved even if the PDF cannot be made.
    Placeholders left anywhere in the record are named either way (read before the copy is
    made, so a copy that fails cannot hide them)."""
    unfilled = left_unfilled_in(interview)
    still = f"Still to fill in, as an addendum: {' '.join(unfilled)} " if unfilled else ""
    try:
        # With no allocated social worker: the person chosen on the finish form, or the duty inbox.
        shared = share_with_social_worker(interview, current_user, request.form.get("summary_to"))
    except SummaryNotMade:
        db.session.commit()
        flash(
            "The interview is finished and saved, but its summary could not be made just "
            "now. Use \u201cSend the summary again\u201d below.",
            "error",
        )
        if still:
            flash(still.strip(), "error")
        return
    db.session.commit()
    flash("Interview finished. " + still + sent_message(shared), "success")


@bp.route("/interviews/<uuid>/send-summary", methods=["POST"])
@login_required
def send_summary(uuid: str) -> Response:
    interview = access.get_interview(current_user, uuid)
    access.require_interview_change(current_user, interview)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if interview.status == InterviewStatus.FINISHED.value:
        _send_summary(interview)
    return redirect(url_for("interviews.page", uuid=uuid, page_id="review"))


STILL_OPEN = (
    "This interview is still open: write this in the interview itself. An addendum is added "
    "once it is finished, or its return has an outcome."
)


@bp.route("/interviews/<uuid>/addenda", methods=["POST"])
@login_required
def add_addendum(uuid: str) -> tuple[str, int] | Response:
    interview = access.get_interview(current_user, uuid)
    access.require_interview_change(current_user, interview)
    form = AddendumForm()
    valid = form.validate_on_submit()
    if form.csrf_token.errors:
        abort(400)
    if not interview.ended:
        # Open: what is to be said goes in the interview itself, where it is shared (or kept)
        # as the child said. The words come back quoted to copy there, with why: not in an
        # addendum box, which would only be refused again until the interview ends.
        typed = (form.text.data or "").strip()
        notice = NotSaved(STILL_OPEN, [("Your addendum", typed)] if typed else [])
        return render_template(
            "interviews/page.html", **_context(interview, "review", not_saved=notice)
        ), 409
    if not valid:
        return render_template(
            "interviews/page.html", **_context(interview, "review", addendum_form=form)
        ), 422
    text = form.text.data.strip()
    part = form.part.data or None
    in_force = decisions.in_force(interview)
    named = private_mentions.in_addendum(interview.content, in_force, text, part)
    if named and not form.names_checked.data:
        # Words naming someone the child kept back, to readers who do not hold them: said
        # next to the field, the words kept, and added only once the worker has looked.
        form.text.errors = [_named_in_addendum(interview, named)]
        return render_template(
            "interviews/page.html",
            **_context(interview, "review", addendum_form=form, addendum_named=True),
        ), 422
    also = "names someone kept back: added all the same" if named else ""
    addendum = service.add_addendum(interview, current_user, text, part, also=also)
    again = None
    if part is not None and _reaches_the_social_worker(interview, part, in_force):
        # The social worker's summary was made before it: a new one that holds it goes to
        # whoever the last went to, as after a decision confirmed later. Not made (WeasyPrint
        # failed): nothing is kept, and the words come back in the form to add again.
        try:
            again = share_after_decision(interview, current_user)
        except SummaryNotMade:
            db.session.rollback()
            form.text.errors = [
                "Not added yet: the social worker's new summary, which holds it, could not be "
                "made just now. Add it again."
            ]
            return render_template(
                "interviews/page.html", **_context(interview, "review", addendum_form=form)
            ), 503
    db.session.flush()
    # Copies that left rhi before it, for readers who may read it: rhi cannot replace them.
    short = [f for f in sent_before.sent_before_addenda(interview) if f.addendum is addendum]
    db.session.commit()
    done = "Addendum added."
    if again is not None:
        done += f" A new summary that holds it is in {again.prepared_for_name}'s inbox."
    to_send = [recipient_label(f.recipient, interview).lower() for f in short if not f.sent_again]
    if to_send:
        done += (
            f" Copies for {', '.join(to_send)} were recorded as sent before it and do not hold "
            "it: send a new copy."
        )
    flash(saved_and_left(done, (text, "the addendum")), "success")
    return redirect(url_for("interviews.page", uuid=uuid, page_id="review"))


def _named_in_addendum(interview: Interview, named: list[private_mentions.Mention]) -> str:
    """The words for the field: whom it names, and whose copies would hold it."""
    child = interview.child
    who = child.preferred_name or child.first_name
    readers = list(dict.fromkeys(m.recipient_label for m in named))
    return (
        f"These words {private_mentions.what_is_named(named)}. {who} asked to keep this "
        f"between you, and the words would go to: {'; '.join(readers)}. Change the words, or "
        "choose another part or None; or tick below to add them all the same."
    )


def _reaches_the_social_worker(interview: Interview, part: str, in_force: set[str]) -> bool:
    """Does the social worker's copy hold an addendum to this part (rhi/sharing.py rule 8)?"""
    view = outside_view(interview.content, in_force=in_force, finished=interview.locked)
    return addendum_reaches(view, interview.content, part)


@bp.route("/interviews/<uuid>/consent-changes", methods=["POST"])
@login_required
def change_consent(uuid: str) -> tuple[str, int] | Response:
    """The child takes back their agreement to share, after finishing: what they now agree to
    share with one reader (only less), in their words (rhi/interviews/consent_changes.py)."""
    interview = access.get_interview(current_user, uuid)
    access.require_interview_change(current_user, interview)
    form = ConsentChangeForm()
    valid = form.validate_on_submit()
    if form.csrf_token.errors:
        abort(400)

    def refused() -> tuple[str, int]:
        return render_template(
            "interviews/page.html",
            **_context(interview, "review", consent_change_form=form),
        ), 422

    if not valid:
        return refused()
    try:
        change = consent_changes.narrow(
            interview,
            current_user,
            recipient=form.recipient.data or "",
            keep=set(form.keep.data or []),
            words=form.words.data or "",
            said_on=form.said_on.data,
            today=rules_of_actions.today_local(),
        )
    except consent_changes.ConsentChangeError as exc:
        db.session.rollback()
        getattr(form, exc.field).errors = [str(exc)]
        return refused()
    db.session.flush()
    earlier = sent_before.sent_before_withdrawal(interview, change)
    replaced = None
    if change.recipient == "social_worker":
        # The summary kept in rhi holds what the child took back: withdrawn, and a new one
        # made with what they still agree to share.
        try:
            replaced = withdraw_and_send_again(
                interview, current_user, "the child took back their agreement to share"
            )
        except SummaryNotMade:
            db.session.rollback()
            form.recipient.errors = [
                "Not saved yet: the social worker's new summary could not be made just now. "
                "Save it again."
            ]
            return refused()
    db.session.commit()
    name = interview.child.preferred_name or interview.child.first_name
    label = recipient_label(change.recipient, interview).lower()
    said = f"Saved: copies for {label} made from now hold only what {name} still agrees to share."
    if earlier:
        said += (
            f" Copies that already went to {'; '.join(earlier)} hold what {name} no longer "
            "agrees to share, and rhi cannot call them back: tell them."
        )
    if replaced is not None:
        said += (
            " The social worker's summary that held it is withdrawn: a new one is in "
            f"{replaced.prepared_for_name}'s inbox."
        )
    flash(said, "error" if earlier else "success")
    return redirect(url_for("interviews.page", uuid=uuid, page_id="review") + "#consent-record")


# ---- the read-back, and the way back from the child's view ------------------------------------


def _held_gap(interview: Any, content: dict[str, Any]) -> list[str]:
    """On review: "When the chat started" before the child came back, which the figures and the
    copies do not follow (service.held_before_return), saying what they give instead."""
    if not isinstance(interview, Interview):
        return []
    too_early = service.held_before_return(interview, content)
    if too_early is None:
        return []
    given = format_datetime(interview.held_at) if interview.held_at else "the time it was begun"
    return [f"{too_early} The copies and the figures give {given}."]


def _read_back_gap(
    interview: Any, content: dict[str, Any], in_force: Collection[str], name: str
) -> list[str]:
    """On review, until read back again: the child answered about what was shared then."""
    if not reading_back.changed_since_read(content, in_force, interview.read_back_of):
        return []
    return [f"What will be shared has changed since it was read back to {name}: read it again."]


def _read_back_context(interview: Interview, page_id: str) -> dict[str, Any]:
    """The read-back page's lists: who will know what (rhi/interviews/read_back.py, from
    rhi/sharing.py), and what stays between the worker and the child."""
    if page_id != "read_back":
        return {}
    in_force = decisions.in_force(interview)
    own = allocated_reader(interview) is not None
    told = reading_back.recipients(interview.content, in_force, own_social_worker=own)
    kept = reading_back.kept_between_us(interview.content, in_force, own_social_worker=own)
    # Before the child reads it: the writing check's open suggestions, and the gaps a suggestion
    # left ("[person or place]"), in the words the page will show them. The child read "Aisha
    # absconded and is promiscuous" as what they had said, and the worker was told only on the
    # review page, after (a probe). Said to the worker alone.
    shown = [t.words for r in told if r.told_of for t in r.things] + [t.words for t in kept]
    content = c.normalise(interview.content)
    # The boxes whose words the page shows whole (what the child said, their message...): not
    # a box whose phrase only happens to appear in them, as the worker's analysis (a review).
    read_out = [
        (path, text)
        for path, text in c.text_fields(content)
        if any(text.strip() in words for words in shown)
    ]
    wording = open_flags(writing.matcher(), read_out, content["language"]["dismissed"])
    return {
        "read_back_wording": wording,
        "read_back_gaps": sorted({gap for words in shown for gap in found_in(words)}),
        # Compared with the lists the page shows, not built again for it.
        "read_back_changed": reading_back.changed_since_read(
            interview.content, in_force, interview.read_back_of, shown=(told, kept)
        ),
        # Those the child is told about (read_back.ROUTINELY_TOLD, or something reaches them);
        # what was read is fingerprinted from every one, as before.
        "read_back_recipients": [r for r in told if r.told_of],
        "read_back_kept": kept,
    }


@bp.route("/interviews/<uuid>/read-back", methods=["POST"])
@login_required
def read_back(uuid: str) -> tuple[str, int] | Response:
    """What the child said when what will be shared was read back to them, stamped now: "Yes,
    that's right", "I want changes" (with what, in their words) or "I didn't want to read
    it". Recorded with the interview and in the audit trail, in one transaction. The changes
    asked for are saved as they are typed, as every box is (`save`); only this records the
    answer, with what was read."""
    answer = request.form.get("f:read_back.answer", "")
    changes = request.form.get("f:read_back.changes", "").replace("\r\n", "\n")
    # The words the changes box started from (its autosave's original, _fields.html meta).
    started_from = request.form.get("o:read_back.changes")
    interview = access.get_interview(current_user, uuid)
    access.require_interview_change(current_user, interview)
    # Refused, the page comes back holding what the child asked to change (never a fresh page
    # that has dropped their words), with the reason beside the field.
    refusal = _read_back_refusal(interview, answer, changes, started_from)
    if refusal is not None:
        return _refused_page(
            interview,
            "read_back",
            [refusal],
            typed={"read_back.answer": answer, "read_back.changes": changes},
        ), 409 if refusal.outcome == "conflict" else 422

    def apply(interview: Interview) -> bool:
        if interview.ended:
            return False
        now_local = to_local(utcnow()).replace(tzinfo=None)
        document = _read_back_answered(interview.content, answer, changes)
        document = c.set_field(
            document, "read_back.at", now_local.strftime("%Y-%m-%d %H:%M"), now_local
        )
        interview.content = document
        # What the child answered about, kept with the answer: a change to what is shared
        # afterwards shows it was not read back again (read_back.changed_since_read).
        interview.read_back_of = reading_back.answered_mark(
            document, decisions.in_force(interview), changes
        )
        audit.record(
            "interview.read_back",
            object_type="interview",
            object_id=interview.uuid,
            child_id=interview.child_id,
            detail=answer,
        )
        return True

    interview, recorded = _change_interview(uuid, apply)
    if not recorded:
        # Finished meanwhile: the child's answer and the changes they asked for, in their words,
        # come back quoted, to add as a correction (never only "copy what you typed first").
        said = [("The child's answer", c.READ_BACK_ANSWERS.get(answer, answer))]
        if changes.strip():
            said.append(("What the child asked to change", changes.strip()))
        return _review_with_words(
            interview,
            "This interview had already been finished (perhaps on another device), so the "
            "read-back was not recorded. Add what the child said as a correction below.",
            said,
        )
    flash(f"Recorded: \u201c{c.READ_BACK_ANSWERS[answer]}\u201d.", "success")
    # `answered`: the child's view says so too, beside the button (the message above is the
    # worker's, hidden while the tablet is turned to the child: an accessibility probe).
    return redirect(url_for("interviews.page", uuid=uuid, page_id="read_back", answered=1))


CHOOSE_AN_ANSWER = "Choose one of the answers."
CHANGES_TYPED = (
    "Changes are written in the box below: choose \u201cI want changes\u201d to record them, "
    "or empty the box."
)
# "I want changes" with nothing said of what: the copies would print that the child wanted
# changes, and no one could make them (an accessibility probe).
CHANGES_UNSAID = (
    "Write what they would like to change, in their words (or that they did not say what)."
)


def _read_back_answered(content: Any, answer: str, changes: str) -> dict[str, Any]:
    """The document with the child's answer. The changes asked for are written with "I want
    changes"; with another answer, those the child asked for before stay in the record as
    they were (read again after the changes were made, the box still shows them), and new
    words typed are refused before this (`_read_back_refusal`)."""
    document = c.set_field(content, "read_back.answer", answer)
    if answer != "changes":
        return document
    return c.set_field(document, "read_back.changes", changes.strip())


def _read_back_refusal(
    interview: Interview, answer: str, changes: str, started_from: str | None = None
) -> service.FieldResult | None:
    """Why the answer cannot be recorded as sent (no answer chosen, changes too long, new
    changes typed with another answer, or changes written over words saved since the page
    was drawn), as a refused field; None when it can. `started_from`: the changes box's
    original, if the form sent it."""
    held = c.normalise(interview.content)
    held_answer = c.get_field(held, "read_back.answer")
    if answer not in c.READ_BACK_ANSWERS or not answer:
        return service.FieldResult(
            "read_back.answer", "invalid", held_answer, answer, CHOOSE_AN_ANSWER
        )
    before = str(c.get_field(held, "read_back.changes") or "")
    if answer == "changes" and _changed_since_drawn(held, started_from, changes):
        # The box's words were saved elsewhere after this page was drawn (another device, or
        # its own last words sent as the page was left, after the next page was made): a clash,
        # as for any box (service.save_fields), never written over.
        return service.FieldResult(
            "read_back.changes",
            "conflict",
            before,
            changes,
            service.CHANGED_ELSEWHERE,
            started_from,
        )
    if answer == "changes" and not changes.strip():
        return service.FieldResult("read_back.changes", "invalid", before, changes, CHANGES_UNSAID)
    # New words: not those the box held when the child last answered (the box autosaves, so
    # the words held now may have been typed since: a review found a second read-back's new
    # changes recorded as "Yes, that's right").
    new_words = reading_back.changes_new_since_answered(
        interview.read_back_of if held_answer else None, changes, before
    )
    if answer != "changes" and new_words:
        # Another answer would record the child's words of changes as if they had agreed (or
        # not read it), or without JavaScript drop them without a word.
        return service.FieldResult(
            "read_back.answer", "invalid", held_answer, answer, CHANGES_TYPED
        )
    try:
        _read_back_answered(interview.content, answer, changes)
    except c.ContentError as exc:
        return service.FieldResult(
            "read_back.changes",
            "invalid",
            c.get_field(held, "read_back.changes"),
            changes,
            str(exc),
        )
    return None


def _changed_since_drawn(held: dict[str, Any], started_from: str | None, changes: str) -> bool:
    """The changes box was drawn holding other words than those held now, and what it sends
    is not those either. Its original is read as the writer would hold it (line breaks,
    direction controls), as the autosave's is."""
    now = c.get_field(held, "read_back.changes")
    if started_from is None or changes.strip() == str(now).strip():
        return False
    try:
        return (
            c.get_field(c.set_field(held, "read_back.changes", started_from), "read_back.changes")
            != now
        )
    except c.ContentError:
        return True


CHILD_VIEW_PAUSED = "Too many wrong passwords. Try again after {time}, or use the tablet's PIN."
CHILD_VIEW_WRONG = "That password is not right. Try again."


@bp.route("/interviews/<uuid>/child-view/unlock", methods=["POST"])
@login_required
@limiter.limit("10 per minute")
def child_view_unlock(uuid: str) -> tuple[str | dict[str, str], int]:
    """The way back from the child's view online, on a tablet with no PIN: the worker's own
    password. Throttled like signing in (the same failures count, so guessing here is no
    easier than there), and every try is recorded."""
    interview = access.get_interview(current_user, uuid)
    if not access.reads_whole_interview(current_user, interview):
        abort(403)
    attempt = throttle.Attempt(
        key=throttle.email_key(current_user.email.strip().lower(), current_app.secret_key),
        address=throttle.address_key(request.remote_addr),
        now=utcnow(),
        limits=throttle.Limits.from_config(current_app.config),
    )
    until = attempt.refused_until()
    right = verify_password(
        current_user.password_hash if until is None else None, request.form.get("password", "")
    )
    outcome = "ok" if until is None and right else "refused"
    if outcome == "refused" and until is None:
        attempt.note_failure()
    audit.record(
        "interview.child_view_unlock",
        object_type="interview",
        object_id=interview.uuid,
        child_id=interview.child_id,
        outcome=outcome,
        detail="paused" if until is not None else None,
    )
    db.session.commit()
    if until is not None:
        return {"message": CHILD_VIEW_PAUSED.format(time=f"{to_local(until):%H:%M}")}, 429
    if not right:
        return {"message": CHILD_VIEW_WRONG}, 422
    return "", 204


def _child_copy_letter(uuid: str, what: str) -> tuple[Interview, child_copy.Letter]:
    """The interviewer's side only (it names who knows what); each look is recorded. The
    letter is in the child's language where rhi has its words (`_letter_words`)."""
    interview = access.get_interview(current_user, uuid)
    if not access.reads_whole_interview(current_user, interview):
        abort(403)
    audit.record(
        "interview.child_copy",
        object_type="interview",
        object_id=interview.uuid,
        child_id=interview.child_id,
        detail=what,
    )
    db.session.commit()
    return interview, child_copy.letter_for(
        interview, interview.child, decisions.in_force(interview)
    )


def _letter_words(interview: Interview) -> list[ChildWords]:
    """The child's words for the letter: their language, as on the interview pages."""
    return [words_for(interview.child, to_local(interview.held_at or utcnow()).date())]


@bp.route("/interviews/<uuid>/child-copy")
@login_required
def child_copy_page(uuid: str) -> str:
    """The child's copy: a letter in plain words (rhi/interviews/child_copy.py)."""
    interview, letter = _child_copy_letter(uuid, "page")
    return render_template(
        "interviews/child_copy.html",
        interview=interview,
        letter=letter,
        child_words_variants=_letter_words(interview),
    )


@bp.route("/interviews/<uuid>/child-copy.pdf", methods=["POST"])
@login_required
def child_copy_pdf(uuid: str) -> Response:
    """Prepared as a download job (rhi/interviews/child_copy.py make_for); the worker waits on
    its page, then downloads it."""
    interview, _letter = _child_copy_letter(uuid, "pdf")
    # The child's id too: the download of their letter goes on their own audit trail.
    job = downloads.prepare(
        "child_letter", current_user, uuid=interview.uuid, child_id=interview.child_id
    )
    db.session.commit()
    return redirect(url_for("downloads.show", job_id=job.id), 303)
