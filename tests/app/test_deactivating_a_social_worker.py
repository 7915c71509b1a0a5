"""Deactivating a social worker who still holds children or unread summaries says so, and
leads to the hand-over beside their name (readers probe, finding 4: the administrator was told
only "… is deactivated." while 13 children, 2 unread summaries and 4 open actions stayed with
an account no one could sign in to)."""

from __future__ import annotations

import html

from tests.app.helpers import page_text
from tests.conftest import Web

STILL = "is still the social worker of children, or has summaries in their inbox no one has read"


def _deactivate(app, world, who: str):
    admin = Web(app.test_client())
    admin.sign_in(world.emails["admin"])
    return admin.post(f"/admin/users/{world.users[who]}/active", page="/admin/users")


def test_the_words_are_said_and_only_when_there_is_something_to_hand_over(app, world):
    admin = Web(app.test_client())
    admin.sign_in(world.emails["admin"])
    said = admin.post(
        f"/admin/users/{world.users['social_worker']}/active", page="/admin/users", follow=True
    )
    text = html.unescape(page_text(said.get_data(as_text=True)))
    assert "Social Worker is deactivated." in text
    assert f"Social Worker {STILL}" in text and "Hand over their children" in text
    # Someone with nothing to hand over: only that they are deactivated.
    quiet = admin.post(
        f"/admin/users/{world.users['manager_b']}/active",
        page="/admin/users",
        follow=True,
    )
    text = html.unescape(page_text(quiet.get_data(as_text=True)))
    assert "Manager B is deactivated." in text and STILL not in text
