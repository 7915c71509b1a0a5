"""Settings from RHI_* environment variables, with safe defaults.

Everything the app reads from the environment is read here, once, so a reader can see every
setting in one file and a test can pass overrides instead of monkeypatching os.environ.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from rhi import naming
from rhi import retention as retention_defaults

DEFAULT_RISK_GRADES = "No apparent risk,Low,Medium,High"
DEFAULT_RATELIMIT_STORAGE = "memory://"
DEFAULT_ORGANISATION = "The return home interview service"
DEFAULT_INTERVIEW_NAME = naming.DEFAULT


class ConfigError(RuntimeError):
    """The app refuses to start, and says why."""


ENVIRONMENTS = ("development", "production")
# A secret key of fewer different characters than this is no random value ("aaaa...", a word
# typed over and over); 32 random hex digits hold 13 or more nearly always.
LEAST_DIFFERENT_IN_KEY = 10


def _int(env: dict[str, str], name: str, default: int, *, least: int | None = None) -> int:
    """A whole number; `least`, the smallest that works (0 minutes of idle time would sign
    everyone out at once). Refused with words, never silently the default (a probe)."""
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from exc
    if least is not None and value < least:
        raise ConfigError(f"{name} must be at least {least}, not {value}")
    return value


def _bool(env: dict[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def normalise_origin(value: str) -> str | None:
    """`scheme://host[:port]` in lower case with the scheme's default port left out, as a
    browser writes the Origin header; None for anything that is not such an origin (`null`, a
    path, a query, a bad port)."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), parts.hostname
    if scheme not in {"http", "https"} or not host or parts.username or parts.password:
        return None
    if parts.path not in {"", "/"} or parts.query or parts.fragment:
        return None
    if ":" in host:  # IPv6
        host = f"[{host}]"
    if port is None or (scheme, port) in {("http", 80), ("https", 443)}:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def _origins(env: dict[str, str], name: str) -> tuple[str, ...]:
    """A comma-separated list of origins; empty when unset (then a request's own origin)."""
    origins = []
    for raw in env.get(name, "").split(","):
        if not raw.strip():
            continue
        origin = normalise_origin(raw)
        if origin is None:
            raise ConfigError(
                f"{name}: {raw.strip()!r} is not an origin. Write each as "
                "scheme://host[:port] with no path, for example "
                "https://rhi.council.gov.uk, separated by commas."
            )
        origins.append(origin)
    return tuple(origins)


def _data_keys(env: dict[str, str]) -> str:
    """RHI_DATA_KEYS: Fernet keys separated by commas, the first sealing (rhi/auth/sealed.py).
    Make one with `python -c "import base64, os; print(base64.urlsafe_b64encode(os.urandom(32))
    .decode())"`. Empty: one key derived from RHI_SECRET_KEY."""
    raw = env.get("RHI_DATA_KEYS", "").strip()
    for number, key in enumerate((k.strip() for k in raw.split(",") if k.strip()), start=1):
        try:
            ok = len(base64.urlsafe_b64decode(key.encode())) == 32
        except (binascii.Error, ValueError):
            ok = False
        if not ok:
            raise ConfigError(
                f"RHI_DATA_KEYS: key {number} is not a key: each is 32 random bytes in URL-safe "
                "base64 (44 characters), separated by commas."
            )
    return raw


def _second_factor_roles(env: dict[str, str], production: bool) -> tuple[str, ...]:
    """RHI_SECOND_FACTOR_ROLES: the roles that must use a second factor (rhi/auth/second_factor.py).

    Unset, production asks it of managers and administrators, who see the most. Development,
    the demo and the tests default to nobody, so that the demo's accounts and the test suite sign
    in with a password alone; the second factor's tests switch it on themselves. Set it to an
    empty value in production only on purpose (it is then offered to everyone, required of none).
    """
    from rhi.models.people import Role  # here: config is read before the app's models matter

    raw = env.get("RHI_SECOND_FACTOR_ROLES")
    if raw is None:
        raw = "manager,admin" if production else ""
    roles = tuple(r.strip().lower() for r in raw.split(",") if r.strip())
    known = {r.value for r in Role}
    for role in roles:
        if role not in known:
            raise ConfigError(
                f"RHI_SECOND_FACTOR_ROLES: {role!r} is not a role. Use some of "
                f"{', '.join(sorted(known))}, separated by commas."
            )
    return roles


def rate_limit_storage_uri(env: dict[str, str] | None = None) -> str:
    """Where Flask-Limiter keeps its counts (RHI_RATELIMIT_STORAGE_URI)."""
    env = os.environ if env is None else env
    return env.get("RHI_RATELIMIT_STORAGE_URI", "").strip() or DEFAULT_RATELIMIT_STORAGE


def shared_storage_warning(workers: int | None, storage_uri: str | None) -> str | None:
    """The warning to log when rate limits are counted per process, or None when they are not.

    `workers` is how many processes serve the app (gunicorn's --workers), or None when it is not
    known (the app itself cannot tell). With `memory://` each process keeps its own counts, so
    with N workers a limit is N times as loose; one worker, or shared storage, is fine.
    """
    uri = (storage_uri or "").strip() or DEFAULT_RATELIMIT_STORAGE
    if not uri.lower().startswith("memory://"):
        return None
    if workers is not None and workers <= 1:
        return None
    how_many = (
        f"{workers} worker processes each keep their own counts, so every limit is "
        f"{workers} times as loose"
    )
    if workers is None:
        how_many = (
            "each worker process keeps its own counts, so with N workers every limit is "
            "N times as loose"
        )
    return (
        "Rate limits (sign-in attempts, uploads) are kept in memory://: "
        + how_many
        + ". Set RHI_RATELIMIT_STORAGE_URI=redis://... to share them between workers."
    )


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
    if rhi_env not in ENVIRONMENTS:
        # A misspelt "production" would run the development setup (no Secure cookies, no HSTS,
        # no second factor) without a word (a probe): refused, naming the two there are.
        raise ConfigError(f"RHI_ENV must be production or development, not {rhi_env!r}")
    production = rhi_env == "production"
    debug = _bool(env, "RHI_DEBUG", False)
    secret_key = env.get("RHI_SECRET_KEY", "")

    if production:
        if debug:
            raise ConfigError(
                "RHI_DEBUG is on with RHI_ENV=production: debug mode shows code and "
                "data to anyone who triggers an error. Turn RHI_DEBUG off."
            )
        if len(secret_key) < 32:
            raise ConfigError(
                "RHI_SECRET_KEY must be set to a random value of at least 32 "
                "characters when RHI_ENV=production (for example the output of "
                "`python -c 'import secrets; print(secrets.token_hex(32))'`)."
            )
        if _bool(env, "RHI_FAST_PASSWORD_HASHING", False):
            raise ConfigError(
                "RHI_FAST_PASSWORD_HASHING is for tests only: it makes passwords "
                "cheap to guess from a copy of the database. Turn it off."
            )
        if "example" in secret_key.lower() or "change" in secret_key.lower():
            raise ConfigError("RHI_SECRET_KEY looks like a placeholder; set a random value.")
        if len(set(secret_key)) < LEAST_DIFFERENT_IN_KEY:
            raise ConfigError(
                "RHI_SECRET_KEY repeats a few characters: set a random value (for example the "
                "output of `python -c 'import secrets; print(secrets.token_hex(32))'`)."
            )
        if _bool(env, "FLASK_DEBUG", False):
            # `flask run --debug` sets it: the Werkzeug debugger, with its console, would run.
            raise ConfigError(
                "FLASK_DEBUG is on with RHI_ENV=production: the debugger's console runs code "
                "for anyone with its PIN. Turn it off (and no --debug)."
            )
    elif not secret_key:
        secret_key = _dev_secret_key(instance_path)

    trusted_proxies = _int(env, "RHI_TRUSTED_PROXIES", 0)
    if trusted_proxies < 0:
        raise ConfigError(
            "RHI_TRUSTED_PROXIES must be 0 (no proxy) or the number of proxies "
            f"in front of the app, not {trusted_proxies}"
        )

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
        "RHI_IDLE_TIMEOUT_MINUTES": _int(env, "RHI_IDLE_TIMEOUT_MINUTES", 30, least=1),
        "RHI_DEADLINE_HOURS": _int(env, "RHI_DEADLINE_HOURS", 72),
        "RHI_REPEAT_EPISODES": _int(env, "RHI_REPEAT_EPISODES", 3),
        "RHI_REPEAT_DAYS": _int(env, "RHI_REPEAT_DAYS", 30),
        # How many children (a name and a date of birth) one person, or one import token's
        # team, may ask other teams' records about in a day without recording anything: a
        # preview, a dry run, adding a child by hand (rhi/children/kept_elsewhere.py Asking).
        "RHI_OTHER_TEAMS_CHECKS_PER_DAY": _int(env, "RHI_OTHER_TEAMS_CHECKS_PER_DAY", 50, least=1),
        "RHI_LONG_EPISODE_HOURS": _int(env, "RHI_LONG_EPISODE_HOURS", 48),
        # What the council calls the interview ("Missing Chat"), in page titles and the summary.
        "RHI_INTERVIEW_NAME": env.get("RHI_INTERVIEW_NAME", "").strip() or DEFAULT_INTERVIEW_NAME,
        # The email of the social worker account that receives summaries for children with no
        # allocated social worker (the team's duty inbox); empty: the worker chooses each time.
        "RHI_DUTY_INBOX": env.get("RHI_DUTY_INBOX", "").strip().lower(),
        # After a child says no with the offer kept open: days until it is offered again.
        "RHI_REOFFER_DAYS": _int(env, "RHI_REOFFER_DAYS", 7),
        # The retention schedule's ages (rhi/retention/__init__.py gives the defaults); these
        # and the settings above an administrator may change are held to the Settings page's
        # range at start-up (rhi/settings.py `check_environment`).
        **{
            name: _int(env, name, default)
            for name, default in retention_defaults.DEFAULT_AGES.items()
        },
        # The largest police notification file an import reads (bytes); under MAX_CONTENT_LENGTH.
        "RHI_IMPORT_MAX_BYTES": _int(env, "RHI_IMPORT_MAX_BYTES", 2 * 1024 * 1024, least=1),
        # The largest photo a standing profile keeps (bytes); under MAX_CONTENT_LENGTH.
        "RHI_PHOTO_MAX_BYTES": _int(env, "RHI_PHOTO_MAX_BYTES", 2 * 1024 * 1024, least=1),
        # The largest request a form with a photo reads (bytes; rhi/request_limits.py): above
        # MAX_CONTENT_LENGTH, so a phone's photo too large to keep is refused by its box.
        "RHI_PHOTO_REQUEST_MAX_BYTES": _int(
            env, "RHI_PHOTO_REQUEST_MAX_BYTES", 24 * 1024 * 1024, least=1
        ),
        # Who the interviewer works for, and how to reach the service, as the summary PDF says
        # it under "Who to contact" (rhi/summaries/pdf.py). The contact is left out when unset.
        "RHI_ORGANISATION": env.get("RHI_ORGANISATION", "").strip() or DEFAULT_ORGANISATION,
        "RHI_SERVICE_CONTACT": env.get("RHI_SERVICE_CONTACT", "").strip(),
        "RHI_FAST_PASSWORD_HASHING": _bool(env, "RHI_FAST_PASSWORD_HASHING", False),
        "RHI_LOCKOUT_ATTEMPTS": _int(env, "RHI_LOCKOUT_ATTEMPTS", 5, least=1),
        "RHI_LOCKOUT_MINUTES": _int(env, "RHI_LOCKOUT_MINUTES", 15, least=1),
        # Sign-in throttling (rhi/auth/throttle.py): the LOCKOUT pair is per email and address;
        # ACCOUNT is per email from every address (Cyber Essentials: at most 10 in 5 minutes);
        # ADDRESS is per address across emails (password spraying), per RHI_LOCKOUT_MINUTES.
        "RHI_ACCOUNT_ATTEMPTS": _int(env, "RHI_ACCOUNT_ATTEMPTS", 10, least=1),
        "RHI_ACCOUNT_MINUTES": _int(env, "RHI_ACCOUNT_MINUTES", 5, least=1),
        "RHI_ADDRESS_ATTEMPTS": _int(env, "RHI_ADDRESS_ATTEMPTS", 30, least=1),
        "RHI_KNOWN_ADDRESS_DAYS": _int(env, "RHI_KNOWN_ADDRESS_DAYS", 30, least=1),
        # Before sign-in the session (the form's CSRF token, messages) is a signed cookie.
        "RHI_PRE_SESSION_COOKIE_NAME": "__Host-rhi-pre" if production else "rhi_pre",
        "RHI_RISK_GRADES": [g for g in grades if g],
        "RHI_LANGUAGE_RULES": env.get("RHI_LANGUAGE_RULES") or None,
        # The council's own rules, layered over those (rhi/language/rules.py, merge_local).
        "RHI_LANGUAGE_RULES_LOCAL": env.get("RHI_LANGUAGE_RULES_LOCAL", "").strip() or None,
        "RHI_TIMEZONE": env.get("RHI_TIMEZONE", "Europe/London"),
        "RATELIMIT_STORAGE_URI": rate_limit_storage_uri(env),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Redis down must not stop anyone signing in: each process counts in its own memory
        # until Redis answers again (the limits hold, per process), and the error is logged.
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RHI_SIGN_IN_RATE_LIMIT": env.get("RHI_SIGN_IN_RATE_LIMIT", "20 per minute"),
        # A tablet sends at most one batch at a time; this only stops a runaway loop.
        "RHI_UPLOAD_RATE_LIMIT": env.get("RHI_UPLOAD_RATE_LIMIT", "120 per minute"),
        "RHI_API_RATE_LIMIT": env.get("RHI_API_RATE_LIMIT", "30 per minute"),
        "RHI_DEVICE_IDLE_MINUTES": _int(env, "RHI_DEVICE_IDLE_MINUTES", 15, least=1),
        "RHI_RESET_LINK_HOURS": _int(env, "RHI_RESET_LINK_HOURS", 24, least=1),
        # Roles that must sign in with a code from an authenticator app as well as a password.
        "RHI_SECOND_FACTOR_ROLES": _second_factor_roles(env, production),
        # Keys that seal second-factor secrets in the database (rhi/auth/sealed.py).
        "RHI_DATA_KEYS": _data_keys(env),
        # Proxies in front of the app whose X-Forwarded-For/-Proto/-Host/-Port headers are
        # believed (werkzeug's ProxyFix, applied in create_app); 0: none, the headers are ignored.
        "RHI_TRUSTED_PROXIES": trusted_proxies,
        # Origins a POST/PUT/PATCH/DELETE may come from (rhi/origin_check.py); empty: the
        # request's own (scheme and host, as ProxyFix reports them behind a proxy).
        "RHI_ALLOWED_ORIGINS": _origins(env, "RHI_ALLOWED_ORIGINS"),
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the server-side session
        "WTF_CSRF_HEADERS": ["X-CSRFToken"],
        "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,
        # Jobs (summary PDFs) on Redis through RQ, e.g. redis://127.0.0.1:6379/0; empty: they
        # run inside the web process after the request's commit (docs/jobs.md).
        "RHI_JOBS_REDIS_URL": env.get("RHI_JOBS_REDIS_URL", "").strip(),
        # Seconds before each retry of a failed job: two retries, so three attempts.
        "RHI_JOBS_RETRY_SECONDS": [
            int(v) for v in env.get("RHI_JOBS_RETRY_SECONDS", "30,120").split(",") if v.strip()
        ],
        "RHI_JOBS_TIMEOUT_SECONDS": _int(env, "RHI_JOBS_TIMEOUT_SECONDS", 300, least=1),
        # A job running this long is taken for one whose worker was killed (over the timeout).
        "RHI_JOBS_STALE_MINUTES": _int(env, "RHI_JOBS_STALE_MINUTES", 15, least=1),
    }
