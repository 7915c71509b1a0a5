"""A feeling kept on the tablet, taken back after a clash, keeps the time it was chosen at.

With no signal the worker chooses how the child feels from the list; the tablet keeps the
feeling and its time (child-view.js stamps the time field as a tap on a face does). Meanwhile
another device saves a different feeling, with its own time. Back online, both kept changes
meet the saved versions and wait on the tablet (upload.js, conflict:<uuid>:<path>), each beside
its own field (choices.js). Taking the kept feeling must not stamp the time field with the
moment of taking it: the kept feeling was chosen then, and its own time waits in its own choice.
A feeling chosen by hand from the list is still stamped.

Real Chromium, a real server on localhost, `context.set_offline(True)` cutting the tablet off.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from rhi.extensions import db
from rhi.models import Interview
from tests.browser.helpers import PIN, STORE, set_up_pin, sign_in, start_online

pytestmark = pytest.mark.browser

CHILD = "Clemency"  # a first name no other test uses
CHOICE = "feelings.own_words.choice"
AT = "feelings.own_words.at"
LOCAL_TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d")  # localNow (shell-fill.js)


def meta(page, path: str):
    """The field's own status, beside it."""
    return page.locator(f"#meta-{path.replace('.', '-')}")


def said(page, path: str, status: str) -> None:
    """Wait until the field's own status begins with `status` ("Saved", "Kept on this tablet")."""
    page.wait_for_function(
        "([id, status]) => (document.querySelector(`#meta-${id} .save-status`)?.textContent"
        " || '').startsWith(status)",
        arg=[path.replace(".", "-"), status],
        timeout=20_000,
    )


def waiting_choice(page, uuid: str, path: str):
    """The kept change of this field, shown beside it for the worker to choose (choices.js)."""
    return page.locator(f'[id="choice-conflict:{uuid}:{path}"]')


def saved_feeling(live_app, uuid: str) -> dict:
    with live_app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        return dict(interview.content["feelings"]["own_words"])


def test_a_kept_feeling_taken_back_keeps_its_time_and_one_chosen_by_hand_is_stamped(
    page, browser, live_server, live_app, new_return
):
    episode_id = new_return(CHILD)
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    start_online(page, episode_id)
    set_up_pin(page)
    uuid = re.search(r"/interviews/([^/]+)/start", page.url).group(1)
    own_words = f"/interviews/{uuid}/own_words"
    page.goto(own_words)
    feels = page.get_by_label(f"How {CHILD} feels")
    when = page.get_by_label(f"When {CHILD} chose how they feel")
    assert (feels.input_value(), when.input_value()) == ("", "")

    # With no signal, the worker chooses from the list: the feeling and its time are kept.
    page.context.set_offline(True)
    feels.select_option("good")
    said(page, CHOICE, "Kept on this tablet")
    said(page, AT, "Kept on this tablet")
    tablets_time = when.input_value()
    assert LOCAL_TIME.fullmatch(tablets_time)

    # Meanwhile, on another device whose feeling was chosen two hours earlier by its clock, the
    # same field is saved with another feeling, and stamped with that device's time.
    other = browser.new_context(base_url=live_server)
    laptop = other.new_page()
    laptop.clock.set_fixed_time(datetime.now() - timedelta(hours=2))
    sign_in(laptop, "worker@example.org")
    laptop.wait_for_url("**/returns")
    laptop.goto(own_words)
    laptop.get_by_label(f"How {CHILD} feels").select_option("ok")
    said(laptop, CHOICE, "Saved")
    said(laptop, AT, "Saved")
    saved_time = laptop.get_by_label(f"When {CHILD} chose how they feel").input_value()
    other.close()
    assert LOCAL_TIME.fullmatch(saved_time) and saved_time != tablets_time
    assert saved_feeling(live_app, uuid) == {"choice": "ok", "at": saved_time}

    # Back online: sent, and both kept changes meet the saved versions; nothing overwritten.
    page.evaluate(f"async () => {STORE}.lock()")  # sent when asked, not as the signal returns
    page.context.set_offline(False)
    page.reload()
    assert (feels.input_value(), when.input_value()) == ("ok", saved_time)
    bar = page.locator("#tablet-bar")
    bar.get_by_role("button", name="Send now").click()
    page.get_by_label("PIN", exact=True).fill(PIN)
    page.get_by_role("button", name="Continue").click()
    bar.get_by_text("Open the interview to choose what to keep").wait_for(timeout=30_000)
    assert saved_feeling(live_app, uuid) == {"choice": "ok", "at": saved_time}
    bar.get_by_role("button", name="Show what needs your choice").click()
    kept_feeling = waiting_choice(page, uuid, CHOICE)
    kept_time = waiting_choice(page, uuid, AT)
    kept_feeling.wait_for()
    kept_time.wait_for()
    assert kept_time.locator(".theirs").inner_text() == tablets_time
    # In the list's own words, not the code it is kept as ("good").
    assert kept_feeling.locator(".theirs").inner_text() == "Good"

    # The kept feeling, taken: saved as a fresh edit, and the time field is left as it was,
    # not stamped with the moment of taking it (its own time waits in its own choice).
    kept_feeling.get_by_role("button", name="Use the words kept on this tablet").click()
    # Taken in one task (choices.js): once the list shows it, its change has been told.
    expect(feels).to_have_value("good")
    assert when.input_value() == saved_time
    said(page, CHOICE, "Saved")
    assert saved_feeling(live_app, uuid) == {"choice": "good", "at": saved_time}
    assert meta(page, AT).locator(".save-status").inner_text() == ""  # no save of the time
    assert kept_time.is_visible()  # the tablet's time still waits for its own choice
    assert kept_feeling.count() == 0

    # The worker keeps the saved time; then a feeling chosen by hand from the list is stamped,
    # as a tap on a face is.
    kept_time.get_by_role("button", name="Keep what is saved").click()
    expect(kept_time).to_have_count(0)
    assert when.input_value() == saved_time
    feels.select_option("really_good")
    stamped = when.input_value()
    assert LOCAL_TIME.fullmatch(stamped) and stamped != saved_time
    said(page, CHOICE, "Saved")
    said(page, AT, "Saved")
    assert saved_feeling(live_app, uuid) == {"choice": "really_good", "at": stamped}
