"""The disparities page (issue 15 item 4): how children of each ethnic group are served, for a
period, over the returns the manager or coordinator may see. Anyone else: 403, audited. Every
view is audited in the same transaction."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from rhi import access, audit
from rhi.extensions import db
from rhi.models.base import utcnow
from rhi.oversight import disparities as found
from rhi.oversight import figures, periods

bp = Blueprint("oversight_disparities", __name__)

LEVELS = {"broad": "The five census groups", "detailed": "Detailed groups"}


@bp.route("/service/disparities")
@login_required
def page() -> tuple[str, int] | str:
    if not access.can_oversee(current_user):
        audit.record("disparities.view", outcome="refused")
        db.session.commit()
        abort(403)
    chosen, problem = periods.asked(request.args, utcnow())
    level = request.args.get("level", "broad")
    if level not in LEVELS:
        level = "broad"
    # A refused period shows its reason and no figures: figures for dates nobody chose would be
    # read as the answer.
    tables = None if problem else found.disparities(current_user, chosen, level)
    audit.record(
        "disparities.view",
        detail=f"{chosen.key} {level}" + (" refused period" if problem else ""),
        outcome="invalid" if problem else "ok",
    )
    db.session.commit()
    html = render_template(
        "oversight/disparities.html",
        chosen=chosen,
        args=periods.args(chosen),  # the period, carried back to the service page
        problem=problem,
        periods=figures.PERIODS,
        levels=LEVELS,
        level=level,
        tables=tables,
        manager=access.can_read_interviews(current_user),
    )
    return (html, 400) if problem else html
