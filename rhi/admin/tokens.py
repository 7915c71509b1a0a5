"""Service tokens, for administrators: a police or case system sends notifications to
POST /api/v1/notifications (rhi/episodes/api.py) with one.

A token is 32 random bytes, shown once on the page that makes it (never redirected to, so it is
kept in no message or history) and stored only as its SHA-256. It does one thing, notifications,
and is revoked here at once. Every creation, revocation and look at the list is audited.
"""

from __future__ import annotations

import secrets

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from rhi import audit
from rhi.admin.views import admin_required
from rhi.episodes.api import SCOPE, token_hash
from rhi.extensions import db
from rhi.forms.imports import ConfirmForm, TokenForm
from rhi.models import ServiceToken, Team
from rhi.models.base import utcnow

bp = Blueprint("tokens", __name__, url_prefix="/admin/tokens")


def _form(**kwargs: object) -> TokenForm:
    form = TokenForm(**kwargs)
    teams = db.session.scalars(select(Team).order_by(Team.name)).all()
    form.team_id.choices = [(t.id, t.name) for t in teams]
    return form


def _page(form: TokenForm, status: int = 200) -> tuple[str, int]:
    tokens = db.session.scalars(
        select(ServiceToken).order_by(ServiceToken.revoked_at.is_not(None), ServiceToken.id)
    ).all()
    return render_template(
        "admin/tokens.html", tokens=tokens, form=form, confirm=ConfirmForm(formdata=None)
    ), status


@bp.route("")
@admin_required
def list_tokens() -> tuple[str, int]:
    audit.record("token.list", object_type="service_token", object_id="list")
    db.session.commit()
    return _page(_form(formdata=None))


@bp.route("", methods=["POST"])
@admin_required
def create() -> tuple[str, int]:
    form = _form()
    if not form.validate_on_submit():
        return _page(form, 422)
    raw = secrets.token_urlsafe(32)
    token = ServiceToken(
        name=form.name.data.strip(),
        token_hash=token_hash(raw),
        scope=SCOPE,
        team_id=form.team_id.data,
        created_by_id=current_user.id,
    )
    db.session.add(token)
    db.session.flush()
    audit.record("token.create", object_type="service_token", object_id=token.id)
    db.session.commit()
    return render_template("admin/tokens_made.html", token=token, raw=raw), 201


@bp.route("/<int:token_id>/revoke", methods=["POST"])
@admin_required
def revoke(token_id: int) -> Response:
    token = db.session.get(ServiceToken, token_id)
    if token is not None and ConfirmForm().validate_on_submit() and token.revoked_at is None:
        token.revoked_at = utcnow()
        token.revoked_by_id = current_user.id
        audit.record("token.revoke", object_type="service_token", object_id=token.id)
        db.session.commit()
        flash(f"The token for {token.name} no longer works.", "success")
    return redirect(url_for("tokens.list_tokens"))
