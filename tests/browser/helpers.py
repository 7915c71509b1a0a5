"""The browser tests' shared steps: signing in, starting an interview, working on a tablet with no
signal, and reaching rhi's browser modules. Test modules import these from here, never from one
another.

rhi's browser code is ES modules with no globals (rhi/static/js). A test reaches a module the way
the modules reach each other, by importing it: in the page, `import("/static/js/store.js")` goes
through the page's import map (rhi/pwa/views.py) to the versioned URL the page's own modules
loaded, so the test gets the very same instance (the same store, the same key in memory), not a
second copy. Each constant is a JS expression, for use inside an async function:

    tablet.evaluate(f"async () => {STORE}.lock()")
"""

from __future__ import annotations

import time
from datetime import timedelta

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlalchemy import select

from rhi.demo import DEMO_PASSWORD
from rhi.extensions import db
from rhi.models import Episode, Interview, User, UserSession

# Reaching rhi's browser modules from the page.


def module(name: str) -> str:
    """The page's instance of rhi/static/js/<name>.js, as a JS expression (needs `async`)."""
    return f"(await import('/static/js/{name}.js'))"


STORE = module("store")  # the sealed store (store.js)
DRAFTS = module("drafts")  # changeDraft, as the shell pages keep changes (drafts.js)
BAR = module("bar")  # sendNow, what the bar's timers call (bar.js)
LANGUAGE = module("language-check")  # the writing check's matcher (language-check.js)

# Signing in, and checking a page with axe.


def sign_in(page, email: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def serious_violations(page) -> list[str]:
    page.wait_for_load_state("load")  # the page being checked, whole (its scripts run)
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


# Starting an interview online.


def offer_and_yes(page) -> None:
    """On an episode page with no offer and answer on record, the start form asks for both
    (issue 13, item 6): fill them as a worker would (the time is already now). A return whose
    offer and "yes" are already recorded has no such fields: nothing to fill."""
    page.get_by_role("button", name="Start the interview now").wait_for()
    if page.get_by_label("How you offered it").count():
        page.get_by_label("How you offered it").select_option("visit")
        page.get_by_label("Yes, they would like to talk now").check()


def open_new_interview(page, child: str = "Ellie Price") -> None:
    """Ellie's return is assigned to the demo worker and has no interview yet."""
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    # The card among those waiting (a child who said no before is also under "Offer open").
    page.locator("ul.cards").get_by_role("link", name=child, exact=True).click()
    offer_and_yes(page)
    page.get_by_role("button", name="Start the interview now").click()
    page.wait_for_url("**/start")


def open_interview_of(page, episode_id: int) -> None:
    """The demo worker starts the interview of a return made for the test (`new_return`), by
    its address: the Returns list pages by 50, and the suite's many returns push one past it."""
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    page.goto(f"/episodes/{episode_id}")
    offer_and_yes(page)
    page.get_by_role("button", name="Start the interview now").click()
    page.wait_for_url("**/start")


# The tablet's PIN, and everything IndexedDB holds.

PIN = "246810"

DUMP_INDEXEDDB = """async () => {
    const bytes = (v) => Array.from(new Uint8Array(v instanceof ArrayBuffer ? v : v.buffer))
        .map((b) => String.fromCharCode(b)).join("");
    const out = [];
    for (const info of await indexedDB.databases()) {
        const db = await new Promise((ok, no) => {
            const r = indexedDB.open(info.name); r.onsuccess = () => ok(r.result);
            r.onerror = () => no(r.error);
        });
        for (const store of db.objectStoreNames) {
            const values = await new Promise((ok) => {
                const q = db.transaction(store).objectStore(store).getAll();
                q.onsuccess = () => ok(q.result);
            });
            for (const v of values) {
                out.push(JSON.stringify(v, (k, x) =>
                    (x instanceof ArrayBuffer || ArrayBuffer.isView(x)) ? bytes(x) : x));
            }
        }
        db.close();
    }
    return out.join("\\n");
}"""


def set_up_pin(page) -> None:
    bar = page.locator("#tablet-bar")
    bar.get_by_role("button", name="Set a PIN to keep notes safe offline").click()
    page.get_by_label("PIN", exact=True).fill(PIN)
    page.get_by_label("PIN again").fill(PIN)
    page.get_by_role("button", name="Continue").click()
    bar.get_by_text("This tablet now keeps your notes safe").wait_for(timeout=20_000)


# Working on a tablet with no signal: its pages, filled from what it keeps.


def interview_kept_on_the_tablet(page, episode_id: int) -> str:
    """Signed in, the interview started online, a PIN set and the worker's list kept on the
    tablet (the interview with it). Returns the interview's uuid."""
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    start_online(page, episode_id)
    uuid = page.url.split("/interviews/")[1].split("/")[0]
    set_up_pin(page)
    page.goto("/returns")
    page.wait_for_selector("body[data-copies-kept]", state="attached", timeout=20_000)
    page.goto(f"/interviews/{uuid}/start")
    return uuid


def tablet_ready(page) -> None:
    """Signed in, a PIN set, and the worker's list kept on the tablet."""
    sign_in(page, "worker@example.org")
    page.wait_for_url("**/returns")
    set_up_pin(page)
    page.reload()
    page.wait_for_selector("body[data-copies-kept]", state="attached", timeout=20_000)


def open_offline(context, path: str = "/returns"):
    tablet = context.new_page()
    tablet.goto(path)
    tablet.get_by_label("PIN", exact=True).fill(PIN)
    tablet.get_by_role("button", name="Continue").click()
    tablet.get_by_text("No connection:").first.wait_for(timeout=20_000)
    filled(tablet)
    return tablet


def filled(page) -> None:
    """Wait until shell.js has filled the page from the tablet."""
    page.wait_for_selector("[data-shell-page][data-filled]", state="attached")


def to_part(page, part: str) -> None:
    """Through the interview's nav to `part`, until it is the page shown and loaded (online, the
    fields' autosave is set up on load)."""
    link = page.locator(".interview-nav").get_by_role("link", name=part)
    shown = page.get_by_role("link", name=part, exact=True).and_(
        page.locator("[aria-current=step]")
    )
    # A click can be lost to the page moving under it (flake39, twice in CI): a moment after a
    # part opens with no signal, the tablet bar grows a line ("1 interview ... waiting to
    # send"), pushing the nav 24 px down. Playwright checks only where the press lands; the
    # release lands beside the link and the click goes to #main, so nothing moves. A click that
    # moved nothing in 10 s is made again (a move still under way is only taken over by the
    # new one: router.js turns). Every other wait stays: on a shell page the router fetches the
    # page from the service worker first, and the last click has 60 s.
    for _ in range(2):
        link.click()
        try:
            shown.wait_for(timeout=10_000)
            break
        except PlaywrightTimeout:
            continue
    else:
        link.click()
        shown.wait_for(timeout=60_000)
    page.wait_for_load_state("load")


def go_to(page, part: str) -> None:
    """`to_part` on a shell page, once the tablet has filled it."""
    to_part(page, part)
    filled(page)


def start_online(page, episode_id: int) -> None:
    """From the return's episode page: the offer and "yes" where asked, then the interview
    started, on its first page."""
    page.goto(f"/episodes/{episode_id}")
    offer_and_yes(page)
    page.get_by_role("button", name="Start the interview now").click()
    page.wait_for_url("**/start")


def until(page, script: str, seconds: float = 20) -> None:
    """Wait until an async check in the page is true (wait_for_function would take the promise
    itself as true)."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(script):
        assert time.monotonic() < deadline, f"still not true: {script}"
        page.wait_for_timeout(100)


def kept(page, where: str) -> None:
    page.locator(where).get_by_text("Kept on this tablet").last.wait_for()


def offline_on_the_return(page, first_name: str):
    """A tablet ready (PIN set, list kept), the page closed, then with no signal a new page open
    on this child's return, filled from the tablet."""
    tablet_ready(page)
    context = page.context
    page.close()
    context.set_offline(True)
    tablet = open_offline(context)
    tablet.get_by_role("link", name=f"{first_name} Testchild").click()
    tablet.get_by_role("heading", name=f"{first_name} Testchild").wait_for()
    filled(tablet)
    return tablet


def start_interview(tablet, first_name: str) -> None:
    offer_and_yes(tablet)  # with no offer and "yes" kept, the start form asks for both first
    tablet.get_by_role("button", name="Start the interview now").click()
    tablet.get_by_role("heading", name=f"Talking with {first_name}").wait_for()
    filled(tablet)


def written_offline(page, first_name: str):
    """With no signal, an interview started on the tablet and the child's words kept; then the
    tablet locked (as after closing the page) and the signal back. Returns (tablet, uuid)."""
    tablet = offline_on_the_return(page, first_name)
    start_interview(tablet, first_name)
    go_to(tablet, "While away")
    tablet.get_by_label(f"What {first_name} said").fill("I stayed with a friend in Hull.")
    kept(tablet, "#meta-sections-away-text")
    uuid = tablet.url.split("/interviews/")[1].split("/")[0]
    tablet.evaluate(f"async () => {STORE}.lock()")
    tablet.context.set_offline(False)
    return tablet, uuid


# Back online: sending what the tablet kept, and what the server then has.


def send_with_pin(page):
    """Back online, on the Returns page: the one interview waiting, Send now and the PIN. The
    tablet's bar is returned, for what it says next."""
    page.goto("/returns")
    bar = page.locator("#tablet-bar")
    bar.get_by_text("1 interview on this tablet waiting to send").wait_for(timeout=30_000)
    bar.get_by_role("button", name="Send now").click()
    page.get_by_label("PIN", exact=True).fill(PIN)
    page.get_by_role("button", name="Continue").click()
    return bar


def send_from_returns(page) -> None:
    """Back online, on the Returns page: Send now, PIN, and wait until the server has it."""
    bar = send_with_pin(page)
    bar.get_by_text("Sent 1 item. The server has everything.").wait_for(timeout=60_000)


def interviews_for(live_app, episode_id: int) -> list[Interview]:
    with live_app.app_context():
        episode = db.session.get(Episode, episode_id)
        found = list(episode.interviews)
        for interview in found:
            _ = interview.content, interview.contact_attempts  # load before the session ends
        return found


def pass_server_time(live_app, seconds: int, email: str = "worker@example.org") -> None:
    """As if `seconds` went by on the server with nothing sent: the person's sessions were last
    seen (and made) that much earlier."""
    with live_app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == email))
        for row in db.session.scalars(select(UserSession).where(UserSession.user_id == user_id)):
            row.last_seen_at -= timedelta(seconds=seconds)
            row.created_at -= timedelta(seconds=seconds)
        db.session.commit()
