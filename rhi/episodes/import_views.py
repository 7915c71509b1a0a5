"""Import of police notifications, for a team's managers and coordinators: upload, confirm the
columns (kept by name), preview each row, apply, download the refused rows; and the list of
rows waiting for a person to say "same child" or "new child".

Every route asks rhi.access (`require_import`; a file or a waiting row of another team is
refused as if it did not exist); every read and change writes its audit row in the same
transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response as BaseResponse

from rhi import access, audit
from rhi.episodes import imports, imports_job
from rhi.episodes import imports_apply as apply
from rhi.episodes.imports_csv import (
    COLUMNS,
    DatedColumn,
    FileProblem,
    FileTooLarge,
    Table,
    absent_columns,
    doubled_columns,
    guess_columns,
    header_words,
    missing_columns,
    too_large_message,
    unused_dated_columns,
)
from rhi.extensions import db
from rhi.forms.imports import (
    NOT_IN_FILE,
    ConfirmForm,
    DecisionForm,
    UploadForm,
    columns_form,
    doubled_words,
)
from rhi.models import ImportBatch, ImportMapping, Team, User, WaitingRow
from rhi.models.base import utcnow
from rhi.models.retention import DestroyedChild

bp = Blueprint("imports", __name__, url_prefix="/imports")

SAMPLE = Path(__file__).resolve().parent.parent / "demo_data" / "police_notifications.csv"
PREVIEW_ROWS = 500  # a page can list this many rows; the counts cover them all


def _importer() -> Any:
    access.require_import(current_user)
    return current_user


def _mappings() -> list[ImportMapping]:
    return list(
        db.session.scalars(
            select(ImportMapping)
            .where(ImportMapping.team_id == current_user.team_id)
            .order_by(ImportMapping.name)
        )
    )


def _upload_form(**kwargs: Any) -> UploadForm:
    form = UploadForm(**kwargs)
    form.mapping_id.choices = [(0, "Guess from the headers")] + [
        (m.id, m.name) for m in _mappings()
    ]
    return form


def _waiting_count() -> int:
    return len(_waiting_rows())


def _render_upload(form: UploadForm, status: int = 200) -> tuple[str, int]:
    batches = db.session.scalars(
        select(ImportBatch)
        .where(ImportBatch.team_id == current_user.team_id)
        .order_by(ImportBatch.id.desc())
        .limit(10)
    ).all()
    return render_template(
        "imports/upload.html",
        form=form,
        batches=batches,
        states=imports_job.states_of(list(batches)),
        waiting=_waiting_count(),
        limit=imports.max_bytes(),
        kept_days=imports_job.KEPT_UNIMPORTED.days,
    ), status


@bp.route("")
@login_required
def upload_page() -> tuple[str, int]:
    _importer()
    imports_job.forget_unimported(utcnow())
    audit.record("import.view", object_type="import", object_id="list")
    db.session.commit()
    return _render_upload(_upload_form(formdata=None))


@bp.route("", methods=["POST"])
@login_required
def upload() -> tuple[str, int] | BaseResponse:
    user = _importer()
    imports_job.forget_unimported(utcnow())
    limit = imports.max_bytes()
    # Refused before the request body is read at all: the size it says it has is enough.
    if (request.content_length or 0) > limit + imports.MULTIPART_SLACK:
        return _too_large(limit)
    form = _upload_form()
    if not form.validate_on_submit():
        return _render_upload(form, 422)
    try:
        text, table = imports.read_file(form.file.data.stream, limit)
    except FileProblem as exc:
        form.file.errors = [str(exc)]
        return _render_upload(form, 413 if isinstance(exc, FileTooLarge) else 422)
    mapping = db.session.get(ImportMapping, form.mapping_id.data or 0)
    if mapping is not None and mapping.team_id != user.team_id:
        mapping = None
    if mapping is None and not form.mapping_id.data:
        mapping = _saved_columns_that_fit(table.headers)
    columns = dict(mapping.columns) if mapping else guess_columns(table.headers)
    batch = ImportBatch(
        filename=(form.file.data.filename or "notifications.csv")[:200],
        content=text,
        content_sha256=hashlib.sha256(text.encode()).hexdigest(),
        columns=columns,
        mapping_id=mapping.id if mapping else None,
        team_id=user.team_id,
        uploaded_by_id=user.id,
    )
    db.session.add(batch)
    db.session.flush()
    audit.record("import.upload", object_type="import", object_id=batch.id, detail="file read")
    db.session.commit()
    # A saved set of columns reading one column for two details (saved before the columns
    # page refused it) is checked again on the columns page, which says which.
    ready = (
        mapping is not None
        and not missing_columns(columns, table.headers)
        and not doubled_columns(columns)
    )
    target = "imports.preview" if ready else "imports.columns_page"
    return redirect(url_for(target, batch_id=batch.id))


def _saved_columns_that_fit(headers: list[str]) -> ImportMapping | None:
    """For "Guess from the headers": the team's saved columns this file fits, each column they
    read there by name and none wanting, where just one set fits (the newest of those saved
    alike): the police's daily export, the same each day, goes straight to its preview (a
    coordinator's probe: the saved set had to be chosen by hand every day)."""
    present = set(headers)
    fitting = [
        m
        for m in _mappings()
        if m.columns
        and set(m.columns.values()) <= present
        and not missing_columns(dict(m.columns), headers)
        and not doubled_columns(dict(m.columns))
    ]
    kinds = {tuple(sorted(m.columns.items())) for m in fitting}
    if len(kinds) != 1:
        return None  # none, or sets that read the file differently: the person chooses
    return max(fitting, key=lambda m: (m.saved_at, m.id))


def _too_large(limit: int) -> tuple[str, int]:
    audit.record(
        "import.upload", object_type="import", object_id="new", outcome="refused", detail="size"
    )
    db.session.commit()
    form = _upload_form(formdata=None)
    form.file.errors = [too_large_message(limit)]
    return _render_upload(form, 413)


def _batch(batch_id: int) -> ImportBatch:
    """The team's own uploaded file; another team's is refused (404, audited)."""
    _importer()
    batch = db.session.scalar(
        select(ImportBatch).where(
            ImportBatch.id == batch_id, ImportBatch.team_id == current_user.team_id
        )
    )
    if batch is None:
        access.refuse(current_user, "import", batch_id, None)
    assert batch is not None
    return batch


def _table(batch: ImportBatch) -> Table:
    return imports.read_text(batch.content)


def _actor() -> apply.Actor:
    return apply.Actor(current_user, current_user.team_id, "file upload")


@bp.route("/<int:batch_id>/columns")
@login_required
def columns_page(batch_id: int) -> tuple[str, int]:
    batch = _batch(batch_id)
    table = _table(batch)
    columns = batch.columns or {}
    initial = {f"col_{n}": columns.get(n, NOT_IN_FILE) for n in COLUMNS}
    absent = absent_columns(columns, table.headers)
    # A saved column this file lacks: rhi's guess from today's headers where it has one no
    # other detail already reads, else "Not in this file"; every other choice stays as saved.
    guessed = guess_columns(table.headers)
    kept = {h for n, h in columns.items() if n not in absent}
    retry = {n: guessed[n] for n in absent if guessed.get(n) and guessed[n] not in kept}
    initial.update({f"col_{n}": retry.get(n, NOT_IN_FILE) for n in absent})
    name = batch.mapping.name if batch.mapping else "Police daily export"
    form = columns_form(table.headers, formdata=None, data={**initial, "name": name})
    for n, header in absent.items():
        getattr(form, f"col_{n}").errors = [_absent_words(header, retry.get(n), COLUMNS[n].label)]
    chosen = {n: retry.get(n, NOT_IN_FILE) if n in absent else columns.get(n) for n in COLUMNS}
    for n, others in doubled_columns({n: h for n, h in chosen.items() if h}).items():
        select = getattr(form, f"col_{n}")
        select.errors = [*select.errors, doubled_words(chosen[n] or "", others)]
    audit.record("import.view", object_type="import", object_id=batch.id, detail="columns")
    db.session.commit()
    return _render_columns(batch, form, table, 200)


def _absent_words(header: str, guess: str | None, label: str) -> str:
    if guess:
        return f"“{header}” is not in this file. rhi guessed “{guess}”: check it."
    return (
        f"“{header}” is not in this file. Choose the column with the {label.lower()}, "
        "or “Not in this file” if it has none."
    )


def _render_columns(batch: ImportBatch, form: Any, table: Any, status: int) -> tuple[str, int]:
    absent = absent_columns(batch.columns or {}, table.headers)
    _set_hints(form, table)
    return render_template(
        "imports/columns.html",
        batch=batch,
        form=form,
        headers=table.headers,
        guessed=guess_columns(table.headers),
        fields=[(n, getattr(form, f"col_{n}")) for n in COLUMNS],
        absent=[(COLUMNS[n].label, header) for n, header in absent.items()],
    ), status


# Where no column is read for when the child was found, every child in the file is recorded as
# still missing, with no return and no 72-hour clock: said beside that choice and on the
# preview, with any column of dates the file has that nothing reads (an intake probe's "Found
# Date/Time" was not guessed, and its child was listed as missing for days, without a word).
STILL_MISSING = (
    "No column is chosen for Returned or found, so every child in this file will be recorded "
    "as still missing, with no return and no 72-hour clock for an interview."
)
STILL_MISSING_DONE = (
    "No column was chosen for Returned or found, so every child in this file was recorded "
    "as still missing, with no return and no 72-hour clock for an interview."
)
NO_FOUND_COLUMN = (
    "If this file has no such column, every child in it will be recorded as still missing."
)
# What a column of dates that nothing reads may hold, asked beside the first of these details
# with no column chosen.
WHEN_DETAILS = {
    "returned": "when the child was found",
    "reported_missing": "when the child was reported missing",
}


def _quoted(headers: list[str]) -> str:
    """“A”, “B” and “C”."""
    named = [f"“{header}”" for header in headers]
    return named[0] if len(named) == 1 else f"{', '.join(named[:-1])} and {named[-1]}"


@dataclass(frozen=True)
class UnusedDates:
    """The file's columns of dates that no detail reads, in words."""

    beside: str  # the detail they are said beside
    words: str
    asks: bool  # whether they ask for that detail's column to be chosen


# Words in a header that say which of WHEN_DETAILS its dates are likely to be.
_SAYS = {
    # "Missing To", "Missing End": the end of the time away, when the child was found.
    "returned": frozenset({"found", "returned", "return", "back", "to", "end", "ended", "until"}),
    "reported_missing": frozenset({"missing", "reported", "last", "seen", "went"}),
}


def _likely_details(dated: list[DatedColumn]) -> list[str]:
    """WHEN_DETAILS in the order to ask about them, the one the first column's header names
    first: "Missing From Date/Time" is asked about as when the child was reported missing,
    never as when they were found (a review: followed, it gave every child a return at the
    moment they went missing)."""
    words = header_words(dated[0].header).words
    named = [d for d, says in _SAYS.items() if words & says and not words & _other(d)]
    return [*named, *(d for d in WHEN_DETAILS if d not in named)]


def _other(detail: str) -> frozenset[str]:
    return frozenset().union(*(says for d, says in _SAYS.items() if d != detail))


def _unused_dates(table: Table, chosen: dict[str, str]) -> UnusedDates | None:
    dated = unused_dated_columns(table, chosen)
    if not dated:
        return None
    what = "dates and times" if any(d.with_times for d in dated) else "dates"
    names = _quoted([d.header for d in dated])
    if len(dated) == 1:
        said, which = f"The column {names} holds {what} and is not used", "is it"
    else:
        said, which = f"The columns {names} hold {what} and are not used", "is one of them"
    unchosen = next(
        (name for name in _likely_details(dated) if not chosen.get(name)),
        None,
    )
    if unchosen is not None:
        return UnusedDates(unchosen, f"{said}: {which} {WHEN_DETAILS[unchosen]}?", asks=True)
    returned = chosen["returned"]
    check = f"Check that “{returned}” is the column with when the child was found."
    return UnusedDates("returned", f"{said}. {check}", asks=False)


def _set_hints(form: Any, table: Table) -> None:
    """Beside the choices for when the child was found (and reported missing), on the columns
    page: what no column for it means, and any column of dates not used."""
    chosen = {n: getattr(form, f"col_{n}").data or NOT_IN_FILE for n in COLUMNS}
    if not chosen["returned"]:
        form.col_returned.description = NO_FOUND_COLUMN
    unused = _unused_dates(table, chosen)
    if unused is not None:
        tail = " If so, choose it here." if unused.asks else ""
        getattr(form, f"col_{unused.beside}").description = unused.words + tail


def column_warnings(batch: ImportBatch, now: imports_job.ImportState) -> list[str]:
    """Above the preview (and what the import did): where no column is read for Returned or
    found, and any column of dates the file has that nothing reads. Drawn in the page itself
    (imports/preview.html), not flashed: a message flashed is kept for a later page if this one
    is not the one that shows it."""
    columns = {n: (batch.columns or {}).get(n) or NOT_IN_FILE for n in COLUMNS}
    if now is imports_job.ImportState.DONE:
        return [] if columns["returned"] else [STILL_MISSING_DONE]
    if now not in imports_job.NOT_IMPORTING:
        return []
    said = [] if columns["returned"] else [STILL_MISSING]
    unused = _unused_dates(_table(batch), columns)
    if unused is not None:
        tail = " If so, choose it with “Change the columns”." if unused.asks else ""
        said.append(unused.words + tail)
    return said


@bp.route("/<int:batch_id>/columns", methods=["POST"])
@login_required
def save_columns(batch_id: int) -> tuple[str, int] | BaseResponse:
    batch = _batch(batch_id)
    table = _table(batch)
    form = columns_form(table.headers)
    if not form.validate_on_submit():
        return _render_columns(batch, form, table, 422)
    name = form.name.data.strip()
    mapping = imports.mapping_named(name, current_user.team_id)
    columns = {n: getattr(form, f"col_{n}").data for n in COLUMNS}
    columns = {n: header for n, header in columns.items() if header}
    if mapping is None:
        mapping = ImportMapping(name=name, team_id=current_user.team_id, columns=columns)
        db.session.add(mapping)
    mapping.columns, mapping.saved_by_id, mapping.saved_at = columns, current_user.id, utcnow()
    db.session.flush()
    batch.columns, batch.mapping_id = columns, mapping.id
    audit.record("import.mapping", object_type="import_mapping", object_id=mapping.id)
    db.session.commit()
    flash(f"Columns saved as “{name}”.", "success")
    return redirect(url_for("imports.preview", batch_id=batch.id))


@bp.route("/<int:batch_id>")
@login_required
def preview(batch_id: int) -> tuple[str, int] | BaseResponse:
    """Before applying: what each row would do (nothing written). While the import job runs:
    "Importing…", polled. After: what each row did."""
    batch = _batch(batch_id)
    now = imports_job.state_of(batch)
    if _columns_to_choose_again(batch, now):
        return redirect(url_for("imports.columns_page", batch_id=batch.id))
    audit.record("import.view", object_type="import", object_id=batch.id, detail="preview")
    # Planned before the commit: a preview's checks of other teams' records are audited with it
    # (rhi/children/kept_elsewhere.py Asking).
    html = render_template(
        "imports/preview.html", column_warnings=column_warnings(batch, now), **_page(batch, now)
    )
    db.session.commit()
    return html, 200


def _columns_to_choose_again(batch: ImportBatch, now: imports_job.ImportState) -> bool:
    """Not yet imported, with columns that read one column for two details (kept before the
    columns page refused it, or reached by the page's address): never previewed nor applied,
    but chosen again on the columns page, which says which (a review: a child still missing
    was recorded as back from such a batch)."""
    return now in imports_job.NOT_IMPORTING and bool(doubled_columns(batch.columns or {}))


def _imported_before(batch: ImportBatch) -> dict[str, Any] | None:
    """The team's latest import of this very file, if it was imported before: its preview says
    when and by whom, as importing it again puts back what it said then (an intake probe:
    yesterday's file uploaded again undid a correction made since, without a word). One
    indexed query."""
    if batch.content_sha256 is None:
        return None
    found = db.session.execute(
        select(ImportBatch.applied_at, ImportBatch.filename, User.name)
        .outerjoin(User, User.id == ImportBatch.uploaded_by_id)
        .where(
            ImportBatch.content_sha256 == batch.content_sha256,
            ImportBatch.team_id == batch.team_id,
            ImportBatch.applied_at.is_not(None),
            ImportBatch.id != batch.id,
        )
        .order_by(ImportBatch.applied_at.desc())
        .limit(1)
    ).first()
    if found is None:
        return None
    at, filename, by = found
    return {"at": at, "filename": filename, "by": by or "someone no longer in rhi"}


def _page(batch: ImportBatch, now: imports_job.ImportState) -> dict[str, Any]:
    """What the batch's page (and its polled part) shows in state `now`."""
    importing = now in (imports_job.ImportState.IMPORTING, imports_job.ImportState.RETRYING)
    results: list[dict[str, Any]] = []
    if batch.results is not None:
        results = batch.results
    elif not importing:  # the rows are not planned again while the job is applying them
        rows = imports.rows_of(_table(batch), batch.columns or {})
        results = imports.results_of(imports.run(rows, _actor(), batch.filename, dry_run=True))
    tally = dict.fromkeys(imports.OUTCOME_WORDS, 0)
    sent_on = 0  # waiting on another team's list, not this team's
    for result in results:
        tally[result["outcome"]] += 1
        sent_on += result["outcome"] == apply.WAITING and bool(result.get("sent_on"))
    applied = now is imports_job.ImportState.DONE
    return {
        "before": None if applied else _imported_before(batch),
        "batch": batch,
        "state": now.value,
        "applied": applied,
        "imported": imports_job.summary(tally) if applied else "",
        "row_count": len(_table(batch).rows) if importing else len(results),
        "results": results[:PREVIEW_ROWS],
        "more": max(0, len(results) - PREVIEW_ROWS),
        "tally": tally,
        "waiting_here": tally[apply.WAITING] - sent_on,
        "words": imports.OUTCOME_WORDS,
        "form": ConfirmForm(formdata=None),
    }


@bp.route("/<int:batch_id>/state")
@login_required
def state(batch_id: int) -> str:
    """The batch's page body, polled by htmx every 2 seconds while the import job runs;
    checked like the page. A poll that finds it still importing shows nothing of the file and
    is not written to the audit trail (30 rows a minute per open page); the answer that ends
    the polling, which shows each row, is."""
    batch = _batch(batch_id)
    now = imports_job.state_of(batch)
    if now in (imports_job.ImportState.DONE, imports_job.ImportState.FAILED):
        audit.record("import.view", object_type="import", object_id=batch.id, detail=now.value)
    html = render_template("imports/_batch.html", polled=True, **_page(batch, now))
    db.session.commit()  # with what planning the rows audited, if it did
    return html


@bp.route("/<int:batch_id>/apply", methods=["POST"])
@login_required
def apply_batch(batch_id: int) -> BaseResponse:
    """Hands the file to the `import_apply` job (rhi/episodes/imports_job.py). Without Redis
    it runs in this process once the commit is done, so the page redirected to shows what it
    did; with Redis the page says "Importing…" until a worker has applied it."""
    batch = _batch(batch_id)
    # Two presses at once (PostgreSQL): the second waits, then finds the first one's job.
    db.session.refresh(batch, with_for_update=True)
    form = ConfirmForm()
    now = imports_job.state_of(batch)
    startable = now in imports_job.NOT_IMPORTING
    if _columns_to_choose_again(batch, now):
        return redirect(url_for("imports.columns_page", batch_id=batch.id))
    if not form.validate_on_submit() or not startable:
        return redirect(url_for("imports.preview", batch_id=batch.id))
    job = imports_job.start(batch, current_user)
    audit.record(
        "import.apply", object_type="import", object_id=batch.id, detail=f"handed to job {job.id}"
    )
    db.session.commit()
    return redirect(url_for("imports.preview", batch_id=batch.id))


@bp.route("/<int:batch_id>/refused.csv")
@login_required
def refused(batch_id: int) -> Response:
    batch = _batch(batch_id)
    results = batch.results or imports.results_of(
        imports.run(
            imports.rows_of(_table(batch), batch.columns or {}),
            _actor(),
            batch.filename,
            dry_run=True,
        )
    )
    body = imports.refused_csv(_table(batch), results)
    audit.record("import.download", object_type="import", object_id=batch.id, detail="refused")
    db.session.commit()
    return Response(
        body.encode("utf-8-sig"),  # with a BOM, so Excel reads the accents right
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="refused-rows-{batch.id}.csv"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/sample.csv")
@login_required
def sample() -> Response:
    _importer()
    return Response(
        SAMPLE.read_bytes(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="police_notifications.csv"'},
    )


# Waiting for a person ------------------------------------------------------------------------


def _waiting_rows() -> list[WaitingRow]:
    """The team's rows waiting for a decision whose candidate child the user still sees."""
    return list(
        db.session.scalars(
            select(WaitingRow)
            .where(
                WaitingRow.resolved_at.is_(None),
                apply.waiting_scope(current_user.team_id, access.child_filter(current_user)),
            )
            .order_by(WaitingRow.created_at, WaitingRow.id)
            .options(selectinload(WaitingRow.candidate))  # each row shows its candidate
        )
    )


@bp.route("/waiting")
@login_required
def waiting() -> tuple[str, int]:
    _importer()
    rows = _waiting_rows()
    for row in rows:  # the candidate's name and date of birth are shown: a read
        audit.record(
            "child.possible_match",
            object_type="child",
            object_id=row.candidate_child_id,
            child_id=row.candidate_child_id,
        )
    audit.record("import.view", object_type="import", object_id="waiting")
    forms = {row.id: DecisionForm(formdata=None, prefix=f"w{row.id}") for row in rows}
    # Rendered before the commit, which would expire the rows and read each again.
    page = _render_waiting(rows, forms, 200)
    db.session.commit()
    return page


def _render_waiting(rows: list[WaitingRow], forms: dict[int, Any], status: int) -> tuple[str, int]:
    candidates = {row.candidate_child_id for row in rows}
    destroyed = (
        set(
            db.session.scalars(
                select(DestroyedChild.child_id).where(DestroyedChild.child_id.in_(candidates))
            )
        )
        if candidates
        else set()
    )
    for row in rows:
        if row.from_team is not None:
            # Another team's notification: "a different child" goes back to them.
            forms[row.id].decision.choices = [
                (value, f"No, a different child: send it back to {row.from_team.name}")
                if value == apply.NEW_CHILD
                else (value, label)
                for value, label in forms[row.id].decision.choices
            ]
    lost = apply.lost_on_the_way(current_user.team_id) if current_user.team_id else []
    return render_template(
        "imports/waiting.html",
        rows=rows,
        forms=forms,
        labels=COLUMNS,
        destroyed=destroyed,
        lost=lost,
        send_again_form=ConfirmForm(formdata=None),
    ), status


@bp.route("/waiting/<int:waiting_id>/send-again", methods=["POST"])
@login_required
def send_again(waiting_id: int) -> BaseResponse:
    """The team's own notification, sent on to a team that can no longer decide on it
    (apply.lost_on_the_way), sent again."""
    _importer()
    lost = apply.lost_on_the_way(current_user.team_id) if current_user.team_id else []
    row = next((r for r in lost if r.id == waiting_id), None)
    if row is None:
        access.refuse(current_user, "import_waiting", waiting_id, None)
    assert row is not None
    if not ConfirmForm().validate_on_submit():
        flash("The page had expired: nothing was sent. Try again.", "error")
        return redirect(url_for("imports.waiting"))
    try:
        done = apply.send_again(row, imports.reread, current_user)
    except apply.RowRefused as exc:
        db.session.rollback()
        flash(f"This notification cannot be added as it stands: {exc}", "error")
        return redirect(url_for("imports.waiting"))
    db.session.commit()
    if isinstance(done, WaitingRow) and done.team_id != current_user.team_id:
        team = db.session.get(Team, done.team_id)
        flash(
            f"Sent to {team.name if team else 'another team'}: it may be a child they keep, so "
            "they say whether it is the same child.",
            "info",
        )
    elif isinstance(done, WaitingRow):
        flash("It may be a child your team holds: it waits below for you to say.", "info")
    elif done is None:
        flash("This notification was already recorded: nothing was added twice.", "info")
    else:
        flash("Added: the episode waits to be allocated.", "success")
    return redirect(url_for("imports.waiting"))


@bp.route("/waiting/<int:waiting_id>", methods=["POST"])
@login_required
def decide(waiting_id: int) -> tuple[str, int] | BaseResponse:
    _importer()
    rows = _waiting_rows()
    row = next((r for r in rows if r.id == waiting_id), None)
    if row is None:
        access.refuse(current_user, "import_waiting", waiting_id, None)
    assert row is not None
    form = DecisionForm(prefix=f"w{row.id}")
    if not form.validate_on_submit():
        forms = {r.id: DecisionForm(formdata=None, prefix=f"w{r.id}") for r in rows}
        forms[row.id] = form
        return _render_waiting(rows, forms, 422)
    try:
        done = apply.resolve(row, imports.reread, current_user, form.decision.data)
    except apply.RowRefused as exc:
        # Let go of the import lock resolve took (on SQLite the database's write lock, which
        # the sign-in session's own write after this request would wait on, and fail).
        db.session.rollback()
        if form.decision.data == apply.ALREADY_RECORDED:
            flash(f"This notification was not settled: {exc}", "error")
        else:
            flash(f"This notification cannot be added as it stands: {exc}", "error")
        return redirect(url_for("imports.waiting"))
    db.session.commit()
    if isinstance(done, WaitingRow):
        # "A different child", which may be another child rhi knows: asked again.
        if done.team_id == current_user.team_id:
            flash(
                "Not added yet: it may be another child rhi knows. It waits below for you to "
                "say whether it is them.",
                "info",
            )
        else:
            team = db.session.get(Team, done.team_id)
            flash(
                f"Sent to {team.name if team else 'another team'}: it may be a child they keep, "
                "so they say whether it is the same child.",
                "info",
            )
        return redirect(url_for("imports.waiting"))
    episode = done
    # Said by what was done, not by what was chosen: another person may have decided first.
    settled_here = (
        row.resolution == apply.ALREADY_RECORDED and row.resolved_by_id == current_user.id
    )
    if episode is None and settled_here:
        flash(
            f"Settled: this time away of {row.candidate.display_name}'s is already recorded, "
            "so nothing was added.",
            "success",
        )
    elif episode is None:
        flash("This notification was already recorded: nothing was added twice.", "info")
    elif row.from_team is not None and episode.child_id != row.candidate_child_id:
        # A different child from the one this team keeps: the team whose import sent it has it.
        # Not named: the record it went to is that team's (rev36: their preferred name was).
        flash(
            f"Sent back to {row.from_team.name}: the episode waits to be allocated by that team.",
            "success",
        )
    else:
        flash(f"Added: {episode.child.display_name}'s episode waits to be allocated.", "success")
    return redirect(url_for("imports.waiting"))
