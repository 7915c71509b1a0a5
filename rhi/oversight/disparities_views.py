"""The disparities page (issue 15 item 4): how children of each ethnic group are served, for a
whole quarter that has ended (rhi/oversight/quarters.py: why only those), over the returns the
manager or coordinator may see. Anyone else: 403, audited. Every view is audited in the same
transaction."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from rhi import access, audit
from rhi.extensions import db
from rhi.models.base import utcnow
from rhi.oversight import disparities as found
from rhi.oversight import quarters

bp = Blueprint("oversight_disparities", __name__)

LEVELS = {"broad": "The five census groups", "detailed": "Detailed groups"}


@bp.route("/service/disparities")
@login_required
def page() -> str:
    if not access.can_oversee(current_user):
        audit.record("disparities.view", outcome="refused")
        db.session.commit()
        abort(403)
    # Another period asked for (a bookmark with dates, the service page's "this month") shows
    # the latest quarter that has ended, saying why: never the dates asked for.
    chosen = quarters.chosen(request.args, utcnow())
    level = request.args.get("level", "broad")
    if level not in LEVELS:
        level = "broad"
    tables = found.disparities(current_user, chosen.quarter, level)
    shown = f"{quarters.KEY} {chosen.quarter.start.isoformat()} {level}"
    audit.record(
        "disparities.view",
        detail=shown
        + (" refused period" if chosen.invalid else " period not offered" if chosen.notice else ""),
        outcome="invalid" if chosen.invalid else "ok",
    )
    db.session.commit()
    return render_template(
        "oversight/disparities.html",
        chosen=chosen.quarter,
        quarter_name=quarters.name(chosen.quarter),
        offered=[(q, quarters.name(q)) for q in chosen.offered],
        notice=chosen.notice,
        args=chosen.back,  # the service page's period, carried back to it
        levels=LEVELS,
        level=level,
        tables=tables,
        manager=access.can_read_interviews(current_user),
    )
