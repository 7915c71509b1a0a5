"""The service's figures for a period on one page, as a PDF to hand round a partnership meeting.

Laid out by `oversight/service_pdf.html` and rendered by WeasyPrint with the summaries'
locked-down fetcher (`rhi.summaries.pdf.asset_fetcher`): only our own CSS, fonts and logo load.
The charts are the page's own SVG, inline (rhi/oversight/charts.py), each with its table.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import render_template

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
