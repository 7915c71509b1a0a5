"""A person sets up the second factor in Chromium, keeps the recovery codes, then signs in with
a code; every page on the way passes axe."""

from __future__ import annotations

import time

import pyotp
import pytest
from sqlalchemy import select

from rhi.extensions import db
from rhi.models import User
from rhi.passwords import hash_password
from tests.browser.helpers import serious_violations

pytestmark = pytest.mark.browser

EMAIL = "second.factor.person@example.org"
PASSWORD = "lamp, harbour and seven gulls"


def _sign_in(page) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_setting_up_and_signing_in_with_a_code(page, live_app):
    with live_app.app_context():
        if db.session.scalar(select(User.id).where(User.email == EMAIL)) is None:
            db.session.add(
                User(
                    email=EMAIL,
                    name="Ysolde Codekeeper",
                    role="worker",
                    password_hash=hash_password(PASSWORD),
                )
            )
            db.session.commit()
    _sign_in(page)
    page.wait_for_url("**/returns")
    page.goto("/account")
    assert serious_violations(page) == []
    page.get_by_role("link", name="Set up a second factor").click()
    page.wait_for_url("**/account/second-factor")
    assert serious_violations(page) == []
    secret = page.locator("#second-factor-key").inner_text().replace(" ", "")
    page.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Check the code and switch it on").click()
    page.get_by_role("heading", name="Keep these recovery codes").wait_for()
    assert page.locator(".recovery-codes li").count() == 8
    assert serious_violations(page) == []

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign-in")
    _sign_in(page)
    page.wait_for_url("**/sign-in/code")
    assert page.get_by_role("heading", level=1).inner_text() == "Type the code from your app"
    assert serious_violations(page) == []
    page.get_by_label("Code").fill(pyotp.TOTP(secret).at(time.time() + 30))  # a new step
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/returns")
    assert page.console_errors == []
