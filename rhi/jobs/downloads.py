"""Files made off the request path for the person who asked: the job makes the file and keeps it
on its row (`Job.result_blob`); the person is sent to a page that says "Preparing..." until it
is ready, then downloads it (rhi/jobs/download_views.py).

A file is made by a *maker*, named here by key and never by anything a request sends: the key
says which function makes it and who may have it. Access is checked three times: when asked
(by the feature's own route), when made (the maker works as the person who asked, so it sees
only what they may see), and when downloaded (the person who asked, still allowed, within
`KEPT`). After that its bytes are cleared from the row (`clear_expired`): when anyone prepares
a file, and by the hourly `flask rhi purge` (a page only reads: `expired` says it has gone, and
the waiting page polls every 2 seconds, which must not write). The row stays
(its name and size, no bytes), so the waiting page can say the file was cleared, and the audit
rows that name the job still point at something.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module
from typing import Any

from sqlalchemy import select, update

from rhi import jobs
from rhi.extensions import db
from rhi.models.base import utcnow
from rhi.models.jobs import Job
from rhi.models.people import User

KIND = "download"
KEPT = timedelta(hours=1)  # a prepared file waits this long to be downloaded, then is cleared


@dataclass(frozen=True)
class File:
    name: str  # the name the browser saves it under
    mimetype: str
    data: bytes


@dataclass(frozen=True)
class Maker:
    key: str
    title: str  # what the waiting page calls it ("The service's figures (PDF)")
    target: str  # "module:function(user, arguments) -> File"
    allowed: str  # "module:function(user) -> bool": may this person have it (now)?
    back: str  # the endpoint to go back to
    # For a file about one record: "module:function(user, arguments) -> bool", may this person
    # still see that record (a child moved to another team since is no longer theirs).
    record: str | None = None
    back_argument: str | None = None  # the argument `back` needs (e.g. "child_id")
    # Arguments dropped from the job once its file is made (what a request said about a person,
    # kept elsewhere by then).
    forget: tuple[str, ...] = ()
    # The file may hold children its arguments do not name (a pack across a team's children):
    # the job does not record which, so when any child's record is destroyed every such file
    # is cleared (rhi/retention/destroy.py). A file about one child names it in `arguments`.
    many_children: bool = False

    def make(self, user: User, arguments: dict[str, Any]) -> File:
        return _load(self.target)(user, arguments)

    def allows(self, user: User, arguments: dict[str, Any]) -> bool:
        if not _load(self.allowed)(user):
            return False
        return self.record is None or bool(_load(self.record)(user, arguments))

    def back_arguments(self, arguments: dict[str, Any]) -> dict[str, Any]:
        if self.back_argument is None:
            return {}
        return {self.back_argument: arguments.get(self.back_argument)}


def _load(target: str) -> Callable[..., Any]:
    module, _, name = target.partition(":")
    function: Callable[..., Any] = getattr(import_module(module), name)
    return function


MAKERS: dict[str, Maker] = {
    m.key: m
    for m in (
        Maker(
            "service_pdf",
            "The service's figures (PDF)",
            "rhi.oversight.service_pdf:make_for",
            "rhi.access:can_oversee",
            "oversight.page",
        ),
        Maker(
            "register_pack",
            "The pack for a multi-agency exploitation meeting (PDF)",
            "rhi.oversight.register_pack:make_for",
            "rhi.oversight.register:can_see_register",
            "oversight_register.page",
            many_children=True,
        ),
        Maker(
            "child_profile",
            "The child's profile for police (PDF)",
            "rhi.children.profile_pdf:make_for",
            "rhi.access:can_see_children",
            "children.profile",
            record="rhi.children.profile_pdf:may_have",
            back_argument="child_id",
        ),
        Maker(
            "child_letter",
            "The child's letter (PDF)",
            "rhi.interviews.child_copy:make_for",
            "rhi.access:can_read_interviews",
            "interviews.child_copy_page",
            record="rhi.interviews.child_copy:may_have",
            back_argument="uuid",
        ),
        Maker(
            "subject_access",
            "Everything held about the child (ZIP)",
            "rhi.subject_access.download:make_for",
            "rhi.subject_access.views:may_export",
            "subject_access.child",
            record="rhi.subject_access.download:may_have",
            back_argument="child_id",
            forget=("requested_by", "reference", "received_on"),
        ),
    )
}


def prepare(maker: str, user: User, **arguments: Any) -> Job:
    """The job that makes `maker`'s file for `user`, written in the caller's transaction (it is
    handed out once that commits). The caller has checked the person may have it."""
    if maker not in MAKERS:
        raise ValueError(f"unknown maker {maker!r}")
    clear_expired(utcnow())
    return jobs.enqueue(
        KIND,
        subject=f"download:{maker}",
        created_by_id=user.id,
        max_attempts=jobs.attempts_allowed(),
        maker=maker,
        **arguments,
    )


def make(job: Job) -> dict[str, Any]:
    """The `download` job: make the file as the person who asked, and keep it on the row."""
    maker = MAKERS[str(job.arguments["maker"])]
    user = db.session.get(User, job.created_by_id) if job.created_by_id else None
    if user is None or not user.active or not maker.allows(user, job.arguments):
        raise PermissionError("the person who asked may no longer have this file")
    began = job.started_at or utcnow()
    made = maker.make(user, {k: v for k, v in job.arguments.items() if k != "maker"})
    if maker.many_children and _destroyed_since(began):
        # A record destroyed while this file was being made may be in it: destruction clears
        # only the files already made (rhi/retention/destroy.py). The job fails and is tried
        # again, and the file made then holds no destroyed child (a review).
        raise RuntimeError("a child's record was destroyed while this file was being made")
    job.result_blob = made.data
    if maker.forget:
        job.arguments = {k: v for k, v in job.arguments.items() if k not in maker.forget}
    return {"name": made.name, "mimetype": made.mimetype, "size": len(made.data)}


def _destroyed_since(began: datetime) -> bool:
    from rhi.models.retention import DestroyedChild

    return bool(
        db.session.scalar(
            select(DestroyedChild.child_id).where(DestroyedChild.destroyed_at >= began).limit(1)
        )
    )


def expired(job: Job, now: datetime) -> bool:
    """The file is no longer here: its hour is over, or its bytes were cleared sooner (a record
    it held was destroyed). Asked only of a finished job; the check reads no bytes."""
    if job.finished_at is None:
        return False
    if job.finished_at < now - KEPT:
        return True
    cleared = db.session.scalar(select(Job.result_blob.is_(None)).where(Job.id == job.id))
    return bool(cleared)


def clear_expired(now: datetime) -> int:
    """Every file that waited longer than KEPT, whoever asked for it: its bytes cleared (one
    UPDATE), the row kept. In the caller's transaction; how many were cleared."""
    cleared = db.session.execute(
        update(Job)
        .where(
            Job.kind == KIND,
            Job.finished_at < now - KEPT,
            Job.result_blob.is_not(None),
        )
        .values(result_blob=None)
        .execution_options(synchronize_session=False)
    )
    return int(cleared.rowcount or 0)


def clear_many_children() -> int:
    """Every prepared file that may hold children its arguments do not name (`many_children`),
    its bytes cleared whatever its age, the row kept: a child's record is being destroyed, in
    the caller's transaction. How many were cleared."""
    keys = [f"{KIND}:{m.key}" for m in MAKERS.values() if m.many_children]
    cleared = db.session.execute(
        update(Job)
        .where(Job.kind == KIND, Job.subject.in_(keys), Job.result_blob.is_not(None))
        .values(result_blob=None)
        .execution_options(synchronize_session=False)
    )
    return int(cleared.rowcount or 0)
