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
# The same words whether or not the email belongs to anyone, and never "this account": a pause
# is for this address (or addresses new to the account), not a lock on the person.
PAUSED = (
    "Too many attempts to sign in from here. Try again after {time}, or ask your "
    "administrator for help."
)


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
        error = _try_sign_in(form.email.data.strip().lower(), form.password.data)
        if error is None:
            return redirect(url_for("home.index"))
    status = 200 if error is None else 401
    return render_template("auth/sign_in.html", form=form, error=error), status


def _try_sign_in(email: str, password: str) -> str | None:
    """Sign in, or say why not.

    Every way through does the same work, so the time taken tells nothing: the same throttle
    queries (keyed by the email typed, whether or not it is anyone's), one argon2 verification
    (against a dummy hash when there is no such user or the attempt is refused), then rows
    written and one commit.
    """
    now = utcnow()
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    attempt = throttle.Attempt(
        key=throttle.email_key(email, current_app.secret_key),
        address=throttle.address_key(request.remote_addr),
        now=now,
        limits=throttle.Limits.from_config(current_app.config),
    )
    until = attempt.refused_until()
    real_hash = user.password_hash if user is not None and until is None else None
    right = verify_password(real_hash, password)
    if until is not None:
        audit.record(
            "sign_in.paused",
            user=user,
            object_type="user" if user else None,
            object_id=user.id if user else None,
            outcome="refused",
        )
        db.session.commit()
        return PAUSED.format(time=f"{to_local(until):%H:%M}")
    if user is None or not user.active or not right:
        attempt.note_failure()
        audit.record(
            "sign_in.failed",
            user=user,
            object_type="user" if user else None,
            object_id=user.id if user else None,
            outcome="refused",
        )
        db.session.commit()
        return GENERIC_FAILURE
    attempt.note_success()
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    rotate_session(session)
    login_user(user)
    audit.record("sign_in", user=user, object_type="user", object_id=user.id)
    db.session.commit()
    return None


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
