from __future__ import annotations

from rhi.extensions import db
from rhi.models import User


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: a deactivated user is signed out at their next request."""
    try:
        user = db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None
    if user is None or not user.active:
        return None
    return user
