"""Fresh sign-in for sensitive actions (DESIGN.md, Security model): the one rule.

A session left open (a tablet in a bag, a desk walked away from) is someone else's for as long
as nobody signs it out, and Flask-Login's `session_protection = "basic"` keeps it working across
addresses on purpose. So the actions that could lock a person out or reach many records at
once ask for the password again (and the second factor's code, where the person has one) when
it was last entered more than FRESH_FOR ago in this session: setting up the second factor,
issuing a password link, resetting someone's second factor, the retention run and its page, a
subject access export and its page; and the administrators' actions that lead straight to those
(adding a user, changing a role or team, activating an account, handing over a social worker's
children, lifting a legal hold, making a service token, saving the Settings page), which would
otherwise let a stale session make an administrator who then does them. Signing in counts as
entering it (rhi/auth/views.py marks the session); so does "Confirm it's you" (the
`auth.confirm` pages, which send the person back).

A stale GET goes to the confirm page and comes back to the same page. A stale POST does nothing
at all (the view does not run) and goes to the confirm page, which sends the person back to the
page the form was on (`back`), where they do it again: a form sent from a stale session is never
half done, and what it carried is never put in a URL.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import flash, redirect, request, session, url_for
from flask.sessions import SessionMixin
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from rhi.models.base import utcnow
from rhi.models.people import User

FRESH_FOR = timedelta(minutes=15)
# The session's note of when its person last entered their password (and code): server-side
# (rhi/sessions.py), so the browser can neither read nor set it.
_KEY = "_fresh_sign_in"
_LONGEST_PATH = 2000


def _seconds(now: datetime) -> float:
    # The app's times are naive UTC (rhi.models.base.utcnow); .timestamp() alone would read them
    # as the server's local time.
    return (now if now.tzinfo is not None else now.replace(tzinfo=UTC)).timestamp()


def mark(store: SessionMixin, user: User, now: datetime) -> None:
    """`user` has just entered their password (and code, where they have one) here."""
    store[_KEY] = {"user_id": user.id, "at": int(_seconds(now))}


def seconds_since(store: SessionMixin, user_id: int, now: datetime) -> float | None:
    """How long ago `user_id` last entered their password (and code) in this session; None if
    never. A page hidden by the idle sign-out comes back only for a password entered after it
    (static/js/idle-warning.js): the server keeps a session a little past the page's end."""
    note = store.get(_KEY)
    if not isinstance(note, dict):
        return None
    try:
        who, at = int(note["user_id"]), int(note["at"])
    except (KeyError, TypeError, ValueError):
        return None
    return _seconds(now) - at if who == user_id else None


def is_fresh(store: SessionMixin, user_id: int, now: datetime) -> bool:
    """`user_id` entered their password (and code) in this session less than FRESH_FOR ago."""
    note = store.get(_KEY)
    if not isinstance(note, dict):
        return False
    try:
        who, at = int(note["user_id"]), int(note["at"])
    except (KeyError, TypeError, ValueError):
        return False
    return who == user_id and _seconds(now) - at < FRESH_FOR.total_seconds()


def local_path(target: object) -> str | None:
    """`target` if it is a path on this site ("/admin/users?x=1#user-3"), else None: the
    confirm page sends people back only to rhi's own pages, never to another site."""
    if not isinstance(target, str) or not target.startswith("/") or len(target) > _LONGEST_PATH:
        return None
    # "//host" and "/\\host" are other sites to a browser; control characters are never ours.
    if target.startswith("//") or "\\" in target or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def _here() -> str:
    """The page asked for, with its query: where a stale GET comes back to."""
    return request.full_path.rstrip("?") if request.query_string else request.path


def is_fresh_now() -> bool:
    """The person signed in to this request entered their password (and code) less than
    FRESH_FOR ago: for a view that asks only for some of what it does (activating an account
    asks, deactivating it does not)."""
    return bool(current_user.is_authenticated) and is_fresh(session, int(current_user.id), utcnow())


def confirm_first(back: str) -> WerkzeugResponse:
    """The answer to a stale POST, which has done nothing: confirm it's you, then back to
    `back`, the page the form was on, to do it again."""
    flash(
        "Nothing was changed yet. Confirm it's you, then do it again.",
        "info",
    )
    return redirect(url_for("auth.confirm", next=back), 303)


def required(back: Callable[..., str] | None = None) -> Callable[[Any], Any]:
    """A view for a sensitive action: it runs only in a fresh session; otherwise the person
    confirms it's them first. `back(**view_args)` names the page a stale POST's form was on
    (by default, the same address: a view that also draws its form on GET). Put it below the
    role check, so that someone who may not do the action at all is refused, not asked."""

    def decorate(view: Any) -> Any:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:  # login_required, above, answers this
                return view(*args, **kwargs)
            if is_fresh_now():
                return view(*args, **kwargs)
            if request.method in ("GET", "HEAD"):
                return redirect(url_for("auth.confirm", next=_here()))
            return confirm_first(back(**kwargs) if back is not None else request.path)

        return wrapped

    return decorate
