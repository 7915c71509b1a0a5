"""Passwords after the first: a person changes their own, and an administrator issues a one-time
link to set a new one (shown once, expiring, single use). Every change ends the person's other
sessions and is audited; the link's secret is never stored, only its SHA-256."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import delete, select
from werkzeug.wrappers import Response

from rhi import audit
from rhi.admin.views import admin_required, users_page_at
from rhi.auth import fresh, throttle
from rhi.extensions import db, limiter
from rhi.forms.admin import ConfirmForm
from rhi.forms.auth import ChangePasswordForm, NewPasswordForm
from rhi.models import PasswordReset, User
from rhi.models.base import utcnow
from rhi.passwords import hash_password, verify_password
from rhi.sessions import end_sessions_for, rotate_session

bp = Blueprint("account", __name__)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
# Guesses at the current password from a signed-in session (a tablet left signed in, a copied
# cookie): limited as sign-in is.
@limiter.limit(throttle.sign_in_limit, methods=["POST"], key_func=throttle.signed_in_key)
def change_password() -> str | tuple[str, int] | Response:
    form = ChangePasswordForm()
    form.about = (current_user.email, current_user.name)
    if not form.validate_on_submit():
        return render_template("auth/change_password.html", form=form), (
            422 if form.is_submitted() else 200
        )
    if not verify_password(current_user.password_hash, form.current.data):
        form.current.errors = ["That is not your current password."]
        audit.record(
            "account.password",
            user=current_user,
            object_type="user",
            object_id=current_user.id,
            outcome="refused",
        )
        db.session.commit()
        return render_template("auth/change_password.html", form=form), 422
    if form.password.data == form.current.data:
        form.password.errors = ["Choose a password you have not been using."]
        return render_template("auth/change_password.html", form=form), 422
    user = db.session.get(User, current_user.id)
    assert user is not None
    user.password_hash = hash_password(form.password.data)
    # A reset link not yet used is for a password no longer in question: it ends too.
    _end_unused_links(user.id)
    # Every session of theirs ends, this browser's included; this browser is given a new one
    # as the response is saved (rotate), so only the person who typed the password stays in.
    end_sessions_for(user.id)
    rotate_session(session)
    audit.record("account.password", user=user, object_type="user", object_id=user.id)
    db.session.commit()
    flash("Your password is changed. Other devices signed in as you are signed out.", "success")
    return redirect(url_for("home.index"))


def _end_unused_links(user_id: int) -> None:
    """The person's reset links not yet used end (the caller commits)."""
    db.session.execute(
        delete(PasswordReset).where(
            PasswordReset.user_id == user_id, PasswordReset.used_at.is_(None)
        )
    )


@bp.route("/admin/users/<int:user_id>/reset-link", methods=["POST"])
@admin_required
# A link that sets anyone's password: only from a session whose person gave it lately.
@fresh.required(back=users_page_at)
def issue_reset(user_id: int) -> tuple[str, int] | str:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    now = utcnow()
    # One link at a time: issuing a new one ends any earlier one not yet used.
    _end_unused_links(user.id)
    token = secrets.token_urlsafe(32)
    hours = current_app.config["RHI_RESET_LINK_HOURS"]
    db.session.add(
        PasswordReset(
            token_hash=_digest(token),
            user_id=user.id,
            issued_by_id=current_user.id,
            issued_at=now,
            expires_at=now + timedelta(hours=hours),
        )
    )
    audit.record("account.reset_link", user=current_user, object_type="user", object_id=user.id)
    db.session.commit()
    link = url_for("account.reset", token=token, _external=True)
    return render_template("auth/reset_issued.html", user=user, link=link, hours=hours)


def _usable(token: str) -> PasswordReset | None:
    found = db.session.scalar(
        select(PasswordReset).where(PasswordReset.token_hash == _digest(token))
    )
    if found is None or found.used_at is not None or found.expires_at <= utcnow():
        return None
    if not found.user.active:
        return None
    return found


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str) -> str | tuple[str, int] | Response:
    found = _usable(token)
    if found is None:
        audit.record("account.reset", outcome="refused", detail="link unknown, used or expired")
        db.session.commit()
        return render_template("auth/reset_gone.html"), 410
    form = NewPasswordForm()
    form.about = (found.user.email, found.user.name)
    if not form.validate_on_submit():
        return render_template("auth/reset.html", form=form, user=found.user), (
            422 if form.is_submitted() else 200
        )
    user = found.user
    user.password_hash = hash_password(form.password.data)
    found.used_at = utcnow()
    end_sessions_for(user.id)  # whoever was signed in as them is signed out
    audit.record("account.reset", user=user, object_type="user", object_id=user.id)
    db.session.commit()
    flash("Your new password is set. Sign in with it now.", "success")
    return redirect(url_for("auth.sign_in"))
