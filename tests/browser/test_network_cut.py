"""The offline tests' network is really cut (tests/browser/relay.py): while a tablet is offline,
a request that Chromium's offline emulation does not stop gets no answer from the server, and
the server sees none of it; back online, the same request is answered."""

from __future__ import annotations

import pytest

from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser


def test_going_offline_cuts_the_network_and_nothing_reaches_the_server(page, relay, request_log):
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    assert page.request.get("/healthz").ok  # the API client shares no offline emulation

    page.context.set_offline(True)
    mark = request_log.mark()
    with pytest.raises(Exception, match="ECONNRESET|socket hang up|ECONNREFUSED|closed"):
        page.request.get("/healthz", timeout=5_000)
    assert request_log.relayed_during(relay.cuts, mark) == []
    assert relay.turned_away >= 1
    page.context.set_offline(False)  # also fails the test if anything reached the server

    assert page.request.get("/healthz").ok
