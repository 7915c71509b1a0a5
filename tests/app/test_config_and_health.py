"""Start-up rules, the embedded database's durability, health, headers and error pages."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from rhi import create_app
from rhi.config import ConfigError, load_settings
from rhi.extensions import db


def test_production_refuses_to_start_without_a_real_secret_key(tmp_path):
    with pytest.raises(ConfigError, match="RHI_SECRET_KEY must be set"):
        load_settings(tmp_path, {"RHI_ENV": "production"})
    with pytest.raises(ConfigError, match="placeholder"):
        load_settings(
            tmp_path,
            {"RHI_ENV": "production", "RHI_SECRET_KEY": "change-me-change-me-change-me-change-me"},
        )


def test_production_refuses_debug(tmp_path):
    with pytest.raises(ConfigError, match="RHI_DEBUG is on"):
        load_settings(
            tmp_path, {"RHI_ENV": "production", "RHI_DEBUG": "1", "RHI_SECRET_KEY": "x" * 40}
        )


def test_production_cookie_is_secure_and_host_prefixed(tmp_path):
    settings = load_settings(
        tmp_path,
        {
            "RHI_ENV": "production",
            "RHI_SECRET_KEY": "k" * 40,
            "RHI_DATABASE_URL": "postgresql+psycopg://db/rhi",
        },
    )
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_NAME"] == "__Host-rhi"
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://db/rhi"


def test_bad_number_setting_is_named(tmp_path):
    with pytest.raises(ConfigError, match="RHI_IDLE_TIMEOUT_MINUTES"):
        load_settings(tmp_path, {"RHI_IDLE_TIMEOUT_MINUTES": "half an hour"})


def test_sqlite_runs_in_wal_with_full_sync(tmp_path):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'd.sqlite3'}", "SECRET_KEY": "t" * 40}
    )
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL


def test_healthz_says_the_database_answers(client, world):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": True}


def test_pages_carry_strict_headers(client):
    response = client.get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "same-origin"  # a Referer to rhi only
    assert "<script>" not in response.get_data(as_text=True)  # no inline scripts


def test_errors_show_no_stack_trace(app, client, world):
    @app.route("/boom")
    def boom():  # pragma: no cover - called below
        raise RuntimeError("secret internals")

    response = client.get("/boom")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Sorry, something went wrong on our side" in html
    assert "secret internals" not in html and "Traceback" not in html


def test_if_the_audit_row_cannot_be_written_the_change_fails(app, web, monkeypatch):
    """Audit rows share the change's transaction: no audit, no change."""
    from rhi import audit
    from rhi.models import Interview

    real_record = audit.record
    from tests.world import build_world

    with app.app_context():
        world = build_world(with_interviews=True)

    def broken(action, **kwargs):
        event = real_record(action, **kwargs)
        event.action = None  # NOT NULL: the commit will fail
        return event

    web.sign_in(world.emails["worker_a"])
    monkeypatch.setattr(audit, "record", broken)
    url = f"/episodes/{world.episodes['a']}"
    response = web.post(
        url + "/offer", {"offered_at": "2026-11-23T11:00", "method": "phone"}, page="/returns"
    )
    assert response.status_code == 500
    with app.app_context():
        interview = db.session.scalar(
            select(Interview).where(Interview.uuid == world.interviews["a"])
        )
        assert interview.status == "in_progress"  # the offer was not saved without its audit
        assert interview.offered_at is None
