"""Response headers that hold for every page: a strict CSP, no caching of personal data."""

from __future__ import annotations

from flask import Flask, Response, request
from flask_login import AnonymousUserMixin, current_user
from sqlalchemy.exc import SQLAlchemyError

from rhi.pwa.views import IMMUTABLE, import_map_csp_source, is_current_static

# Paths that never hold personal data: the service worker may keep these on the device.
SHELL_PATHS = (
    "/static/",
    "/sw.js",
    "/manifest.webmanifest",
    "/language/rules.json",
    "/offline",
    "/shell/",
    "/favicon.ico",
    "/healthz",
)

# script-src: our own files, and one inline script, the page's import map (rhi/pwa/views.py),
# allowed by its hash: filled in per process by csp(). No 'unsafe-inline', no other inline script.
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' {import_map}",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def csp() -> str:
    return CSP.format(import_map=import_map_csp_source())


def _maybe_signed_in() -> bool:
    """Whether someone may be signed in. When that cannot be told, because the database went
    away before or while the session was read (the answer is then a 503), say yes: the mark
    below only keeps the answer out of the tablet's cache, the safe side."""
    try:
        # Whether the session named a user, not whether they are still active: asking that reads
        # the user's row again once the view's commit has expired it (a query in every save).
        # A user who is no longer active gets the mark too: the safe side.
        return not isinstance(current_user._get_current_object(), AnonymousUserMixin)
    except (AssertionError, SQLAlchemyError):  # Flask asserts that the session was opened
        return True


def register(app: Flask) -> None:
    production = app.config["RHI_ENV"] == "production"

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", csp())
        # same-origin, not no-referrer: over HTTPS the CSRF check wants a same-origin Referer,
        # and with no-referrer Chromium sends none (and `Origin: null`), refusing every form.
        # Other sites still get no Referer, so no address (and no record id) leaves rhi.
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if production:
            response.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
        if not request.path.startswith("/static/"):
            # Pages may hold a child's data: no browser or proxy cache may keep them.
            response.headers.setdefault("Cache-Control", "no-store")
        elif response.status_code in (200, 304) and is_current_static(request):
            # Versioned by content (rhi/pwa/views.py): these bytes never change under this URL.
            # Any other request for a static file keeps Flask's `no-cache` (asked again).
            response.headers["Cache-Control"] = IMMUTABLE
        if not request.path.startswith(SHELL_PATHS) and _maybe_signed_in():
            # The service worker refuses to cache anything carrying this mark.
            response.headers["X-RHI-Personal-Data"] = "1"
        return response
