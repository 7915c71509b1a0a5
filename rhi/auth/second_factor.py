"""The second factor: a six-digit code from an authenticator app (TOTP, RFC 6238, with pyotp),
or one of the recovery codes given when it was switched on.

A code is accepted for the current 30-second step and the one either side (a phone's clock may
be a little out), never for a step at or before the last one used: a code read over someone's
shoulder, or sent twice, does not work again. Recovery codes are random, so SHA-256 keeps them
safely; each works once. The app's key is kept sealed (rhi/auth/sealed.py).

"Once" holds for codes sent at the same moment too: each use is one conditional UPDATE (the step
only moves forward; a recovery code is used only while unused) and counts as a use only if it
changed a row. Reading first and writing after let four browsers waiting for a code all sign in
with one code: each read the row before any had written it. On PostgreSQL the UPDATE takes the
row's lock and checks its condition again once the first use commits; SQLite writes one at a time.

Any user may switch it on. `RHI_SECOND_FACTOR_ROLES` (rhi/config.py) names the roles that must:
signed in with a password alone, such a user can reach nothing but setting it up
(rhi/auth/security_views.py).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime

import pyotp
from markupsafe import Markup
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from rhi.auth.sealed import reseal, seal, unseal
from rhi.extensions import db
from rhi.models.people import RecoveryCode, User

STEP_SECONDS = 30
DIGITS = 6
RECOVERY_CODES = 8
# No 0/o, 1/l/i: a code copied from paper by hand should not be mistyped.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 10  # 31**10: about 50 bits, far beyond guessing at a throttled sign-in
ISSUER = "rhi"


def new_secret() -> str:
    return pyotp.random_base32()  # 32 base32 characters: 160 bits, as RFC 4226 recommends


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(secret: str, email: str) -> str:
    """The otpauth:// link an authenticator app reads (from a QR code or pasted)."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(uri: str) -> Markup:
    """The set-up link as a QR code, inline SVG drawn here (no request leaves the page). The
    link is encoded as modules of the code, not as text, so nothing in it reaches the markup."""
    import segno  # here: only setting up a second factor draws one, not every process's start

    code = segno.make(uri, error="m")
    svg = code.svg_inline(scale=5, border=4, svgclass="qr-code", omitsize=False)
    return Markup(svg)  # noqa: S704  # nosec B704 - drawn by segno from module paths only


def step_at(now: datetime) -> int:
    # The app's times are naive UTC (rhi.models.base.utcnow); .timestamp() would read a naive
    # time as the server's local time, hours out from the phone's on a server not set to UTC.
    moment = now if now.tzinfo is not None else now.replace(tzinfo=UTC)
    return int(moment.timestamp()) // STEP_SECONDS


def _digits(code: str) -> str:
    return "".join(code.split())  # apps show "123 456"; people type it either way


def looks_like_app_code(code: str) -> bool:
    typed = _digits(code)
    return len(typed) == DIGITS and typed.isdigit()


def matching_step(secret: str, code: str, now: datetime, last_step: int | None) -> int | None:
    """The step `code` is right for (now, or one step either side), if it is later than
    `last_step`; otherwise None."""
    typed = _digits(code)
    if not looks_like_app_code(typed):
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    current = step_at(now)
    found = None
    for step in (current - 1, current, current + 1):
        # Every candidate is compared, in constant time, so timing tells nothing of which one.
        right = hmac.compare_digest(totp.generate_otp(step), typed)
        if right and (last_step is None or step > last_step) and found is None:
            found = step
    return found


def check_app_code(user: User, code: str, now: datetime) -> bool:
    """Accept a code from the app and remember its step, so that it cannot be used again."""
    secret = unseal(user.totp_secret) if user.totp_secret else None
    if secret is None:  # none set, or sealed with a key no longer in use: refused
        return False
    step = matching_step(secret, code, now, user.totp_last_step)
    if step is None:
        return False
    # The step moves forward only if no other request has used this step (or a later one)
    # since `user` was read: the row, not the copy in memory, decides (see the top).
    moved = db.session.execute(
        update(User)
        .where(
            User.id == user.id,
            or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        return False
    set_committed_value(user, "totp_last_step", step)  # as written: no second UPDATE
    user.totp_secret = reseal(user.totp_secret)  # with the newest key, once a key is replaced
    return True


def _normalise_recovery(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def recovery_digest(code: str) -> str:
    return hashlib.sha256(_normalise_recovery(code).encode()).hexdigest()


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
    half = _RECOVERY_LENGTH // 2
    return f"{raw[:half]}-{raw[half:]}"


def use_recovery_code(user: User, code: str, now: datetime) -> bool:
    """Accept one unused recovery code, and use it up."""
    if not _normalise_recovery(code):
        return False
    # Used up in the one statement that finds it unused: of two requests with one code, only
    # the one whose UPDATE changed the row has used it (see the top).
    used = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == recovery_digest(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return used.rowcount == 1


def check_code(user: User, code: str, now: datetime) -> str | None:
    """ "app" or "recovery code" for whichever the code was, or None when it is not right."""
    if looks_like_app_code(code):
        return "app" if check_app_code(user, code, now) else None
    return "recovery code" if use_recovery_code(user, code, now) else None


def recovery_codes_left(user: User) -> int:
    rows = db.session.scalars(
        select(RecoveryCode.id).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    ).all()
    return len(rows)


def _replace_recovery_codes(user: User, now: datetime) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
    db.session.add_all(
        RecoveryCode(user_id=user.id, code_hash=recovery_digest(c), created_at=now) for c in codes
    )
    return codes


def switch_on(user: User, secret: str, code: str, now: datetime) -> list[str] | None:
    """Switch the second factor on once `code` proves the app has `secret`; the new recovery
    codes (to show once), or None when the code is not right."""
    step = matching_step(secret, code, now, None)
    if step is None:
        return None
    user.totp_secret = seal(secret)  # never kept as it is: rhi/auth/sealed.py
    user.totp_enabled_at = now
    user.totp_last_step = step
    return _replace_recovery_codes(user, now)


def switch_off(user: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def required_for(user: User, roles: Iterable[str]) -> bool:
    return user.role in set(roles)


def missing_for(user: User, roles: Iterable[str]) -> bool:
    """The user's role needs a second factor and they have not set one up."""
    return required_for(user, roles) and not user.second_factor_on
