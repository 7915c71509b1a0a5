"""The summary PDF: one recipient's view of a finished interview, as bytes.

What goes in is decided by `rhi.sharing` (a `SharedView`); this module only lays it out. WeasyPrint
is given the HTML as a string with a locked-down fetcher (`rhi.summaries.fetcher`) so it can load
our CSS, fonts and logo and nothing else. Rendering takes about half a second: callers render once
when an interview is finished and keep the bytes (`rhi.models.summaries.Summary.pdf`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from flask import render_template
from weasyprint import HTML
from weasyprint.pdf import VARIANTS

from rhi.interviews import fields as catalogue
from rhi.interviews.content import FINDING_GROUPS, FINDING_TITLES, RECIPIENTS
from rhi.prompts import SECTION_IDS, load_bank
from rhi.sharing import SharedView
from rhi.summaries.fetcher import BASE_URL, CSS_URL, LOGO_URL, AssetFetcher
from rhi.timefmt import format_date, format_datetime

TEMPLATE = "summaries/summary_pdf.html"

# PDF/UA-1 makes WeasyPrint write a tagged PDF (structure tree, language, title shown).
PDF_VARIANT: str | None = "pdf/ua-1" if "pdf/ua-1" in VARIANTS else None

_fetcher: AssetFetcher | None = None
_fetcher_lock = threading.Lock()


def asset_fetcher() -> AssetFetcher:
    """The fetcher, built on first use so its assets are read from disk once per process.

    If the fonts are missing it raises `MissingAssetsError` every time (nothing is cached), so a
    later `npm run build` fixes a running server without a restart.
    """
    global _fetcher
    with _fetcher_lock:
        if _fetcher is None:
            _fetcher = AssetFetcher()
        return _fetcher


def _episode_rows(episodes: Iterable[Any]) -> list[dict[str, str]]:
    rows = []
    for e in sorted(episodes, key=lambda e: e.started_at):
        rows.append(
            {
                "started": format_datetime(e.started_at),
                "returned": format_datetime(getattr(e, "returned_at", None)),
                "risk_grade": getattr(e, "risk_grade", "") or "",
            }
        )
    return rows


def _finding_groups(view: SharedView) -> list[dict[str, Any]]:
    return [
        {
            "title": FINDING_TITLES[group],
            "findings": [f for f in view.findings if f.group == group],
            "other_label": _label(f"findings_other.{group}"),
            "other": view.findings_other.get(group, ""),
        }
        for group in FINDING_GROUPS
    ]


def _entry_tables(view: SharedView, child_name: str) -> dict[str, list[dict[str, Any]]]:
    """The tables of places, people and actions, by the sharing part they belong to: a column
    for each field of an entry that holds words or a choice, headed with its label."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for kind in catalogue.lists():
        entry = catalogue.entry(kind)
        columns = [p for p in catalogue.entry_fields(kind) if p.kind != catalogue.FLAG]
        tables.setdefault(entry.part, []).append(
            {
                "kind": kind,
                "caption": catalogue.Placed(entry, entry.path).heading(child_name),
                "columns": [p.label(child_name) for p in columns],
                "rows": [
                    [
                        (p.words(item.get(p.name, p.field.empty)), p.kind != catalogue.CHOICE)
                        for p in columns
                    ]
                    for item in getattr(view, kind, [])
                ],
            }
        )
    return tables


def _label(path: str) -> str:
    placed = catalogue.find(path)
    return placed.label() if placed is not None else path


def _about_labels() -> dict[str, str]:
    """The labels of the fields the summary shows on their own: where and who (in "About this
    interview") and what keeps the child safe."""
    return {
        "place": _label("start.location"),
        "present": _label("start.present"),
        "protective_factors": _label("protective_factors"),
    }


def _child_name(child: Any) -> str:
    name = getattr(child, "display_name", None)
    if name:
        return str(name)
    first = getattr(child, "preferred_name", None) or getattr(child, "first_name", "")
    return f"{first} {getattr(child, 'last_name', '')}".strip()


def _interview_date(interview: Any) -> str:
    for attr in ("held_at", "finished_at"):
        value = getattr(interview, attr, None)
        if isinstance(value, datetime):
            return format_datetime(value)
    return ""


def render_html(
    *,
    child: Any,
    episodes: Iterable[Any],
    interview: Any,
    view: SharedView,
    prepared_for: str,
    prepared_at: datetime,
    interviewer: str,
    place: str,
    present: str,
    dismissed_flags: int,
    logo: bool = True,
) -> str:
    """The summary as HTML (what WeasyPrint is given); needs a Flask app context."""
    bank = load_bank()
    titles = {sid: bank.section(sid).title for sid in SECTION_IDS}
    child_name = _child_name(child)
    dob = getattr(child, "date_of_birth", None)
    return render_template(
        TEMPLATE,
        title=f"Return home interview summary: {child_name}",
        child_name=child_name,
        dob_text=format_date(dob) if isinstance(dob, date) else "",
        episodes=_episode_rows(episodes),
        interview=interview,
        interview_date_text=_interview_date(interview),
        view=view,
        recipient_label=RECIPIENTS.get(view.recipient, "this recipient"),
        prepared_for=prepared_for,
        prepared_at_text=format_datetime(prepared_at),
        interviewer=interviewer,
        place=place,
        present=present,
        dismissed_flags=max(0, int(dismissed_flags)),
        titles=titles,
        finding_groups=_finding_groups(view),
        tables=_entry_tables(view, child_name),
        about_labels=_about_labels(),
        css_url=CSS_URL,
        logo_url=LOGO_URL if logo else None,
    )


def render_summary(
    *,
    child: Any,
    episodes: Iterable[Any],
    interview: Any,
    view: SharedView,
    prepared_for: str,
    prepared_at: datetime,
    interviewer: str,
    place: str,
    present: str,
    dismissed_flags: int,
) -> bytes:
    """The summary PDF for one recipient. `prepared_at` is naive UTC, shown in local time.

    Call inside a Flask app context. Raises `MissingAssetsError` if the fonts were not built.
    """
    fetcher = asset_fetcher()
    html = render_html(
        child=child,
        episodes=episodes,
        interview=interview,
        view=view,
        prepared_for=prepared_for,
        prepared_at=prepared_at,
        interviewer=interviewer,
        place=place,
        present=present,
        dismissed_flags=dismissed_flags,
        logo=fetcher.has(LOGO_URL),
    )
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
    pdf = document.write_pdf(pdf_variant=PDF_VARIANT)
    assert pdf is not None  # write_pdf returns bytes when given no target
    return bytes(pdf)
