"""The summary PDF: one recipient's view of a finished interview, as bytes.

What goes in is decided by `rhi.sharing` (a `SharedView`); this module only lays it out. WeasyPrint
is given the HTML as a string with a locked-down fetcher (`rhi.summaries.fetcher`) so it can load
our CSS, fonts and logo and nothing else. Rendering takes about half a second: callers render once
when an interview is finished and keep the bytes (`rhi.models.summaries.Summary.pdf`).
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from flask import current_app, render_template

from rhi import deadlines, ethnicity
from rhi.config import DEFAULT_ORGANISATION
from rhi.interviews import fields as catalogue
from rhi.interviews.child_words import interpreter_words
from rhi.interviews.content import FINDING_GROUPS, FINDING_TITLES
from rhi.naming import interview_name
from rhi.sharing import SharedView
from rhi.summaries import headings
from rhi.summaries.asset_urls import BASE_URL, CSS_URL, LOGO_URL
from rhi.timefmt import (
    format_date,
    format_datetime,
    kept_when,
)
from rhi.writing.counts import LanguageCounts

if TYPE_CHECKING:
    from rhi.summaries.fetcher import AssetFetcher

TEMPLATE = "summaries/summary_pdf.html"

# The earlier episodes and interviews listed in full; the rest are counted ("and 4 earlier").
HISTORY_SHOWN = 10
# What the summary reads from the settings (rhi/config.py) when the caller passes none.
SETTINGS = (
    "RHI_DEADLINE_HOURS",
    "RHI_REPEAT_EPISODES",
    "RHI_REPEAT_DAYS",
    "RHI_LONG_EPISODE_HOURS",
    "RHI_ORGANISATION",
    "RHI_SERVICE_CONTACT",
)
DEFAULT_SETTINGS: dict[str, Any] = {
    "RHI_DEADLINE_HOURS": 72,
    "RHI_REPEAT_EPISODES": 3,
    "RHI_REPEAT_DAYS": 30,
    "RHI_LONG_EPISODE_HOURS": 48,
    "RHI_ORGANISATION": DEFAULT_ORGANISATION,
    "RHI_SERVICE_CONTACT": "",
}

_fetcher: AssetFetcher | None = None
_fetcher_lock = threading.Lock()


# WeasyPrint is imported here, when the first PDF is made, and not when the app starts: it takes
# over a second to load, which every gunicorn worker and every `flask` command would pay.
@cache
def pdf_variant() -> str | None:
    """PDF/UA-1 when this WeasyPrint has it: a tagged PDF (structure tree, language, title)."""
    from weasyprint.pdf import VARIANTS

    return "pdf/ua-1" if "pdf/ua-1" in VARIANTS else None


def write_pdf(html: str, fetcher: Any = None) -> bytes:
    """`html` as a PDF, loading only what the locked-down fetcher serves (our CSS, fonts and
    logo). Every PDF rhi makes goes through here. Needs an app context."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher or asset_fetcher())
    pdf = document.write_pdf(pdf_variant=pdf_variant())
    assert pdf is not None  # write_pdf returns bytes when given no target
    return bytes(pdf)


def asset_fetcher() -> AssetFetcher:
    """The fetcher, built on first use so its assets are read from disk once per process.

    If the fonts are missing it raises `MissingAssetsError` every time (nothing is cached), so a
    later `npm run build` fixes a running server without a restart.
    """
    global _fetcher
    with _fetcher_lock:
        if _fetcher is None:
            from rhi.summaries.fetcher import AssetFetcher

            _fetcher = AssetFetcher()
        return _fetcher


def _attr(obj: Any, name: str) -> Any:
    """An attribute a caller may not have (tests pass small stand-ins); "" or None as None."""
    value = getattr(obj, name, None)
    return None if value == "" else value


def duration_words(delta: timedelta) -> str:
    """How long, plainly, in days from 48 hours (rhi.deadlines.plain_duration says it)."""
    return deadlines.plain_duration(delta, days_from_hours=48)


def _how_long(e: Any) -> str:
    started, returned = _attr(e, "started_at"), _attr(e, "returned_at")
    if not isinstance(started, datetime) or not isinstance(returned, datetime):
        return ""
    return duration_words(returned - started)


def _found(e: Any) -> str:
    where, by = _attr(e, "found_where"), _attr(e, "found_by")
    if where and by:
        return f"{where}, by {by}"
    return str(where or (f"By {by}" if by else ""))


def _episode_rows(episodes: Iterable[Any], police: bool = False) -> list[dict[str, str]]:
    """The episodes this interview covers, oldest first. `police`: with the police reference
    (rhi/sharing.py rule 5)."""
    rows = []
    for e in sorted(episodes, key=lambda e: e.started_at):
        rows.append(
            {
                "started": format_datetime(e.started_at),
                "returned": format_datetime(getattr(e, "returned_at", None)),
                "how_long": _how_long(e),
                "risk_grade": getattr(e, "risk_grade", "") or "",
                "missing_from": str(_attr(e, "missing_from") or ""),
                "found": _found(e),
                "police_reference": str(_attr(e, "police_reference") or "") if police else "",
            }
        )
    return rows


def _history(history: Iterable[Any]) -> dict[str, Any]:
    """The child's earlier episodes, most recent first: the first HISTORY_SHOWN, and how many
    more there are."""
    earlier = sorted(history, key=lambda e: e.started_at, reverse=True)
    return {
        "rows": [
            {
                "started": format_datetime(e.started_at),
                "returned": format_datetime(_attr(e, "returned_at")),
                "how_long": _how_long(e),
                "risk_grade": _attr(e, "risk_grade") or "",
            }
            for e in earlier[:HISTORY_SHOWN]
        ],
        "more": max(0, len(earlier) - HISTORY_SHOWN),
    }


def _earlier_interviews(dates: Iterable[datetime]) -> dict[str, Any]:
    ordered = sorted((d for d in dates if isinstance(d, datetime)), reverse=True)
    return {
        "dates": [format_datetime(d) for d in ordered[:HISTORY_SHOWN]],
        "more": max(0, len(ordered) - HISTORY_SHOWN),
    }


def _settings(settings: Mapping[str, Any] | None) -> dict[str, Any]:
    source: Mapping[str, Any] = current_app.config if settings is None else settings
    return {key: source.get(key, DEFAULT_SETTINGS[key]) for key in SETTINGS}


def _risk(view: SharedView, episodes: list[Any]) -> dict[str, Any]:
    """The risk now and from whom: the worker's view, the police grade, and the harms, pull
    factors, people and places this reader may read (all from `view`)."""
    latest = episodes[-1] if episodes else None
    return {
        "view": view.risk_view,
        "grade": (_attr(latest, "risk_grade") or "") if latest is not None else "",
        "harms": [f.label for f in view.findings if f.group == "harms"],
        "pulls": [f.label for f in view.findings if f.group == "pull"],
        "people": len(view.people),
        "places": len(view.places),
    }


def _asks(view: SharedView, worker: str) -> list[dict[str, Any]]:
    """The actions this reader may read, a strategy meeting request first. Who in the copy's
    words (headings.owner_for_readers: the worker by name, `worker`), when as the field says."""
    due = catalogue.find("actions.x.due")
    rows = [
        {
            "what": a.get("kind_label", "Other"),
            "owner": headings.owner_for_readers(
                str(a.get("owner_kind", "")), str(a.get("owner", "")), worker
            ),
            "due": due.words(a.get("due", "")) if due else a.get("due", ""),
            "strategy": a.get("kind") == "strategy_meeting",
        }
        for a in view.actions
    ]
    return sorted(rows, key=lambda r: not r["strategy"])


def _repeat(episodes: list[Any], history: list[Any], cfg: Mapping[str, Any]) -> dict[str, Any]:
    """Episodes in the local window up to the latest one this interview covers, against the
    local threshold (rhi.deadlines is the one home of the rule), and any long episode."""
    count, days = int(cfg["RHI_REPEAT_EPISODES"]), int(cfg["RHI_REPEAT_DAYS"])
    hours = int(cfg["RHI_LONG_EPISODE_HOURS"])
    starts = [e.started_at for e in [*episodes, *history] if isinstance(e.started_at, datetime)]
    if not episodes:
        return {}
    at = max(e.started_at for e in episodes)
    return {
        "count": deadlines.repeat_episodes(starts, at, 1, days) or 0,
        "reached": deadlines.repeat_episodes(starts, at, count, days) is not None,
        "threshold": count,
        "days": days,
        "long_hours": hours,
        "long": any(
            deadlines.is_long_episode(e.started_at, _attr(e, "returned_at"), hours)
            for e in episodes
        ),
    }


def _timeliness(interview: Any, episodes: list[Any], cfg: Mapping[str, Any]) -> dict[str, Any]:
    """Whether the interview was held within its deadline after the child's return, by the one
    rule (rhi.deadlines.Clock: held at the deadline itself is late, as the service page and the
    Returns page say), against the deadline the interview was given when it was made (the
    setting may have changed since): its hours are said with it."""
    returns = [r for e in episodes if isinstance(r := _attr(e, "returned_at"), datetime)]
    held = _attr(interview, "held_at")
    if not returns or not isinstance(held, datetime):
        return {}
    returned = max(returns)
    due = _attr(interview, "due_at")
    if isinstance(due, datetime) and due > min(returns):
        # Judged as the service's figures judge the latest return it covers: as long after that
        # return as the interview's deadline is after the first (deadlines.due_for_return).
        minutes = deadlines.deadline_minutes(due, min(returns))
        due = deadlines.due_for_return(returned, due, min(returns))
    else:
        minutes = int(cfg["RHI_DEADLINE_HOURS"]) * 60
        due = returned + timedelta(minutes=minutes)
    late = deadlines.Clock(due=due, now=held).overdue
    return {
        "length": deadlines.Deadlines.of([minutes]).lengths,
        "within": not late,
        "after_return": duration_words(held - returned),
        "late_by": duration_words(held - due) if late else "",
        "due": format_datetime(due),
    }


def _ethnicity(key: str | None) -> str:
    entry = ethnicity.BY_KEY.get(key or "not_known")
    if entry is None or entry.dfe in ("NOBT", "REFU"):  # "Not yet known", "Prefer not to say"
        return entry.label if entry else "Not yet known"
    return ethnicity.label(entry.key)


def _context(
    child: Any,
    episodes: list[Any],
    police: bool,
) -> list[tuple[str, str]]:
    """About the child and the episode: the facts rhi holds outside the interview. Only for a
    reader who gets content; `police`: may read the police reference (not parents or carers,
    rule 5 of rhi.sharing)."""
    social_worker = _attr(child, "social_worker")
    language = _attr(child, "first_language")
    interpreter = _attr(child, "interpreter_needed")
    rows: list[tuple[str, str]] = [
        ("Legal status", _attr(child, "legal_status_label") or "Not recorded"),
        ("Placement", _attr(child, "placement_label") or "Not recorded"),
        ("Home authority", _attr(child, "home_authority") or "Not recorded"),
        ("Placing authority", _attr(child, "placing_authority") or "Not recorded"),
        ("Social worker", _attr(social_worker, "name") or "None allocated"),
        ("Ethnicity", _ethnicity(_attr(child, "ethnicity"))),
        ("First language", language or "Not recorded"),
        (
            "Interpreter needed",
            "Yes" if interpreter else "No" if interpreter is not None else "Not recorded",
        ),
    ]
    if police:
        refs = [str(r) for e in episodes if (r := _attr(e, "police_reference"))]
        rows.append(("Police reference", ", ".join(refs) or "Not recorded"))
    return rows


def _finding_groups(view: SharedView) -> list[dict[str, Any]]:
    """The findings groups holding something this reader may read, each with what it holds.

    What they may read is the view's alone (rhi.sharing.view_for), as on the copy on screen,
    which lists the findings shared and nothing of the groups without one. A group with nothing
    for this reader is left out, whether nothing was recorded in it or the child asked to keep
    its entries private: "None recorded" would be untrue of the one, and saying it of the other
    only would tell the reader something was kept out (rhi/sharing.py rule 6; a probe).
    """
    groups = []
    for group in FINDING_GROUPS:
        findings = [f for f in view.findings if f.group == group]
        other = view.findings_other.get(group, "")
        if findings or other:
            groups.append(
                {
                    "title": FINDING_TITLES[group],
                    "findings": findings,
                    "other_label": _label(f"findings_other.{group}"),
                    "other": other,
                }
            )
    return groups


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


def _times_shown(view: SharedView) -> SharedView:
    """`view` with the times it holds as kept written as the pages write them (`timefmt.kept_when`);
    the caller's view is left as it was."""
    return dataclasses.replace(
        view,
        read_back_at=kept_when(view.read_back_at),
        feelings={
            sid: dataclasses.replace(feeling, at=kept_when(feeling.at))
            for sid, feeling in view.feelings.items()
        },
    )


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
    dismissed_flags: int = 0,
    history: Iterable[Any] = (),
    earlier_interviews: Iterable[datetime] = (),
    interviewer_role: str = "",
    interviewer_contact: str = "",
    settings: Mapping[str, Any] | None = None,
    logo: bool = True,
    language: LanguageCounts | None = None,
    draft: bool = False,
) -> str:
    """The summary as HTML (what WeasyPrint is given); needs a Flask app context.

    What the child and the worker said comes from `view` only. The facts rhi holds about the
    child and the episodes (`child`, `episodes`, `history`: the child's other episodes begun
    before the latest one covered; `earlier_interviews`: when the child's earlier interviews
    were held) go only into a copy that shares content; for parents and carers without the
    police reference, as they have no places and people (rhi.sharing rule 5). `settings`: the
    app's config when None (deadline, repeat threshold, organisation).

    `language`: what the writing check found in the words this copy holds, counted over the
    final text (rhi/writing/counts.py), as the review page counts it. `dismissed_flags` is the
    older count of "keep my words" alone, read as that many kept when `language` is not given.
    """
    cfg = _settings(settings)
    view = _times_shown(view)
    child_name = _child_name(child)
    name = headings.short_name(child)
    # The copy's headings, the same on screen (rhi/summaries/headings.py).
    titles = headings.copy_headings(name, view.recipient)
    dob = getattr(child, "date_of_birth", None)
    covered = sorted(episodes, key=lambda e: e.started_at)
    earlier = list(history)
    shares = view.shares_content
    police = view.where_held  # rhi/sharing.py rule 5, asked of the view, not said again here
    worker = headings.worker_name(interview)  # an action's owner "Me (the worker)", by name
    return render_template(
        TEMPLATE,
        title=f"{interview_name(capital=True)} summary: {child_name}",
        child_name=child_name,
        name=name,
        dob_text=format_date(dob) if isinstance(dob, date) else "",
        episodes=_episode_rows(covered, police=police) if shares else [],
        interview=interview,
        interview_date_text=_interview_date(interview),
        view=view,
        police_copy=view.recipient == "police" and shares,
        prepared_for=prepared_for,
        prepared_at_text=format_datetime(prepared_at),
        interviewer=interviewer,
        interviewer_role=interviewer_role,
        interviewer_contact=interviewer_contact,
        organisation=cfg["RHI_ORGANISATION"],
        service_contact=cfg["RHI_SERVICE_CONTACT"],
        place=place,
        present=present,
        interpreter=interpreter_words(_attr(interview, "content")),
        language=language
        if language is not None
        else LanguageCounts(kept=max(0, int(dismissed_flags))),
        titles=titles,
        finding_groups=_finding_groups(view),
        tables=headings.entry_tables(view, name, worker),
        about_labels=_about_labels(),
        # Nothing below reaches a copy that shares no content.
        risk=_risk(view, covered) if shares else {},
        asks=_asks(view, worker) if shares else [],
        # Asked of this reader though the actions are not shared with them (rhi/sharing.py).
        asked_of_them=headings.asked_of_them(view, worker),
        repeat=_repeat(covered, earlier, cfg) if shares else {},
        timeliness=_timeliness(interview, covered, cfg) if shares else {},
        context=_context(child, covered, police) if shares else [],
        police_reference=", ".join(str(r) for e in covered if (r := _attr(e, "police_reference")))
        if shares and police
        else "",
        history=_history(earlier) if shares else {"rows": [], "more": 0},
        earlier_interviews=_earlier_interviews(earlier_interviews)
        if shares
        else {"dates": [], "more": 0},
        css_url=CSS_URL,
        logo_url=LOGO_URL if logo else None,
        draft=draft,
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
    dismissed_flags: int = 0,
    history: Iterable[Any] = (),
    earlier_interviews: Iterable[datetime] = (),
    interviewer_role: str = "",
    interviewer_contact: str = "",
    settings: Mapping[str, Any] | None = None,
    language: LanguageCounts | None = None,
    draft: bool = False,
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
        history=history,
        earlier_interviews=earlier_interviews,
        interviewer_role=interviewer_role,
        interviewer_contact=interviewer_contact,
        settings=settings,
        logo=fetcher.has(LOGO_URL),
        language=language,
        draft=draft,
    )
    return write_pdf(html, fetcher)
