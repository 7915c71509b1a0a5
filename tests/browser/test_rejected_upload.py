"""An interview the server refuses as it stands (`rejected`, `drop: false`) stays on the tablet,
is said to be not sent, and is not sent again until it changes; a passing failure of the server
is still tried again.

Real Chromium, a real server on localhost, `context.set_offline(True)` cutting the page off.
"""

from __future__ import annotations

import json

import pytest

from rhi.extensions import db
from rhi.models import Episode
from tests.browser.helpers import (
    BAR,
    DRAFTS,
    PIN,
    STORE,
    interviews_for,
    send_with_pin,
    until,
    written_offline,
)

pytestmark = pytest.mark.browser

UPLOADS = "/sync/v1/interviews"
NOT_BACK = "An interview can only be recorded once the child is back"


def set_returned(live_app, episode_id: int, returned_at):
    """Edit the server's record of the return; gives back what it was."""
    with live_app.app_context():
        episode = db.session.get(Episode, episode_id)
        before, episode.returned_at = episode.returned_at, returned_at
        db.session.commit()
        return before


def count_uploads(tablet) -> list[str]:
    posts: list[str] = []
    tablet.on(
        "request",
        lambda r: (
            posts.append(r.post_data or "")
            if r.method == "POST" and r.url.endswith(UPLOADS)
            else None
        ),
    )
    return posts


def send_and_wait(tablet, text: str, *, click: bool = True) -> None:
    """One more send (Send now, or the minute's timer), waited for until the bar says `text`."""
    bar = tablet.locator("#tablet-bar")
    tablet.evaluate(
        "() => { document.querySelector('#tablet-bar [data-message]').textContent = ''; }"
    )
    if click:
        bar.get_by_role("button", name="Send now").click()
    else:
        tablet.evaluate(f"async () => {BAR}.sendNow(false)")  # what the timer calls
    bar.get_by_text(text).wait_for(timeout=30_000)


def test_an_interview_refused_as_it_stands_is_kept_and_not_sent_again_until_changed(
    page, live_app, new_return
):
    episode_id = new_return("Tamsin")
    tablet, uuid = written_offline(page, "Tamsin")
    # Meanwhile the return was found to be recorded in error: on the server the child is not
    # back, and the upload API refuses an interview for an episode with no return (rhi/sync).
    returned_at = set_returned(live_app, episode_id, None)

    posts = count_uploads(tablet)
    bar = send_with_pin(tablet)
    bar.get_by_text(f"Not sent (Tamsin Testchild): {NOT_BACK}").wait_for(timeout=30_000)
    assert len(posts) == 1
    assert interviews_for(live_app, episode_id) == []

    # Kept on the tablet, still counted as waiting, and marked as refused.
    until(tablet, f"async () => (await {STORE}.ids()).some((r) => r.id === 'draft:{uuid}')")
    bar.get_by_text("1 interview on this tablet waiting to send").wait_for()
    bar.get_by_text("not sent, the server did not accept it").wait_for()

    # The next sends (Send now, twice, and the minute's timer) send nothing, and say why again.
    send_and_wait(tablet, f"Not sent (Tamsin Testchild): {NOT_BACK}")
    send_and_wait(tablet, f"Not sent (Tamsin Testchild): {NOT_BACK}")
    send_and_wait(tablet, f"Not sent (Tamsin Testchild): {NOT_BACK}", click=False)
    assert len(posts) == 1
    words = tablet.evaluate(
        f"async () => (await {STORE}.get('draft:{uuid}')).content.sections.away.text"
    )
    assert words == "I stayed with a friend in Hull."

    # Once the return is right on the server and the worker changes the interview, it goes.
    set_returned(live_app, episode_id, returned_at)
    tablet.evaluate(
        f"""async (uuid) => {DRAFTS}.changeDraft(uuid, null, (d) => {{
        d.content.sections.help.text = "Someone to talk to."; }})""",
        uuid,
    )
    send_and_wait(tablet, "Sent 1 item. The server has everything.")
    assert len(posts) == 2
    [interview] = interviews_for(live_app, episode_id)
    assert interview.content["sections"]["away"]["text"] == "I stayed with a friend in Hull."
    assert interview.content["sections"]["help"]["text"] == "Someone to talk to."
    bar.get_by_text("Nothing waiting to send").wait_for()
    assert not [
        r
        for r in tablet.evaluate(f"async () => {STORE}.ids()")
        if r["id"].startswith(("draft:", "held:"))
    ]


def test_a_passing_failure_of_the_server_is_tried_again(page, live_app, new_return):
    episode_id = new_return("Orla")
    tablet, uuid = written_offline(page, "Orla")
    tries: list[str] = []

    def failing_once(route) -> None:
        tries.append(route.request.headers.get("idempotency-key", ""))
        if len(tries) > 1:
            route.continue_()
            return
        # What the upload API (rhi/sync, apply_item) answers when it failed on one item.
        [item] = json.loads(route.request.post_data or "{}")["items"]
        route.fulfill(
            status=200,
            content_type="application/json",
            body=json.dumps(
                {
                    "results": [
                        {
                            "uuid": item["uuid"],
                            "outcome": "rejected",
                            "drop": False,
                            "try_again": True,
                            "messages": [
                                "The server could not save this just now. It stays on the "
                                "tablet and will be sent again."
                            ],
                        }
                    ]
                }
            ),
        )

    tablet.route(f"**{UPLOADS}", failing_once)
    tablet.goto("/returns")
    bar = tablet.locator("#tablet-bar")
    bar.get_by_role("button", name="Send now").click()
    tablet.get_by_label("PIN", exact=True).fill(PIN)
    tablet.get_by_role("button", name="Continue").click()
    bar.get_by_text("Not sent (Orla Testchild): The server could not save this just now.").wait_for(
        timeout=30_000
    )
    assert not [
        r for r in tablet.evaluate(f"async () => {STORE}.ids()") if r["id"].startswith("held:")
    ]
    send_and_wait(tablet, "Sent 1 item. The server has everything.")
    assert len(tries) == 2
    [interview] = interviews_for(live_app, episode_id)
    assert interview.uuid == uuid
    assert interview.content["sections"]["away"]["text"] == "I stayed with a friend in Hull."
