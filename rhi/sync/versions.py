"""Choosing between two versions of an interview: the server's, and one sent from a tablet.

When a tablet uploads an interview whose server copy moved on since the tablet last had it, the
upload keeps the tablet's whole document in `sync_conflicts` and applies nothing (see
service.py). This page shows each such version beside the server's, field by field, and lets
the worker choose what to keep. Nothing is dropped unless the worker says so:

- text: "Keep both" is chosen to start with (the server's words, a line "From the tablet:",
  the tablet's words); the worker may keep one side, or write the two together;
- yes/no answers and choices: one or the other (the server's to start with);
- places, people and actions only on the tablet are added (unless the worker leaves one out);
  those only on the server stay;
- decisions to share without consent recorded on the tablet are always added.

Choices are applied through the interview's own writer (`interviews.service.save_fields`),
guarded by the interview's version: if it moved on while the worker was choosing, the page is
shown again with the new server version and the worker's choices and words kept. A finished
interview is not changed: the tablet's words become an addendum instead. Who resolved what is in
the audit trail (`sync.resolve`, never any text). Who may see or change the interview is asked
of `rhi.access` only.

What differs, titles and "keep both" are in rhi/sync/compare.py (no Flask).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from rhi import access, audit, writing
from rhi.extensions import db
from rhi.forms.versions import (
    KeepServerForm,
    TabletAddendumForm,
    VersionsForm,
    choice_name,
    element_id,
    merged_name,
    versions_form,
)
from rhi.interviews import content as c
from rhi.interviews import service as interviews
from rhi.models import Interview, SyncConflict
from rhi.models.base import utcnow
from rhi.models.interviews import UUID_TEXT
from rhi.sync import resolve as resolving
from rhi.sync.compare import Comparison, addendum_text, compare, field_title
from rhi.timefmt import format_datetime, to_local

# ---- the pages ------------------------------------------------------------------------------

bp = Blueprint("versions", __name__)

STALE_MESSAGE = (
    "Nothing was saved: the interview was changed somewhere else while you were "
    "choosing. The server's version below is the newest. Your choices and anything "
    "you wrote are kept: check them and save again."
)
LOCKED_MESSAGE = (
    "Nothing was changed: this interview has been finished (or its return has an outcome), so "
    "it is not edited. Add the tablet's words as an addendum instead."
)
NOT_LOCKED_MESSAGE = "This interview is still open: choose what to keep part by part."


@bp.app_template_global("open_versions")
def open_versions(interview: Interview | None) -> int:
    """How many versions from tablets wait for the signed-in user to choose, for this interview
    (0 when they may not act on it). For the banner in interviews/_versions_banner.html."""
    if (
        not isinstance(interview, Interview)
        or not current_user.is_authenticated
        or not access.may_change_interview(current_user, interview)
    ):
        return 0  # also for the blank stand-in the offline page shells are drawn with
    return (
        db.session.scalar(
            select(func.count(SyncConflict.id))
            .join(Interview, Interview.id == SyncConflict.interview_id)
            .where(
                SyncConflict.interview_id == interview.id,
                SyncConflict.resolved_at.is_(None),
                access.interview_filter(current_user),
            )
        )
        or 0
    )


def _interview(uuid: str) -> Interview:
    """The interview, if this user may see it (404 otherwise) and change it (403)."""
    interview = access.get_interview(current_user, uuid)
    access.require_interview_change(current_user, interview)
    return interview


def _open_conflicts(interview: Interview) -> list[SyncConflict]:
    return list(
        db.session.scalars(
            select(SyncConflict)
            .where(SyncConflict.interview_id == interview.id, SyncConflict.resolved_at.is_(None))
            .order_by(SyncConflict.received_at, SyncConflict.id)
        )
    )


def _now_local() -> datetime:
    return to_local(utcnow()).replace(tzinfo=None)


@dataclass
class Entry:
    """One version from a tablet, as the page shows it."""

    conflict: SyncConflict
    comparison: Comparison
    form: VersionsForm
    keep_form: KeepServerForm
    addendum_form: TabletAddendumForm
    message: str = ""
    # Words the worker wrote together for parts that no longer differ (after a stale save).
    earlier_writing: list[tuple[str, str]] = field(default_factory=list)

    @property
    def prefix(self) -> str:
        return f"v{self.conflict.id}-"


def _written(formdata: Any) -> dict[str, str]:
    """What the worker wrote together, by path."""
    if formdata is None:
        return {}
    return {
        key.split(":", 1)[1]: value
        for key, value in formdata.items()
        if key.startswith("merged:") and value.strip()
    }


def _entry_for(
    interview: Interview,
    conflict: SyncConflict,
    *,
    posted: bool = False,
    form: VersionsForm | None = None,
    keep_form: KeepServerForm | None = None,
    addendum_form: TabletAddendumForm | None = None,
    message: str = "",
) -> Entry:
    comparison = compare(interview.content, conflict.content, conflict.changed_paths)
    prefix = f"v{conflict.id}-"
    formdata = request.form if posted else None
    if form is None:
        form = versions_form(
            comparison.fields,
            comparison.additions,
            id_prefix=prefix,
            version=interview.version,
            formdata=formdata,
        )
    form.version.data = str(interview.version)  # the page shows this version: save against it
    written = _written(formdata)
    server, tablet = c.normalise(interview.content), c.normalise(conflict.content)
    earlier = [
        (field_title(path, server, tablet), text)
        for path, text in written.items()
        if comparison.difference(path) is None or comparison.difference(path).kind != "text"
    ]
    if addendum_form is None:
        addendum_form = TabletAddendumForm(formdata=None)
        addendum_form.text.data = addendum_text(
            comparison, format_datetime(conflict.received_at), written
        )
    return Entry(
        conflict,
        comparison,
        form,
        keep_form or KeepServerForm(formdata=None),
        addendum_form,
        message,
        earlier,
    )


def _page(
    interview: Interview,
    *,
    resolved: str | None = None,
    replace: Entry | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """The page: every version still waiting, the one just posted as posted."""
    audit.record(
        "interview.view",
        object_type="interview",
        object_id=interview.uuid,
        child_id=interview.child_id,
        detail="versions",
    )
    db.session.commit()
    entries = [
        replace
        if replace is not None and replace.conflict.id == conflict.id
        else _entry_for(interview, conflict)
        for conflict in _open_conflicts(interview)
    ]
    return render_template(
        "sync/versions.html",
        interview=interview,
        child=interview.child,
        entries=entries,
        resolved=resolved,
        merged_name=merged_name,
        element_id=element_id,
        review_url=url_for("interviews.page", uuid=interview.uuid, page_id="review"),
    ), status


def _resolved_device(interview: Interview, value: str) -> str | None:
    """The device copy the tablet may now forget: a version of this interview from that device
    was chosen, and none from it is still waiting."""
    value = value.strip().lower()
    if not UUID_TEXT.match(value):
        return None
    copies = list(
        db.session.scalars(
            select(SyncConflict).where(
                SyncConflict.interview_id == interview.id, SyncConflict.device_uuid == value
            )
        )
    )
    if copies and all(copy_.resolved_at is not None for copy_ in copies):
        return value
    return None


@bp.get("/interviews/<uuid>/versions")
@login_required
def versions(uuid: str) -> tuple[str, int]:
    interview = _interview(uuid)
    return _page(interview, resolved=_resolved_device(interview, request.args.get("resolved", "")))


@bp.post("/interviews/<uuid>/versions/<int:conflict_id>")
@login_required
def resolve(uuid: str, conflict_id: int) -> Response | tuple[str, int]:
    interview = _interview(uuid)
    conflict = db.session.scalar(
        select(SyncConflict).where(
            SyncConflict.id == conflict_id, SyncConflict.interview_id == interview.id
        )
    )
    if conflict is None:
        abort(404)
    if conflict.resolved_at is not None:
        flash("This version was already chosen: there is nothing more to do.", "info")
        return _done(interview, conflict)
    action = request.form.get("action", "choose")
    if action == "server_only":
        return _keep_server(interview, conflict)
    if action == "addendum":
        return _as_addendum(interview, conflict)
    return _choose(interview, conflict)


def _done(interview: Interview, conflict: SyncConflict) -> Response:
    return redirect(
        url_for("versions.versions", uuid=interview.uuid, resolved=conflict.device_uuid)
    )


def _choose(interview: Interview, conflict: SyncConflict) -> Response | tuple[str, int]:
    # Finished, or its return given an outcome meanwhile: nothing more is written in it (as on
    # its pages), so the tablet's words are kept as an addendum instead.
    if interview.ended:
        return _page(
            interview,
            status=409,
            replace=_entry_for(interview, conflict, posted=True, message=LOCKED_MESSAGE),
        )
    comparison = compare(interview.content, conflict.content, conflict.changed_paths)
    form = versions_form(
        comparison.fields,
        comparison.additions,
        id_prefix=f"v{conflict.id}-",
        version=interview.version,
        formdata=request.form,
    )
    if form.version.data != str(interview.version):
        return _page(
            interview,
            status=409,
            replace=_entry_for(interview, conflict, posted=True, message=STALE_MESSAGE),
        )
    if not form.validate():
        return _page(interview, status=422, replace=_entry_for(interview, conflict, form=form))
    values, how = _decisions(comparison, form)
    if form.errors:
        return _page(interview, status=422, replace=_entry_for(interview, conflict, form=form))
    try:
        added = [a for a in comparison.additions if form.addition(a.key).data != "leave"]
        results = resolving.apply_choice(
            current_user, interview, comparison, values, added, _now_local(), writing.matcher()
        )
        refused = [r for r in results if r.outcome not in ("saved", "unchanged")]
        if not refused:
            resolving.mark_resolved(current_user, interview, conflict, how)
            db.session.commit()
    except StaleDataError:  # saved somewhere else between our read and our write
        refused = None
    if refused is None or refused:
        db.session.rollback()  # nothing of this choice is kept: not half of it
        interview = _interview(interview.uuid)
        conflict = db.session.get(SyncConflict, conflict.id)
        if refused is None:
            return _page(
                interview,
                status=409,
                replace=_entry_for(interview, conflict, posted=True, message=STALE_MESSAGE),
            )
        entry = _entry_for(
            interview,
            conflict,
            posted=True,
            message="Nothing was saved: look at the parts marked below.",
        )
        for r in refused:
            _error(entry.form, r.path, r.message or "This could not be saved.")
        return _page(interview, status=422, replace=entry)
    flash("Your choices are saved in the interview.", "success")
    return _done(interview, conflict)


def _error(form: VersionsForm, path: str, message: str) -> None:
    """Show a message next to the field: the words written together, else the choice."""
    target = form.merged(path)
    if target is None:
        target = form._fields.get(choice_name(path))
    if target is not None:
        target.errors = [*target.errors, message]


def _decisions(comparison: Comparison, form: VersionsForm) -> tuple[dict[str, Any], str]:
    """The value to keep per changed field, each checked by the interview's own writer on a
    copy (errors go next to the field); and a count of the choices for the audit trail."""
    values: dict[str, Any] = {}
    counts = {"both": 0, "server": 0, "tablet": 0, "together": 0}
    document = c.empty_content()  # values are checked on a blank copy
    now_local = _now_local()
    for d in comparison.fields:
        choice = form.choice(d.path).data or ("both" if d.kind == "text" else "server")
        merged_field = form.merged(d.path)
        merged = (merged_field.data or "") if merged_field is not None else ""
        how = "together" if merged.strip() and d.kind == "text" else choice
        counts[how] = counts.get(how, 0) + 1
        value = d.value_for(choice, merged)
        if value == d.server:
            continue
        try:
            resolving.check_value(document, d, value, now_local)
        except c.ContentError as exc:
            message = str(exc)
            if how == "both":
                message = (
                    "Together these are too long for one box. Write them together "
                    "more briefly, or keep one and add the other as an addendum later."
                )
            _error(form, d.path, message)
            continue
        values[d.path] = value
    added = sum(1 for a in comparison.additions if form.addition(a.key).data != "leave")
    how = ", ".join(f"{n} {k}" for k, n in counts.items() if n)
    return values, f"fields: {how or 'none'}; entries added: {added}"


def _keep_server(interview: Interview, conflict: SyncConflict) -> Response | tuple[str, int]:
    form = KeepServerForm()
    if not form.validate():
        return _page(
            interview,
            status=422,
            replace=_entry_for(
                interview,
                conflict,
                posted=True,
                keep_form=form,
                message="Nothing was changed: tick the box to confirm first.",
            ),
        )
    resolving.mark_resolved(current_user, interview, conflict, "kept the server's version only")
    db.session.commit()
    flash("The server's version is kept. The tablet's version is no longer waiting.", "success")
    return _done(interview, conflict)


def _as_addendum(interview: Interview, conflict: SyncConflict) -> Response | tuple[str, int]:
    form = TabletAddendumForm()
    if not interview.ended:
        return _page(
            interview,
            status=409,
            replace=_entry_for(interview, conflict, message=NOT_LOCKED_MESSAGE),
        )
    if not form.validate():
        return _page(
            interview, status=422, replace=_entry_for(interview, conflict, addendum_form=form)
        )
    interviews.add_addendum(interview, current_user, form.text.data.strip())
    resolving.mark_resolved(current_user, interview, conflict, "added as an addendum")
    db.session.commit()
    flash(
        "The tablet's words are added to the interview as an addendum, for you and your "
        "managers only. To pass them on, add them again below and choose the part they belong "
        "to.",
        "success",
    )
    return _done(interview, conflict)
