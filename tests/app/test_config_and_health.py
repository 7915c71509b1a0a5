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
            tmp_path,
            {
                "RHI_ENV": "production",
                "RHI_DEBUG": "1",
                "RHI_SECRET_KEY": "5c1e9a7f3b2d8e4a6f0c9b1d7e3a5f2c8b4d6e0a",
            },
        )


def test_production_cookie_is_secure_and_host_prefixed(tmp_path):
    settings = load_settings(
        tmp_path,
        {
            "RHI_ENV": "production",
            "RHI_SECRET_KEY": "5c1e9a7f3b2d8e4a6f0c9b1d7e3a5f2c8b4d6e0a",
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


PRODUCTION = {"RHI_ENV": "production", "RHI_SECRET_KEY": "5c1e9a7f3b2d8e4a6f0c9b1d7e3a5f2c8b4d6e0a"}


def test_settings_not_quite_right_are_refused_not_taken_quietly(tmp_path):
    """An ops probe: a misspelt RHI_ENV ran the development setup, a key of one letter over and
    over was taken, `flask run --debug` ran the debugger's console in production, and ages
    for the retention schedule were read with no range (5 made every record due) or silently
    replaced by the default when not a number."""
    with pytest.raises(ConfigError, match="RHI_ENV must be production or development, not 'prod'"):
        load_settings(tmp_path, {**PRODUCTION, "RHI_ENV": "prod"})
    with pytest.raises(ConfigError, match="RHI_SECRET_KEY repeats a few characters"):
        load_settings(tmp_path, {**PRODUCTION, "RHI_SECRET_KEY": "a" * 32})
    with pytest.raises(ConfigError, match="FLASK_DEBUG is on with RHI_ENV=production"):
        load_settings(tmp_path, {**PRODUCTION, "FLASK_DEBUG": "1"})
    assert load_settings(tmp_path, {**PRODUCTION, "FLASK_DEBUG": "0"})["RHI_ENV"] == "production"
    with pytest.raises(ConfigError, match="RHI_RETAIN_OTHER_TO_AGE must be a whole number"):
        load_settings(tmp_path, {"RHI_RETAIN_OTHER_TO_AGE": "twenty-five"})
    with pytest.raises(ConfigError, match="RHI_IDLE_TIMEOUT_MINUTES must be at least 1, not 0"):
        load_settings(tmp_path, {"RHI_IDLE_TIMEOUT_MINUTES": "0"})


def test_settings_an_administrator_may_change_keep_the_pages_range(tmp_path, monkeypatch):
    from rhi import create_app

    monkeypatch.setenv("RHI_DATABASE_URL", f"sqlite:///{tmp_path / 'r.sqlite3'}")
    for name, value, said in (
        ("RHI_RETAIN_OTHER_TO_AGE", "5", "from 18 to 120"),
        ("RHI_RETAIN_LOOKED_AFTER_TO_AGE", "6", "from 25 to 120"),
        ("RHI_DEADLINE_HOURS", "0", "from 1 to 168"),
    ):
        monkeypatch.setenv(name, value)
        with pytest.raises(ConfigError, match=f"{name} must be {said} .*, not {value}"):
            create_app()
        monkeypatch.delenv(name)
    monkeypatch.setenv("RHI_RETAIN_OTHER_TO_AGE", "30")
    assert create_app().config["RHI_RETAIN_OTHER_TO_AGE"] == 30
