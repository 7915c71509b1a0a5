"""A whole interview with no signal, from a return with no interview yet: the offer, a contact
attempt, the child's yes, every part of the interview; then sent, and on the server exactly once,
even when the first upload's answer is lost or the server fails.

Real Chromium, a real server on localhost, `context.set_offline(True)` cutting the page off.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from rhi.extensions import db
from rhi.models import ContactAttempt
from tests.browser.helpers import (
    DRAFTS,
    DUMP_INDEXEDDB,
    PIN,
    STORE,
    filled,
    go_to,
    interviews_for,
    kept,
    offer_and_yes,
    offline_on_the_return,
    open_offline,
    send_from_returns,
    send_with_pin,
    serious_violations,
    sign_in,
    start_interview,
    tablet_ready,
    until,
)

pytestmark = pytest.mark.browser


def test_a_whole_interview_taken_offline_arrives_once_with_every_field(page, live_app, new_return):
    episode_id = new_return("Robyn")
    tablet_ready(page)
    context = page.context
    page.close()
    context.set_offline(True)
    tablet = open_offline(context)
    assert serious_violations(tablet) == []

    # The list, from the tablet; then the return, with its offer and answer recorded offline.
    tablet.get_by_role("link", name="Robyn Testchild").click()
    tablet.get_by_role("heading", name="Robyn Testchild").wait_for()
    filled(tablet)
    assert serious_violations(tablet) == []
    tablet.get_by_text("Record a contact attempt").click()
    tablet.get_by_label("How", exact=True).select_option("phone")
    tablet.get_by_label("What happened").select_option("no_answer")
    tablet.get_by_label("Note (optional)").fill("Rang twice in the morning.")
    tablet.get_by_role("button", name="Save attempt").click()
    tablet.get_by_text("Contact attempt: kept on this tablet").wait_for()
    tablet.get_by_text("Record the offer").click()
    tablet.get_by_label("How it was offered").select_option("visit")
    tablet.get_by_role("button", name="Save offer").click()
    tablet.get_by_text("Offer: kept on this tablet").wait_for()
    tablet.get_by_text("The child said yes", exact=True).click()
    tablet.get_by_role("button", name="Save: the child said yes").click()
    tablet.get_by_text("The child said yes: kept on this tablet").wait_for()
    tablet.get_by_role("button", name="Start the interview now").click()

    # The interview, part by part, in the same pages as online.
    tablet.get_by_role("heading", name="Talking with Robyn").wait_for()
    filled(tablet)
    tablet.get_by_label("I explained the chat is their choice").check()
    tablet.get_by_label("Where the chat was held").fill("Kitchen table at home")
    kept(tablet, "#meta-start-location")
    go_to(tablet, "While away")
    tablet.get_by_label("What Robyn said").fill("\u201cI stayed at a flat in Leeds.\u201d 😶")
    kept(tablet, "#meta-sections-away-text")
    assert serious_violations(tablet) == []
    # A suggestion taken with no signal is counted with its field, as online (a copy counts
    # only the taps in the parts it holds).
    go_to(tablet, "Before you left")
    tablet.get_by_label("What Robyn said").fill("She absconded from school.")
    before_flags = tablet.locator("#in-sections-before-text-flags")
    before_flags.get_by_role("button", name="Use \u201c").first.click()
    until(
        tablet,
        f"""async () => (await {STORE}.all()).records
        .some((r) => r.id.startsWith("draft:")
             && (r.record.content.language.taps || []).length === 1)""",
    )
    # The writing check works with no signal, and "keep my words" is kept with the interview.
    go_to(tablet, "Analysis and actions")
    tablet.get_by_label("Your notes").fill("Robyn's boyfriend is 24 and collects her from school.")
    flags = tablet.locator("#in-sections-analysis-text-flags")
    flags.get_by_text("1 wording suggestion").wait_for()
    flags.get_by_role("button", name="Keep my words").click()
    tablet.get_by_label("Kept your words. Why? (optional)").fill("Her words, quoted to me.")
    tablet.get_by_role("button", name="Save why").click()
    until(
        tablet,
        f"""async () => (await {STORE}.all()).records
        .some((r) => r.id.startsWith("draft:")
             && r.record.content.language.dismissed.some((d) => d.reason))""",
    )
    go_to(tablet, "What we found")
    tablet.get_by_label("Family conflict or arguments", exact=True).check()
    tablet.get_by_label("Note on family conflict or arguments").fill("Arguments about curfew.")
    kept(tablet, "#meta-push-family_conflict-note")
    tablet.get_by_role("button", name="Add a place").click()
    tablet.get_by_label("Place (name or description)").fill("Leeds bus station")
    tablet.get_by_role("group", name="Place 1").get_by_label("Area or town").fill("Leeds")
    kept(tablet, "#list-places")
    go_to(tablet, "Sharing")
    social = tablet.locator(
        "section.consent", has=tablet.get_by_role("heading", name="Allocated social worker")
    )
    social.get_by_label("Yes", exact=True).check()
    social.get_by_label("What they said, in their words").fill("You can tell Sam.")
    kept(tablet, "#meta-consent-social_worker-words")
    stored = tablet.evaluate(DUMP_INDEXEDDB)
    # Not "Sam" alone: three letters turn up by chance in the hundreds of kilobytes of sealed
    # bytes a tablet holds (a 1 in 16 million chance at each byte).
    for words in ("Leeds", "curfew", "tell Sam", "Robyn", "Rang twice"):
        assert words not in stored

    # The tab is closed; opened again with no signal, everything is there.
    tablet.close()
    tablet = open_offline(context)
    tablet.get_by_role("link", name="Robyn Testchild").click()
    tablet.get_by_role("button", name="Continue the interview").click()
    tablet.get_by_role("heading", name="Talking with Robyn").wait_for()
    filled(tablet)
    assert tablet.get_by_label("Where the chat was held").input_value() == "Kitchen table at home"
    go_to(tablet, "What we found")
    assert tablet.get_by_label("Family conflict or arguments", exact=True).is_checked()
    assert (
        tablet.get_by_label("Note on family conflict or arguments").input_value()
        == "Arguments about curfew."
    )
    assert tablet.get_by_label("Place (name or description)").input_value() == "Leeds bus station"

    # Back online: sent, and on the server with every field, once.
    tablet.evaluate(f"async () => {STORE}.lock()")
    context.set_offline(False)
    bodies: list[str] = []
    tablet.on(
        "request",
        lambda r: (
            bodies.append(r.post_data or "") if r.url.endswith("/sync/v1/interviews") else None
        ),
    )
    send_from_returns(tablet)
    [interview] = interviews_for(live_app, episode_id)
    content = interview.content
    assert interview.status == "in_progress"
    assert interview.offered_at is not None and interview.accepted_at is not None
    assert content["start"]["explained_voluntary"] is True
    assert content["start"]["location"] == "Kitchen table at home"
    assert content["sections"]["away"]["text"] == "\u201cI stayed at a flat in Leeds.\u201d 😶"
    assert content["push"]["family_conflict"] == {
        "on": True,
        "note": "Arguments about curfew.",
        "private": False,
    }
    [place] = content["places"]
    assert (place["name"], place["area"]) == ("Leeds bus station", "Leeds")
    assert content["consent"]["social_worker"]["answer"] == "yes"
    assert content["consent"]["social_worker"]["words"] == "You can tell Sam."
    assert content["language"]["dismissed"] == [
        {
            "path": "sections.analysis.text",
            "rule_id": content["language"]["dismissed"][0]["rule_id"],
            "text": "boyfriend",
            "reason": "Her words, quoted to me.",
            # The words either side of the use kept, so that use stays the one kept.
            "before": "Robyn's ",
            "after": " is 24 and collects her from school.",
        }
    ]
    assert content["language"]["replaced"] == 1
    assert [tap["path"] for tap in content["language"]["taps"]] == ["sections.before.text"]
    [attempt] = interview.contact_attempts
    assert (attempt.method, attempt.outcome, attempt.note) == (
        "phone",
        "no_answer",
        "Rang twice in the morning.",
    )

    # The same upload again (a tablet that never heard the answer): nothing changes.
    assert bodies
    again = tablet.evaluate(
        """async (body) => {
        const session = await (await fetch("/sync/v1/session")).json();
        const r = await fetch("/sync/v1/interviews", {method: "POST", body,
            headers: {"Content-Type": "application/json", "X-CSRFToken": session.csrf_token,
                      "Idempotency-Key": "a-new-key-" + Date.now()}});
        return (await r.json()).results.map((x) => x.outcome);
    }""",
        bodies[-1],
    )
    assert again == ["unchanged"]
    [same] = interviews_for(live_app, episode_id)
    assert same.version == interview.version and len(same.contact_attempts) == 1


def test_an_upload_whose_answer_is_lost_or_fails_is_retried_and_arrives_once(
    page, live_app, new_return
):
    episode_id = new_return("Skye")
    tablet = offline_on_the_return(page, "Skye")
    context = tablet.context
    tablet.get_by_text("Record a contact attempt").click()
    tablet.get_by_label("How", exact=True).select_option("visit")
    tablet.get_by_label("What happened").select_option("spoke")
    tablet.get_by_role("button", name="Save attempt").click()
    tablet.get_by_text("Contact attempt: kept on this tablet").wait_for()
    start_interview(tablet, "Skye")
    go_to(tablet, "How you feel now")
    tablet.get_by_label("What Skye said").fill("Safer now.")
    kept(tablet, "#meta-sections-after-text")
    tablet.evaluate(f"async () => {STORE}.lock()")
    context.set_offline(False)

    # 1st try: the server saves it but the answer never arrives (the connection drops).
    # 2nd try: the server fails. 3rd: all well.
    tries: list[str] = []

    def flaky(route) -> None:
        tries.append(route.request.headers.get("idempotency-key", ""))
        if len(tries) == 1:
            route.fetch()
            route.abort("connectionreset")
        elif len(tries) == 2:
            route.fulfill(
                status=503,
                content_type="application/json",
                body=json.dumps({"error": "unavailable", "message": "Try later."}),
            )
        else:
            route.continue_()

    tablet.route("**/sync/v1/interviews", flaky)
    send_from_returns(tablet)
    assert len(tries) == 3
    assert len(set(tries)) == 1  # the same upload each time, under the same key
    [interview] = interviews_for(live_app, episode_id)
    assert interview.content["sections"]["after"]["text"] == "Safer now."
    assert len(interview.contact_attempts) == 1
    with live_app.app_context():
        assert (
            db.session.scalar(
                select(db.func.count(ContactAttempt.id)).where(
                    ContactAttempt.interview_id == interview.id
                )
            )
            == 1
        )
    assert "Safer now" not in tablet.evaluate(DUMP_INDEXEDDB)


def test_keep_on_this_tablet_from_a_childs_page_then_open_it_with_no_signal(
    page, live_app, new_return
):
    episode_id = new_return("Jess")
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    page.goto(f"/episodes/{episode_id}")
    page.get_by_role("button", name="Keep on this tablet").click()
    # No PIN on this tablet yet: rhi asks for one first.
    page.get_by_label("PIN", exact=True).fill(PIN)
    page.get_by_label("PIN again").fill(PIN)
    page.get_by_role("button", name="Continue").click()
    page.get_by_text("Kept on this tablet, encrypted").wait_for(timeout=20_000)
    assert "Jess" not in page.evaluate(DUMP_INDEXEDDB)
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")

    context = page.context
    page.close()
    context.set_offline(True)
    tablet = open_offline(context, f"/episodes/{episode_id}")
    tablet.get_by_role("heading", name="Jess Testchild").wait_for()
    expect(tablet.get_by_text("Not yet offered").first).to_be_visible()
    # The child said no, in her words: kept, and shown as kept.
    tablet.get_by_text("The child said no", exact=True).click()
    tablet.get_by_role("button", name="Save: the child said no").click()
    tablet.get_by_text("Write what the child said, even if it was short.").wait_for()
    tablet.get_by_label("What the child said, in their words").fill("Not today, I'm tired.")
    tablet.get_by_role("button", name="Save: the child said no").click()
    tablet.get_by_text("The child said no: kept on this tablet").wait_for()
    assert "tired" not in tablet.evaluate(DUMP_INDEXEDDB)

    # Back online: the child's answer reaches the server, in her words.
    tablet.evaluate(f"async () => {STORE}.lock()")
    context.set_offline(False)
    send_from_returns(tablet)
    [interview] = interviews_for(live_app, episode_id)
    assert interview.status == "declined"
    assert interview.decline_reason == "Not today, I'm tired."
    assert interview.offer_again is True


def test_a_version_changed_elsewhere_meanwhile_is_shown_and_both_texts_are_kept(
    page, browser, live_server, live_app, new_return
):
    episode_id = new_return("Nell")
    tablet_ready(page)
    page.goto(f"/episodes/{episode_id}")
    offer_and_yes(page)
    page.get_by_role("button", name="Start the interview now").click()
    page.wait_for_url("**/start")
    interview_url = urlsplit(page.url).path.rsplit("/", 1)[0]  # for this and another device
    page.goto("/returns")  # the tablet keeps its copy of the interview
    page.wait_for_selector("body[data-copies-kept]", state="attached", timeout=20_000)
    context = page.context
    page.close()

    # With no signal, the worker writes in the interview...
    context.set_offline(True)
    tablet = open_offline(context, interview_url + "/away")
    tablet.get_by_label("What Nell said").fill("Tablet words: I went to the park.")
    kept(tablet, "#meta-sections-away-text")
    # ...while, online on another device, the same box is written in.
    other = browser.new_context(base_url=live_server)
    laptop = other.new_page()
    sign_in(laptop, "worker@example.org")
    laptop.wait_for_url("**/returns")
    laptop.goto(interview_url + "/away")
    laptop.get_by_label("What Nell said").fill("Server words: she was with her cousin.")
    laptop.locator("#meta-sections-away-text").get_by_text("Saved").wait_for()
    other.close()

    tablet.evaluate(f"async () => {STORE}.lock()")
    context.set_offline(False)
    tablet.goto("/returns")
    bar = tablet.locator("#tablet-bar")
    bar.get_by_role("button", name="Send now").click()
    tablet.get_by_label("PIN", exact=True).fill(PIN)
    tablet.get_by_role("button", name="Continue").click()
    bar.get_by_text("changed somewhere else too").first.wait_for(timeout=30_000)
    [interview] = interviews_for(live_app, episode_id)
    assert (
        interview.content["sections"]["away"]["text"] == "Server words: she was with her cousin."
    )  # nothing overwritten

    # The interview says a version waits; both are shown, and both texts are kept.
    tablet.goto(interview_url + "/away")
    tablet.get_by_role("link", name="A version from a tablet is waiting").click()
    body = tablet.locator("main").inner_text()
    assert serious_violations(tablet) == []
    assert "Tablet words: I went to the park." in body
    assert "Server words: she was with her cousin." in body
    tablet.get_by_role("button", name="Save my choices").click()
    tablet.get_by_text("Done: nothing is left to choose.").wait_for()
    [interview] = interviews_for(live_app, episode_id)
    text = interview.content["sections"]["away"]["text"]
    assert "Server words: she was with her cousin." in text
    assert "Tablet words: I went to the park." in text
    # The choice is made: the tablet lets go of its version.
    until(
        tablet,
        f"async () => !(await {STORE}.ids()).some((r) => /^(versions|draft):/.test(r.id))",
    )
    # A version chosen on another screen is let go of at the next Returns visit.
    tablet.evaluate(f"async () => {STORE}.seal('versions:' + crypto.randomUUID(), {{}})")
    tablet.goto("/returns")
    tablet.wait_for_selector("body[data-copies-kept]", state="attached", timeout=20_000)
    assert not [
        r for r in tablet.evaluate(f"async () => {STORE}.ids()") if r["id"].startswith("versions:")
    ]


def test_words_kept_while_an_upload_is_on_its_way_are_not_lost(page, live_app, new_return):
    episode_id = new_return("Ines")
    tablet = offline_on_the_return(page, "Ines")
    context = tablet.context
    start_interview(tablet, "Ines")
    go_to(tablet, "How you feel now")
    tablet.get_by_label("What Ines said").fill("Sent first.")
    kept(tablet, "#meta-sections-after-text")
    uuid = tablet.url.split("/interviews/")[1].split("/")[0]
    tablet.evaluate(f"async () => {STORE}.lock()")
    context.set_offline(False)

    # While the upload is on its way, more is kept on the tablet (another tab, say).
    def meanwhile(route) -> None:
        if not meanwhile.done:
            meanwhile.done = True
            tablet.evaluate(
                f"""async (uuid) => {DRAFTS}.changeDraft(uuid, null, (d) => {{
                d.content.sections.help.text = "Typed while it was sending."; }})""",
                uuid,
            )
        route.continue_()

    meanwhile.done = False
    tablet.route("**/sync/v1/interviews", meanwhile)

    bar = send_with_pin(tablet)
    # Sent, and said truly: not "the server has everything" while the later words wait.
    bar.get_by_text("Sent 1 item. A change made since is waiting to send.").wait_for()
    [interview] = interviews_for(live_app, episode_id)
    assert interview.content["sections"]["after"]["text"] == "Sent first."
    # The later words stayed on the tablet, and go next, on top of what the server has.
    bar.get_by_text("1 interview on this tablet waiting to send").wait_for()
    with tablet.expect_response("**/sync/v1/interviews") as second:
        bar.get_by_role("button", name="Send now").click()
    assert second.value.json()["results"][0]["outcome"] == "updated"
    bar.get_by_text("Nothing waiting to send").wait_for(timeout=30_000)
    [interview] = interviews_for(live_app, episode_id)
    assert interview.content["sections"]["after"]["text"] == "Sent first."
    assert interview.content["sections"]["help"]["text"] == "Typed while it was sending."


def test_back_online_on_the_offline_page_it_sends_and_the_worker_carries_on(
    page, live_app, new_return
):
    episode_id = new_return("Mira")
    tablet = offline_on_the_return(page, "Mira")
    context = tablet.context
    start_interview(tablet, "Mira")
    go_to(tablet, "While away")
    tablet.get_by_label("What Mira said").fill("At my nan's.")
    kept(tablet, "#meta-sections-away-text")

    # The signal comes back while the page is open and unlocked: it sends on its own, and the
    # page stays as it is.
    context.set_offline(False)
    bar = tablet.locator("#tablet-bar")
    bar.get_by_text("Sent 1 item. The server has everything.").wait_for(timeout=30_000)
    box = tablet.get_by_label("What Mira said")
    box.fill("At my nan's, then my cousin's.")
    kept(tablet, "#meta-sections-away-text")
    with tablet.expect_response("**/sync/v1/interviews") as second:
        bar.get_by_role("button", name="Send now").click()
    assert second.value.json()["results"][0]["outcome"] == "updated"
    [interview] = interviews_for(live_app, episode_id)
    assert interview.content["sections"]["away"]["text"] == "At my nan's, then my cousin's."


def test_with_no_signal_a_return_with_no_offer_yet_says_not_yet_offered(page, live_app, new_return):
    """Only a carer spoken to, no offer made: the server holds the interview as "offered" with
    no offer's time, and says "Not yet offered"; so does the tablet, by the words the server
    gives it for before an offer (coordinator probe, finding 4)."""
    from datetime import timedelta

    from rhi.models import Episode, Interview
    from rhi.models.base import utcnow

    episode_id = new_return("Ottilie")
    with live_app.app_context():
        episode = db.session.get(Episode, episode_id)
        interview = Interview(
            status="offered",
            due_at=episode.returned_at + timedelta(hours=72),
            worker_id=episode.assigned_worker_id,
            content={},
        )
        interview.episodes.append(episode)
        interview.contact_attempts.append(
            ContactAttempt(attempted_at=utcnow(), method="phone", outcome="carer_info")
        )
        db.session.add(interview)
        db.session.commit()
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    page.goto(f"/episodes/{episode_id}")
    status = page.locator("#interview-panel dl.facts dd").first
    expect(status).to_have_text("Not yet offered")
    page.get_by_role("button", name="Keep on this tablet").click()
    page.get_by_label("PIN", exact=True).fill(PIN)
    page.get_by_label("PIN again").fill(PIN)
    page.get_by_role("button", name="Continue").click()
    page.get_by_text("Kept on this tablet, encrypted").wait_for(timeout=20_000)
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")

    context = page.context
    page.close()
    context.set_offline(True)
    tablet = open_offline(context, f"/episodes/{episode_id}")
    tablet.get_by_role("heading", name="Ottilie Testchild").wait_for()
    expect(tablet.locator("[data-fill=status]").first).to_have_text("Not yet offered")
    context.set_offline(False)
