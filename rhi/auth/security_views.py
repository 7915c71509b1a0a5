"""Your account: the password, the second factor and the devices signed in as you.

Anyone may switch the second factor on here. A user whose role must have it
(RHI_SECOND_FACTOR_ROLES) and has not set it up reaches nothing but its set-up page and
signing out (`_second_factor_gate`); checked on every request, so it also applies to sessions
that began before the setting or the role changed.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from rhi import audit
from rhi.auth import fresh, second_factor, throttle
from rhi.extensions import db, limiter
from rhi.forms.admin import ConfirmForm
from rhi.forms.second_factor import SetUpForm, TurnOffForm
from rhi.models import User, UserSession
from rhi.models.base import utcnow
from rhi.passwords import verify_password
from rhi.sessions import current_session_id, end_other_sessions

bp = Blueprint("account_security", __name__)

# The secret being set up, kept in the server-side session until a code proves the app has it.
SETTING_UP = "_second_factor_setting_up"
# What a user who must set up the second factor may still reach: setting it up asks them to
# confirm it's them first when they signed in more than 15 minutes ago (rhi/auth/fresh.py).
_OPEN_WHILE_SETTING_UP = {
    "account_security.set_up",
    "auth.confirm",
    "auth.confirm_code",
    "auth.sign_out",
    "static",
}


def _roles() -> tuple[str, ...]:
    return tuple(current_app.config.get("RHI_SECOND_FACTOR_ROLES") or ())


@bp.before_app_request
def _second_factor_gate() -> Response | None:
    roles = _roles()
    if not roles:  # nobody must: no query, no check
        return None
    endpoint = request.endpoint or ""
    if endpoint in _OPEN_WHILE_SETTING_UP or request.blueprint == "health":
        return None
    if not current_user.is_authenticated:
        return None
    if not second_factor.missing_for(current_user, roles):
        return None
    if request.method == "GET":
        return redirect(url_for("account_security.set_up"))
    abort(403)
    return None  # unreachable: abort raises


def _me() -> User:
    user = db.session.get(User, current_user.id)
    assert user is not None  # signed in
    return user


def _account_page(status: int = 200, off_form: TurnOffForm | None = None) -> tuple[str, int]:
    user = _me()
    sessions = db.session.scalars(
        select(UserSession)
        .where(UserSession.user_id == user.id)
        .order_by(UserSession.last_seen_at.desc())
    ).all()
    return render_template(
        "auth/account.html",
        user=user,
        required=second_factor.required_for(user, _roles()),
        codes_left=second_factor.recovery_codes_left(user) if user.second_factor_on else 0,
        off_form=off_form or TurnOffForm(formdata=None),
        confirm=ConfirmForm(formdata=None),
        sessions=sessions,
        this_session=current_session_id(session),
    ), status


@bp.route("/account")
@login_required
def account() -> tuple[str, int]:
    return _account_page()


@bp.route("/account/second-factor", methods=["GET", "POST"])
@login_required
# A session left open must not put its own app in place of its owner's: the password again.
@fresh.required()
def set_up() -> str | tuple[str, int] | Response:
    user = _me()
    if user.second_factor_on:
        flash("The second factor is already on.", "info")
        return redirect(url_for("account_security.account"))
    secret = session.get(SETTING_UP)
    if not isinstance(secret, str) or not secret:
        secret = second_factor.new_secret()
        session[SETTING_UP] = secret
    form = SetUpForm()
    status = 200
    if form.validate_on_submit():
        now = utcnow()
        codes = second_factor.switch_on(user, secret, form.code.data, now)
        if codes is not None:
            session.pop(SETTING_UP, None)
            # The other devices signed in with the password alone: they sign in again, with
            # a code.
            ended = end_other_sessions(user.id, session)
            audit.record(
                "second_factor.on",
                user=user,
                object_type="user",
                object_id=user.id,
                detail=f"{ended} other sessions ended",
            )
            db.session.commit()
            response = current_app.make_response(
                render_template("auth/recovery_codes.html", codes=codes)
            )
            response.headers["Cache-Control"] = "no-store"  # shown once, kept nowhere
            return response
        form.code.errors = [
            "That code is not right. Check the key was typed in full, and type the code the "
            "app shows now."
        ]
        audit.record(
            "second_factor.on", user=user, object_type="user", object_id=user.id, outcome="refused"
        )
        db.session.commit()
        status = 422
    elif form.is_submitted():
        status = 422
    response = current_app.make_response(
        (
            render_template(
                "auth/second_factor_set_up.html",
                form=form,
                grouped=second_factor.grouped(secret),
                uri=second_factor.provisioning_uri(secret, user.email),
                qr=second_factor.qr_svg(second_factor.provisioning_uri(secret, user.email)),
                required=second_factor.required_for(user, _roles()),
            ),
            status,
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/account/second-factor/off", methods=["POST"])
@login_required
# The password and a code, guessed from a signed-in session: limited as sign-in is.
@limiter.limit(throttle.sign_in_limit, key_func=throttle.signed_in_key)
def turn_off() -> tuple[str, int] | Response:
    user = _me()
    form = TurnOffForm()
    if not user.second_factor_on:
        return redirect(url_for("account_security.account"))
    if not form.validate_on_submit():
        return _account_page(422, off_form=form)
    if not verify_password(user.password_hash, form.password.data):
        form.password.errors = ["That is not your password."]
    elif second_factor.check_code(user, form.code.data, utcnow()) is None:
        form.code.errors = ["That code is not right. Type the code your app shows now."]
    if form.password.errors or form.code.errors:
        audit.record(
            "second_factor.off", user=user, object_type="user", object_id=user.id, outcome="refused"
        )
        db.session.commit()
        return _account_page(422, off_form=form)
    second_factor.switch_off(user)
    audit.record("second_factor.off", user=user, object_type="user", object_id=user.id)
    db.session.commit()
    if second_factor.required_for(user, _roles()):
        flash("Your role needs a second factor: set it up again now, on your new phone.", "info")
        return redirect(url_for("account_security.set_up"))
    flash("The second factor is off. You sign in with your password alone.", "success")
    return redirect(url_for("account_security.account"))


@bp.route("/account/sessions/end-others", methods=["POST"])
@login_required
def end_others() -> Response:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    ended = end_other_sessions(current_user.id, session)
    audit.record(
        "sessions.ended_by_user",
        object_type="user",
        object_id=current_user.id,
        detail=f"{ended} sessions",
    )
    db.session.commit()
    flash(
        f"Signed out on {ended} other {'device' if ended == 1 else 'devices'}."
        if ended
        else "You were not signed in anywhere else.",
        "success",
    )
    return redirect(url_for("account_security.account"))
