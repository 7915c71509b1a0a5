"""A finger's targets, pages that fit a tablet, and wide tables a keyboard can reach (WCAG 2.2:
2.5.8 target size, 1.4.10 reflow, 2.1.1 keyboard, 2.4.7 focus visible), in Chromium.

Before: a radio button or tick box answered only a tap on its 28 px box or on its 27 px line of
words, never one above or below them in the 44 px row around them; at 768 px portrait the
disparities, register and users pages scrolled sideways (860, 815 and 940 px), and at 320 px an
episode page (364 px) and the users page (360 px); the shared copy of an interview had a table in
a scrolling region no keyboard could reach (axe: scrollable-region-focusable); and Tab on a date's
calendar button left no ring of the app's anywhere on the field."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import select

from rhi.extensions import db
from rhi.models import Episode, FollowedAction, Interview
from tests.browser.helpers import serious_violations, sign_in, start_online, to_part, until

pytestmark = pytest.mark.browser

PORTRAIT = {"width": 768, "height": 1024}
LANDSCAPE = {"width": 1024, "height": 768}
NARROW = {"width": 320, "height": 640}
WIDER_THAN_THE_SCREEN = "() => document.documentElement.scrollWidth - window.innerWidth"
FOCUS_YELLOW = (0xFF, 0xBF, 0x47)


def signed_in_as(page, email: str) -> None:
    """Signed in afresh (a second role in one test: the first one's cookies gone)."""
    page.context.clear_cookies()
    sign_in(page, email)
    page.wait_for_load_state("load")


# 1. A radio button or tick box: a tap anywhere in its row's height.


def tap_points(page, choice) -> list[tuple[str, float, float]]:
    """Where a finger may land on a choice's row: over the box and over the words, each 2 px
    inside the row's top and bottom edges and at its middle. The row is the 44 px target."""
    choice.scroll_into_view_if_needed()
    row = choice.locator(
        "xpath=ancestor::div[contains(@class,'radio') or contains(@class,'checkbox')][1]"
    ).bounding_box()
    box = choice.bounding_box()
    assert row["height"] >= 44, f"the row is {row['height']} px high"
    over_box = box["x"] + box["width"] / 2
    over_words = box["x"] + box["width"] + 40  # the first words of every label
    points = []
    for x_name, x in (("over the box", over_box), ("over the words", over_words)):
        for y_name, y in (
            ("2 px below its top", row["y"] + 2),
            ("at its middle", row["y"] + row["height"] / 2),
            ("2 px above its bottom", row["y"] + row["height"] - 2),
        ):
            points.append((f"{x_name}, {y_name}", x, y))
    return points


def tapping_chooses_radios(page, first, second) -> None:
    """Each point of each row, in turn: the row tapped is the one chosen (from the other)."""
    for label, target, other in (("first", first, second), ("second", second, first)):
        for where, x, y in tap_points(page, target):
            other.check()
            assert not target.is_checked()
            page.mouse.click(x, y)
            assert target.is_checked(), f"a tap on the {label} choice's row {where} missed it"


def tapping_ticks(page, box) -> None:
    """Each point of the row: a tap ticks the box, or clears it."""
    for where, x, y in tap_points(page, box):
        before = box.is_checked()
        page.mouse.click(x, y)
        assert box.is_checked() != before, f"a tap on the tick box's row {where} missed it"


def test_a_tap_anywhere_on_a_choice_rows_height_chooses_it(page, new_return):
    episode_id = new_return("Tappa")
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    # The start offer's answer: radio buttons drawn by macros/forms.html.
    page.goto(f"/episodes/{episode_id}")
    answers = page.locator("#start_answer input[type=radio]")
    tapping_chooses_radios(page, answers.nth(0), answers.nth(1))
    # The interview's own fields (interviews/_fields.html): a tick box that saves itself, then
    # a choice of radio buttons.
    start_online(page, episode_id)
    tapping_ticks(page, page.locator("#in-start-explained_voluntary"))
    to_part(page, "Analysis and actions")
    group = page.locator("fieldset.choice").first.locator("input[type=radio]")
    tapping_chooses_radios(page, group.nth(0), group.nth(1))


def test_a_tap_on_the_edge_of_a_choice_row_chooses_it_in_both_orientations(page):
    sign_in(page, "manager@example.org")
    page.wait_for_url("**/returns")
    for size in (PORTRAIT, LANDSCAPE):
        page.set_viewport_size(size)
        page.goto("/service")
        tapping_chooses_radios(
            page, page.locator("#period-this_month"), page.locator("#period-last_month")
        )
    page.goto("/service/register")
    tapping_ticks(page, page.locator("#across"))
    # A tick box drawn by macros/forms.html (a BooleanField).
    page.goto("/children/new")
    tapping_ticks(page, page.get_by_label("The child would like an interpreter"))


def shared_interview(live_app) -> str:
    """Amara's shared interview: its copy for the social worker holds a table wider than a
    portrait tablet's page (the demo's places and people)."""
    with live_app.app_context():
        return db.session.scalars(
            select(Interview.uuid).where(Interview.status == "shared")
        ).first()


# 2 and 3. Pages that fit the screen: wide tables in their own region, never the page.


def test_wide_tables_never_scroll_the_page_sideways(page):
    pages = (
        ("manager@example.org", "/service/disparities"),
        ("manager@example.org", "/service/register"),
        ("admin@example.org", "/admin/users"),
    )
    for email, path in pages:
        signed_in_as(page, email)
        for size in (PORTRAIT, NARROW, LANDSCAPE):
            page.set_viewport_size(size)
            page.goto(path)
            wider = page.evaluate(WIDER_THAN_THE_SCREEN)
            assert wider <= 0, f"{path} at {size['width']} px is {wider} px wider than the screen"
    # The users page is a table of forms: every button is on the screen, none in a scroll.
    page.set_viewport_size(PORTRAIT)
    page.goto("/admin/users")
    off_screen = page.evaluate(
        """() => [...document.querySelectorAll('#main button, #main select')]
             .filter((e) => e.getBoundingClientRect().right > window.innerWidth)
             .map((e) => e.id || e.textContent.trim())"""
    )
    assert off_screen == []


def test_an_episode_a_childs_copy_and_the_users_page_fit_a_320_pixel_screen(
    page, new_return, live_app
):
    episode_id = new_return("Slimma")
    page.set_viewport_size(NARROW)
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    # A return with its start offer to record: a date field, a drop-down and long choices.
    page.goto(f"/episodes/{episode_id}")
    assert page.locator("fieldset.start-offer").count() == 1
    assert page.evaluate(WIDER_THAN_THE_SCREEN) <= 0
    # The child's own copy: the worker's email address is one long word.
    page.goto(f"/interviews/{shared_interview(live_app)}/child-copy")
    assert page.locator(".child-copy").count() == 1
    assert page.evaluate(WIDER_THAN_THE_SCREEN) <= 0
    signed_in_as(page, "admin@example.org")
    page.goto("/admin/users")
    assert page.evaluate(WIDER_THAN_THE_SCREEN) <= 0


# 4. A table's scrolling region: reached by Tab, named, with the ring; and axe finds nothing.


def test_a_wide_tables_region_is_reached_by_tab_and_scrolls_by_keys(page):
    sign_in(page, "manager@example.org")
    page.wait_for_url("**/returns")
    page.goto("/service/disparities")
    page.get_by_role("button", name="Show").focus()
    page.keyboard.press("Tab")
    focused = page.evaluate(
        """() => { const e = document.activeElement; const s = getComputedStyle(e);
             const named = e.getAttribute('aria-labelledby');
             const caption = e.querySelector('caption');
             return {role: e.getAttribute('role'), scrolls: e.scrollWidth > e.clientWidth,
                     named: Boolean(named && caption && named === caption.id),
                     ring: e.matches(':focus-visible') && s.outlineStyle === 'solid'}; }"""
    )
    # The region of the first table, too wide for the page, named by its caption, ringed.
    assert focused == {"role": "region", "scrolls": True, "named": True, "ring": True}, focused
    page.keyboard.press("ArrowRight")
    until(page, "() => document.activeElement.scrollLeft > 0", 5)


def test_axe_finds_nothing_serious_where_the_tables_are_wide(page, live_app):
    uuid = shared_interview(live_app)
    signed_in_as(page, "social.worker@example.org")
    page.goto(f"/interviews/{uuid}/review")
    assert page.locator(".table-scroll").count()
    assert serious_violations(page) == []
    signed_in_as(page, "manager@example.org")
    for path in ("/service/disparities", "/service/register"):
        page.goto(path)
        assert serious_violations(page) == [], path
    signed_in_as(page, "admin@example.org")
    page.goto("/admin/users")
    assert serious_violations(page) == []


# 5. A date's calendar button, focused by Tab, shows the app's ring.


def yellow_pixels(png: bytes) -> int:
    data = Image.open(io.BytesIO(png)).convert("RGB").tobytes()
    return sum(
        1
        for i in range(0, len(data), 3)
        if all(abs(c - f) <= 24 for c, f in zip(data[i : i + 3], FOCUS_YELLOW, strict=True))
    )


def test_a_dates_calendar_button_shows_the_focus_ring(page):
    sign_in(page, "manager@example.org")
    page.wait_for_url("**/returns")
    page.goto("/service")
    date = page.locator("#start")
    date.focus()  # its first part (the day or month)
    on_the_button = (
        "() => document.activeElement.id === 'start' && !document.activeElement.matches(':focus')"
    )
    for _ in range(6):  # through the date's parts to its calendar button
        if page.evaluate(on_the_button):
            break
        page.keyboard.press("Tab")
    assert page.evaluate(on_the_button), "Tab never reached the calendar button"
    ring = page.evaluate(
        "() => { const s = getComputedStyle(document.getElementById('start'));"
        " return [s.outlineStyle, s.outlineColor]; }"
    )
    assert ring == ["solid", "rgb(255, 191, 71)"], ring
    # The button itself is marked: the ring's yellow inside the field, where only the button is.
    box = date.bounding_box()
    inside = {
        "x": box["x"] + 4,
        "y": box["y"] + 4,
        "width": box["width"] - 8,
        "height": box["height"] - 8,
    }
    assert yellow_pixels(page.screenshot(clip=inside)) > 50


# 5. A link on a line of its own is a finger's target too (WCAG 2.5.8: only a link inside a
# sentence may be smaller). Before: 21 px high, the strategy meeting on an episode's page and
# each action past its date on the worker's Returns page.


def test_a_link_on_a_line_of_its_own_is_44_pixels_high(page, live_app):
    with live_app.app_context():
        meeting = db.session.scalars(
            select(FollowedAction).where(
                FollowedAction.kind == "strategy_meeting", FollowedAction.status == "open"
            )
        ).first()
        episode_id = db.session.scalars(
            select(Episode.id).where(Episode.child_id == meeting.child_id)
        ).first()
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    overdue = page.get_by_role("region", name=re.compile(r"actions? past (its|their) date"))
    links = overdue.get_by_role("listitem").get_by_role("link")
    assert links.count() >= 1
    for i in range(links.count()):
        assert links.nth(i).bounding_box()["height"] >= 44, links.nth(i).inner_text()
    page.goto(f"/episodes/{episode_id}")
    line = page.locator("#meeting-heading + p a")
    assert line.inner_text().startswith("Asked for")
    assert line.bounding_box()["height"] >= 44


def test_the_links_of_an_error_summary_are_44_pixels_high(page):
    """ "There is a problem" lists a link to each field, one to a line, and takes the focus first
    after a form is sent with something to put right: each link is a finger's target (an
    accessibility probe measured 21 px, 6 px apart)."""
    page.goto("/sign-in")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    links = summary.get_by_role("link")
    assert links.count() >= 1
    for i in range(links.count()):
        assert links.nth(i).bounding_box()["height"] >= 44, links.nth(i).inner_text()
