from __future__ import annotations

from flask import Blueprint, jsonify, redirect, url_for
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from rhi.extensions import db

bp = Blueprint("health", __name__)


@bp.route("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for this whatever the page says; answer with our icon, not a 404."""
    # 302, not 301: the icon's URL carries its content's version, which changes with it.
    return redirect(url_for("static", filename="icons/favicon.png"), 302)


@bp.route("/healthz")
def healthz() -> tuple[Response, int]:
    try:
        db.session.execute(text("SELECT 1"))
        ok = True
    except SQLAlchemyError:
        db.session.rollback()
        ok = False
    # 503 when the database does not answer, so a load balancer stops sending work here.
    return jsonify(status="ok" if ok else "degraded", database=ok), 200 if ok else 503
