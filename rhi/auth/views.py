"""Sign in and sign out."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from rhi import audit
from rhi.auth import throttle
from rhi.extensions import db, limiter
from rhi.forms.auth import SignInForm
from rhi.models import User
from rhi.models.base import utcnow
from rhi.passwords import hash_password, needs_rehash, verify_password
from rhi.sessions import rotate_session
from rhi.timefmt import to_local

bp = Blueprint("auth", __name__)

GENERIC_FAILURE = "The email address or password is not right. Check them and try again."


def _sign_in_limit() -> str:
    return current_app.config["RHI_SIGN_IN_RATE_LIMIT"]


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
def sign_in() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    error = None
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        now = utcnow()
        until = throttle.locked_until(user, now) if user else None
        if until is not None:
            audit.record("sign_in.locked", user=user, object_type="user", object_id=user.id,
                         outcome="refused")
            db.session.commit()
            error = (f"Too many attempts to sign in. For your safety this account is paused "
                     f"until {to_local(until):%H:%M}. Try again then, or ask your administrator.")
        elif user is not None and user.active and verify_password(user.password_hash,
                                                                   form.password.data):
            throttle.note_success(user)
            if needs_rehash(user.password_hash):
                user.password_hash = hash_password(form.password.data)
            rotate_session(session)
            login_user(user)
            audit.record("sign_in", user=user, object_type="user", object_id=user.id)
            db.session.commit()
            return redirect(url_for("home.index"))
        else:
            if user is None:
                verify_password(None, form.password.data)  # same time as a wrong password
            else:
                cfg = current_app.config
                throttle.note_failure(user, now, cfg["RHI_LOCKOUT_ATTEMPTS"],
                                      cfg["RHI_LOCKOUT_MINUTES"])
            audit.record("sign_in.failed", user=user,
                         object_type="user" if user else None,
                         object_id=user.id if user else None, outcome="refused")
            db.session.commit()
            error = GENERIC_FAILURE
    status = 200 if error is None else 401
    return render_template("auth/sign_in.html", form=form, error=error), status


@bp.route("/sign-out", methods=["POST"])
@login_required
def sign_out() -> Response:
    audit.record("sign_out", object_type="user", object_id=current_user.id)
    db.session.commit()
    logout_user()
    session.clear()
    rotate_session(session)  # deletes the server-side row: a copied cookie stops working
    flash("You have signed out.", "info")
    response = redirect(url_for("auth.sign_in"))
    # Nothing of this session stays in the browser: cached files, service worker and storage.
    # offline.js asks first when changes are waiting to be sent, and says so with keep_device.
    # A worker who chose to keep unsent changes on the tablet keeps them (encrypted, locked).
    keep = request.form.get("keep_device") == "1"
    response.headers["Clear-Site-Data"] = '"cache"' if keep else '"cache", "storage"'
    return response
