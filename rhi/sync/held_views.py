"""Held work: what tablets sent for returns that had moved on, for the managers and colleagues
who can now act on it (rhi/sync/held.py holds the rules)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from rhi import audit, numbers
from rhi.extensions import db
from rhi.forms.admin import ConfirmForm
from rhi.forms.fields import too_long_words
from rhi.interviews import content as c
from rhi.interviews import fields as catalogue
from rhi.models import User
from rhi.sync import held as held_work
from rhi.sync.events import NAMES as EVENT_NAMES

bp = Blueprint("held", __name__)


@bp.app_context_processor
def _count() -> dict[str, object]:
    def held_waiting() -> int:
        if not current_user.is_authenticated:
            return 0
        return held_work.count_waiting(current_user)

    return {"held_waiting": held_waiting}


@bp.route("/held")
@login_required
def waiting() -> str:
    waiting = held_work.waiting_for(current_user)
    audit.record("held.list", user=current_user, detail=f"{waiting.total} waiting")
    # Shown before the commit: a commit expires the rows, and the page would load each again.
    page = render_template(
        "sync/held_list.html",
        rows=waiting.rows,
        total=waiting.total,
        short_name=held_work.short_name,
    )
    db.session.commit()
    return page


def _what_it_holds(payload: dict[str, Any], child_name: str) -> dict[str, Any]:
    document = payload.get("content")
    written = []
    if isinstance(document, dict):
        normal = c.normalise(document)
        written = [
            (catalogue.title(path, (normal,), child_name), text)
            for path, text in c.text_fields(normal)
        ]
    events = [
        (EVENT_NAMES.get(str(e.get("kind")), str(e.get("kind"))).capitalize(), str(e.get("at", "")))
        for e in payload.get("events") or []
        if isinstance(e, dict)
    ]
    return {"written": written, "events": events}


# The longest note passed on with held work (it was cut to this without a word).
HANDOVER_NOTE_MAX = 2000


def _show(held_id: int, status: int = 200, **extra: Any) -> tuple[str, int]:
    held = held_work.get(current_user, held_id)
    name = held.child.display_name if held.child else "the child"
    audit.record(
        "held.view",
        user=current_user,
        object_type="held_work",
        object_id=held.id,
        child_id=held.child_id,
    )
    db.session.commit()
    return render_template(
        "sync/held_show.html",
        held=held,
        holds=_what_it_holds(held.payload, name),
        may_attach=held_work.may_attach(current_user, held),
        colleagues=held_work.colleagues(current_user, held)
        if current_user.role_enum.value == "manager"
        else [],
        confirm=ConfirmForm(),
        note_max=HANDOVER_NOTE_MAX,
        **extra,
    ), status


@bp.route("/held/<int:held_id>")
@login_required
def show(held_id: int) -> tuple[str, int]:
    return _show(held_id)


@bp.route("/held/<int:held_id>/attach", methods=["POST"])
@login_required
def attach(held_id: int) -> Response | tuple[str, int]:
    held = held_work.get(current_user, held_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        interview = held_work.attach(held, current_user)
    except held_work.HeldError as problem:
        db.session.rollback()
        return _show(held_id, 409, problem=str(problem))
    db.session.commit()
    flash(
        "Added to the child's record. Its notes are kept beside the interview: choose what to "
        "keep on the versions page.",
        "success",
    )
    return redirect(url_for("versions.versions", uuid=interview.uuid))


@bp.route("/held/<int:held_id>/pass", methods=["POST"])
@login_required
def pass_on(held_id: int) -> Response | tuple[str, int]:
    held = held_work.get(current_user, held_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if current_user.role_enum.value != "manager":
        abort(403)
    to_id = request.form.get("to", "")
    to_user_id = numbers.whole_number(to_id)
    to = db.session.get(User, to_user_id) if to_user_id is not None else None
    # Line breaks counted as the browser counts them (forms.fields.TextArea).
    note = request.form.get("note", "").replace("\r\n", "\n")
    # Refused, the page keeps the person chosen and the note typed, with the reason by its box.
    typed = {"note": note, "chosen": to_id}
    if len(note) > HANDOVER_NOTE_MAX:
        return _show(held_id, 422, note_error=too_long_words(HANDOVER_NOTE_MAX), **typed)
    if to is None:
        return _show(held_id, 422, handover_error="Choose who will take this on.", **typed)
    try:
        held_work.pass_on(held, current_user, to, note)
    except held_work.HeldError as problem:
        db.session.rollback()
        return _show(held_id, 422, handover_error=str(problem), **typed)
    db.session.commit()
    flash(f"Passed on to {to.name}.", "success")
    return redirect(url_for("held.waiting"))
