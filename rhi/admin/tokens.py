"""Service tokens, for administrators: a police or case system sends notifications to
POST /api/v1/notifications (rhi/episodes/api.py) with one.

A token is 32 random bytes, shown once on the page that makes it (never redirected to, so it is
kept in no message or history) and stored only as its SHA-256. It does one thing, notifications,
and is revoked here at once. Every creation, revocation and look at the list is audited.

What a token sends for a child new to rhi waits to be allocated, and only the managers and
missing coordinators of the token's team see it (rhi/access.py `allocating_team_filter`): a
token is made only for a team with one, and the list says when a team has lost its last one.
"""

from __future__ import annotations

import secrets

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from rhi import access, audit
from rhi.admin.views import admin_required
from rhi.auth import fresh
from rhi.episodes.api import SCOPE, token_hash
from rhi.extensions import db
from rhi.forms.imports import ConfirmForm, TokenForm
from rhi.models import ServiceToken, Team
from rhi.models.base import utcnow

bp = Blueprint("tokens", __name__, url_prefix="/admin/tokens")


OFFERED = (
    "Only teams with a manager or missing coordinator are offered: they see and allocate what "
    "the token sends."
)


def _allocating_team_ids() -> set[int]:
    return set(db.session.scalars(select(Team.id).where(access.allocating_team_filter())))


def _no_one_allocates(team_name: str) -> str:
    """Said of a working token whose team has no one to allocate."""
    return (
        f"No one in {team_name} can allocate what this token sends: add a manager or "
        "coordinator to the team, or make a new token."
    )


def _no_one_would_allocate(team_name: str) -> str:
    """Said next to the team chosen for a new token, when no one in it can allocate."""
    return (
        f"No one in {team_name} can allocate what a token for it would send: add a manager or "
        "missing coordinator to the team first, or choose another team."
    )


def _form(**kwargs: object) -> TokenForm:
    form = TokenForm(**kwargs)
    teams = db.session.scalars(
        select(Team).where(access.allocating_team_filter()).order_by(Team.name)
    ).all()
    form.team_id.choices = [(t.id, t.name) for t in teams]
    form.team_id.description = OFFERED
    return form


def _team_not_offered(form: TokenForm) -> Team | None:
    """A team chosen that is not offered (a page opened before its last manager or coordinator
    left, or a form sent by hand): kept chosen, to say why next to the field, rather than
    WTForms' "Not a valid choice", which says nothing of what to do."""
    chosen = form.team_id.data
    if not isinstance(chosen, int) or chosen in {value for value, _ in form.team_id.choices}:
        return None
    team = db.session.get(Team, chosen)
    if team is not None:
        form.team_id.choices.append((team.id, team.name))
    return team


def _page(form: TokenForm, status: int = 200) -> tuple[str, int]:
    tokens = db.session.scalars(
        select(ServiceToken).order_by(ServiceToken.revoked_at.is_not(None), ServiceToken.id)
    ).all()
    allocating = _allocating_team_ids()
    # A working token whose team has since lost its last manager or coordinator: what it sends
    # for a child new to rhi is refused (rhi/episodes/api.py), so the list says what to do.
    unseen = {
        t.id: _no_one_allocates(t.team.name)
        for t in tokens
        if t.revoked_at is None and t.team_id not in allocating
    }
    return render_template(
        "admin/tokens.html",
        tokens=tokens,
        unseen=unseen,
        form=form,
        confirm=ConfirmForm(formdata=None),
    ), status


@bp.route("")
@admin_required
@fresh.required()  # asked on opening: its form asks when sent, and what was typed was lost
def list_tokens() -> tuple[str, int]:
    audit.record("token.list", object_type="service_token", object_id="list")
    db.session.commit()
    return _page(_form(formdata=None))


def _tokens_page() -> str:
    return url_for("tokens.list_tokens")


@bp.route("", methods=["POST"])
@admin_required
# A working token sends children and returns into a team's lists from outside rhi: never made
# from a session left open (rhi/auth/fresh.py).
@fresh.required(back=_tokens_page)
def create() -> tuple[str, int] | Response:
    form = _form()
    not_offered = _team_not_offered(form)
    valid = form.validate_on_submit()
    if not_offered is not None:
        form.team_id.errors.append(_no_one_would_allocate(not_offered.name))
    if not valid or not_offered is not None:
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
