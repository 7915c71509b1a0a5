"""A new password may not be a few characters repeated, nor hold the person's own name or
email address (security probe, finding 4: "aaaaaaaaaaaa" and the person's email address were
accepted), wherever a new password is chosen; said next to the field."""

from __future__ import annotations

import html
import re

import pytest

from rhi.passwords import ABOUT_THEM, ABOUT_YOU, FEW_CHARACTERS, password_problem
from tests.app.test_common_passwords import GOOD, _error_next_to
from tests.conftest import Web
from tests.world import PASSWORD


@pytest.mark.parametrize(
    "password", ["aaaaaaaaaaaa", "abababababab", "zzzzyyyyxxxx", "xyzXYZxyzxyz", "!!!!!!!!!!!!"]
)
def test_a_few_characters_repeated_are_refused(password):
    assert password_problem(password) == FEW_CHARACTERS


@pytest.mark.parametrize(
    "password",
    [
        "noor.khan@test.example.org",
        "NoorKhan-2026-blue",
        "my name is khan forever",
        "noor.khan!!2026",
    ],
)
def test_the_persons_own_name_or_email_is_refused(password):
    about = ("noor.khan@test.example.org", "Noor Khan")
    assert password_problem(password, about) == ABOUT_YOU


def test_good_passwords_still_pass():
    about = ("noor.khan@test.example.org", "Noor Khan")
    for password in (GOOD, "lighthouse kettle owl 17"):
        assert password_problem(password, about) is None, password
    # A name inside another word is not the name (a review: these were refused).
    for password, name in (
        ("along the river bank", "Mary Long"),
        ("forward thinking owl 7", "Jo Ward"),
        ("evergreen kettle lamp", "Sarah Green"),
    ):
        email = name.lower().replace(" ", ".") + "@test.example.org"
        assert password_problem(password, (email, name)) is None, password


def test_changing_ones_own_password_to_ones_email_is_refused(app, world):
    web = Web(app.test_client())
    web.sign_in(world.emails["worker_a"])
    page = "/account/password"
    mine = world.emails["worker_a"]  # worker_a@test.example.org
    for password, said in ((mine, ABOUT_YOU), ("aaaaaaaaaaaa", FEW_CHARACTERS)):
        refused = web.post(
            page, {"current": PASSWORD, "password": password, "again": password}, page=page
        )
        assert refused.status_code == 422
        assert said in _error_next_to(refused.get_data(as_text=True), "password")
    done = web.post(page, {"current": PASSWORD, "password": GOOD, "again": GOOD}, page=page)
    assert done.status_code == 302


def test_a_reset_link_and_a_new_user_refuse_the_persons_name(app, world):
    admin = Web(app.test_client())
    admin.sign_in(world.emails["admin"])
    issued = admin.post(
        f"/admin/users/{world.users['worker_b']}/reset-link", page="/admin/users"
    ).get_data(as_text=True)
    link = re.search(r"http://[^<\s]+(/reset/[A-Za-z0-9_\-]+)", issued).group(1)
    person = Web(app.test_client())
    name = "Worker B is here 2026"  # worker_b's name is "Worker B": "worker" is in it
    refused = person.post(link, {"password": name, "again": name}, page=link)
    assert refused.status_code == 422
    assert ABOUT_YOU in _error_next_to(refused.get_data(as_text=True), "password")

    form = {
        "name": "Noor Khan",
        "email": "noor.khan@test.example.org",
        "role": "worker",
        "team_id": "0",
        "password": "khan-lighthouse-kettle",
    }
    refused = admin.post("/admin/users", form, page="/admin/users")
    assert refused.status_code == 422
    assert ABOUT_THEM in html.unescape(_error_next_to(refused.get_data(as_text=True), "password"))


def test_the_command_line_refuses_the_persons_email(app):
    result = app.test_cli_runner().invoke(
        args=[
            "rhi",
            "create-user",
            "--email",
            "sam.oneill@test.example.org",
            "--name",
            "Sam O'Neill",
            "--role",
            "admin",
            "--password",
            "sam.oneill@test.example.org",
        ],
    )
    assert result.exit_code != 0
    assert "name or email address" in result.output
