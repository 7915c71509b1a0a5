"""The installable app: manifest and service worker pass Chromium's check, the shell works
offline, and nothing about a child is ever kept in the Cache API."""

from __future__ import annotations

import pytest

from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser


def wait_for_worker(page) -> None:
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    page.wait_for_load_state("networkidle")


def test_app_is_installable(page):
    page.goto("/sign-in")
    wait_for_worker(page)
    cdp = page.context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == []
    # Playwright's contexts are incognito-like, which Chromium reports on its own; every check
    # about the app itself (manifest, icons, service worker, secure origin) must pass. Chromium
    # answers "manifest not fetched yet" until it has looked, so ask a few times.
    for _ in range(20):
        errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
        remaining = [e["errorId"] for e in errors if e["errorId"] != "in-incognito"]
        if not remaining:
            break
        page.wait_for_timeout(250)
    assert remaining == []


def test_offline_shows_the_offline_page_and_caches_hold_no_child_data(page):
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    wait_for_worker(page)
    page.reload()  # now controlled by the worker
    page.get_by_role("link", name="Ellie Price").click()
    page.wait_for_url("**/episodes/*")
    page.context.set_offline(True)
    page.goto("/returns")
    assert page.get_by_role("heading", level=1).inner_text() == "No connection"
    # The writing check's rules are still there offline.
    rules = page.evaluate(
        "async () => (await (await fetch('/language/rules.json')).json()).rules.length"
    )
    assert rules >= 40
    page.context.set_offline(False)
    cached = page.evaluate("""async () => {
        const out = [];
        for (const name of await caches.keys()) {
            const cache = await caches.open(name);
            for (const request of await cache.keys()) {
                const body = await (await cache.match(request)).text();
                out.push([new URL(request.url).pathname, body]);
            }
        }
        return out;
    }""")
    paths = {path for path, _ in cached}
    assert "/offline" in paths and "/static/css/app.css" in paths
    assert not any(
        p.startswith(("/returns", "/episodes", "/children", "/interviews")) for p in paths
    )
    for path, body in cached:
        for name in ("Ellie", "Amara", "Okoye"):
            assert name not in body, (path, name)
