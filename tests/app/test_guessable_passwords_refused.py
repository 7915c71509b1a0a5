"""Changing a password, a reset link and `flask rhi create-user` refuse a keyboard walk, a
look-alike of a listed word and the README's demo password, with the reason next to the field
(security probe sec38, finding 3: each was accepted)."""

from __future__ import annotations

import html

from rhi.demo import DEMO_PASSWORD
from rhi.passwords import COMMON, KEYBOARD
from tests.app.test_common_passwords import GOOD, _error_next_to
from tests.conftest import Web
from tests.world import PASSWORD


def test_changing_a_password_refuses_walks_look_alikes_and_the_demo_password(app, world):
    web = Web(app.test_client())
    web.sign_in(world.emails["worker_a"])
    page = "/account/password"
    for password, said in (
        ("!QAZ2wsx#EDC", KEYBOARD),
        ("Pa$$w0rd1234", COMMON),
        (DEMO_PASSWORD, COMMON),
    ):
        refused = web.post(
            page, {"current": PASSWORD, "password": password, "again": password}, page=page
        )
        assert refused.status_code == 422, password
        assert said in html.unescape(_error_next_to(refused.get_data(as_text=True), "password"))
    done = web.post(page, {"current": PASSWORD, "password": GOOD, "again": GOOD}, page=page)
    assert done.status_code == 302


def test_the_command_line_refuses_the_demo_password(app):
    result = app.test_cli_runner().invoke(
        args=[
            "rhi",
            "create-user",
            "--email",
            "lee@test.example.org",
            "--name",
            "Lee Example",
            "--role",
            "admin",
            "--password",
            DEMO_PASSWORD,
        ],
    )
    assert result.exit_code != 0
    assert "often guessed" in result.output


def test_a_password_too_long_is_told_so_once(app, world):
    """Past the longest a form takes, the form's limit and the password check both said it was
    too long, in two messages (rev38b)."""
    web = Web(app.test_client())
    web.sign_in(world.emails["worker_a"])
    page = "/account/password"
    long = "a river stone " * 100  # 1,400 characters
    refused = web.post(page, {"current": PASSWORD, "password": long, "again": long}, page=page)
    assert refused.status_code == 422
    said = html.unescape(_error_next_to(refused.get_data(as_text=True), "password"))
    assert said.count("too long") + said.count("at most") == 1, said
