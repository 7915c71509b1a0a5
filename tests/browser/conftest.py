"""A live rhi server on a real SQLite database with the demo data, and Chromium to drive it."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.serving import make_server

from rhi import create_app
from rhi.demo import load_demo
from rhi.extensions import db
from rhi.models import Child, Episode, Interview, User
from rhi.models.base import utcnow
from tests.browser.relay import Relay, RequestLog

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def chromium_path() -> str | None:
    """Debian's Chromium when present; otherwise Playwright's own download (None)."""
    for candidate in (
        os.environ.get("RHI_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
    ):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The app behind the live server: tests read its database to see what arrived."""
    folder = tmp_path_factory.mktemp("live")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'live.sqlite3'}",
            "SECRET_KEY": "live-test-" + "k" * 30,
        }
    )
    with app.app_context():
        db.create_all()
        load_demo()
    return app


@pytest.fixture
def new_return(live_app: Flask) -> Iterator[Callable[[str], int]]:
    """A child just back from a missing episode, on the demo worker's list with no interview
    yet: each test that starts an interview needs its own, as the server lives all session.
    Given an outcome when the test ends, so the Returns list (50 a page, soonest first) holds
    the returns of the test being run, not every earlier test's (one reading the list's first
    page lost a return of its own to page two as tests were added)."""
    made: list[int] = []

    def make(first_name: str) -> int:
        with live_app.app_context():
            worker = db.session.scalar(select(User).where(User.email == "worker@example.org"))
            now = utcnow()
            child = Child(
                first_name=first_name,
                last_name="Testchild",
                date_of_birth=date(now.year - 14, 3, 1),
                sex="Female",
                gender="Girl",
                ethnicity="white_british",
                home_authority="Westshire Council",
            )
            episode = Episode(
                child=child,
                police_reference=f"T-{first_name}",
                risk_grade="Medium",
                dfe_type="M",
                started_at=now - timedelta(hours=20),
                returned_at=now - timedelta(hours=4),
                reported_by="Parent",
                assigned_worker=worker,
            )
            db.session.add_all([child, episode])
            db.session.commit()
            made.append(episode.id)
            return episode.id

    yield make
    with live_app.app_context():
        for episode_id in made:
            episode = db.session.get(Episode, episode_id)
            if episode is None or episode.closed_at is not None:
                continue
            ended = Interview(
                status="finished",
                due_at=utcnow(),
                outcome="not_interviewed",
                outcome_at=utcnow(),
            )
            ended.episodes.append(episode)
            db.session.add(ended)
        db.session.commit()


@pytest.fixture
def short_idle(live_app: Flask) -> Iterator[int]:
    """The live server's idle timeout (RHI_IDLE_TIMEOUT_MINUTES) set short for one test, not
    the default 30: the page times itself by the setting, and the server lives all session."""
    before = live_app.config["RHI_IDLE_TIMEOUT_MINUTES"]
    live_app.config["RHI_IDLE_TIMEOUT_MINUTES"] = 3
    yield 3
    live_app.config["RHI_IDLE_TIMEOUT_MINUTES"] = before


@pytest.fixture(scope="session")
def request_log(live_app: Flask) -> RequestLog:
    return RequestLog(live_app.wsgi_app)


@pytest.fixture(scope="session")
def live_server(live_app: Flask, request_log: RequestLog) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, request_log, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


@pytest.fixture(scope="session")
def relay(live_server: str, request_log: RequestLog) -> Iterator[Relay]:
    """The network between the test's browser and the live server (tests/browser/relay.py)."""
    network = Relay(int(live_server.rsplit(":", 1)[1]), request_log)
    yield network
    network.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # The outcome of the test itself, for fixtures that explain a failure (page, below).
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report


def _what_the_pages_showed(context, said: list[str]) -> str:
    """Where each page of a failed test was and what it showed: a browser test that timed out
    waiting says only what it waited for, and a wait lost under load is otherwise a guess."""
    lines = ["", "--- the pages when the test failed ---"]
    for open_page in context.pages:
        try:
            main = open_page.evaluate(
                "() => { const m = document.getElementById('main');"
                " return m ? m.outerHTML.slice(0, 3000) : document.body.outerHTML.slice(0, 3000); }"
            )
        except Exception as error:  # a page closing or crashed: say so and go on
            main = f"(could not be read: {error})"
        lines += [f"page at {open_page.url}", main]
    lines += ["--- the console, every page ---", *said[-60:]]
    return "\n".join(lines)


@pytest.fixture
def page(browser, relay, request):
    """A tablet's page, reaching the server over the relay. Going offline
    (`context.set_offline(True)`) both emulates it in Chromium and cuts the relay, so nothing at
    all reaches the server; coming back (`set_offline(False)`) fails the test if anything did."""
    context = browser.new_context(base_url=relay.url, viewport={"width": 768, "height": 1024})
    emulate = context.set_offline

    def set_offline(offline: bool) -> None:
        if offline:
            relay.cut()  # first: a request sent as emulation begins is stopped, not let through
            emulate(True)
            return
        reached = relay.restore()
        emulate(False)
        assert not reached, f"requests reached the server while offline: {reached}"

    context.set_offline = set_offline
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.console_errors = errors
    # Every page of the context (a test may open a second tab), for the report of a failure.
    said: list[str] = []
    context.on("console", lambda m: said.append(f"{m.type}: {m.text}"))
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        print(_what_the_pages_showed(context, said))
    if relay.cut_now:  # a test that ended offline: the same check, and the network back
        reached = relay.restore()
        assert not reached, f"requests reached the server while offline: {reached}"
    context.close()
