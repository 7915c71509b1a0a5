"""Refuse a change (POST, PUT, PATCH, DELETE) that a browser says came from another site.

Browsers send `Origin` with every cross-site request that changes something, and with a
same-origin one; this check runs before the CSRF token's, so a page on another site is refused
even if it somehow holds a valid token. `Origin: null` (a sandboxed frame, a `data:` page, or a
page whose referrer policy hides where it is) is refused too. A request with no `Origin` at all
(test clients, some older browsers) goes on to the CSRF token check, as before.

The allowed origins are RHI_ALLOWED_ORIGINS, or when that is empty the request's own scheme and
host, which behind a proxy are right only once RHI_TRUSTED_PROXIES lets ProxyFix read the
proxy's X-Forwarded-* headers (see README, "Running in production").
"""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app, jsonify, render_template, request

from rhi.config import normalise_origin

log = logging.getLogger(__name__)

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
TITLE = "This request came from another site"
MESSAGE = (
    "rhi only accepts changes sent from its own pages. Open rhi at its usual address, "
    "reload the page and try again."
)


def own_origin() -> str | None:
    """The origin this request was sent to: its scheme and host (after ProxyFix)."""
    return normalise_origin(f"{request.scheme}://{request.host}")


def allowed_origins() -> tuple[str, ...]:
    configured = current_app.config.get("RHI_ALLOWED_ORIGINS") or ()
    if isinstance(configured, str):  # an override given as the environment would give it
        configured = configured.split(",")
    origins = tuple(o for o in (normalise_origin(c) for c in configured if c.strip()) if o)
    if origins:
        return origins
    own = own_origin()
    return (own,) if own else ()


def origin_refusal() -> tuple[Response, int] | tuple[str, int] | None:
    """None when the request may go on; otherwise the answer refusing it."""
    if request.method not in UNSAFE_METHODS:
        return None
    sent = request.headers.get("Origin")
    if sent is None:
        return None  # no Origin: the CSRF token (and, over HTTPS, the Referer) decides
    allowed = allowed_origins()
    if normalise_origin(sent) in allowed:
        return None
    log.warning(
        "Refused %s %s: Origin %r is not one of %s (set RHI_ALLOWED_ORIGINS, or "
        "RHI_TRUSTED_PROXIES behind a proxy, if this is rhi's own address)",
        request.method,
        request.path,
        sent[:200],
        ", ".join(allowed) or "(none)",
    )
    if request.path.startswith("/sync/"):
        return jsonify(error="origin", message=MESSAGE), 403
    return render_template("error.html", code=403, title=TITLE, hint=MESSAGE), 403


def register(app: Flask) -> None:
    """Register before CSRFProtect's own check, so a foreign origin is named as the reason."""
    app.before_request(origin_refusal)
