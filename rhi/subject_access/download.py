"""The subject access ZIP as a download job (rhi/jobs/downloads.py, maker "subject_access"):
everything held about a child is collected and packed off the request path, and the disclosure
log's row (with the ZIP's SHA-256) and its audit row are written with the job's result, in one
transaction, so the log names exactly the bytes handed over.

No Flask request here: the job works as the person who asked.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import select

from rhi import audit
from rhi.extensions import db
from rhi.jobs.downloads import File
from rhi.models import Child, User
from rhi.models.base import utcnow
from rhi.models.retention import Disclosure
from rhi.retention.destroy import not_destroyed
from rhi.subject_access import export, find

# What the request says (who asked, their reference, when it came in) is needed only until the
# ZIP is made: then it is on the disclosure log, and the job keeps just the child's id.
REQUEST_FIELDS = ("requested_by", "reference", "received_on")


def filename(reference: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9-]+", "-", reference).strip("-")[:60] or "request"
    return f"subject-access-{safe}.zip"


def may_have(user: User, arguments: dict[str, Any]) -> bool:
    """The child is one this person may export (rhi/subject_access/find.py) and not destroyed."""
    child_id = arguments.get("child_id")
    if not isinstance(child_id, int):
        return False
    found = db.session.scalar(
        select(Child.id).where(Child.id == child_id, find.scope(user), not_destroyed())
    )
    return found is not None and find.makes_the_export(user, child_id)


def make_for(user: User, arguments: dict[str, Any]) -> File:
    if not may_have(user, arguments):
        raise PermissionError("the child is not one this person may export")
    child_id = int(arguments["child_id"])
    about = {name: str(arguments[name]) for name in REQUEST_FIELDS}
    now = utcnow()
    data = export.as_zip(export.collect(child_id), about, exported_by=user.name, exported_at=now)
    disclosure = Disclosure(
        child_id=child_id,
        requested_by=about["requested_by"],
        reference=about["reference"],
        received_on=date.fromisoformat(about["received_on"]),
        exported_by_id=user.id,
        exported_at=now,
        sha256=export.sha256(data),
    )
    db.session.add(disclosure)
    db.session.flush()
    audit.record(
        "subject_access.export",
        user=user,
        object_type="disclosure",
        object_id=disclosure.id,
        child_id=child_id,
    )
    return File(filename(about["reference"]), "application/zip", data)
