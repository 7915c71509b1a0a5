"""rhi: return home interviews for children who have been missing from home or care."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Any

from flask import Flask, Response, request
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from rhi import migration_commands, numbers
from rhi.config import load_settings, shared_storage_warning
from rhi.extensions import csrf, db, htmx, limiter, login_manager
from rhi.request_limits import LimitedRequest
from rhi.settings import RhiFlask, check_environment

log = logging.getLogger(__name__)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL with synchronous=FULL: a saved answer survives a power cut; readers never block."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    # An administrator's override of a setting wins over the environment: rhi/settings.py.
    app = RhiFlask(__name__, instance_relative_config=True)
    settings = load_settings(Path(app.instance_path))
    check_environment(settings)
    app.config.update(settings)
    if overrides:
        app.config.update(overrides)
    _trust_proxies(app)
    _warn_about_settings(app)

    from rhi import origin_check

    origin_check.register(app)  # before CSRFProtect's check: a foreign Origin is named as such
    _init_extensions(app)
    # Before any route is added: every <int:...> in a path is bounded to what an id can be.
    app.url_map.converters["int"] = numbers.IdConverter
    _register_blueprints(app)

    from rhi import writing

    writing.init_app(app)  # a broken rules file stops start-up here, naming the rule

    from rhi import i18n

    i18n.init_app(app)  # the worker's screens in English; the child's words in their language

    from rhi import cli, errors, security_headers, templating

    errors.register(app)
    security_headers.register(app)
    templating.register(app)
    cli.register(app)

    from rhi import jobs

    jobs.init_app(app)  # jobs run in-process after the request's commit when there is no Redis
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind RHI_TRUSTED_PROXIES proxies, believe their X-Forwarded-For/-Proto/-Host/-Port:
    the client's address (rate limits, audit), HTTPS (the CSRF Referer check) and the public host
    (the origin check) are then the browser's, not the proxy's."""
    proxies = int(app.config.get("RHI_TRUSTED_PROXIES") or 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )


def _warn_about_settings(app: Flask) -> None:
    if app.config["RHI_ENV"] != "production":
        return
    # How many worker processes there are is gunicorn's to know (gunicorn.conf.py warns with
    # the number); here, once as the app starts, the warning for memory:// in production.
    message = shared_storage_warning(None, app.config.get("RATELIMIT_STORAGE_URI"))
    if message:
        log.warning(message)


def _init_extensions(app: Flask) -> None:
    from rhi.sessions import DatabaseSessionInterface

    db.init_app(app)
    # `flask db`: Flask-Migrate is loaded only when one of its commands runs.
    migration_commands.register(app)
    csrf.init_app(app)
    htmx.init_app(app)
    # After htmx-flask, which sets its own: a form with a photo reads more (request_limits.py).
    app.request_class = LimitedRequest
    limiter.init_app(app)
    app.session_interface = DatabaseSessionInterface()

    login_manager.init_app(app)
    # "basic", not "strong": a tablet moving from Wi-Fi to 4G mid-interview must stay signed in.
    login_manager.session_protection = "basic"
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"

    from rhi.auth.loader import load_user

    login_manager.user_loader(load_user)

    from rhi.sessions import is_background

    @app.before_request
    def _background_signed_out() -> Response | None:
        """A page's own refresh after its session ended: 401 and nothing to swap in (not the
        sign-in page inside the Returns list). The page's idle warning says what happened."""
        if is_background(request) and not current_user.is_authenticated:
            return Response(status=401)
        return None


def _register_blueprints(app: Flask) -> None:
    from rhi.actions.views import bp as actions_bp
    from rhi.admin.settings import bp as settings_bp
    from rhi.admin.tokens import bp as tokens_bp
    from rhi.admin.views import bp as admin_bp
    from rhi.auth.account import bp as account_bp
    from rhi.auth.security_views import bp as account_security_bp
    from rhi.auth.views import bp as auth_bp
    from rhi.children.views import bp as children_bp
    from rhi.episodes.api import bp as notifications_api_bp
    from rhi.episodes.import_views import bp as imports_bp
    from rhi.episodes.views import bp as episodes_bp
    from rhi.health import bp as health_bp
    from rhi.home import bp as home_bp
    from rhi.interviews.decision_views import bp as decisions_bp
    from rhi.interviews.views import bp as interviews_bp
    from rhi.jobs.download_views import bp as downloads_bp
    from rhi.jobs.views import bp as jobs_admin_bp
    from rhi.oversight.disparities_views import bp as oversight_disparities_bp
    from rhi.oversight.export_views import bp as oversight_exports_bp
    from rhi.oversight.register_views import bp as oversight_register_bp
    from rhi.oversight.repeat_views import bp as oversight_repeats_bp
    from rhi.oversight.views import bp as oversight_bp
    from rhi.pwa.views import bp as pwa_bp
    from rhi.retention.views import bp as retention_bp
    from rhi.subject_access.views import bp as subject_access_bp
    from rhi.summaries.views import bp as summaries_bp
    from rhi.sync.held_views import bp as held_bp
    from rhi.sync.versions import bp as versions_bp
    from rhi.sync.views import bp as sync_bp
    from rhi.writing.views import bp as writing_bp

    for bp in (
        auth_bp,
        account_bp,
        account_security_bp,
        home_bp,
        episodes_bp,
        children_bp,
        admin_bp,
        health_bp,
        interviews_bp,
        decisions_bp,
        oversight_bp,
        oversight_exports_bp,
        oversight_register_bp,
        oversight_repeats_bp,
        oversight_disparities_bp,
        summaries_bp,
        writing_bp,
        pwa_bp,
        sync_bp,
        versions_bp,
        held_bp,
        actions_bp,
        imports_bp,
        notifications_api_bp,
        tokens_bp,
        settings_bp,
        jobs_admin_bp,
        downloads_bp,
        retention_bp,
        subject_access_bp,
    ):
        app.register_blueprint(bp)
