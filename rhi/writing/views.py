"""The rules for the browser's matcher, and the team's anonymous counts for supervision."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import Blueprint, abort, jsonify, render_template, request
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from rhi import access, writing
from rhi.extensions import db
from rhi.models.base import utcnow
from rhi.timefmt import from_local, to_local
from rhi.writing import events
from rhi.writing.counts import example, plain_phrase

bp = Blueprint("writing", __name__)


@bp.route("/language/rules.json")
def rules() -> Response:
    """The same rules the server checks with, for the matcher in the browser (and offline):
    the shipped file with the council's local file layered over it. The ETag is the rules'
    version, which changes with either file; the browser asks each time (no-cache) and gets a
    304 while the rules are unchanged."""
    response = jsonify(writing.rules_data())
    response.set_etag(writing.rules_version())
    response.headers["Cache-Control"] = "no-cache"
    return response.make_conditional(request)


def _chosen_day(name: str) -> date | None:
    """The date typed in the box `name` (yyyy-mm-dd), or None when it is empty or not a date."""
    try:
        return datetime.strptime(request.args.get(name, ""), "%Y-%m-%d").date()
    except ValueError:
        return None


def _day_starts(day: date) -> datetime:
    """When the local day begins, in UTC as stored."""
    return from_local(datetime.combine(day, time.min))


@bp.route("/oversight/language")
@login_required
def team_language() -> str:
    if not access.can_read_audit(current_user) or current_user.team_id is None:
        abort(403)
    now = utcnow()
    first, last = _chosen_day("from"), _chosen_day("to")
    start = _day_starts(first) if first else now - timedelta(days=30)
    # A "to" date counts to the end of that day: up to the start of the next (31 Dec 9999 has
    # none, so up to its own start). The box shows the date chosen, never that next day: it
    # showed 1 December for 30 November, and each "Show" moved it, and the count, a day on.
    if last is None:
        end, shown_end = now, to_local(now).date()
    else:
        end = _day_starts(last + timedelta(days=1)) if last < date.max else _day_starts(last)
        shown_end = last
    rules = {r["id"]: r for r in writing.rules_data()["rules"]}
    rows = [
        {
            **row,
            # A rule no longer in the rules file still has its counts, under its id in words.
            "phrase": plain_phrase(rules.get(row["rule_id"], {"id": row["rule_id"]})),
            "example": example(rules[row["rule_id"]]) if row["rule_id"] in rules else "",
            "reason": rules.get(row["rule_id"], {}).get("reason", ""),
        }
        for row in events.team_table(writing.matcher(), current_user.team_id, start, end)
    ]
    totals = {key: sum(row[key] for row in rows) for key in ("changed", "kept", "left")}
    return render_template(
        "writing/team.html",
        rows=rows,
        totals=totals,
        start=first or to_local(start).date(),
        end=shown_end,
    )


@bp.route("/language/events", methods=["POST"])
@login_required
def language_event() -> tuple[str, int]:
    """A tap on a suggestion in a box outside an interview's own fields (a decline reason, a
    contact note, a decision's reason, an addendum): counted for the team, anonymously (the
    rule and what was done; no words, no child, no worker). The box's words are saved by its
    own form; a reason for keeping them is not kept here, as it would be words about a child."""
    rule_id = request.form.get("rule_id", "")
    action = {"replaced": "replaced", "dismissed": "kept"}.get(request.form.get("action", ""))
    if request.form.get("action") == "reason":
        return "", 204
    if action is None or rule_id not in {rule.id for rule in writing.matcher().rules}:
        abort(400)
    events.record(current_user.team_id, rule_id, action)
    db.session.commit()
    return "", 204
