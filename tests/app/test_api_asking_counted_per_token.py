"""The API's per-token rate limit and a token's day of checks of other teams' records cannot be
got round (rhi/episodes/api.py _caller; rhi/children/kept_elsewhere.py Asking): a review
(rev37) escaped the first by writing the header another way, and the second by sending a
signed-in session with the token. Ada Alpha, born 01/05/2011, is kept by the Care team."""

from __future__ import annotations

import pytest

from tests.app.asking import LIMIT, URL, api_item, dry_run_code
from tests.app.test_import_api import make_token
from tests.conftest import Web

pytestmark = pytest.mark.usefixtures("small_asking_limit")


def test_the_rate_limit_is_not_escaped_by_spelling_the_authorization_header_again(app, world):
    """One token, one count: 'bearer T' and 'Bearer  T' are the same token to `_token`, but
    `_caller` hashes the whole header, so each spelling gets a fresh 30 a minute."""
    app.config["RHI_API_RATE_LIMIT"] = "2 per minute"
    token = make_token(Web(app.test_client()), world, team="RHI B")
    body = {"dry_run": True, "notifications": []}
    client = app.test_client()
    for _ in range(2):
        assert (
            client.post(URL, json=body, headers={"Authorization": f"Bearer {token}"}).status_code
            == 200
        )
    assert (
        client.post(URL, json=body, headers={"Authorization": f"Bearer {token}"}).status_code == 429
    )
    for spelling in (f"bearer {token}", f"BEARER {token}", f"Bearer  {token}", f"Bearer {token} "):
        answer = client.post(URL, json=body, headers={"Authorization": spelling})
        assert answer.status_code == 429, f"{spelling!r} answered {answer.status_code}"


def test_a_tokens_dry_runs_are_counted_when_sent_with_a_signed_in_session(app, world):
    """The token's team may ask about LIMIT children a day. Sent from a client that also holds
    a signed-in session (the admin who made the token), audit.record puts the session's user on
    each check row, and `Asking.start` for a token counts only rows with no user: the day's
    checks are never used up, and the dry run keeps telling whether the Care team keeps Ada."""
    admin = Web(app.test_client())
    token = make_token(admin, world, team="RHI B")  # admin stays signed in on admin.client

    def dry_run(reference: str, born: str, first: str = "Ada") -> str:
        return dry_run_code(admin.client, token, api_item(reference, born, first))

    for n in range(LIMIT + 3):  # more children than the day allows, none kept by anyone
        dry_run(f"S-{n}", f"01/05/20{n + 12}", first=f"Eve{chr(97 + n)}")
    # Past the day's checks: a child another team keeps must answer as one no team keeps.
    kept = dry_run("S-ADA", "02/05/2011")
    nobody = dry_run("S-ZED", "01/05/2019", first="Zed")
    assert kept == nobody, f"still told: kept={kept!r}, nobody={nobody!r}"


def test_control_the_same_dry_runs_without_a_session_are_limited(app, world):
    """The control for the test above: the same requests from a client with no session."""
    token = make_token(Web(app.test_client()), world, team="RHI B")
    client = app.test_client()

    def dry_run(reference: str, born: str, first: str = "Ada") -> str:
        return dry_run_code(client, token, api_item(reference, born, first))

    for n in range(LIMIT + 3):
        dry_run(f"S-{n}", f"01/05/20{n + 12}", first=f"Eve{chr(97 + n)}")
    assert dry_run("S-ADA", "02/05/2011") == dry_run("S-ZED", "01/05/2019", first="Zed")
