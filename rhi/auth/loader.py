from __future__ import annotations

from flask import session

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
    user = owner if owner is not None and owner.id == wanted else db.session.get(User, wanted)
    if user is None or not user.active:
        return None
    return user
