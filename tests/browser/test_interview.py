"""The interview in Chromium: autosave, retry when the network drops, the writing check."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from rhi.language import check, rules_as_json
from tests.browser.helpers import LANGUAGE, open_new_interview, serious_violations, sign_in

pytestmark = pytest.mark.browser

SAVED = re.compile(r"^Saved")
CORPUS = Path(__file__).resolve().parents[1] / "language_corpus.json"


def test_browser_and_server_matchers_agree_on_the_corpus(page):
    page.goto("/sign-in")
    corpus = [entry["text"] for entry in json.loads(CORPUS.read_text())]
    got = page.evaluate(
        f"""async ([rules, texts]) => {{
            const {{ check, compile }} = {LANGUAGE};
            const compiled = compile(rules);
            return texts.map((t) => check(compiled, t)
                .map((f) => [f.rule_id, f.start, f.end, f.text]));
        }}""",
        [rules_as_json(), corpus],
    )
    expected = [[[f.rule_id, f.start, f.end, f.text] for f in check(t)] for t in corpus]
    assert got == expected


def test_typing_saves_and_a_dropped_connection_retries(page):
    open_new_interview(page)
    page.locator(".interview-nav").get_by_role("link", name="Before you left").click()
    box = page.get_by_label("What Ellie said")
    box.fill('We had a row about my phone. "I just needed to get out," she said.')
    status = page.locator("#meta-sections-before-text .save-status")
    status.get_by_text(SAVED).wait_for()
    assert serious_violations(page) == []

    page.context.set_offline(True)
    box.fill("We had a row about my phone. I went to the park.")
    page.locator("#meta-sections-before-text").get_by_text("Not saved, retrying").wait_for()
    # Said to a screen reader in a region that stays (the status beside the field is swapped
    # in whole on every save), and the box is marked as not saved, described by why.
    announcer = page.locator("#save-announcer")
    expect(announcer).to_have_text("Not saved, retrying")
    expect(announcer).to_have_attribute("role", "status")
    expect(box).to_have_attribute("aria-invalid", "true")
    described = box.get_attribute("aria-describedby").split()
    assert "Not saved, retrying" in [page.locator(f"#{i}").inner_text() for i in described]
    page.context.set_offline(False)
    status.get_by_text(SAVED).wait_for(timeout=20_000)
    expect(box).not_to_have_attribute("aria-invalid", "true")
    expect(announcer).to_have_text(SAVED)
    assert all(page.locator(f"#{i}").count() for i in box.get_attribute("aria-describedby").split())
    page.reload()
    assert (
        page.get_by_label("What Ellie said").input_value()
        == "We had a row about my phone. I went to the park."
    )
    assert "(has notes)" in page.locator(".interview-nav").inner_text()


def test_words_typed_after_a_save_are_not_said_to_be_saved_until_they_are(page, new_return):
    """ "Saved 09:47" stayed beside words typed after it until their save was sent (800 ms after
    the typing stops): a worker closing the tablet then read it as true of them."""
    new_return("Quintessa")
    open_new_interview(page, "Quintessa Testchild")
    page.locator(".interview-nav").get_by_role("link", name="While away").click()
    box = page.get_by_label("What Quintessa said")
    status = page.locator("#meta-sections-away-text .save-status")
    box.fill("She stayed with a friend.")
    status.get_by_text(SAVED).wait_for()
    # Typed and read back in one turn of the page's own code: what the status says at once.
    said = box.evaluate(
        """(box) => {
            box.value += " Then she came home.";
            box.dispatchEvent(new Event("input", { bubbles: true }));
            return document.querySelector("#meta-sections-away-text .save-status").textContent;
        }"""
    )
    assert said == "Saving\u2026"
    status.get_by_text(SAVED).wait_for()
    # A word put back as it was (autocorrect pasting a word over itself) sends nothing: the
    # status says "Saved" again, not "Saving…" for ever (a review).
    said = box.evaluate(
        """(box) => {
            const was = box.value;
            box.value = was + "s";
            box.dispatchEvent(new Event("input", { bubbles: true }));
            box.value = was;
            box.dispatchEvent(new Event("input", { bubbles: true }));
            return document.querySelector("#meta-sections-away-text .save-status").textContent;
        }"""
    )
    assert said.startswith("Saved ")
    page.reload()
    assert box.input_value() == "She stayed with a friend. Then she came home."


def test_a_blaming_phrase_is_flagged_and_one_tap_replaces_it(page):
    open_new_interview(page, "Kai Chen")
    page.locator(".interview-nav").get_by_role("link", name="While away").click()
    box = page.get_by_label("What Kai said")
    box.fill('Kai absconded after school. He said "I absconded, so what".')
    flags = page.locator("#in-sections-away-text-flags")
    flags.get_by_text("1 wording suggestion").wait_for()
    assert "“absconded”" in flags.inner_text()
    flags.get_by_role("button", name="Use “went missing”").click()
    expect(box).to_have_value('Kai went missing after school. He said "I absconded, so what".')
    page.locator("#meta-sections-away-text .save-status").get_by_text(SAVED).wait_for()
    assert flags.inner_text().strip() == ""
    page.reload()
    assert page.get_by_label("What Kai said").input_value().startswith("Kai went missing")


def test_keep_my_words_is_remembered(page):
    open_new_interview(page, "Grace Adeyemi")
    page.locator(".interview-nav").get_by_role("link", name="Analysis and actions").click()
    box = page.get_by_label("Your notes")
    box.fill("Grace said her boyfriend collects her from school.")
    flags = page.locator("#in-sections-analysis-text-flags")
    flags.get_by_text("1 wording suggestion").wait_for()
    with page.expect_response("**/language") as response:
        flags.get_by_role("button", name="Keep my words").click()
    assert response.value.status == 204
    # Focus goes to the question in place of the button tapped (a probe: it fell to the page),
    # and back to the words after "Save why".
    why_box = page.get_by_label("Kept your words. Why? (optional)")
    assert why_box.evaluate("(e) => e === document.activeElement")
    why_box.fill("He is 15 too.")
    with page.expect_response("**/language") as why:
        page.get_by_role("button", name="Save why").click()
    assert why.value.status == 204
    assert box.evaluate("(e) => e === document.activeElement")
    page.locator("#meta-sections-analysis-text .save-status").get_by_text(SAVED).wait_for()
    page.reload()
    page.wait_for_timeout(800)
    assert page.locator("#in-sections-analysis-text-flags").inner_text().strip() == ""
    page.locator(".interview-nav").get_by_role("link", name="Review and finish").click()
    assert "Wording to look at again" not in page.content()


def test_interview_pages_are_accessible_and_prompts_show_large(page):
    open_new_interview(page, "Maya Kowalska")
    for part in (
        "Before we start",
        "While away",
        "What we found",
        "Analysis and actions",
        "Sharing",
        "Review and finish",
    ):
        page.locator(".interview-nav").get_by_role("link", name=part).click()
        assert serious_violations(page) == [], part
    page.locator(".interview-nav").get_by_role("link", name="While away").click()
    first = page.locator(".prompt-text").first.inner_text()
    page.get_by_role("button", name="Show large").first.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    assert dialog.inner_text().startswith(first)
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).not_to_be_visible()
    assert page.console_errors == []


def test_inbox_and_summary_pages_are_accessible(page):
    sign_in(page, "social.worker@example.org")
    page.wait_for_url("**/children")
    page.locator("nav").get_by_role("link", name="Inbox").click()
    # Checked once there: axe run on a page still being left finds no document (a CI run).
    page.wait_for_url("**/inbox")
    assert serious_violations(page) == []
    page.get_by_role("link", name="Amara Okoye").click()
    page.get_by_role("button", name="I have read this summary").wait_for()
    assert serious_violations(page) == []
    # "I have read this" needs the summary opened first (issue 11 item 8): before, it says so.
    page.get_by_role("button", name="I have read this summary").click()
    page.get_by_text("Open the summary first").first.wait_for()
    opened = page.request.get(
        page.get_by_role("link", name="Open the summary (PDF)").get_attribute("href")
    )
    assert opened.headers["content-type"] == "application/pdf"
    page.reload()
    page.get_by_label("No further action").check()
    page.get_by_role("button", name="I have read this summary").click()
    page.get_by_text("Thank you: the interviewer can see you have read it").wait_for()
    assert serious_violations(page) == []


def test_words_the_server_refused_mark_the_box_and_are_said_until_saved(page, new_return):
    new_return("Isolde")
    open_new_interview(page, "Isolde Testchild")
    page.locator(".interview-nav").get_by_role("link", name="While away").click()
    box = page.get_by_label("What Isolde said")
    box.fill("x" * 50_001)  # over the most a box holds (rhi/interviews/fields.py MAX_TEXT)
    meta = page.locator("#meta-sections-away-text")
    meta.get_by_text("This is too long to save").wait_for()
    expect(box).to_have_attribute("aria-invalid", "true")
    # What the box is described by says so (read again until then: the box's description is
    # set just after the words beside it appear, and a busy machine shows the gap).
    said: list[str] = []
    for _ in range(50):
        described = (box.get_attribute("aria-describedby") or "").split()
        said = [page.locator(f"#{i}").inner_text() for i in described]
        if any("This is too long to save" in words for words in said):
            break
        page.wait_for_timeout(100)
    assert any("This is too long to save" in words for words in said), said
    expect(page.locator("#save-announcer")).to_contain_text("This is too long to save")
    expect(box).to_have_value("x" * 50_001)  # kept in the box
    box.fill("Kai stayed at a friend's flat.")
    meta.locator(".save-status").get_by_text(SAVED).wait_for()
    expect(box).not_to_have_attribute("aria-invalid", "true")
    after = (box.get_attribute("aria-describedby") or "").split()
    assert not any(i.startswith(("error-", "status-")) for i in after)


def test_typing_on_after_a_clash_never_replaces_the_other_version_unasked(page, new_return):
    """Two tabs on one box: the second's save meets the first's words. Typing on in it without
    choosing must meet them again (it once saved over them at the next pause); "Keep my
    version" replaces them knowingly."""
    new_return("Cressida")
    open_new_interview(page, "Cressida Testchild")
    page.locator(".interview-nav").get_by_role("link", name="While away").click()
    other = page.context.new_page()
    other.goto(page.url)
    mine = page.get_by_label("What Cressida said")
    theirs = other.get_by_label("What Cressida said")
    theirs.fill("Cressida stayed with her aunt in Bradford.")
    other.locator("#meta-sections-away-text .save-status").get_by_text(SAVED).wait_for()

    meta = page.locator("#meta-sections-away-text")
    mine.fill("She slept at the bus station.")
    meta.get_by_text("Not saved: this changed somewhere else").wait_for()
    with page.expect_response("**/save") as again:
        mine.press_sequentially(" Then a friend's.")
    assert again.value.status == 409
    meta.get_by_text("Not saved: this changed somewhere else").wait_for()
    expect(meta.locator(".theirs")).to_have_text("Cressida stayed with her aunt in Bradford.")
    other.reload()
    expect(other.get_by_label("What Cressida said")).to_have_value(
        "Cressida stayed with her aunt in Bradford."
    )

    meta.get_by_role("button", name="Keep my version").click()
    meta.locator(".save-status").get_by_text(SAVED).wait_for()
    other.reload()
    expect(other.get_by_label("What Cressida said")).to_have_value(
        "She slept at the bus station. Then a friend's."
    )
    other.close()


def test_a_clash_over_a_choice_drawn_as_radio_buttons_is_said_in_words_and_settled(
    page, new_return
):
    """The other version of a choice is said in words ("Low risk of harm", not "low"), and
    either button works on radio buttons (each looked for a box by one id, which radios have
    not: "Keep my version" did nothing)."""
    new_return("Leocadia")
    open_new_interview(page, "Leocadia Testchild")
    page.locator(".interview-nav").get_by_role("link", name="Analysis and actions").click()
    other = page.context.new_page()
    other.goto(page.url)
    meta = page.locator("#meta-risk_view")

    def clash(theirs: str, mine: str, settle: str) -> None:
        """The other tab saves `theirs`; this one chooses `mine` and meets it; `settle` is the
        button pressed, and the answer is saved."""
        other.get_by_label(theirs).check()
        other.locator("#meta-risk_view .save-status").get_by_text(SAVED).wait_for()
        page.get_by_label(mine).check()
        meta.get_by_text("Not saved: this changed somewhere else").wait_for()
        expect(meta.locator(".theirs")).to_have_text(theirs)
        meta.get_by_role("button", name=settle).click()
        meta.locator(".save-status").get_by_text(SAVED).wait_for()

    clash("Low risk of harm", "High risk of harm", "Use the other version")
    expect(page.get_by_label("Low risk of harm")).to_be_checked()
    clash("Medium risk of harm", "High risk of harm", "Keep my version")
    other.reload()
    expect(other.get_by_label("High risk of harm")).to_be_checked()
    other.close()


def test_the_writing_check_adds_its_list_to_what_describes_a_box_and_takes_nothing_away(
    page, new_return
):
    """A CI run: the check of a long note, done after its save was refused, put back the box's
    first description and its own list, taking away the refusal autosave.js had tied to the
    box. The check now adds its list to what describes the box, as it is then."""
    new_return("Theodora")
    open_new_interview(page, "Theodora Testchild")
    page.locator(".interview-nav").get_by_role("link", name="While away").click()
    box = page.get_by_label("What Theodora said")
    box.fill("She stayed at a friend's flat.")
    page.locator("#meta-sections-away-text .save-status").get_by_text(SAVED).wait_for()
    # Something else describes the box now (as autosave.js's refusal does).
    page.evaluate(
        """() => {
            const p = document.createElement("p");
            p.id = "said-by-another";
            p.textContent = "Said by another part of the page.";
            document.body.appendChild(p);
            const box = document.getElementById("in-sections-away-text");
            box.setAttribute("aria-describedby",
                (box.getAttribute("aria-describedby") || "") + " said-by-another");
        }"""
    )
    box.press("End")
    box.press_sequentially(" She absconded again.", delay=5)
    page.locator("#in-sections-away-text-flags").get_by_text("1 wording suggestion").wait_for()
    described = (box.get_attribute("aria-describedby") or "").split()
    assert "said-by-another" in described and "in-sections-away-text-flags" in described


def test_keep_both_after_a_clash_keeps_each_tabs_words_and_no_button_claims_nothing_is_lost(
    page, new_return
):
    """A worker's probe: the clash box said "Nothing is lost", and its main button, "Keep my
    version", then replaced the other tab's account (a man's name, a car) for good. Words can
    now be kept both, in the box to put together, and the box says what each choice replaces."""
    new_return("Philippa")
    open_new_interview(page, "Philippa Testchild")
    page.locator(".interview-nav").get_by_role("link", name="While away").click()
    other = page.context.new_page()
    other.goto(page.url)
    theirs = "A man called Jordan picked her up in a grey car."
    other.get_by_label("What Philippa said").fill(theirs)
    other.locator("#meta-sections-away-text .save-status").get_by_text(SAVED).wait_for()

    meta = page.locator("#meta-sections-away-text")
    page.get_by_label("What Philippa said").fill("She stayed two nights.")
    meta.get_by_text("Not saved: this changed somewhere else").wait_for()
    expect(meta).not_to_contain_text("Nothing is lost")
    expect(meta).to_contain_text("Keeping only one version replaces the other")
    meta.get_by_role("button", name="Keep both").click()
    meta.locator(".save-status").get_by_text(SAVED).wait_for()
    joined = f"She stayed two nights.\n\n{theirs}"
    expect(page.get_by_label("What Philippa said")).to_have_value(joined)
    other.reload()
    expect(other.get_by_label("What Philippa said")).to_have_value(joined)
    other.close()
