"""The actions a person follows: their list, one action, and recording where it has got to.
Every read and change goes through rhi/access.py and is audited."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from rhi import access, audit, numbers
from rhi.actions import rules, tracking
from rhi.extensions import db
from rhi.forms.actions import ActionStatusForm, ChildToldForm
from rhi.forms.admin import ConfirmForm
from rhi.forms.fields import field_errors
from rhi.interviews import content as c
from rhi.models import FollowedAction, Interview
from rhi.models.base import utcnow
from rhi.models.episodes import Notice
from rhi.summaries import tracking as summary_tracking

bp = Blueprint("actions", __name__)

SHOWS = {
    "open": "Open",
    "overdue": "Overdue",
    "unplanned": "No one or no date",
    "untold": "To tell the child",
    "closed": "Done and closed",
}


def _contact(action: FollowedAction) -> str:
    """The named contact, asked again of a row recorded before contacts followed the social
    worker's copy (as its note is: tracking.note_is_shared); rows since hold none otherwise."""
    if not action.contact:
        return ""
    return action.contact if tracking.note_is_shared(action) else ""


def _as_written(action: FollowedAction) -> tuple[str, str]:
    """The action's note and named contact as the interviewer's side wrote them, from the
    interview itself: the row keeps them only where the social worker's copy holds them
    (tracking.record_from), and those who read the whole interview read them there too."""
    if action.interview is not None:
        for item in c.normalise(action.interview.content).get("actions", []):
            if str(item.get("id")) == action.item_id:
                return str(item.get("note") or ""), str(item.get("owner") or "")
    return "", ""


def _owner_as_written(action: FollowedAction) -> str:
    """Who will do it, with the contact as written (`_as_written`)."""
    return rules.owner_words(action.owner_kind, _as_written(action)[1], _person(action))


def _person(action: FollowedAction) -> str | None:
    """The person who will do it, by name; said when their account was closed (a probe: a
    manager's overdue list named someone who had left as doing a strategy meeting)."""
    owner = action.owner
    if owner is None:
        return None
    return owner.name if owner.active else f"{owner.name}, account closed"


def _words() -> dict[str, Any]:
    """What the templates need to say an action: the rules' own words."""
    return {
        "action_what": rules.what,
        "action_owner": lambda a: rules.owner_words(a.owner_kind, _contact(a), _person(a)),
        "action_due": rules.due_words,
        "action_status": rules.status_words,
        "action_overdue": rules.is_overdue,
        "unplanned_counted": tracking.UNPLANNED_COUNTED,
    }


@bp.app_context_processor
def _home_box() -> dict[str, Any]:
    """The "For you" box on a home page (Returns, My children): strategy meetings asked for,
    overdue actions, and questions about a summary waiting for the worker's answer. Computed
    only when a page includes the box."""

    def actions_for_you() -> dict[str, Any]:
        if not current_user.is_authenticated or not access.can_read_interviews(current_user):
            return {
                "count": 0,
                "rows": [],
                "meetings": [],
                "asked": 0,
                "questions": [],
                "unplanned": 0,
            }
        count, rows = tracking.overdue(current_user, rules.today_local())
        meetings = tracking.meetings_asked(current_user)
        # A social worker's questions about a summary this worker wrote: told here, or never.
        asked, questions = summary_tracking.waiting_for_answer(current_user)
        return {
            "count": count,
            "rows": rows,
            "meetings": meetings,
            "asked": asked,
            "unplanned": tracking.unplanned(current_user),
            "questions": questions,
        }

    return {"actions_for_you": actions_for_you, **_words()}


@bp.route("/actions")
@login_required
def listing() -> str:
    if not access.can_read_interviews(current_user):
        abort(403)
    show = request.args.get("show", "open")
    show = show if show in SHOWS else "open"
    page = numbers.page_number(request.args.get("page"), first=0)
    rows, more = tracking.listing(current_user, show, page, rules.today_local())
    audit.record("actions.list", user=current_user, detail=f"{show}: {len(rows)} shown")
    page_html = render_template(
        "actions/list.html",
        rows=rows,
        more=more,
        show=show,
        shows=SHOWS,
        page=page,
        owners=_owners_as_written(rows),
    )
    db.session.commit()
    return page_html


def _owners_as_written(rows: list[FollowedAction]) -> dict[int, str]:
    """Who will do each action, with its named contact as written in the interview, for the
    rows whose interview the user reads whole (one query for the page): the row keeps the
    contact only where the social worker's copy holds it."""
    interview_ids = {a.interview_id for a in rows if a.interview_id is not None}
    if not interview_ids:
        return {}
    whole = set(
        db.session.scalars(
            select(Interview.id).where(
                Interview.id.in_(interview_ids), access.whole_interview_filter(current_user)
            )
        )
    )
    return {a.id: _owner_as_written(a) for a in rows if a.interview_id in whole}


def _form(action: FollowedAction, formdata: Any = None) -> ActionStatusForm:
    form = ActionStatusForm(formdata=formdata)
    form.status.choices = [(s.key, s.words) for s in rules.statuses_for(action.kind)]
    if action.kind == rules.STRATEGY_MEETING:
        # A meeting's note says what it decided, or why none is needed.
        form.note.label.text = "What was decided, or why no meeting is needed"
        form.note.description = (
            "When it was held: what the meeting decided. When it is not needed or declined: "
            "why, in plain words."
        )
        form.on.description = "The day it was held or decided. For example, 30/11/2026."
    if formdata is None:
        form.status.data = action.status
        form.on.data = action.outcome_on
        form.note.data = action.outcome_note
        form.version.data = action.version
    return form


def _page(
    action: FollowedAction,
    form: ActionStatusForm,
    status: int = 200,
    told: ChildToldForm | None = None,
) -> tuple[str, int]:
    interview = action.interview
    whole = interview is not None and access.reads_whole_interview(current_user, interview)
    if whole:
        # The interviewer's side: as written in the interview, shared or not.
        note = _as_written(action)[0]
        owner = _owner_as_written(action)
    else:
        # Asked again here, not only when the action was recorded: a row recorded before the
        # note followed the child's sharing answer may hold one the reader may not see.
        note = action.note if tracking.note_is_shared(action) else ""
        owner = None  # the page's own words (`action_owner`)
    return (
        render_template(
            "actions/show.html",
            action=action,
            note=note,
            owner=owner,
            form=form,
            told=told or ChildToldForm(formdata=None, on=rules.today_local()),
            form_errors=field_errors(form) + (field_errors(told) if told else []),
            child=action.child,
            interview=interview,
            may_open_interview=whole,
            note_words=rules.MEETING_NOTE_WORDS if action.kind == rules.STRATEGY_MEETING else {},
            statuses=rules.statuses_for(action.kind),
        ),
        status,
    )


@bp.route("/actions/<int:action_id>")
@login_required
def show(action_id: int) -> tuple[str, int]:
    action = access.get_action(current_user, action_id)
    audit.record(
        "action.view",
        user=current_user,
        object_type="action",
        object_id=action.id,
        child_id=action.child_id,
    )
    db.session.commit()
    return _page(action, _form(action))


@bp.route("/actions/<int:action_id>", methods=["POST"])
@login_required
def update(action_id: int) -> Response | tuple[str, int]:
    action = access.get_action(current_user, action_id)
    form = _form(action, request.form)
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _page(action, form, 422)
    try:
        changed = tracking.update(
            action,
            current_user,
            status=form.status.data or "",
            on=form.on.data,
            note=form.note.data or "",
            version=int(form.version.data or 0),
            today=rules.today_local(),
        )
    except tracking.ActionError as exc:
        db.session.rollback()
        getattr(form, exc.field).errors = [str(exc)]
        if exc.field == "status" and int(form.version.data or 0) != action.version:
            # Changed by someone else meanwhile: the form as it stands now, with the note the
            # person typed still in its box (theirs to save again, or not, knowing what changed).
            fresh = _form(action)
            fresh.status.errors = [str(exc)]
            if (form.note.data or "").strip():
                fresh.note.data = form.note.data
            return _page(action, fresh, 409)
        return _page(action, form, 422)
    db.session.commit()
    flash("Saved." if changed else "Nothing had changed.", "success" if changed else "info")
    return redirect(url_for("actions.show", action_id=action.id))


@bp.route("/actions/<int:action_id>/child-told", methods=["POST"])
@login_required
def child_told(action_id: int) -> Response | tuple[str, int]:
    """The child was told what became of it: recorded by anyone who follows the action."""
    action = access.get_action(current_user, action_id)
    told = ChildToldForm()
    if not told.validate_on_submit():
        if told.csrf_token.errors:
            abort(400)
        return _page(action, _form(action), 422, told)
    try:
        tracking.child_told(
            action,
            current_user,
            on=told.on.data,
            how=told.how.data or "",
            today=rules.today_local(),
        )
    except tracking.ActionError as exc:
        db.session.rollback()
        getattr(told, exc.field).errors = [str(exc)]
        return _page(action, _form(action), 422, told)
    db.session.commit()
    flash(f"Saved: {action.child.display_name} was told what became of it.", "success")
    return redirect(url_for("actions.show", action_id=action.id))


@bp.route("/actions/notices/<int:notice_id>/dismiss", methods=["POST"])
@login_required
def dismiss(notice_id: int) -> Response:
    """A notice is its reader's alone: anyone else's is refused as if it did not exist."""
    notice = db.session.scalar(
        select(Notice).where(
            Notice.id == notice_id,
            Notice.user_id == current_user.id,
            Notice.action_id.is_not(None),
        )
    )
    if notice is None:
        access.refuse(current_user, "notice", notice_id, None)
    assert notice is not None
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if notice.dismissed_at is None and notice.action is not None:
        notice.dismissed_at = utcnow()
        audit.record(
            "notice.dismiss",
            user=current_user,
            object_type="notice",
            object_id=notice.id,
            child_id=notice.action.child_id,
        )
        db.session.commit()
    return redirect(url_for("home.index"))
