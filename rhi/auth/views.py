"""Sign in and sign out.

Signing in is one step (email and password), or two for a user with the second factor on
(rhi/auth/second_factor.py): after the right password, a code from their app or a recovery
code. Until the code is right the browser holds only the pre-session (rhi/sessions.py), in which
nothing counts as signed in.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

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
from rhi.auth import second_factor, throttle
from rhi.extensions import db, limiter
from rhi.forms.auth import SignInForm
from rhi.forms.second_factor import SignInCodeForm
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


WRONG_CODE = (
    "That code is not right. Check your authenticator app shows rhi, and type the code it "
    "shows now."
)
# The pre-session key for "the password was right, the code is still to come", and how long
# that lasts: long enough to find the phone, short enough that a browser left there is safe.
PENDING = "_second_factor_pending"
PENDING_FOR = timedelta(minutes=5)


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(throttle.sign_in_limit, methods=["POST"])
def sign_in() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    error = None
    if form.validate_on_submit():
        error = _try_sign_in(form.email.data.strip().lower(), form.password.data)
        if error is None and session.get(PENDING) is not None:
            return redirect(url_for("auth.sign_in_code"))
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
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    if user.second_factor_on:
        # Not signed in yet: the pre-session remembers only who gave the right password, and
        # when. The throttle forgives nothing until the code is right too, or someone who knows
        # the password could reset the count of wrong codes by typing it again.
        session[PENDING] = {
            "user_id": user.id,
            "at": int(now.timestamp()),
            "password": _password_mark(user),
        }
        audit.record("sign_in.code_asked", user=user, object_type="user", object_id=user.id)
        db.session.commit()
        return None
    attempt.note_success()
    _finish_sign_in(user)
    db.session.commit()
    return None


def _finish_sign_in(user: User, detail: str | None = None) -> None:
    session.pop(PENDING, None)
    rotate_session(session)
    login_user(user)
    audit.record("sign_in", user=user, object_type="user", object_id=user.id, detail=detail)


def _password_mark(user: User) -> str:
    """A short digest of the password hash: a password changed or reset since the first step
    ends that step's pending sign-in. (The pre-session cookie is signed, not secret: the hash
    itself stays out of it.)"""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def _pending_user() -> User | None:
    """Who gave the right password in this browser within PENDING_FOR, if still active."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    try:
        user_id, at = int(pending["user_id"]), int(pending["at"])
    except (KeyError, TypeError, ValueError):
        return None
    if utcnow().timestamp() - at > PENDING_FOR.total_seconds():
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active or not user.second_factor_on:
        return None
    if not hmac.compare_digest(str(pending.get("password", "")), _password_mark(user)):
        return None
    return user


@bp.route("/sign-in/code", methods=["GET", "POST"])
@limiter.limit(throttle.sign_in_limit, methods=["POST"])
def sign_in_code() -> str | tuple[str, int] | Response:
    """The second step of signing in, for a user with the second factor on."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    user = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash("Sign in again with your email address and password.", "info")
        return redirect(url_for("auth.sign_in"))
    form = SignInCodeForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("auth/sign_in_code.html", form=form, error=None), status
    now = utcnow()
    attempt = throttle.Attempt(
        key=throttle.email_key(user.email, current_app.secret_key),
        address=throttle.address_key(request.remote_addr),
        now=now,
        limits=throttle.Limits.from_config(current_app.config),
    )
    until = attempt.refused_until()
    if until is not None:
        audit.record(
            "sign_in.paused", user=user, object_type="user", object_id=user.id, outcome="refused"
        )
        db.session.commit()
        error = PAUSED.format(time=f"{to_local(until):%H:%M}")
        return render_template("auth/sign_in_code.html", form=form, error=error), 401
    kind = second_factor.check_code(user, form.code.data, now)
    if kind is None:
        attempt.note_failure()
        audit.record(
            "sign_in.code_failed",
            user=user,
            object_type="user",
            object_id=user.id,
            outcome="refused",
        )
        db.session.commit()
        return render_template("auth/sign_in_code.html", form=form, error=WRONG_CODE), 401
    attempt.note_success()
    detail = "with a code from the app" if kind == "app" else "with a recovery code"
    _finish_sign_in(user, detail=detail)
    db.session.commit()
    if kind != "app":
        left = second_factor.recovery_codes_left(user)
        flash(
            f"You used a recovery code: {left} left. If your phone is lost, set up the app "
            "again from Your account.",
            "info",
        )
    return redirect(url_for("home.index"))


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
