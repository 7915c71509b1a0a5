"""Everything held about one child, as a ZIP: `record.json` (machine-readable), `record.pdf`
(readable), `files/` (the photo, and every summary PDF as it was sent) and `review.json`: what to
review before the download is handed over (rhi/subject_access/review.py), which is also the
first pages of record.pdf, before everything else.

"Everything" is what the retention run would destroy (rhi/retention/held.py finds it from the
schema: the child's returns, interviews with every version, contact attempts, addenda, device
copies, summaries and their sendings, decisions, actions, notices, imports rows, holds and
earlier disclosures), plus the child's own row, the rows of police files about them (which
name no child by a key, so the schema does not find them: found by the rules the retention run
blanks them by: rhi.episodes.imports.rows_about for applied files, rhi.retention.unimported for
files uploaded and not imported) and the audit trail of who read or changed the record. A
table added to rhi later is included without a change here.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import render_template
from sqlalchemy import Column, Date, DateTime, LargeBinary, Table, select

from rhi.episodes import imports
from rhi.extensions import db
from rhi.models import AuditEvent, Child, ImportBatch, User
from rhi.models.children import LEGAL_STATUSES, PLACEMENT_TYPES
from rhi.models.interviews import ATTEMPT_OUTCOMES, CONTACT_METHODS, OUTCOMES
from rhi.models.people import Role
from rhi.models.summaries import NEXT_STEPS, SENT_WAYS
from rhi.naming import interview_name
from rhi.retention import held, unimported
from rhi.subject_access.review import Review, for_child
from rhi.summaries.asset_urls import CSS_URL, LOGO_URL
from rhi.summaries.pdf import asset_fetcher, write_pdf
from rhi.timefmt import format_date, format_datetime

# What the readable copy calls each table; any other is named from its table name. The
# interviews are called by the council's own name for them (_title).
TITLES = {
    "children": "The child's record",
    "child_photos": "Photo",
    "child_profile_changes": "Changes to the standing profile",
    "episodes": "Times missing (episodes)",
    "episode_allocations": "Who held each return",
    "interview_episodes": "Which returns each interview covers",
    "interview_addenda": "Addenda to interviews",
    "contact_attempts": "Attempts to reach the child",
    "sync_conflicts": "Other versions of interviews (from tablets)",
    "sync_events": "Offers and answers recorded on tablets",
    "summaries": "Summaries prepared, and for whom",
    "summary_sendings": "Summaries sent, and to whom",
    "summary_questions": "Questions asked about summaries",
    "summary_addressees": "Summaries sent to the duty inbox or a chosen person",
    "sharing_decisions": "Decisions to share information",
    "actions": "Actions agreed and followed",
    "notices": "Notices to staff",
    "held_work": "Work held from a tablet",
    "police_people": "Police identifiers",
    "import_waiting_rows": "Police notifications waiting for a decision",
    "legal_holds": "Legal holds",
    "disclosure_log": "Earlier subject access disclosures",
}
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png"}
# Coded values the readable copy shows in words (the JSON keeps the codes).
WORDS: dict[tuple[str, str], dict[str, str]] = {
    ("children", "legal_status"): LEGAL_STATUSES,
    ("episodes", "legal_status"): LEGAL_STATUSES,
    ("children", "placement_type"): PLACEMENT_TYPES,
    ("interviews", "outcome"): OUTCOMES,
    ("interviews", "offer_method"): CONTACT_METHODS,
    ("contact_attempts", "outcome"): ATTEMPT_OUTCOMES,
    ("contact_attempts", "method"): CONTACT_METHODS,
    ("summary_sendings", "method"): SENT_WAYS,
    ("summaries", "next_step"): NEXT_STEPS,
}


@dataclass
class Export:
    child: dict[str, Any]
    tables: dict[str, list[dict[str, Any]]]
    audit: list[dict[str, Any]]
    people: dict[int, dict[str, str]]
    files: dict[str, bytes] = field(default_factory=dict)
    # Rows of police files about the child: the file, and the row as rhi keeps it (an applied
    # file's result; a file not imported, the row's cells as the police sent them).
    police_files: list[dict[str, Any]] = field(default_factory=list)
    # What to review before it is handed over: what the child kept back, said no to sharing,
    # and decisions they were not told of, interview by interview.
    review: Review | None = None


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _row(table: Table, row: Any, files: dict[str, bytes]) -> dict[str, Any]:
    """A row as JSON-ready values; binary columns go to `files`, named in the row instead."""
    out: dict[str, Any] = {}
    for column in table.columns:
        value = row._mapping[column]
        if isinstance(column.type, LargeBinary) and value is not None:
            kind = row._mapping.get("content_type") if "content_type" in table.c else None
            ext = EXTENSIONS.get(kind or "", "pdf" if table.name == "summaries" else "bin")
            name = f"files/{table.name}-{row._mapping['id']}-{column.name}.{ext}"
            files[name] = bytes(value)
            value = {"file": name}
        out[column.name] = _plain(value)
    return out


def collect(child_id: int) -> Export:
    files: dict[str, bytes] = {}
    children = Child.__table__
    child_row = db.session.execute(select(children).where(children.c.id == child_id)).one()
    tables: dict[str, list[dict[str, Any]]] = {}
    for entry, clause in held.each_table(child_id):
        rows = db.session.execute(
            select(entry.table).where(clause).order_by(*entry.table.primary_key.columns)
        ).all()
        if rows:
            tables[entry.table.name] = [_row(entry.table, r, files) for r in rows]
    audit_rows = db.session.scalars(
        select(AuditEvent).where(AuditEvent.child_id == child_id).order_by(AuditEvent.id)
    ).all()
    audit = [
        {
            "at": _plain(e.at),
            "user_id": e.user_id,
            "action": e.action,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "outcome": e.outcome,
            "detail": e.detail,
        }
        for e in audit_rows
    ]
    export = Export(_row(children, child_row, files), tables, audit, {}, files)
    export.police_files = _police_file_rows(child_id)
    export.people = _people(export)
    export.review = for_child(child_id)
    return export


def _police_file_rows(child_id: int) -> list[dict[str, Any]]:
    """What police files keep about the child, with the file's name and when it came: an
    applied file's results (a row refused keeps its cells, to put right: a found address, a
    person with them), and a file uploaded and not imported, its rows about the child whole
    (a probe: such a file, kept up to 14 days, held their name, date of birth and where they
    were found, and the export left it out). The rows of a file not imported are matched as
    the import's preview meets a row with a child (rhi/retention/unimported.py says how)."""
    episode_ids, police_references = imports.known_by(child_id)
    rows = []
    for batch in db.session.scalars(
        select(ImportBatch).where(ImportBatch.results.is_not(None)).order_by(ImportBatch.id)
    ):
        for result in imports.rows_about(
            list(batch.results or []), child_id, episode_ids, police_references
        ):
            rows.append(
                {"file": batch.filename, "uploaded_at": _plain(batch.uploaded_at), **result}
            )
    return rows + unimported.exported(child_id)


def _people(export: Export) -> dict[int, dict[str, str]]:
    """Every user a row names (by a `..._id` column pointing at users), for the reader."""
    user_columns = {
        (t.name, fk.parent.name)
        for t in db.metadata.sorted_tables
        for fk in t.foreign_keys
        if fk.column.table.name == "users"
    }
    ids: set[int] = {a["user_id"] for a in export.audit if a["user_id"]}
    for name, rows in [("children", [export.child]), *export.tables.items()]:
        for row in rows:
            ids.update(row[c] for t, c in user_columns if t == name and row.get(c))
    if not ids:
        return {}
    users = db.session.scalars(select(User).where(User.id.in_(ids))).all()
    return {u.id: {"name": u.name, "role": Role(u.role).label} for u in users}


def as_json(export: Export, request: dict[str, Any]) -> bytes:
    document = {
        "request": request,
        "child": export.child,
        "held": export.tables,
        "police_file_rows": export.police_files,
        "audit_log": export.audit,
        "people": {str(k): v for k, v in sorted(export.people.items())},
        "files": sorted(export.files),
    }
    return json.dumps(document, indent=2, ensure_ascii=False, default=str).encode()


def as_review_json(found: Review) -> bytes:
    return json.dumps(found.as_json(), indent=2, ensure_ascii=False).encode()


def _label(name: str) -> str:
    words = name.removesuffix("_id").replace("_", " ")
    return words[:1].upper() + words[1:]


def _flatten(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    """A nested document (an interview's content) as "where: what" lines, empty parts left out."""
    if isinstance(value, dict):
        lines = []
        for key, inner in value.items():
            lines += _flatten(inner, f"{prefix} / {key}" if prefix else str(key))
        return lines
    if isinstance(value, list):
        lines = []
        for i, inner in enumerate(value, 1):
            lines += _flatten(inner, f"{prefix} {i}")
        return lines
    if value in (None, "", False):
        return []
    return [(prefix, str(value))]


def _readable(
    value: Any, column: Column[Any], people: dict[int, dict[str, str]]
) -> list[tuple[str, str]]:
    """One cell as label/text pairs for the PDF: people by name, times as the pages show them,
    a nested document (an interview's content) line by line."""
    label = _label(column.name)
    if isinstance(value, dict) and set(value) == {"file"}:
        return [(label, f"In this download: {value['file']}")]
    if isinstance(value, dict | list):
        return [(f"{label}: {where}", text) for where, text in _flatten(value)]
    if value is None or value == "":
        return []
    if value in people and any(fk.column.table.name == "users" for fk in column.foreign_keys):
        person = people[value]
        return [(label, f"{person['name']} ({person['role']})")]
    if isinstance(value, bool):
        return [(label, "Yes" if value else "No")]
    words = WORDS.get((column.table.name, column.name), {})
    if value in words:
        return [(label, words[value])]
    if isinstance(column.type, DateTime):
        return [(label, format_datetime(datetime.fromisoformat(value)))]
    if isinstance(column.type, Date):
        return [(label, format_date(date.fromisoformat(value)))]
    return [(label, str(value))]


def _title(name: str) -> str:
    if name == "interviews":
        return interview_name(plural=True, capital=True)  # RHI_INTERVIEW_NAME, read now
    return TITLES.get(name, _label(name))


def _sections(export: Export) -> list[dict[str, Any]]:
    sections = []
    for name, rows in [("children", [export.child]), *export.tables.items()]:
        table = db.metadata.tables[name]
        sections.append(
            {
                "title": _title(name),
                "rows": [
                    [
                        pair
                        for column, value in row.items()
                        for pair in _readable(value, table.c[column], export.people)
                    ]
                    for row in rows
                ],
            }
        )
    if export.police_files:
        sections.append(
            {
                "title": "Rows of police files about the child",
                "rows": [
                    [
                        ("File", str(row["file"])),
                        ("Received", format_datetime(datetime.fromisoformat(row["uploaded_at"]))),
                        *(
                            (_label(key), str(value))
                            for key, value in row.items()
                            if key in ("line", "outcome", "reference", "message") and value
                        ),
                        *((f"Cells: {where}", text) for where, text in _flatten(row.get("cells"))),
                    ]
                    for row in export.police_files
                ],
            }
        )
    return sections


def as_pdf(
    export: Export, request: dict[str, Any], *, exported_by: str, exported_at: datetime
) -> bytes:
    fetcher = asset_fetcher()
    audit_rows = [
        {
            **a,
            "at": format_datetime(datetime.fromisoformat(a["at"])),
            "who": export.people.get(a["user_id"], {}).get("name", "rhi or the command line"),
        }
        for a in export.audit
    ]
    html = render_template(
        "subject_access/pdf.html",
        name=f"{export.child['first_name']} {export.child['last_name']}",
        review=export.review,
        request=request,
        received_on=format_date(date.fromisoformat(request["received_on"])),
        sections=_sections(export),
        audit=audit_rows,
        files=sorted(export.files),
        exported_by=exported_by,
        exported_at_text=format_datetime(exported_at),
        css_url=CSS_URL,
        logo_url=LOGO_URL if fetcher.has(LOGO_URL) else None,
    )
    return write_pdf(html, fetcher)


def as_zip(
    export: Export, request: dict[str, Any], *, exported_by: str, exported_at: datetime
) -> bytes:
    """The ZIP handed over. Every entry carries the export's time, so the file's SHA-256 (kept
    in the disclosure log) depends only on what it holds and when it was made."""
    stamp = exported_at.timetuple()[:6]
    entries = {
        # First, so it is read first: what to review (and take out) before handing it over.
        **({"review.json": as_review_json(export.review)} if export.review else {}),
        "record.pdf": as_pdf(export, request, exported_by=exported_by, exported_at=exported_at),
        "record.json": as_json(export, request),
        **export.files,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=stamp), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
