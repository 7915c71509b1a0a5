"""How many values of saves whose answer was lost the server reads for a field
(rhi/interviews/views.py MOST_UNANSWERED) is handed to every page, as the tablet's bar sends the
changes kept on it from any page (static/js/changes.js): on a page without it, the values a
kept change carried were all dropped, or all kept."""

from __future__ import annotations

import re

from rhi.interviews.views import MOST_UNANSWERED


def _handed_over(html: str) -> str | None:
    found = re.search(r'<body[^>]*\bdata-most-unanswered="(\d+)"', html)
    return found.group(1) if found else None


def test_every_page_the_bar_can_send_from_says_how_many_the_server_reads(web, world_i):
    web.sign_in(world_i.emails["worker_a"])
    for path in (
        "/returns",
        f"/episodes/{world_i.episodes['a']}",
        f"/interviews/{world_i.interviews['a']}/before",
        "/shell/returns",
        "/shell/episode",
    ):
        response = web.get(path)
        assert response.status_code == 200, path
        assert _handed_over(response.get_data(as_text=True)) == str(MOST_UNANSWERED), path
