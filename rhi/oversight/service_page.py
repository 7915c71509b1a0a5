"""What the service page, its one-page PDF and its CSV show for a period, for one person: a few
SQL aggregates over what they may oversee, whatever the history (bench/service_page.py). Shared
by the page and the CSV (rhi/oversight/views.py) and the PDF prepared as a job
(rhi/oversight/service_pdf.py), so the three hold the same figures.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from rhi import deadlines
from rhi.deadlines import Deadlines
from rhi.models import User
from rhi.models.base import utcnow
from rhi.models.interviews import DELAY_REASONS
from rhi.oversight import charts
from rhi.oversight import figures as service


def duration_words(value: float | None, deadline: Deadlines) -> str:
    """How long, in hours from the database (rhi.deadlines.hours_said); "none yet" for none."""
    return "none yet" if value is None else deadlines.hours_said(value, deadline)


def shown(user: User, chosen: service.Period) -> dict[str, Any]:
    """What the page, its PDF and its CSV show for the period, but the charts: a few SQL
    aggregates, whatever the history (bench/service_page.py)."""
    seen = service.overview(user, chosen)
    waiting, waiting_deadlines = service.waiting(user, utcnow())
    # The deadlines the period's returns were given, never the setting now for all of them: a
    # change of the setting does not judge the past again (rhi.deadlines.Deadlines).
    given = seen.deadlines.or_hours(service.deadline_hours())
    return {
        "chosen": chosen,
        "counts": seen.counts,
        "labels": service.words(seen.deadlines),
        "deadline": given,  # .within: "within 72 hours"; .the_deadline: "the 72 hours"
        "deadline_note": deadlines.measured_note(
            seen.deadlines.joined(waiting_deadlines), service.deadline_hours()
        ),
        "legal": seen.legal,
        "timings": service.time_to_interview(user, chosen),
        "offer_timings": service.time_to_offer(user, chosen),
        "delays": seen.delays,
        "delay_labels": {**DELAY_REASONS, "": "No reason recorded"},
        "waiting": waiting,
        "waiting_labels": service.waiting_words(waiting_deadlines),
        "share": service.share,
        "hours": partial(duration_words, deadline=given),
    }


def everything(user: User, chosen: service.Period) -> dict[str, Any]:
    """`shown`, with its charts: what the page and its PDF show for the period."""
    found = shown(user, chosen)
    counts, labels = found["counts"], found["labels"]
    waiting, waiting_labels = found["waiting"], found["waiting_labels"]
    funnel = [
        (labels[key], counts[key])
        for key in ("returns", "offered", "accepted", "held", "held_in_time")
    ]
    return {
        **found,
        "funnel_chart": charts.bars("From return to interview", funnel),
        "waiting_chart": charts.bars(
            "Waiting now", [(words, waiting[key]) for key, words in waiting_labels.items()]
        ),
    }


CSV_HEADERS = ["Figure", "Number", "From", "To"]


def csv_rows(found: dict[str, Any]) -> Iterator[list[object]]:
    """Every figure `shown` holds, in the page's order and in its words, each with the period
    (From, To): the CSV held only the main figures, and left out the shares, the legal status
    table, how long it took, why interviews were late and what is waiting now (a probe). Each
    row's words say what the page says in a heading and a column. The main figures come first,
    as they always did."""
    start, end = found["chosen"].start.isoformat(), found["chosen"].end.isoformat()
    for words, value in _csv_figures(found):
        yield [words, value, start, end]
    # Counted when the file is made, not over the period: said in the words, with no period.
    for key, words in found["waiting_labels"].items():
        yield [f"Waiting now (when downloaded): {words}", found["waiting"][key], "", ""]


def _csv_figures(found: dict[str, Any]) -> Iterator[tuple[str, object]]:
    """`csv_rows`' figures for the period, as (words, value)."""
    counts, labels, share = found["counts"], found["labels"], found["share"]
    for key, words in labels.items():
        yield words, counts[key]
    for key, words in labels.items():
        if key not in ("returns", "children"):
            yield f"{words}: share of returns", share(counts[key], counts["returns"])
    deadline = found["deadline"]
    yield f"Held {deadline.within}, of those held", share(counts["held_in_time"], counts["held"])
    for _key, words, children, returns in found["legal"]:
        yield f"Children by legal status: {words}", children
        yield f"Returns by legal status: {words}", returns
    hours = found["hours"]
    for to, timings in (
        ("the offer of an interview", found["offer_timings"]),
        ("the interview", found["timings"]),
    ):
        yield f"Time from the return to {to}: half within", hours(timings.median_hours)
        yield f"Time from the return to {to}: nine in ten within", hours(timings.p90_hours)
        yield f"Time from the return to {to}: how many", timings.held
    for key, number in found["delays"].items():
        yield f"Interviews held after {deadline.the_deadline}: {found['delay_labels'][key]}", number
