"""The service's figures for a period on one page, as a PDF to hand round a partnership meeting.

Laid out by `oversight/service_pdf.html` and rendered by WeasyPrint with the summaries'
locked-down fetcher (`rhi.summaries.pdf.asset_fetcher`): only our own CSS, fonts and logo load.
The charts are the page's own SVG, inline (rhi/oversight/charts.py), each with its table.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import render_template

from rhi.jobs.downloads import File
from rhi.models import User
from rhi.models.base import utcnow
from rhi.oversight import periods, service_page
from rhi.summaries.asset_urls import CSS_URL, LOGO_URL
from rhi.summaries.pdf import asset_fetcher, write_pdf
from rhi.timefmt import format_datetime

TEMPLATE = "oversight/service_pdf.html"


def render_service(figures: dict[str, Any], *, printed_by: str, printed_at: datetime) -> bytes:
    """The one-page PDF of `figures` (what the service page shows). Needs an app context;
    `printed_at` is naive UTC."""
    fetcher = asset_fetcher()
    html = render_template(
        TEMPLATE,
        **figures,
        printed_by=printed_by,
        printed_at_text=format_datetime(printed_at),
        css_url=CSS_URL,
        logo_url=LOGO_URL if fetcher.has(LOGO_URL) else None,
    )
    return write_pdf(html, fetcher)


def make_for(user: User, arguments: dict[str, Any]) -> File:
    """The `service_pdf` download (rhi/jobs/downloads.py): the figures `user` may oversee for
    the period in `arguments` (as the page's query string carries it), printed by them now."""
    chosen, problem = periods.asked(arguments, utcnow())
    if problem:
        raise ValueError(problem)
    data = render_service(
        service_page.everything(user, chosen), printed_by=user.name, printed_at=utcnow()
    )
    return File(f"rhi-service-{chosen.start}-{chosen.end}.pdf", "application/pdf", data)
