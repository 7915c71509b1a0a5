from __future__ import annotations

from flask import session
from sqlalchemy.orm.exc import ObjectDeletedError

from rhi.extensions import db
from rhi.models import User


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: a deactivated user is signed out at their next request."""
    try:
        wanted = int(user_id)
    except (TypeError, ValueError):
        return None
    # The session's row was read with its user, as they are now (rhi/sessions.py): no second
    # query. Any other case (no row, a row naming someone else) reads the user here.
    owner = getattr(session, "owner", None)
    if owner is not None and getattr(session, "owner_id", None) == wanted:
        user = owner
    else:
        user = db.session.get(User, wanted)
    try:
        # Read again if the view committed before asking who is signed in: still fresh.
        return user if user is not None and user.active else None
    except ObjectDeletedError:  # the user read with the session is gone since
        return None
