"""The warning before the idle sign-out (a11y probe, finding 1; WCAG 2.2.1) times itself by the
page: every signed-in page carries the idle timeout, taken from the same setting rhi/sessions.py
ends sessions by, and the warning's dialog. A page no one is signed in to (the sign-in page) and
a shell page kept on the tablet for no signal carry neither: nothing there can be signed out."""

from __future__ import annotations

import re

from flask import Flask

from tests.conftest import Web
from tests.world import World

TIMEOUT = re.compile(r'<body[^>]* data-idle-timeout-seconds="(\d+)"')
WARNING = "You will be signed out in"
# The script itself (every module is named in the page's import map, loaded or not).
SCRIPT = re.compile(r'<script type="module" src="[^"]*/js/idle-warning\.js')


def test_every_signed_in_page_carries_the_idle_timeout_setting(app: Flask, world: World) -> None:
    app.config["RHI_IDLE_TIMEOUT_MINUTES"] = 7  # not the default: the page follows the setting
    web = Web(app.test_client())
    web.sign_in(world.emails["worker_a"])
    for url in ("/returns", "/account"):
        html = web.get(url).get_data(as_text=True)
        found = TIMEOUT.search(html)
        assert found, url
        assert int(found.group(1)) == 7 * 60, url
        assert 'id="idle-dialog"' in html and WARNING in html, url
        assert SCRIPT.search(html), url

    app.config["RHI_IDLE_TIMEOUT_MINUTES"] = 45
    found = TIMEOUT.search(web.get("/returns").get_data(as_text=True))
    assert found and int(found.group(1)) == 45 * 60


def test_no_warning_where_no_one_is_signed_in(app: Flask, world: World) -> None:
    client = app.test_client()
    html = client.get("/sign-in").get_data(as_text=True)
    assert "data-idle-timeout-seconds" not in html and 'id="idle-dialog"' not in html
    assert not SCRIPT.search(html)

    # A shell page, fetched by a signed-in tablet to keep: the same frame for anyone, offline.
    web = Web(app.test_client())
    web.sign_in(world.emails["worker_a"])
    for url in ("/shell/returns", "/shell/interviews/start"):
        html = web.get(url).get_data(as_text=True)
        assert "data-idle-timeout-seconds" not in html, url
        assert 'id="idle-dialog"' not in html and not SCRIPT.search(html), url
