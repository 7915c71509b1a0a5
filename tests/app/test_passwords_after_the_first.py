"""Passwords after the first (issue 13 item 8): a person changes their own; an administrator
issues a one-time link (shown once, expiring, single use); every change ends the person's other
sessions and is audited."""

from __future__ import annotations

import re
from datetime import timedelta

import time_machine
from sqlalchemy import select

from rhi.extensions import db
from rhi.models import AuditEvent, PasswordReset
from rhi.models.base import utcnow
from tests.conftest import Web

OLD = "correct horse battery staple"
NEW = "a kettle, two owls and a lighthouse"


def _actions(app, action: str) -> list[tuple[int | None, str]]:
    with app.app_context():
        return list(
            db.session.execute(
                select(AuditEvent.user_id, AuditEvent.outcome)
                .where(AuditEvent.action == action)
                .order_by(AuditEvent.id)
            )
        )


def test_a_person_changes_their_own_password_and_other_devices_are_signed_out(app, world):
    here, elsewhere = Web(app.test_client()), Web(app.test_client())
    email = world.emails["worker_a"]
    here.sign_in(email)
    elsewhere.sign_in(email)
    page = "/account/password"
    assert "Your account" in here.get("/returns").get_data(as_text=True)
    assert "Change your password" in here.get("/account").get_data(as_text=True)
    bad = here.post(
        page, {"current": "wrong one entirely", "password": NEW, "again": NEW}, page=page
    )
    assert bad.status_code == 422
    assert "That is not your current password." in bad.get_data(as_text=True)
    short = here.post(page, {"current": OLD, "password": "short", "again": "short"}, page=page)
    assert "Use at least 12 characters." in short.get_data(as_text=True)
    differ = here.post(page, {"current": OLD, "password": NEW, "again": NEW + "x"}, page=page)
    assert "The two passwords are not the same." in differ.get_data(as_text=True)

    done = here.post(page, {"current": OLD, "password": NEW, "again": NEW}, page=page, follow=True)
    assert "Your password is changed." in done.get_data(as_text=True)
    assert here.get("/returns").status_code == 200  # still signed in here
    same = here.post(page, {"current": NEW, "password": NEW, "again": NEW}, page=page)
    assert "Choose a password you have not been using." in same.get_data(as_text=True)
    assert elsewhere.get("/returns").status_code in (302, 401)  # signed out there
    again = Web(app.test_client())
    assert again.sign_in(email, OLD).status_code != 302  # the old password no longer works
    assert again.sign_in(email, NEW).status_code == 302
    assert _actions(app, "account.password") == [
        (world.users["worker_a"], "refused"),
        (world.users["worker_a"], "ok"),
    ]


def _link(admin: Web, user_id: int) -> str:
    html = admin.post(f"/admin/users/{user_id}/reset-link", page="/admin/users").get_data(
        as_text=True
    )
    (link,) = re.findall(r"http://[^<\s]+/reset/[A-Za-z0-9_\-]+", html)
    return link.split("localhost", 1)[-1]


def test_an_administrators_link_works_once_and_ends_the_persons_sessions(app, world):
    admin = Web(app.test_client())
    admin.sign_in(world.emails["admin"])
    signed_in = Web(app.test_client())
    signed_in.sign_in(world.emails["worker_a"])
    link = _link(admin, world.users["worker_a"])
    with app.app_context():
        (row,) = db.session.scalars(select(PasswordReset)).all()
        assert link.rsplit("/", 1)[1] not in row.token_hash  # only a digest is kept
    person = Web(app.test_client())
    assert f"For {world.emails['worker_a']}" in person.get(link).get_data(as_text=True)
    mismatch = person.post(link, {"password": NEW, "again": "something else"}, page=link)
    assert mismatch.status_code == 422
    assert "The two passwords are not the same." in mismatch.get_data(as_text=True)
    done = person.post(link, {"password": NEW, "again": NEW}, page=link, follow=True)
    assert "Your new password is set." in done.get_data(as_text=True)
    assert signed_in.get("/returns").status_code in (302, 401)
    assert person.sign_in(world.emails["worker_a"], NEW).status_code == 302
    # Used: it works no more, and says so.
    assert Web(app.test_client()).get(link).status_code == 410
    assert _actions(app, "account.reset_link") == [(world.users["admin"], "ok")]
    assert (world.users["worker_a"], "ok") in _actions(app, "account.reset")


def test_a_link_expires_and_a_newer_link_replaces_it(app, world):
    admin = Web(app.test_client())
    admin.sign_in(world.emails["admin"])
    first = _link(admin, world.users["worker_b"])
    second = _link(admin, world.users["worker_b"])
    person = Web(app.test_client())
    assert person.get(first).status_code == 410
    assert "no longer works" in person.get(first).get_data(as_text=True)
    assert person.get(second).status_code == 200
    with time_machine.travel(utcnow() + timedelta(hours=25)):
        assert person.get(second).status_code == 410


def test_only_an_administrator_makes_links(app, world):
    manager = Web(app.test_client())
    manager.sign_in(world.emails["manager_a"])
    refused = manager.post(f"/admin/users/{world.users['worker_a']}/reset-link", page="/returns")
    assert refused.status_code == 403
    assert Web(app.test_client()).get("/reset/not-a-real-token").status_code == 410
