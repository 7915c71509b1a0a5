"""The standing profile as a one-page PDF to hand to police when a child goes missing.

Laid out by `children/profile_pdf.html` and rendered by WeasyPrint with the summaries' locked-down
fetcher (`rhi.summaries.pdf.asset_fetcher`): it may load our CSS, fonts and logo and nothing else,
so nothing typed into a profile can make the renderer fetch a file or a URL. The profile's photo
(from the database) goes in as a data: URI that `_WithPhoto` answers from the bytes it was made
from: no file and no URL is opened for it either. Made on request (about half a second): a profile
changes, and police need the version of the moment. It is made as a download job
(`make_for`, rhi/jobs/downloads.py): a render never holds a request, and the person who asked
waits on the "Preparing" page for a few seconds at most.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask import render_template
from sqlalchemy import func, select

from rhi import access, ethnicity
from rhi.extensions import db
from rhi.jobs.downloads import File
from rhi.models.base import utcnow
from rhi.models.children import PROFILE_FIELDS, Child, ChildPhoto, ProfileChange
from rhi.models.episodes import Episode
from rhi.models.people import User
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


def _child(user: User, arguments: dict[str, Any]) -> Child | None:
    """The child named in the job, if `user` may (still) see them."""
    child_id = arguments.get("child_id")
    if not isinstance(child_id, int):
        return None
    return db.session.scalar(select(Child).where(Child.id == child_id, access.child_filter(user)))


def visible_episodes(user: User, child: Child) -> list[Episode]:
    """The child's episodes `user` may see, newest first (the child's page lists the same)."""
    return list(
        db.session.scalars(
            select(Episode)
            .where(Episode.child_id == child.id, access.episode_filter(user))
            .order_by(Episode.started_at.desc())
        )
    )


def may_have(user: User, arguments: dict[str, Any]) -> bool:
    return _child(user, arguments) is not None


def make_for(user: User, arguments: dict[str, Any]) -> File:
    """The `child_profile` download: the profile as `user` may see it, printed in their name."""
    child = _child(user, arguments)
    if child is None:
        raise PermissionError("the child is not one this person may see")
    now = utcnow()
    episodes = visible_episodes(user, child)
    last_changed = db.session.scalar(
        select(func.max(ProfileChange.changed_at)).where(ProfileChange.child_id == child.id)
    )
    photo = db.session.scalar(select(ChildPhoto).where(ChildPhoto.child_id == child.id))
    data = render_profile(
        child,
        episodes,
        printed_by=user.name,
        printed_at=now,
        last_changed=last_changed,
        photo=photo,
    )
    # No name in the file name: downloads folders and print queues show it.
    stamp = to_local(now).strftime("%Y%m%d-%H%M")
    return File(f"rhi-profile-{child.id}-{stamp}.pdf", "application/pdf", data)
