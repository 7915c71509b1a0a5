"""The child's view in Chromium (issue 17 item 1): one tap turns the tablet towards the child,
who sees the question being asked, the feelings scale and their own box, and nothing of the
worker's; the way back is the worker's password (no PIN on this tablet); what the child chose
and wrote is saved, as every field is. Nor can the child leave it: Back, Forward and links ask
for the password or PIN instead, and any other page opened in the child's view shows only
"Give the tablet back to your worker"."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from rhi.demo import DEMO_PASSWORD
from rhi.extensions import db
from rhi.interviews.pages import PAGE_IDS
from rhi.models import Child, Episode, Interview
from tests.browser.helpers import (
    PIN,
    go_to,
    offer_and_yes,
    offline_on_the_return,
    open_interview_of,
    open_offline,
    serious_violations,
    sign_in,
    start_interview,
)
from tests.child_view_words import CHROME, WORKERS_WORDS, worker_wrote

pytestmark = pytest.mark.browser

CHILD = "Wrenna"  # a first name no other test uses
SAID = "I want to live nearer my sister"
SAVED = re.compile(r"^Saved")
HINT = "Written by the child, or typed for them in their words."  # the worker's, for the box


def saved(page, path: str) -> None:
    """The field's own status (the worker's, hidden from the child) says it was saved."""
    page.wait_for_function(
        "(id) => (document.querySelector(`#meta-${id} .save-status`)?.textContent || '')"
        ".startsWith('Saved')",
        arg=path.replace(".", "-"),
        timeout=20_000,
    )


def test_the_child_chooses_a_feeling_and_writes_then_the_worker_comes_back(
    page, live_app, new_return
):
    episode_id = new_return(CHILD)
    open_interview_of(page, episode_id)
    page.locator(".interview-nav").get_by_role("link", name="In your own words").click()
    page.wait_for_url("**/own_words")

    # The worker shows the question large, then turns the tablet towards the child.
    question = page.locator("#prompt-own_words-1")
    asked = question.inner_text().strip()
    page.locator("[data-show-large='prompt-own_words-1']").click()
    page.locator("#prompt-dialog").get_by_role("button", name="Close").click()
    page.get_by_role("button", name=f"Turn the tablet towards {CHILD}").click()

    assert page.locator("[data-child-question]").inner_text() == asked
    for worker_only in (
        page.locator(".interview-nav"),
        page.get_by_text("Questions you could ask"),
        page.get_by_role("button", name="Sign out"),
        page.get_by_label(f"What {CHILD} said"),
        page.get_by_label(f"{CHILD} asked for this part not to be shared"),
        page.locator(".interview-head"),
    ):
        expect(worker_only).not_to_be_visible()
    expect(page.get_by_role("heading", name="In your own words").first).to_be_visible()
    # The worker's h1 is hidden: the child's view has its own, for a screen reader.
    assert page.get_by_role("heading", level=1).all_inner_texts() == [f"For {CHILD}"]
    assert serious_violations(page) == []

    # A feeling, and the child's own words, saved as every field is.
    page.get_by_role("button", name="Good", exact=True).click()
    assert page.get_by_role("button", name="Good", exact=True).get_attribute("aria-pressed") == (
        "true"
    )
    saved(page, "feelings.own_words.choice")
    saved(page, "feelings.own_words.at")
    # The child has no social worker of their own (a new return): "a social worker".
    own_box = page.get_by_label("What I want a social worker to know")
    # Described by nothing the child cannot see: the worker's hint under the box is hidden in
    # the child's view, and a screen reader read it out all the same (aria-describedby).
    expect(own_box).to_have_accessible_description("")
    own_box.fill(SAID)
    saved(page, "child_message")

    # Something the page adds to the box's description meanwhile (as the writing check's panel
    # or a save's error does) stays once the worker is back.
    own_box.evaluate(
        """(box) => {
        const note = document.createElement("p");
        note.id = "late-note";
        note.textContent = "Late note.";
        box.after(note);
        box.setAttribute("aria-describedby",
            ((box.getAttribute("aria-describedby") || "") + " late-note").trim());
    }"""
    )
    # Back: a wrong password keeps the child's view; the worker's own opens the page again.
    page.get_by_role("button", name="Give the tablet back").click()
    dialog = page.locator("#child-view-dialog")
    dialog.get_by_label("Your password").fill("not the password")
    dialog.get_by_role("button", name="Continue").click()
    dialog.get_by_text("That password is not right. Try again.").wait_for()
    expect(page.locator(".interview-nav")).not_to_be_visible()
    dialog.get_by_label("Your password").fill(DEMO_PASSWORD)
    dialog.get_by_role("button", name="Continue").click()
    page.locator(".interview-nav").wait_for(state="visible")
    expect(page.get_by_label(f"What {CHILD} said")).to_be_visible()
    # The worker's view describes the child's box by its hint again, and what was added.
    expect(own_box).to_have_accessible_description(f"{HINT} Late note.")

    # Saved: on the page after a reload, and in the interview's document.
    page.reload()
    assert page.get_by_label(f"How {CHILD} feels").input_value() == "good"
    assert page.get_by_label("What I want a social worker to know").input_value() == SAID
    with live_app.app_context():
        episode = db.session.scalar(select(Episode).where(Episode.id == episode_id))
        content = episode.interview.content
    assert content["feelings"]["own_words"]["choice"] == "good"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", content["feelings"]["own_words"]["at"])
    assert content["child_message"] == SAID


OFFLINE_CHILD = "Marisol"  # a first name no other test uses


def test_the_childs_view_works_with_no_signal_and_the_pin_brings_the_worker_back(page, new_return):
    new_return(OFFLINE_CHILD)
    tablet = offline_on_the_return(page, OFFLINE_CHILD)
    start_interview(tablet, OFFLINE_CHILD)
    go_to(tablet, "In your own words")
    tablet.get_by_role("button", name=f"Turn the tablet towards {OFFLINE_CHILD}").click()
    expect(tablet.locator(".interview-nav")).not_to_be_visible()
    expect(tablet.locator("#tablet-bar")).not_to_be_visible()

    # Back (the in-page router's pages) stays in the child's view and asks for the PIN.
    for _ in range(2):
        tablet.go_back()
        still_the_childs_view(tablet, "**/own_words", tablet.locator("#pin-dialog"))
    tablet.locator("#pin-dialog").get_by_role("button", name="Not now").click()
    tablet.get_by_role("button", name="Really good").click()
    # The copy says this child has no social worker of their own: the words are as online.
    tablet.get_by_label("What I want a social worker to know").fill(SAID)
    # Kept on the tablet, as every field is with no signal (the status is the worker's).
    for path in ("feelings-own_words-choice", "feelings-own_words-at", "child_message"):
        tablet.locator(f"#meta-{path}").get_by_text("Kept on this tablet").wait_for(
            state="attached", timeout=20_000
        )

    # Back with the tablet's PIN (the password needs the server).
    tablet.get_by_role("button", name="Give the tablet back").click()
    tablet.get_by_label("PIN", exact=True).fill(PIN)
    tablet.get_by_role("button", name="Continue").click()
    tablet.locator(".interview-nav").wait_for(state="visible")

    # Another part and back: filled from what the tablet kept.
    go_to(tablet, "While away")
    go_to(tablet, "In your own words")
    assert tablet.get_by_label(f"How {OFFLINE_CHILD} feels").input_value() == "really_good"
    assert tablet.get_by_label("What I want a social worker to know").input_value() == SAID
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\d \d\d:\d\d",
        tablet.get_by_label(f"When {OFFLINE_CHILD} chose how they feel").input_value(),
    )


FOOTER_CHILD = "Delphine"  # a first name no other test uses


def test_an_interview_page_opened_with_no_signal_shows_the_danger_line_as_online(page, new_return):
    """A probe: an interview page loaded whole with no signal showed the footer's danger line
    in all seven of rhi's other languages, three times each, under the child's view; online a
    child who reads English sees it in English only."""
    new_return(FOOTER_CHILD)
    tablet = offline_on_the_return(page, FOOTER_CHILD)
    start_interview(tablet, FOOTER_CHILD)
    go_to(tablet, "In your own words")
    path = re.sub(r"^https?://[^/]+", "", tablet.url)
    whole = open_offline(tablet.context, path)  # the interview's own page, loaded whole
    whole.get_by_role("button", name=f"Turn the tablet towards {FOOTER_CHILD}").click()
    expect(whole.locator("footer .child-line")).to_have_count(0)


# What the page holds (its HTML, as the server's check reads it), and what of it is visible: the
# text the browser renders and the values of the fields it shows.
ON_THE_PAGE = "() => document.documentElement.outerHTML"
VISIBLE = """() => {
  const fields = [...document.querySelectorAll("input:not([type=hidden]), textarea, select")]
    .filter((el) => el.checkVisibility())
    .map((el) => el.tagName === "SELECT" ? [...el.selectedOptions].map((o) => o.text).join(" ")
                                         : el.value);
  return [document.body.innerText, ...fields].join(" ");
}"""


def started(page, live_app, first_name: str) -> tuple[int, str]:
    """Signed in, an interview started for a new return, on its first page: (episode, uuid)."""
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    with live_app.app_context():
        # By its address: the Returns list pages by 50, and the suite's many returns push a
        # new one past the first page.
        episode_id = db.session.scalar(
            select(Episode.id)
            .join(Child, Child.id == Episode.child_id)
            .where(Child.first_name == first_name, Child.last_name == "Testchild")
        )
    page.goto(f"/episodes/{episode_id}")
    offer_and_yes(page)
    page.get_by_role("button", name="Start the interview now").click()
    page.wait_for_url("**/start")
    uuid = re.search(r"/interviews/([^/]+)/start", page.url).group(1)
    with live_app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        interview.content = worker_wrote()
        db.session.commit()
    page.reload()
    return episode_id, uuid


def still_the_childs_view(page, url: str, asking) -> None:
    """Still on the same page, turned towards the child, and the worker asked to come back."""
    page.wait_for_url(url, timeout=5_000)
    assert page.evaluate("document.documentElement.classList.contains('child-view')")
    for workers in (
        page.locator(".site-header"),
        page.locator(".interview-nav"),
        page.get_by_role("button", name="Sign out"),
    ):
        expect(workers).not_to_be_visible()
    assert "Sign out" not in page.evaluate(VISIBLE)
    asking.wait_for(state="visible")


LEAVING_CHILD = "Quillane"  # a first name no other test uses


def test_back_and_links_do_not_leave_the_childs_view_without_the_password(
    page, live_app, new_return
):
    new_return(LEAVING_CHILD)
    started(page, live_app, LEAVING_CHILD)
    page.locator(".interview-nav").get_by_role("link", name="In your own words").click()
    page.wait_for_url("**/own_words")
    page.get_by_role("button", name=f"Turn the tablet towards {LEAVING_CHILD}").click()
    dialog = page.locator("#child-view-dialog")

    # Back, twice: the same page, the child's view, and the worker's password asked for.
    for _ in range(2):
        page.go_back()
        still_the_childs_view(page, "**/own_words", dialog)
    dialog.get_by_role("button", name=f"Stay with {LEAVING_CHILD}").click()
    expect(dialog).not_to_be_visible()

    # Every link: the ones the child can see (none but the skip link within the page), and the
    # worker's hidden ones (as a link in the child's content would be followed).
    for link in page.locator("a[href]:visible").all():
        if not (link.get_attribute("href") or "").startswith("#"):
            link.click()
            still_the_childs_view(page, "**/own_words", dialog)
            dialog.get_by_role("button", name=f"Stay with {LEAVING_CHILD}").click()
    for hidden in (".breadcrumb a", ".interview-nav a", ".page-actions a", ".site-header a"):
        page.locator(hidden).first.evaluate("(a) => a.click()")
        still_the_childs_view(page, "**/own_words", dialog)
        dialog.get_by_role("button", name=f"Stay with {LEAVING_CHILD}").click()

    # The worker's password, asked for by Back: their view again, and Back works as before.
    page.go_back()
    still_the_childs_view(page, "**/own_words", dialog)
    dialog.get_by_label("Your password").fill(DEMO_PASSWORD)
    dialog.get_by_role("button", name="Continue").click()
    page.locator(".interview-nav").wait_for(state="visible")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.go_back()
    page.wait_for_url("**/start")
    page.locator(".interview-nav").wait_for(state="visible")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


EVERY_PAGE_CHILD = "Quillery"  # a first name no other test uses


def test_no_page_opened_in_the_childs_view_shows_the_workers_words(page, live_app, new_return):
    new_return(EVERY_PAGE_CHILD)
    episode_id, uuid = started(page, live_app, EVERY_PAGE_CHILD)
    page.get_by_role("button", name=f"Turn the tablet towards {EVERY_PAGE_CHILD}").click()

    # Each page of the interview opened in the child's view (kept for the tab): the review has
    # no child's view, so it shows only the way back.
    on_some_page = set()
    for page_id in PAGE_IDS:
        page.goto(f"/interviews/{uuid}/{page_id}")
        page.get_by_role("button", name="Give the tablet back").wait_for(state="visible")
        there, seen = page.evaluate(ON_THE_PAGE), page.evaluate(VISIBLE)
        for words in WORKERS_WORDS:
            if words in there:
                on_some_page.add(words)
            if page_id == "read_back" and words not in CHROME:
                continue  # the read-back shows the child what is shared (test_read_back.py)
            assert words not in seen, (page_id, words)
    assert on_some_page == set(WORKERS_WORDS)  # every one of them was there, for the worker

    # A page with no child's view at all (the episode): nothing of it, and the way back.
    page.goto(f"/episodes/{episode_id}")
    page.get_by_role("heading", name="Give the tablet back to your worker").wait_for()
    seen = page.evaluate(VISIBLE)
    assert f"T-{EVERY_PAGE_CHILD}" in page.evaluate(ON_THE_PAGE)
    for words in (f"T-{EVERY_PAGE_CHILD}", "Testchild", *CHROME):
        assert words not in seen, words
    expect(page.get_by_role("button", name="Sign out")).not_to_be_visible()
    page.get_by_role("button", name="Give the tablet back").click()
    dialog = page.locator("#child-view-dialog")
    dialog.get_by_label("Your password").fill("not the password")
    dialog.get_by_role("button", name="Continue").click()
    dialog.get_by_text("That password is not right. Try again.").wait_for()
    dialog.get_by_label("Your password").fill(DEMO_PASSWORD)
    dialog.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Sign out").wait_for(state="visible")
    assert f"T-{EVERY_PAGE_CHILD}" in page.evaluate(VISIBLE)
    assert not page.get_by_text("Give the tablet back to your worker").count()


# The tablet's voice stood in for (headless Chromium may have none): an English voice that
# never ends, so "Stop" stays on screen until pressed.
VOICE = """
(() => {
  window.SpeechSynthesisUtterance = class {
    constructor(text) { this.text = text; }
    addEventListener() {}
  };
  const synth = {
    spoken: [], cancelled: 0,
    getVoices() { return [{ lang: "en-GB", name: "English (test)" }]; },
    speak(u) { this.spoken.push(u.text); },
    cancel() { this.cancelled += 1; },
    addEventListener() {},
  };
  Object.defineProperty(window, "speechSynthesis", { value: synth, configurable: true });
})();
"""

STOP_CHILD = "Quillin"  # a first name no other test uses


def test_the_child_can_stop_the_words_read_aloud(page, live_app, new_return):
    new_return(STOP_CHILD)
    page.add_init_script(VOICE)
    started(page, live_app, STOP_CHILD)
    page.locator(".interview-nav").get_by_role("link", name="While away").click()
    page.wait_for_url("**/away")
    page.locator("[data-read-aloud='prompt-away-1']").click()
    assert page.evaluate("window.speechSynthesis.spoken") != []
    page.get_by_role("button", name=f"Turn the tablet towards {STOP_CHILD}").click()
    stop = page.get_by_role("button", name="Stop", exact=True)
    expect(stop).to_be_visible()
    cancelled = page.evaluate("window.speechSynthesis.cancelled")
    stop.click()
    assert page.evaluate("window.speechSynthesis.cancelled") > cancelled
    expect(stop).not_to_be_visible()


ASKED_CHILD = "Quillon"  # a first name no other test uses


def test_the_childs_view_asks_the_child_who_may_know_and_whether_it_is_right(
    page, live_app, new_return
):
    new_return(ASKED_CHILD)
    _, uuid = started(page, live_app, ASKED_CHILD)
    page.get_by_role("button", name=f"Turn the tablet towards {ASKED_CHILD}").click()

    # Sharing: the question and who could be told, not a blank page; the answers stay the
    # worker's to record.
    page.goto(f"/interviews/{uuid}/consent")
    page.get_by_role("button", name="Give the tablet back").wait_for(state="visible")
    expect(page.get_by_role("heading", name="Who will know what")).to_be_visible()
    expect(page.get_by_text("Tell me who you are happy for us to share it with")).to_be_visible()
    people = page.locator(".consent-people li")
    expect(people.first).to_be_visible()
    # A new return's child has no social worker allocated: never "your social worker".
    assert "A social worker" in people.all_inner_texts()
    assert "Your social worker" not in people.all_inner_texts()
    assert "The police" in people.all_inner_texts()
    seen = page.evaluate(VISIBLE)
    assert "If you are in danger now, call 999." in seen
    assert "If a child is in danger" not in seen
    assert "Sharing without the child" not in seen

    # The read-back asks the child in words for them, in English too.
    page.goto(f"/interviews/{uuid}/read_back")
    expect(page.get_by_role("group", name="Is this right?")).to_be_visible()
    expect(page.get_by_role("textbox", name="What would you like to change?")).to_be_visible()
    expect(page.get_by_role("button", name="Save my answer")).to_be_visible()
    seen = page.evaluate(VISIBLE)
    for workers in ("When it was read back", "The changes", "Save what", "Only if"):
        assert workers not in seen, workers
    assert serious_violations(page) == []


LISTED_CHILD = "Gwenllian"  # a first name no other test uses


def test_a_feeling_chosen_from_the_workers_list_is_stamped_as_a_tap_is(page, live_app, new_return):
    """A probe: a child who says how they feel, rather than tapping a face, had the feeling
    recorded with no time ("When ... chose how they feel" empty) though a tap stamps it."""
    new_return(LISTED_CHILD)
    _, uuid = started(page, live_app, LISTED_CHILD)
    page.goto(f"/interviews/{uuid}/own_words")
    page.get_by_label(f"How {LISTED_CHILD} feels").select_option("good")
    saved(page, "feelings.own_words.choice")
    saved(page, "feelings.own_words.at")
    page.reload()
    assert page.get_by_label(f"How {LISTED_CHILD} feels").input_value() == "good"
    with live_app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        at = interview.content["feelings"]["own_words"]["at"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", at)


AWAY_CHILD = "Thurayya"  # a first name no other test uses


def test_any_other_page_gives_the_way_back_in_the_childs_language(page, live_app, new_return):
    """A probe: the panel any other page shows in the child's view ("Give the tablet back to
    your worker") was in English only, for a child who reads Arabic, though the interview's own
    pages spoke to them in Arabic."""
    new_return(AWAY_CHILD)
    with live_app.app_context():
        child = db.session.scalar(select(Child).where(Child.first_name == AWAY_CHILD))
        child.first_language = "Arabic"
        db.session.commit()
    episode_id, _ = started(page, live_app, AWAY_CHILD)
    page.get_by_role("button", name=f"Turn the tablet towards {AWAY_CHILD}").click()
    page.goto(f"/episodes/{episode_id}")
    panel = page.locator("#child-view-away")
    heading = panel.get_by_role("heading", level=1)
    # The test child is a girl (new_return records her as one): rhi's words for a girl.
    expect(heading).to_have_text("Give the tablet back to your worker أعيدي الجهاز اللوحي")
    expect(heading.locator("span[lang='ar'][dir='rtl']")).to_have_text("أعيدي الجهاز اللوحي")
    expect(panel.locator("p.child-line[lang='ar'][dir='rtl']")).to_have_text(
        "يمكنك أن تتوقفي أو تأخذي استراحة في أي وقت."
    )
    expect(
        panel.get_by_role("button", name="Give the tablet back أعيدي الجهاز اللوحي")
    ).to_be_visible()
    assert serious_violations(page) == []


HELP_CHILD = "Octavine"  # a first name no other test uses


def test_where_to_get_help_is_as_large_as_anything_the_child_reads(page, live_app, new_return):
    """A probe: in the child's view the 999, Childline and Missing People line was the smallest
    text on the page (the footer's 16 px grey, beside 22 px and more)."""
    new_return(HELP_CHILD)
    started(page, live_app, HELP_CHILD)
    page.locator(".interview-nav").get_by_role("link", name="While away").click()
    page.wait_for_url("**/away")
    page.get_by_role("button", name=f"Turn the tablet towards {HELP_CHILD}").click()
    line = page.locator("footer [data-child-only] p").first
    expect(line).to_contain_text("If you are in danger now, call 999.")
    sizes = page.evaluate(
        """() => [document.querySelector("footer [data-child-only] p"), document.body].map(
            (el) => parseFloat(getComputedStyle(el).fontSize))"""
    )
    assert sizes[0] >= sizes[1] >= 22, sizes
    colour = line.evaluate("(el) => getComputedStyle(el).color")
    assert colour == "rgb(27, 27, 31)", colour  # the page's own ink, not the footer's grey


TABS_CHILD = "Ondine"  # a first name no other test uses


def test_other_tabs_new_or_open_follow_the_childs_view(page, live_app, new_return):
    """A probe: the child's view was kept per tab, so a new tab, or one already open, showed
    the worker's pages, the Returns list with other children on it among them."""
    new_return(TABS_CHILD)
    started(page, live_app, TABS_CHILD)
    open_tab = page.context.new_page()
    open_tab.goto("/returns")
    expect(open_tab.locator(".site-header")).to_be_visible()

    page.get_by_role("button", name=f"Turn the tablet towards {TABS_CHILD}").click()
    # The tab already open hides the worker's page at once.
    expect(open_tab.locator("#child-view-away")).to_be_visible()
    for workers in (open_tab.locator(".site-header"), open_tab.locator("main")):
        expect(workers).not_to_be_visible()
    # A new tab, on any page of rhi: the same.
    new_tab = page.context.new_page()
    new_tab.goto("/returns")
    expect(new_tab.locator("#child-view-away")).to_be_visible()
    expect(new_tab.locator("main")).not_to_be_visible()
    assert "Testchild" not in new_tab.evaluate(VISIBLE)

    # The worker comes back, with their password, in the first tab: every tab is theirs again.
    page.get_by_role("button", name="Give the tablet back").click()
    dialog = page.locator("#child-view-dialog")
    dialog.get_by_label("Your password").fill(DEMO_PASSWORD)
    dialog.get_by_role("button", name="Continue").click()
    page.locator(".interview-nav").wait_for(state="visible")
    expect(open_tab.locator("main")).to_be_visible()
    new_tab.reload()
    expect(new_tab.locator(".site-header")).to_be_visible()
    expect(new_tab.locator("#child-view-away")).to_have_count(0)
