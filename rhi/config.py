"""Settings from RHI_* environment variables, with safe defaults.

Everything the app reads from the environment is read here, once, so a reader can see every
setting in one file and a test can pass overrides instead of monkeypatching os.environ.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

DEFAULT_RISK_GRADES = "No apparent risk,Low,Medium,High"


class ConfigError(RuntimeError):
    """The app refuses to start, and says why."""


def _int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from exc


def _bool(env: dict[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _dev_secret_key(instance_path: Path) -> str:
    """A random key kept in instance/ so development sign-ins survive a restart."""
    instance_path.mkdir(parents=True, exist_ok=True)
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def load_settings(instance_path: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Flask config values built from the environment."""
    env = dict(os.environ if env is None else env)
    rhi_env = env.get("RHI_ENV", "development").strip().lower()
    production = rhi_env == "production"
    debug = _bool(env, "RHI_DEBUG", False)
    secret_key = env.get("RHI_SECRET_KEY", "")

    if production:
        if debug:
            raise ConfigError("RHI_DEBUG is on with RHI_ENV=production: debug mode shows code and "
                              "data to anyone who triggers an error. Turn RHI_DEBUG off.")
        if len(secret_key) < 32:
            raise ConfigError("RHI_SECRET_KEY must be set to a random value of at least 32 "
                              "characters when RHI_ENV=production (for example the output of "
                              "`python -c 'import secrets; print(secrets.token_hex(32))'`).")
        if "example" in secret_key.lower() or "change" in secret_key.lower():
            raise ConfigError("RHI_SECRET_KEY looks like a placeholder; set a random value.")
    elif not secret_key:
        secret_key = _dev_secret_key(instance_path)

    database_url = env.get("RHI_DATABASE_URL") or f"sqlite:///{instance_path / 'rhi.sqlite3'}"
    grades = [g.strip() for g in env.get("RHI_RISK_GRADES", DEFAULT_RISK_GRADES).split(",")]

    return {
        "RHI_ENV": rhi_env,
        "DEBUG": debug,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Session cookie: the cookie only carries an opaque id; the session lives in the database.
        "SESSION_COOKIE_NAME": "__Host-rhi" if production else "rhi_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_PATH": "/",
        "REMEMBER_COOKIE_DURATION": 0,
        "RHI_IDLE_TIMEOUT_MINUTES": _int(env, "RHI_IDLE_TIMEOUT_MINUTES", 30),
        "RHI_DEADLINE_HOURS": _int(env, "RHI_DEADLINE_HOURS", 72),
        "RHI_REPEAT_EPISODES": _int(env, "RHI_REPEAT_EPISODES", 3),
        "RHI_REPEAT_DAYS": _int(env, "RHI_REPEAT_DAYS", 30),
        "RHI_LONG_EPISODE_HOURS": _int(env, "RHI_LONG_EPISODE_HOURS", 48),
        "RHI_LOCKOUT_ATTEMPTS": _int(env, "RHI_LOCKOUT_ATTEMPTS", 5),
        "RHI_LOCKOUT_MINUTES": _int(env, "RHI_LOCKOUT_MINUTES", 15),
        "RHI_RISK_GRADES": [g for g in grades if g],
        "RHI_LANGUAGE_RULES": env.get("RHI_LANGUAGE_RULES") or None,
        "RHI_TIMEZONE": env.get("RHI_TIMEZONE", "Europe/London"),
        "RATELIMIT_STORAGE_URI": env.get("RHI_RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "RHI_SIGN_IN_RATE_LIMIT": env.get("RHI_SIGN_IN_RATE_LIMIT", "20 per minute"),
        # A tablet sends at most one batch at a time; this only stops a runaway loop.
        "RHI_UPLOAD_RATE_LIMIT": env.get("RHI_UPLOAD_RATE_LIMIT", "120 per minute"),
        "RHI_DEVICE_IDLE_MINUTES": _int(env, "RHI_DEVICE_IDLE_MINUTES", 15),
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the server-side session
        "WTF_CSRF_HEADERS": ["X-CSRFToken"],
        "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,
    }
