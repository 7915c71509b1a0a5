"""The standing profile as a one-page PDF to hand to police when a child goes missing.

Laid out by `children/profile_pdf.html` and rendered by WeasyPrint with the summaries' locked-down
fetcher (`rhi.summaries.pdf.asset_fetcher`): it may load our CSS, fonts and logo and nothing else,
so nothing typed into a profile can make the renderer fetch a file or a URL. The profile's photo
(from the database) goes in as a data: URI that `_WithPhoto` answers from the bytes it was made
from: no file and no URL is opened for it either. Made on request (about half a second): a profile
changes, and police need the version of the moment.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask import render_template

from rhi import ethnicity
from rhi.models.children import PROFILE_FIELDS, Child, ChildPhoto
from rhi.models.episodes import Episode
from rhi.summaries.asset_urls import CSS_URL, LOGO_URL
from rhi.summaries.pdf import asset_fetcher, write_pdf
from rhi.timefmt import format_date, format_datetime, to_local

TEMPLATE = "children/profile_pdf.html"
RECENT_EPISODES = 5  # the latest few keep it on one page; the count says how many in all


def render_html(
    child: Child,
    episodes: Iterable[Episode],
    *,
    printed_by: str,
    printed_at: datetime,
    last_changed: datetime | None,
    logo: bool = True,
    photo_uri: str | None = None,
) -> str:
    """The profile as HTML (what WeasyPrint is given); needs a Flask app context."""
    listed = sorted(episodes, key=lambda e: e.started_at, reverse=True)
    today = to_local(printed_at).date()
    return render_template(
        TEMPLATE,
        title=f"Missing person profile: {child.display_name}",
        child=child,
        age=child.age_on(today),
        dob_text=format_date(child.date_of_birth),
        ethnicity_text=ethnicity.label(child.ethnicity),
        profile=[(label, getattr(child, name) or "") for name, label in PROFILE_FIELDS.items()],
        episodes=[
            {
                "started": format_datetime(e.started_at),
                "returned": format_datetime(e.returned_at) if e.returned_at else "Still missing",
                "found": e.found_where or "",
            }
            for e in listed[:RECENT_EPISODES]
        ],
        episode_count=len(listed),
        printed_by=printed_by,
        printed_at_text=format_datetime(printed_at),
        last_changed_text=format_datetime(last_changed) if last_changed else "",
        css_url=CSS_URL,
        logo_url=LOGO_URL if logo else None,
        photo_uri=photo_uri,
    )


def photo_uri(photo: ChildPhoto) -> str:
    return f"data:{photo.content_type};base64,{base64.b64encode(photo.data).decode('ascii')}"


class _WithPhoto:
    """The locked-down fetcher, answering also the one data: URI made from the photo, from its
    own bytes. Anything else, another data: URI included, goes to the locked-down fetcher."""

    def __init__(self, fetcher: Any, photo: ChildPhoto) -> None:
        self._fetcher = fetcher
        self._fail_on_errors = fetcher._fail_on_errors  # read by WeasyPrint
        self.uri = photo_uri(photo)
        self._photo = photo

    def __call__(self, url: str) -> Any:
        if url == self.uri:
            from weasyprint.urls import URLFetcherResponse  # loaded with the first PDF

            return URLFetcherResponse(
                url, body=self._photo.data, headers={"Content-Type": self._photo.content_type}
            )
        return self._fetcher(url)


def render_profile(
    child: Child,
    episodes: Iterable[Episode],
    *,
    printed_by: str,
    printed_at: datetime,
    last_changed: datetime | None,
    photo: ChildPhoto | None = None,
) -> bytes:
    """The profile PDF. Call inside a Flask app context; `printed_at` is naive UTC."""
    assets = asset_fetcher()
    fetcher: Any = assets if photo is None else _WithPhoto(assets, photo)
    html = render_html(
        child,
        episodes,
        printed_by=printed_by,
        printed_at=printed_at,
        last_changed=last_changed,
        logo=assets.has(LOGO_URL),
        photo_uri=fetcher.uri if photo is not None else None,
    )
    return write_pdf(html, fetcher)
