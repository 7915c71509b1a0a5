"""A deploy that changes a shell file: the tablet's service worker installs the new version,
and once it is taken into use only the new version's cache remains, holding the new URLs.

Real Chromium against a real server on localhost whose app is swapped for a new one (a new
process, as after a deploy) serving a changed copy of the static folder.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from rhi import create_app
from rhi.extensions import db

pytestmark = pytest.mark.browser

STATIC = Path(__file__).resolve().parents[2] / "rhi" / "static"

CACHES = """async () => {
    const out = {};
    for (const name of await caches.keys()) {
        out[name] = (await (await caches.open(name)).keys()).map((r) => {
            const url = new URL(r.url); return url.pathname + url.search; });
    }
    return out;
}"""


class Deployment:
    """One address, and whichever app was deployed last behind it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.static = folder / "static"
        shutil.copytree(STATIC, self.static)
        self.app: Flask | None = None

    def deploy(self) -> Flask:
        app = create_app(
            {
                "SECRET_KEY": "deploy-" + "k" * 30,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{self.folder / 'd.sqlite3'}",
            }
        )
        app.static_folder = str(self.static)
        with app.app_context():
            db.create_all()
        self.app = app
        return app

    def __call__(self, environ, start_response):
        assert self.app is not None
        return self.app(environ, start_response)


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[tuple[str, Deployment]]:
    here = Deployment(tmp_path)
    here.deploy()
    server = make_server("127.0.0.1", 0, here, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", here
    finally:
        server.shutdown()


def served_worker(app: Flask) -> tuple[str, list[str]]:
    script = app.test_client().get("/sw.js").get_data(as_text=True)
    version = json.loads(re.search(r"^const VERSION = (.*);$", script, re.M).group(1))
    shell = json.loads(re.search(r"^const SHELL = (.*);$", script, re.M).group(1))
    return version, shell


def caches_become(page, check: Callable[[dict], bool], seconds: float = 30) -> dict:
    """The page's caches once `check` holds (the page may be reloading meanwhile)."""
    deadline = time.monotonic() + seconds
    seen: dict = {}
    while time.monotonic() < deadline:
        try:
            seen = page.evaluate(CACHES)
            if check(seen):
                return seen
        except Exception:
            pass
        page.wait_for_timeout(200)
    raise AssertionError(f"caches never became as expected: {sorted(seen)}")


def test_after_a_new_version_is_taken_into_use_only_its_cache_remains(browser, deployment):
    address, here = deployment
    old_version, old_shell = served_worker(here.app)
    context = browser.new_context(base_url=address)
    page = context.new_page()
    page.goto("/sign-in")
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    caches_become(
        page,
        lambda c: (
            list(c) == [f"rhi-shell-{old_version}"]
            and set(old_shell) <= set(c[f"rhi-shell-{old_version}"])
        ),
    )

    # A deploy changes one of the shell's scripts.
    script = here.static / "js" / "app.js"
    script.write_bytes(script.read_bytes() + b"\n// the next version\n")
    new_version, new_shell = served_worker(here.deploy())
    assert new_version != old_version
    [new_js] = [u for u in new_shell if u.startswith("/static/js/app.js?")]
    [old_js] = [u for u in old_shell if u.startswith("/static/js/app.js?")]
    assert new_js != old_js

    # The tablet finds the new worker; it waits until the worker chooses to use it.
    page.reload()
    offer = page.get_by_role("button", name="Use the new version")
    offer.wait_for(timeout=30_000)
    # The worker's choice: never shown in the child's view (data-worker-only, as all the
    # worker's things are).
    assert page.locator("#update-banner[data-worker-only]").count() == 1
    caches_become(
        page, lambda c: set(c) == {f"rhi-shell-{old_version}", f"rhi-shell-{new_version}"}
    )  # both, until then
    offer.click()
    kept = caches_become(page, lambda c: list(c) == [f"rhi-shell-{new_version}"])
    assert new_js in kept[f"rhi-shell-{new_version}"]
    assert old_js not in kept[f"rhi-shell-{new_version}"]
    # The page now runs the new script, under its new URL.
    page.wait_for_load_state()
    assert page.locator(f'script[src="{new_js}"]').count() == 1
    context.close()
