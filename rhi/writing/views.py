"""The rules for the browser's matcher, and the team's anonymous counts for supervision."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, abort, jsonify, render_template, request
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from rhi import access, writing
from rhi.models.base import utcnow
from rhi.timefmt import from_local, to_local
from rhi.writing.events import team_counts

bp = Blueprint("writing", __name__)


@bp.route("/language/rules.json")
def rules() -> Response:
    """The same rules the server checks with, for the matcher in the browser (and offline)."""
    return jsonify(writing.rules_data())


def _day(name: str, default: datetime) -> datetime:
    raw = request.args.get(name, "")
    try:
        return from_local(datetime.strptime(raw, "%Y-%m-%d")) if raw else default
    except ValueError:
        return default


@bp.route("/oversight/language")
@login_required
def team_language() -> str:
    if not access.can_read_audit(current_user) or current_user.team_id is None:
        abort(403)
    now = utcnow()
    start = _day("from", now - timedelta(days=30))
    end = _day("to", now)
    if request.args.get("to"):
        end += timedelta(days=1)  # a "to" date includes that whole day
    reasons = {r["id"]: r for r in writing.rules_data()["rules"]}
    rows = team_counts(current_user.team_id, start, end)
    return render_template(
        "writing/team.html",
        rows=rows,
        rules=reasons,
        start=to_local(start).date(),
        end=to_local(end).date(),
    )
