"""The pack for a multi-agency exploitation meeting: the register of places, people, vehicles
and phones across children as a PDF marked OFFICIAL-SENSITIVE, children shown as "Child A",
"Child B"... unless the manager chose names. Made as a download job for the manager who asked
(rhi/jobs/downloads.py), working as them: it holds only what they may see, and of the
interviews only those finished and only what the child shares with the meeting's readers
(rhi.oversight.register.pack).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import render_template

from rhi import audit
from rhi.extensions import db
from rhi.jobs.downloads import File
from rhi.models import Child, User
from rhi.models.base import utcnow
from rhi.oversight import periods
from rhi.oversight import register as reg
from rhi.oversight.figures import Period
from rhi.summaries.asset_urls import CSS_URL
from rhi.summaries.pdf import write_pdf
from rhi.timefmt import format_date, format_datetime, to_local


def day(value: datetime) -> str:
    """The local day of a stored time, in words."""
    return format_date(to_local(value).date())


def pack_html(
    entries: list[reg.Entry], *, prepared_for: str, prepared_by: str, names: bool, chosen: Period
) -> str:
    """The pack as HTML (what WeasyPrint is given). Children are "Child A", "Child B"... unless
    `names`; with pseudonyms, a child's name written in an entry is replaced too."""
    labels = reg.pseudonyms(entries)
    children = {
        row.id: row
        for row in db.session.scalars(db.select(Child).where(Child.id.in_(sorted(labels))))
    }
    said: dict[str, str] = {}
    if not names:
        for child_id, label in labels.items():
            child = children[child_id]
            for name in (child.first_name, child.last_name, child.preferred_name):
                if name:
                    said[name] = label
    shown = {
        child_id: (children[child_id].display_name if names else label)
        for child_id, label in labels.items()
    }

    def clean(text: str) -> str:
        return reg.redact(text, said) if said else text

    return render_template(
        "oversight/register_pack.html",
        title="Places, people, vehicles and phones across children",
        entries=entries,
        nouns=reg.KIND_NOUN,
        shown=shown,
        clean=clean,
        names=names,
        prepared_for=prepared_for,
        prepared_by=prepared_by,
        printed_at_text=format_datetime(utcnow()),
        chosen=chosen,
        day=day,
        css_url=CSS_URL,
    )


def make_for(user: User, arguments: dict[str, Any]) -> File:
    """The `register_pack` download (rhi/jobs/downloads.py): the register `user` may see for
    the period, as a PDF through the summaries' fetcher (our CSS and fonts only), recorded in
    the audit trail with the file, in the job's transaction."""
    chosen, problem = periods.asked(
        arguments, utcnow(), extra={"last_12_months": reg.last_12_months}, default="last_12_months"
    )
    if problem:
        raise ValueError(problem)
    names = bool(arguments.get("names"))
    prepared_for = str(arguments["prepared_for"])
    entries = reg.pack(user, chosen, across=bool(arguments.get("across")))
    html = pack_html(
        entries, prepared_for=prepared_for, prepared_by=user.name, names=names, chosen=chosen
    )
    data = write_pdf(html)
    audit.record(
        "register.pack",
        user=user,
        detail=(
            f"{'names shown' if names else 'pseudonymised'}; {len(entries)} entries; "
            f"{chosen.key}; for {prepared_for}"
        ),
    )
    # One row per child in the pack, on the child's own audit trail: each child's record must
    # show that what they told us left the service, for which meeting and under what label
    # (the pack-wide row above names no child).
    for child_id, label in reg.pseudonyms(entries).items():
        audit.record(
            "register.pack.child",
            user=user,
            object_type="child",
            object_id=child_id,
            child_id=child_id,
            detail=f"{'named' if names else label} in the pack for {prepared_for}",
        )
    stamp = to_local(utcnow()).strftime("%Y%m%d-%H%M")
    return File(f"rhi-register-{stamp}.pdf", "application/pdf", data)
