"""Production behind a proxy: ProxyFix (RHI_TRUSTED_PROXIES), the Origin check for every change
(rhi/origin_check.py, RHI_ALLOWED_ORIGINS), and the CSRF check's HTTPS Referer rule still on.

The test client speaks plain HTTP to the app, as gunicorn does behind nginx; the proxy's
X-Forwarded-* headers say the browser used https://rhi.council.gov.uk.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from rhi.config import ConfigError, load_settings, normalise_origin
from rhi.extensions import db
from rhi.models import AuditEvent
from tests.conftest import csrf_from, database_url, make_test_app
from tests.world import PASSWORD, World, build_world

PUBLIC = "https://rhi.council.gov.uk"
# As README's nginx example sends them (port 443 included, as nginx and load balancers do).
PROXY = {
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "rhi.council.gov.uk",
    "X-Forwarded-Port": "443",
    "X-Forwarded-For": "203.0.113.7",
}
SAME_SITE = {"Origin": PUBLIC, "Referer": f"{PUBLIC}/sign-in"}


@pytest.fixture
def make_app(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[..., tuple[Flask, World]]]:
    """An app with the given settings (as production would set its cookie), and its world."""
    made: list[Flask] = []

    def make(**overrides: object) -> tuple[Flask, World]:
        settings = {"SESSION_COOKIE_NAME": "__Host-rhi", "SESSION_COOKIE_SECURE": True, **overrides}
        app = make_test_app(database_url(backend, tmp_path, request), tmp_path, **settings)
        with app.app_context():
            db.drop_all()
            db.create_all()
            world = build_world()
        made.append(app)
        return app, world

    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


def sign_in(client: FlaskClient, email: str, headers: dict[str, str]):
    """Sign in as a browser would through the proxy: the form's token, then the POST."""
    page = client.get("/sign-in", headers=PROXY).get_data(as_text=True)
    return client.post(
        "/sign-in",
        headers={**PROXY, **headers},
        data={"csrf_token": csrf_from(page), "email": email, "password": PASSWORD},
    )


def test_behind_a_trusted_proxy_a_same_origin_sign_in_works(make_app):
    app, world = make_app(RHI_TRUSTED_PROXIES=1)
    client = app.test_client()
    response = sign_in(client, world.emails["worker_a"], SAME_SITE)
    assert response.status_code == 302, response.get_data(as_text=True)
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if "__Host-rhi=" in h)
    assert "Secure" in cookie and "HttpOnly" in cookie and "Path=/" in cookie
    assert "Domain" not in cookie  # a __Host- cookie may not name a domain
    returns = client.get("/returns", headers=PROXY)
    assert returns.status_code == 200
    assert returns.headers["Referrer-Policy"] == "same-origin"
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sign_in"))
    # ProxyFix: the audit trail (and the rate limits) see the browser's address, not the proxy's.
    assert event is not None and event.ip_address == "203.0.113.7"


def test_behind_a_trusted_proxy_a_foreign_origin_is_refused_even_with_a_valid_token(make_app):
    app, world = make_app(RHI_TRUSTED_PROXIES=1)
    client = app.test_client()
    response = sign_in(
        client,
        world.emails["worker_a"],
        {"Origin": "https://evil.example", "Referer": f"{PUBLIC}/sign-in"},
    )
    assert response.status_code == 403
    assert "This request came from another site" in response.get_data(as_text=True)
    assert client.get("/returns", headers=PROXY).status_code == 302  # not signed in


@pytest.mark.parametrize(
    "origin",
    [
        "null",
        "http://rhi.council.gov.uk",
        "https://rhi.council.gov.uk.evil.example",
        "https://rhi.council.gov.uk:8443",
        "not an origin",
    ],
)
def test_an_origin_that_is_not_exactly_ours_is_refused(make_app, origin):
    app, world = make_app(RHI_TRUSTED_PROXIES=1)
    response = sign_in(
        app.test_client(),
        world.emails["worker_a"],
        {"Origin": origin, "Referer": f"{PUBLIC}/sign-in"},
    )
    assert response.status_code == 403


def test_no_origin_header_goes_on_to_the_csrf_check(make_app):
    app, world = make_app(RHI_TRUSTED_PROXIES=1)
    with_referer = sign_in(
        app.test_client(), world.emails["worker_a"], {"Referer": f"{PUBLIC}/sign-in"}
    )
    assert with_referer.status_code == 302
    # Over HTTPS the CSRF check still wants a same-origin Referer (WTF_CSRF_SSL_STRICT).
    without = sign_in(app.test_client(), world.emails["worker_a"], {"Origin": PUBLIC})
    assert without.status_code == 400
    assert "The page had expired" in without.get_data(as_text=True)


def test_a_foreign_origin_gets_json_under_sync(make_app):
    app, world = make_app(RHI_TRUSTED_PROXIES=1)
    client = app.test_client()
    assert sign_in(client, world.emails["worker_a"], SAME_SITE).status_code == 302
    token = client.get("/sync/v1/session", headers=PROXY).get_json()["csrf_token"]
    headers = {
        **PROXY,
        "Content-Type": "application/json",
        "X-CSRFToken": token,
        "Idempotency-Key": "origin-test-1",
        "Referer": f"{PUBLIC}/returns",
    }
    body = json.dumps({"items": []})
    refused = client.post(
        "/sync/v1/interviews", data=body, headers={**headers, "Origin": "https://evil.example"}
    )
    assert refused.status_code == 403
    assert refused.get_json()["error"] == "origin"
    assert refused.get_json()["message"]
    # The same request from rhi's own page goes through the origin check to the API itself.
    ours = client.post("/sync/v1/interviews", data=body, headers={**headers, "Origin": PUBLIC})
    assert ours.status_code != 403 and ours.get_json().get("error") != "origin"


def test_a_foreign_origin_on_a_read_is_not_refused(make_app):
    app, _ = make_app(RHI_TRUSTED_PROXIES=1)
    response = app.test_client().get(
        "/sign-in", headers={**PROXY, "Origin": "https://evil.example"}
    )
    assert response.status_code == 200


def test_without_trusted_proxies_the_forwarded_headers_are_ignored(make_app):
    app, world = make_app()  # RHI_TRUSTED_PROXIES defaults to 0
    assert app.config["RHI_TRUSTED_PROXIES"] == 0
    # The app believes it is http://localhost, so the browser's public origin is foreign.
    response = sign_in(app.test_client(), world.emails["worker_a"], SAME_SITE)
    assert response.status_code == 403


def test_allowed_origins_replace_the_requests_own(make_app):
    app, world = make_app(RHI_ALLOWED_ORIGINS=(PUBLIC,))
    # No ProxyFix: plain HTTP to the app, the public origin named in the setting.
    ok = sign_in(app.test_client(), world.emails["worker_a"], {"Origin": PUBLIC})
    assert ok.status_code == 302
    own = sign_in(app.test_client(), world.emails["worker_a"], {"Origin": "http://localhost"})
    assert own.status_code == 403  # once listed, only the listed origins count


def test_origin_settings_are_read_and_checked(tmp_path):
    settings = load_settings(
        tmp_path,
        {
            "RHI_TRUSTED_PROXIES": "2",
            "RHI_ALLOWED_ORIGINS": " https://RHI.council.gov.uk/ , https://x.example:443,"
            "http://127.0.0.1:8000",
        },
    )
    assert settings["RHI_TRUSTED_PROXIES"] == 2
    assert settings["RHI_ALLOWED_ORIGINS"] == (
        "https://rhi.council.gov.uk",
        "https://x.example",
        "http://127.0.0.1:8000",
    )
    defaults = load_settings(tmp_path, {})
    assert defaults["RHI_TRUSTED_PROXIES"] == 0 and defaults["RHI_ALLOWED_ORIGINS"] == ()
    for bad in (
        {"RHI_TRUSTED_PROXIES": "-1"},
        {"RHI_TRUSTED_PROXIES": "nginx"},
        {"RHI_ALLOWED_ORIGINS": "rhi.council.gov.uk"},
        {"RHI_ALLOWED_ORIGINS": "https://rhi.council.gov.uk/path"},
    ):
        with pytest.raises(ConfigError):
            load_settings(tmp_path, bad)


@pytest.mark.parametrize(
    ("raw", "origin"),
    [
        ("https://rhi.council.gov.uk", "https://rhi.council.gov.uk"),
        ("HTTPS://RHI.Council.gov.uk:443", "https://rhi.council.gov.uk"),
        ("http://127.0.0.1:80", "http://127.0.0.1"),
        ("https://[::1]:8443", "https://[::1]:8443"),
        ("null", None),
        ("", None),
        ("ftp://x.example", None),
        ("https://", None),
        ("https://x.example:99999", None),
        ("https://user@x.example", None),
        ("https://x.example/?q=1", None),
    ],
)
def test_normalise_origin(raw, origin):
    assert normalise_origin(raw) == origin
