"""Each role's home page."""

from __future__ import annotations

from flask import Blueprint, redirect, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from rhi.models import Role

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index() -> Response:
    role = current_user.role_enum
    if role is Role.SOCIAL_WORKER:
        return redirect(url_for("children.my_children"))
    if role is Role.ADMIN:
        return redirect(url_for("admin.users"))
    return redirect(url_for("episodes.returns"))
