"""Sign in and sign out.

Signing in is one step (email and password), or two for a user with the second factor on
(rhi/auth/second_factor.py): after the right password, a code from their app or a recovery
code. Until the code is right the browser holds only the pre-session (rhi/sessions.py), in which
nothing counts as signed in.

"Confirm it's you" (`confirm`, `confirm_code`) asks a signed-in person for the same again before
a sensitive action, when they last gave it more than 15 minutes ago (rhi/auth/fresh.py). It is
throttled and audited as signing in is: wrong passwords and codes there count towards the same
pauses, so a session left open is no way round them.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta
from urllib.parse import urlsplit

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
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from rhi import audit
from rhi.auth import fresh, second_factor, throttle
from rhi.extensions import db, limiter
from rhi.forms.auth import SignInForm
from rhi.forms.confirm import ConfirmCodeForm, ConfirmPasswordForm
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
    if not form.is_submitted():
        form.next.data = _after_sign_in(request.args.get("next"))
    error = None
    if form.validate_on_submit():
        then = _after_sign_in(form.next.data)
        error = _try_sign_in(form.email.data.strip().lower(), form.password.data, then)
        if error is None and session.get(PENDING) is not None:
            return redirect(url_for("auth.sign_in_code"))
        if error is None:
            return redirect(then)
    status = 200 if error is None else 401
    return render_template("auth/sign_in.html", form=form, error=error), status


def _after_sign_in(target: object) -> str:
    """Where signing in leads: the page the person asked for before it (a signed-out person is
    sent here with ?next=, as after the idle sign-out), when that is one of rhi's own pages a
    browser can open; else their home page. The page itself then checks who may see it."""
    path = fresh.local_path(target)
    if path is None:
        return url_for("home.index")
    try:
        endpoint, _args = current_app.url_map.bind("localhost").match(
            urlsplit(path).path, method="GET"
        )
    except HTTPException:  # not a page (a form's address, a missing page, a moved one)
        return url_for("home.index")
    if endpoint.startswith("auth.") or endpoint == "static":
        return url_for("home.index")
    return path


def _try_sign_in(email: str, password: str, then: str) -> str | None:
    """Sign in, or say why not.

    Every way through does the same work, so the time taken tells nothing: the same throttle
    queries (keyed by the email typed, whether or not it is anyone's), one argon2 verification
    (against a dummy hash when there is no such user or the attempt is refused), then rows
    written and one commit.
    """
    now = utcnow()
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    attempt = _attempt(email, now)
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
            "then": then,
        }
        audit.record("sign_in.code_asked", user=user, object_type="user", object_id=user.id)
        db.session.commit()
        return None
    attempt.note_success()
    _finish_sign_in(user)
    db.session.commit()
    return None


def _attempt(email: str, now: datetime) -> throttle.Attempt:
    """An attempt at `email`'s password or code from this address, for the throttle."""
    return throttle.Attempt(
        key=throttle.email_key(email, current_app.secret_key),
        address=throttle.address_key(request.remote_addr),
        now=now,
        limits=throttle.Limits.from_config(current_app.config),
    )


def _finish_sign_in(user: User, detail: str | None = None) -> None:
    session.pop(PENDING, None)
    rotate_session(session)
    login_user(user)
    fresh.mark(session, user, utcnow())  # signing in is entering the password (and code)
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
    attempt = _attempt(user.email, now)
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
        # Beside the field, marked in error and linked to it, and in base.html's summary at the
        # top, focused on load: as every form sent back with an error says it.
        form.code.errors = [WRONG_CODE]
        return render_template("auth/sign_in_code.html", form=form, error=None), 401
    attempt.note_success()
    then = _after_sign_in(session[PENDING].get("then"))  # checked again, as read back
    detail = "with a code from the app" if kind == "app" else "with a recovery code"
    _finish_sign_in(user, detail=detail)
    db.session.commit()
    if kind != "app":
        _say_recovery_codes_left(user)
    return redirect(then)


def _say_recovery_codes_left(user: User) -> None:
    left = second_factor.recovery_codes_left(user)
    flash(
        f"You used a recovery code: {left} left. If your phone is lost, set up the app "
        "again from Your account.",
        "info",
    )


# "Confirm it's you" (rhi/auth/fresh.py). Said next to the field, which keeps the focus.
CONFIRM_NOT_RIGHT = "That is not your password. Check it and try again."
CONFIRM_WRONG_CODE = "That code is not right. Type the code your authenticator app shows now."
CONFIRM_PAUSED = (
    "Too many attempts from here. Try again after {time}, or ask your administrator for help."
)
# The session's key for "the password was right, the code is still to come", as PENDING is at
# sign-in (and for as long: PENDING_FOR).
CONFIRMING = "_fresh_password_given"


def _confirm_back(target: object) -> str:
    """Where confirming sends the person: the local path they came from, else the home page
    (never another site, never this page again)."""
    path = fresh.local_path(target)
    if path is None or path.split("?")[0].startswith(url_for("auth.confirm")):
        return url_for("home.index")
    return path


def _confirm_page(
    form: ConfirmPasswordForm | ConfirmCodeForm, step: str, status: int = 200
) -> tuple[str, int]:
    field = form.password if isinstance(form, ConfirmPasswordForm) else form.code
    if field.errors:
        # The page comes back with the focus in the field, its error beside it and linked to it
        # (macros/forms.html), not in a summary at the top: one field, one thing to fix.
        field.render_kw = {**(field.render_kw or {}), "autofocus": True}
    return render_template(
        "auth/confirm.html",
        form=form,
        step=step,
        minutes=int(fresh.FRESH_FOR.total_seconds() // 60),
        form_errors=[],  # the page says it itself: the field's own message, and the title
    ), status


def _signed_in_user() -> User:
    user = db.session.get(User, current_user.id)
    assert user is not None  # signed in
    return user


def _confirm_refused(
    user: User, attempt: throttle.Attempt, until: datetime | None, what: str
) -> str:
    """Record a refused confirmation as a refused sign-in is recorded; the words to say."""
    if until is not None:
        audit.record(
            "sign_in.paused",
            user=user,
            object_type="user",
            object_id=user.id,
            outcome="refused",
            detail="confirming it's them",
        )
        db.session.commit()
        return CONFIRM_PAUSED.format(time=f"{to_local(until):%H:%M}")
    attempt.note_failure()
    audit.record(
        "sign_in.confirm_failed",
        user=user,
        object_type="user",
        object_id=user.id,
        outcome="refused",
        detail=what,
    )
    db.session.commit()
    return CONFIRM_NOT_RIGHT if what == "password" else CONFIRM_WRONG_CODE


def _confirmed(user: User, attempt: throttle.Attempt, now: datetime, detail: str) -> Response:
    attempt.note_success()
    session.pop(CONFIRMING, None)
    fresh.mark(session, user, now)
    audit.record(
        "sign_in.confirmed", user=user, object_type="user", object_id=user.id, detail=detail
    )
    db.session.commit()
    return redirect(_confirm_back(request.form.get("next")))


@bp.route("/confirm", methods=["GET", "POST"])
@login_required
# Guesses at the password from a signed-in session: limited as sign-in is.
@limiter.limit(throttle.sign_in_limit, methods=["POST"], key_func=throttle.signed_in_key)
def confirm() -> tuple[str, int] | Response:
    """Confirm it's you: the password, then (for someone with a second factor) the code."""
    user = _signed_in_user()
    form = ConfirmPasswordForm()
    if not form.is_submitted():
        form.next.data = _confirm_back(request.args.get("next"))
        return _confirm_page(form, "password")
    if not form.validate_on_submit():
        return _confirm_page(form, "password", 422)
    now = utcnow()
    attempt = _attempt(user.email, now)
    until = attempt.refused_until()
    # One argon2 verification either way, as at sign-in; against a dummy hash while paused.
    right = verify_password(user.password_hash if until is None else None, form.password.data)
    if until is not None or not right:
        form.password.errors = [_confirm_refused(user, attempt, until, "password")]
        return _confirm_page(form, "password", 401)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(form.password.data)
    if not user.second_factor_on:
        return _confirmed(user, attempt, now, "with the password")
    # The code is still to come: as at sign-in, nothing is forgiven until it is right.
    session[CONFIRMING] = {"at": int(now.timestamp()), "password": _password_mark(user)}
    audit.record("sign_in.confirm_code_asked", user=user, object_type="user", object_id=user.id)
    db.session.commit()
    return redirect(url_for("auth.confirm_code", next=_confirm_back(form.next.data)))


def _password_given(user: User) -> bool:
    """This session's person gave their password on the confirm page within PENDING_FOR, and it
    has not changed since."""
    given = session.get(CONFIRMING)
    if not isinstance(given, dict):
        return False
    try:
        at = int(given["at"])
    except (KeyError, TypeError, ValueError):
        return False
    if utcnow().timestamp() - at > PENDING_FOR.total_seconds():
        return False
    return hmac.compare_digest(str(given.get("password", "")), _password_mark(user))


@bp.route("/confirm/code", methods=["GET", "POST"])
@login_required
@limiter.limit(throttle.sign_in_limit, methods=["POST"], key_func=throttle.signed_in_key)
def confirm_code() -> tuple[str, int] | Response:
    """The second step of confirming it's you, for someone with the second factor on."""
    user = _signed_in_user()
    form = ConfirmCodeForm()
    back = _confirm_back(request.form.get("next") or request.args.get("next"))
    if not user.second_factor_on or not _password_given(user):
        session.pop(CONFIRMING, None)
        return redirect(url_for("auth.confirm", next=back))
    if not form.is_submitted():
        form.next.data = back
        return _confirm_page(form, "code")
    if not form.validate_on_submit():
        return _confirm_page(form, "code", 422)
    now = utcnow()
    attempt = _attempt(user.email, now)
    until = attempt.refused_until()
    kind = second_factor.check_code(user, form.code.data, now) if until is None else None
    if kind is None:
        form.code.errors = [_confirm_refused(user, attempt, until, "code")]
        return _confirm_page(form, "code", 401)
    detail = "with the password and " + (
        "a code from the app" if kind == "app" else "a recovery code"
    )
    response = _confirmed(user, attempt, now, detail)
    if kind != "app":
        _say_recovery_codes_left(user)
    return response


# The tablet's note of who was last signed in here (static/js/pin-dialog.js SIGNED_IN, set by
# the page, read by no server code): gone at sign-out, so a signed-out tablet keeps no one's id
# (a security probe found it there days later). A test holds the two names together.
SIGNED_IN_COOKIE = "rhi-signed-in"


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
    response.delete_cookie(SIGNED_IN_COOKIE, path="/", samesite="Strict")
    return response
