"""Signing in leads back to the page the person asked for (session 28's note: after the idle
sign-out, "Sign in" reloads the interview, and signing in again used to land on Returns). Only
rhi's own pages a browser can open are followed; anything else leads home."""

from __future__ import annotations

import time
from urllib.parse import quote

import pyotp
from flask import Flask

from rhi.auth import second_factor
from rhi.extensions import db
from rhi.models import User
from rhi.models.base import utcnow
from tests.conftest import Web, csrf_from
from tests.world import PASSWORD, World

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _sign_in_from(web: Web, address: str, email: str):
    """Follow the redirect a signed-out browser is given, then sign in on that page."""
    page = web.client.get(address)
    assert page.status_code == 302
    sign_in_page = page.headers["Location"]
    assert sign_in_page.startswith("/sign-in?next=")
    html = web.client.get(sign_in_page).get_data(as_text=True)
    token = csrf_from(html)
    return html, web.client.post(
        "/sign-in",
        data={
            "csrf_token": token,
            "email": email,
            "password": PASSWORD,
            "next": _hidden_next(html),
        },
    )


def _hidden_next(html: str) -> str:
    start = html.index('name="next"')
    tag = html[html.rindex("<input", 0, start) : html.index(">", start)]
    value = tag.split('value="', 1)[1].split('"', 1)[0] if 'value="' in tag else ""
    return value.replace("&amp;", "&")


def test_signing_in_leads_to_the_page_asked_for(app: Flask, world: World) -> None:
    child = f"/children/{world.children['a']}"
    web = Web(app.test_client())
    html, signed_in = _sign_in_from(web, child + "?tab=episodes", world.emails["worker_a"])
    assert _hidden_next(html) == child + "?tab=episodes"
    assert signed_in.status_code == 302
    assert signed_in.headers["Location"] == child + "?tab=episodes"
    assert web.client.get(child).status_code == 200


def test_a_wrong_password_keeps_the_page_asked_for(app: Flask, world: World) -> None:
    child = f"/children/{world.children['a']}"
    web = Web(app.test_client())
    html = web.client.get("/sign-in?next=" + quote(child)).get_data(as_text=True)
    wrong = web.client.post(
        "/sign-in",
        data={
            "csrf_token": csrf_from(html),
            "email": world.emails["worker_a"],
            "password": "not the password at all",
            "next": child,
        },
    )
    assert wrong.status_code == 401
    again = wrong.get_data(as_text=True)
    assert _hidden_next(again) == child
    right = web.client.post(
        "/sign-in",
        data={
            "csrf_token": csrf_from(again),
            "email": world.emails["worker_a"],
            "password": PASSWORD,
            "next": _hidden_next(again),
        },
    )
    assert right.headers["Location"] == child


def test_anything_but_one_of_rhis_own_pages_leads_home(app: Flask, world: World) -> None:
    child = world.children["a"]
    refused = [
        "https://elsewhere.example/phish",
        "//elsewhere.example/phish",
        "/\\elsewhere.example",
        "javascript:alert(1)",
        "/sign-out",  # a form's address, not a page
        f"/children/{child}/words",  # POST only
        "/sign-in",  # not round again
        "/confirm",
        "/no/such/page",
        "",
    ]
    for target in refused:
        web = Web(app.test_client())
        html = web.client.get("/sign-in?next=" + quote(target, safe="")).get_data(as_text=True)
        assert _hidden_next(html) == "/", target
        # Sent straight in the form (not from the page), it is checked again.
        signed_in = web.client.post(
            "/sign-in",
            data={
                "csrf_token": csrf_from(html),
                "email": world.emails["worker_a"],
                "password": PASSWORD,
                "next": target,
            },
        )
        assert signed_in.headers["Location"] == "/", target


def test_with_a_second_factor_the_code_step_leads_to_the_page(app: Flask, world: World) -> None:
    with app.app_context():
        user = db.session.get(User, world.users["manager_a"])
        second_factor.switch_on(user, SECRET, pyotp.TOTP(SECRET).now(), utcnow())
        user.totp_last_step = None
        db.session.commit()
    child = f"/children/{world.children['a']}"
    web = Web(app.test_client())
    _html, first = _sign_in_from(web, child, world.emails["manager_a"])
    assert first.headers["Location"] == "/sign-in/code"
    code_page = web.client.get("/sign-in/code").get_data(as_text=True)
    right = web.client.post(
        "/sign-in/code",
        data={"csrf_token": csrf_from(code_page), "code": pyotp.TOTP(SECRET).at(time.time())},
    )
    assert right.status_code == 302 and right.headers["Location"] == child
