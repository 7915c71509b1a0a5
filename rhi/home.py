"""Each role's home page."""

from __future__ import annotations

from flask import Blueprint, redirect, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from rhi import access

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index() -> Response:
    if access.can_see_returns(current_user):  # workers, managers and coordinators
        return redirect(url_for("episodes.returns"))
    if access.can_manage_people(current_user):
        return redirect(url_for("admin.users"))
    return redirect(url_for("children.my_children"))
