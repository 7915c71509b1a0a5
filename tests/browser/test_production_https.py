"""The production configuration in Chromium: gunicorn over HTTPS with RHI_ENV=production.

Every other browser test runs the development configuration over plain HTTP, where the CSRF
check does not look at the Referer; this one would have caught forms refused in production
(security finding F1: `Referrer-Policy: no-referrer` with Flask-WTF's HTTPS Referer check).
It makes a self-signed certificate and a fresh SQLite database with the demo data, starts
gunicorn the way README's "Running in production" does, and signs in, saves, uploads from a
"tablet" and downloads a PDF, then checks a change from another origin is refused.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import ssl
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser.conftest import CHROMIUM_ARGS, chromium_path
from tests.browser.helpers import offer_and_yes, sign_in

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import two_servers  # scripts/ is not a package: the certificate and port, made as it makes them

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
SAVED = re.compile(r"^Saved")
EVIL = "https://evil.example"


def production_env(database_url: str) -> dict[str, str]:
    """This machine's environment without any RHI_* setting, and production's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RHI_")}
    env.update(
        FLASK_APP="wsgi",
        RHI_ENV="production",
        RHI_SECRET_KEY=secrets.token_hex(32),
        RHI_DATABASE_URL=database_url,
    )
    return env


def wait_for_health(base_url: str, server: subprocess.Popen, log: Path) -> None:
    insecure = ssl.create_default_context()
    insecure.check_hostname = False
    insecure.verify_mode = ssl.CERT_NONE
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"gunicorn stopped (exit {server.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(
                f"{base_url}/healthz", context=insecure, timeout=2
            ) as response:
                if response.status == 200 and json.load(response)["database"] is True:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer /healthz within 60 s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def https_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("https")
    two_servers.self_signed_certificate(folder)
    cert, key = folder / "cert.pem", folder / "key.pem"
    env = production_env(f"sqlite:///{folder / 'rhi.sqlite3'}")
    for command in (["db", "upgrade"], ["rhi", "demo"]):
        done = subprocess.run(
            [str(BIN / "flask"), *command], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, f"flask {' '.join(command)}:\n{done.stdout}{done.stderr}"
    port = two_servers.free_port()
    log = folder / "gunicorn.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--certfile",
                str(cert),
                "--keyfile",
                str(key),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base_url = f"https://127.0.0.1:{port}"
    try:
        wait_for_health(base_url, server, log)
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def https_browser(browser):
    """Chromium that accepts the self-signed certificate everywhere, service worker included
    (ignore_https_errors alone covers pages, not the worker's script)."""
    chromium = browser.browser_type.launch(
        executable_path=chromium_path(),
        headless=True,
        args=[*CHROMIUM_ARGS, "--ignore-certificate-errors"],
    )
    yield chromium
    chromium.close()


@pytest.fixture
def https_page(https_browser, https_server):
    context = https_browser.new_context(
        base_url=https_server,
        ignore_https_errors=True,
        viewport={"width": 768, "height": 1024},
        accept_downloads=True,
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.console_errors = errors
    yield page
    context.close()


def signed_in(page, email: str, home: str) -> None:
    """Sign in; if the form is refused (as every form was, F1), say what the page said."""
    sign_in(page, email)
    try:
        page.wait_for_url(f"**{home}", timeout=15_000)
    except PlaywrightTimeoutError:
        pytest.fail(
            f"signing in over HTTPS did not reach {home} but {page.url}:\n"
            f"{page.locator('main').inner_text()[:500]}"
        )


def a_few_minutes_ago() -> str:
    """An event's time as the worker types it: local wall-clock time (docs/openapi.yaml)."""
    return (datetime.now(ZoneInfo("Europe/London")) - timedelta(minutes=5)).strftime(
        "%Y-%m-%d %H:%M"
    )


UPLOAD = """async ([episodeId, at]) => {
    const session = await (await fetch("/sync/v1/session")).json();
    const item = {uuid: crypto.randomUUID(), episode_ids: [episodeId], base_version: null,
                  content_hash: null, content: null,
                  events: [{id: crypto.randomUUID(), kind: "attempt", at, method: "phone",
                            outcome: "spoke", note: "Rang from the tablet."}]};
    const response = await fetch("/sync/v1/interviews", {
        method: "POST",
        headers: {"Content-Type": "application/json", "X-CSRFToken": session.csrf_token,
                  "Idempotency-Key": crypto.randomUUID()},
        body: JSON.stringify({items: [item], device_id: "https-test-tablet"}),
    });
    return {status: response.status, body: await response.json()};
}"""


def test_a_worker_signs_in_saves_uploads_and_downloads_over_https(https_page):
    page = https_page
    signed_in(page, "worker@example.org", "/returns")
    assert page.get_by_role("heading", level=1).inner_text() == "Returns waiting for an interview"
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert "__Host-rhi" in cookies, sorted(cookies)
    session = cookies["__Host-rhi"]
    assert session["secure"] and session["httpOnly"] and session["path"] == "/"
    # The service worker registers over HTTPS: offline work depends on it.
    assert page.evaluate("navigator.serviceWorker.ready.then((r) => Boolean(r.active))")

    # An episode, the guided interview, a field saved as it is typed and still there on reload.
    page.get_by_role("link", name="Ellie Price").click()
    page.wait_for_url(re.compile(r"/episodes/\d+$"))
    episode_id = int(page.url.rsplit("/", 1)[1])
    offer_and_yes(page)
    page.get_by_role("button", name="Start the interview now").click()
    page.wait_for_url("**/start")
    page.locator(".interview-nav").get_by_role("link", name="Before you left").click()
    words = "We had a row about my phone. I went to the park."
    page.get_by_label("What Ellie said").fill(words)
    page.locator("#meta-sections-before-text .save-status").get_by_text(SAVED).wait_for()
    page.reload()
    assert page.get_by_label("What Ellie said").input_value() == words

    # A tablet's upload, as offline.js sends it: a fresh token, then the batch.
    upload = page.evaluate(UPLOAD, [episode_id, a_few_minutes_ago()])
    assert upload["status"] == 200, upload
    (result,) = upload["body"]["results"]
    assert result["outcome"] in {"created", "updated"}, result

    # A PDF copy of the summary, downloaded from the review page.
    page.locator(".interview-nav").get_by_role("link", name="Review and finish").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Copy for allocated social worker (PDF)", exact=True).click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    assert page.console_errors == []


def test_a_change_from_another_origin_is_refused_even_with_a_valid_token(https_page, https_server):
    page = https_page
    signed_in(page, "social.worker@example.org", "/children")
    token = page.evaluate("fetch('/sync/v1/session').then((r) => r.json())")["csrf_token"]
    same_site_referer = {"Referer": f"{https_server}/children"}

    upload = page.request.post(
        "/sync/v1/interviews",
        data=json.dumps({"items": []}),
        headers={
            **same_site_referer,
            "Origin": EVIL,
            "Content-Type": "application/json",
            "X-CSRFToken": token,
            "Idempotency-Key": secrets.token_hex(8),
        },
    )
    assert upload.status == 403
    assert upload.json()["error"] == "origin"

    sign_out = page.request.post(
        "/sign-out",
        form={"csrf_token": token},
        headers={**same_site_referer, "Origin": EVIL},
        max_redirects=0,
    )
    assert sign_out.status == 403
    assert "another site" in sign_out.text()
    assert page.request.get("/children", max_redirects=0).status == 200  # still signed in

    # The same token from rhi's own origin works: it was the origin that was refused.
    ours = page.request.post(
        "/sign-out",
        form={"csrf_token": token},
        headers={**same_site_referer, "Origin": https_server},
        max_redirects=0,
    )
    assert ours.status == 302
    assert page.request.get("/children", max_redirects=0).status == 302  # signed out
