"""What the service page and its one-page PDF show for a period, for one person: a few SQL
aggregates over what they may oversee, whatever the history (bench/service_page.py). Shared by
the page (rhi/oversight/views.py) and the PDF prepared as a job (rhi/oversight/service_pdf.py).
"""

from __future__ import annotations

from typing import Any

from rhi import deadlines
from rhi.models import User
from rhi.models.base import utcnow
from rhi.models.interviews import DELAY_REASONS
from rhi.oversight import charts
from rhi.oversight import figures as service


def hours_words(value: float | None) -> str:
    if value is None:
        return "none yet"
    if value < 0.5:
        return "under an hour"
    if value < 48:
        return "1 hour" if round(value) == 1 else f"{value:.0f} hours"
    return f"{value / 24:.1f} days"


def everything(user: User, chosen: service.Period) -> dict[str, Any]:
    """What the page and its PDF show for the period: a few SQL aggregates, whatever the
    history (bench/service_page.py)."""
    seen = service.overview(user, chosen)
    counts = seen.counts
    waiting, waiting_deadlines = service.waiting(user, utcnow())
    labels, waiting_labels = service.words(seen.deadlines), service.waiting_words(waiting_deadlines)
    funnel = [
        (labels[key], counts[key])
        for key in ("returns", "offered", "accepted", "held", "held_in_time")
    ]
    # The deadlines the period's returns were given, never the setting now for all of them: a
    # change of the setting does not judge the past again (rhi.deadlines.Deadlines).
    given = seen.deadlines.or_hours(service.deadline_hours())
    return {
        "chosen": chosen,
        "counts": counts,
        "labels": labels,
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
        "waiting_labels": waiting_labels,
        "share": service.share,
        "hours": hours_words,
        "funnel_chart": charts.bars("From return to interview", funnel),
        "waiting_chart": charts.bars(
            "Waiting now", [(words, waiting[key]) for key, words in waiting_labels.items()]
        ),
    }
