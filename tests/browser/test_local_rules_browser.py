"""A council's local rules file in Chromium (issue 14 item 7): a server started with
RHI_LANGUAGE_RULES_LOCAL hands the browser the merged rules, and the writing check on the tablet
flags the council's own phrase with its own suggestion, uses the council's wording of a shipped
rule, and leaves a switched-off rule alone."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from rhi import create_app
from rhi.demo import load_demo
from rhi.extensions import db
from tests.browser.helpers import LANGUAGE, open_new_interview
from tests.unit.helpers import write_local

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def local_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A second live server, with the demo data and the council's local rules file."""
    folder = tmp_path_factory.mktemp("local-rules")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'live.sqlite3'}",
            "SECRET_KEY": "local-rules-" + "k" * 30,
            "RHI_LANGUAGE_RULES_LOCAL": str(write_local(folder)),
        }
    )
    with app.app_context():
        db.create_all()
        load_demo()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


@pytest.fixture
def tablet(browser, local_server: str):
    context = browser.new_context(base_url=local_server, viewport={"width": 768, "height": 1024})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.console_errors = errors
    yield page
    context.close()


def test_the_browser_matcher_runs_the_merged_rules(tablet) -> None:
    tablet.goto("/sign-in")
    got = tablet.evaluate(
        f"""async (texts) => {{
            const {{ apply, check, compile }} = {LANGUAGE};
            const rules = await (await fetch('/language/rules.json')).json();
            const compiled = compile(rules);
            return texts.map((t) => check(compiled, t).map((f) => [
                f.rule_id, f.text, f.reason, apply(compiled, t, f, 0).value]));
        }}""",
        [
            "He was gallivanting around town.",
            "She absconded on Friday.",
            "He is streetwise.",
        ],
    )
    assert got[0] == [
        [
            "westshire-gallivanting",
            "gallivanting",
            "This makes light of a child being missing; say that they were missing.",
            "He was missing.",
        ]
    ]
    assert got[1] == [
        [
            "absconding",
            "absconded",
            "Westshire: the child went missing; absconding is a word for prisons.",
            "She was missing from home on Friday.",
        ]
    ]
    assert got[2] == []  # switched off
    assert tablet.console_errors == []


def test_a_worker_sees_and_taps_the_councils_own_suggestion(tablet) -> None:
    open_new_interview(tablet)
    tablet.locator(".interview-nav").get_by_role("link", name="While away").click()
    box = tablet.get_by_label("What Ellie said")
    box.fill("Staff say he was gallivanting around town. He is streetwise.")
    flags = tablet.locator("#in-sections-away-text-flags")
    flags.get_by_text("1 wording suggestion").wait_for()
    assert "This makes light of a child being missing" in flags.inner_text()
    with tablet.expect_response("**/save"):  # the new words, and the count with them
        flags.get_by_role("button", name="Use “was missing”").click()
    expect(box).to_have_value("Staff say he was missing. He is streetwise.")
    expect(flags).not_to_contain_text("wording suggestion")  # streetwise is switched off
    assert tablet.console_errors == []
