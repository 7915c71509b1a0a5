"""Server-side sessions kept in the database.

Flask's default session is a signed cookie: it keeps working after sign-out if someone copied it.
Here the cookie carries only a random token; the session's data lives in `user_sessions`, keyed by
the token's SHA-256. Signing out, the idle timeout and deactivating a user delete the row, and a
copied cookie then opens an empty session. So does ending a user's sessions from the
administrators' page or from their own account page (end_sessions_for, end_other_sessions).

Only signed-in sessions get a row. Before sign-in (and after sign-out) the little a session holds,
the sign-in form's CSRF token and a message or two, is kept in a signed cookie of its own (the
"pre-session", RHI_PRE_SESSION_COOKIE_NAME, valid PRE_SESSION_MAX_AGE), so that anyone fetching
the sign-in page without cookies costs the database nothing. At sign-in its data moves into a new
row under a new token, and the pre-session cookie is deleted. Between a right password and a
right second-factor code (rhi/auth/views.py) the session is still a pre-session: nothing in it
signs anyone in.
"""

from __future__ import annotations

import copy
import hashlib
import json
import secrets
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, Request, Response
from flask import request as current_request
from flask.sessions import SessionInterface, SessionMixin
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import CallbackDict

from rhi.extensions import db
from rhi.models.base import utcnow
from rhi.models.people import User, UserSession

# Touching last_seen_at on every request would write on every click. It is touched when older
# than touch_every() instead, so it may lag the last request by that much: a session therefore
# ends only when idle for longer than the timeout plus that lag (late by at most a minute for a
# 30-minute timeout, never early).
TOUCH_AT_MOST_EVERY = timedelta(minutes=1)

PRE_SESSION_MAX_AGE = timedelta(hours=4)
_PRE_SESSION_SALT = "rhi.pre-session"


# A request a page sends by itself (the Returns list refreshing each minute, a download's or a
# PDF's state) carries `?background=1`: it does not count as the person being there. The
# Returns page refreshed forever, so a session left on it never reached the idle timeout and
# the warning never showed (a probe). The server keeps the session's last sight of the person
# as it was; idle-warning.js leaves such requests out by the same mark, handed to it by
# base.html; and one sent after the session ended is answered 401, not the sign-in page
# (swapped into the list).
BACKGROUND_PARAM = "background"


def is_background(request: Request) -> bool:
    """htmx's own GET with the mark: a read the page sends by itself. Not any request with the
    mark (a review): a change, or a page asked for, is always the person."""
    return (
        request.method == "GET"
        and request.headers.get("HX-Request") == "true"
        and request.args.get(BACKGROUND_PARAM) == "1"
    )


def background_url(url: str) -> str:
    """`url`, marked as sent by the page itself (`BACKGROUND_PARAM`)."""
    return f"{url}{'&' if '?' in url else '?'}{BACKGROUND_PARAM}=1"


def touch_every(idle: timedelta) -> timedelta:
    return min(TOUCH_AT_MOST_EVERY, idle / 10)


def ended_before(app: Flask, now: datetime) -> datetime:
    """Sessions last seen before this have ended (for purge and for open_session)."""
    idle = timedelta(minutes=app.config["RHI_IDLE_TIMEOUT_MINUTES"])
    return now - idle - touch_every(idle)


def _pre_serializer(app: Flask) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(app.secret_key, salt=_PRE_SESSION_SALT)


def _pre_cookie_name(app: Flask) -> str:
    return app.config.get("RHI_PRE_SESSION_COOKIE_NAME", "rhi_pre")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ServerSession(CallbackDict[str, Any], SessionMixin):
    def __init__(
        self,
        initial: dict[str, Any] | None = None,
        token: str | None = None,
        stale: bool = False,
        owner: User | None = None,
    ) -> None:
        def on_update(_: CallbackDict[str, Any]) -> None:
            self.modified = True

        super().__init__(initial or {}, on_update)
        self.token = token
        self.modified = False
        self.rotate_requested = False
        self.stale = stale  # last_seen_at should be refreshed
        # Sent by the page itself (`is_background`): the person was not seen.
        self.background = False
        self.dead_token = False  # the browser sent a session cookie that no longer works
        # What the browser's pre-session cookie held, as read (None: none, or a bad one).
        self.sent: dict[str, Any] | None = None
        # The user the session's row names, read with the row in one query (rhi/auth/loader.py
        # uses it rather than reading the user again).
        self.owner = owner
        # Taken now, while the user is fresh: a later commit in the view expires the object.
        self.owner_id = owner.id if owner is not None else None

    def rotate(self) -> None:
        """Give the session a new id and CSRF token (at sign-in), so planted ones are useless."""
        self.pop("csrf_token", None)
        self.rotate_requested = True
        self.modified = True

    @property
    def signed_in(self) -> bool:
        return self.get("_user_id") is not None


def rotate_session(session: SessionMixin) -> None:
    if isinstance(session, ServerSession):
        session.rotate()


def end_sessions_for(user_id: int) -> int:
    """End every session of a user (deactivation, an administrator's "end their sessions"), in
    the caller's transaction; how many there were."""
    result = db.session.execute(delete(UserSession).where(UserSession.user_id == user_id))
    return int(result.rowcount or 0)


def current_session_id(session: SessionMixin) -> str | None:
    """The `user_sessions` id of this browser's session, if it has a row."""
    token = session.token if isinstance(session, ServerSession) else None
    return _digest(token) if token else None


def end_other_sessions(user_id: int, session: SessionMixin) -> int:
    """End a user's sessions on every other device, keeping this one; how many ended."""
    keep = current_session_id(session)
    query = delete(UserSession).where(UserSession.user_id == user_id)
    if keep is not None:
        query = query.where(UserSession.id != keep)
    return int(db.session.execute(query).rowcount or 0)


# Flask-Login marks a session it reads without its own identifier as not fresh ("basic" session
# protection). On a pre-session that mark means nothing, and writing it back raced the sign-in:
# the tablet's service worker fetches its page shells while the person signs in, a shell sent
# with the cookie from before the right password answered after it, and its cookie (the old
# one, now marked) replaced the one that held "password given": the code step then said "Sign in
# again" (a CI run). A pre-session is rewritten only when something else in it changed.
_MARKS_ONLY = frozenset({"_fresh"})


def _same_but_for_marks(sent: dict[str, Any] | None, now: dict[str, Any]) -> bool:
    if sent is None:
        return False

    def kept(data: dict[str, Any]) -> dict[str, Any]:
        return {key: value for key, value in data.items() if key not in _MARKS_ONLY}

    return kept(sent) == kept(now)


class DatabaseSessionInterface(SessionInterface):
    def _db(self) -> DbSession:
        # A session of its own, apart from the view's transaction: saving the sign-in session
        # must not commit half of a view's work, nor be rolled back with a failed view.
        return DbSession(db.engine, expire_on_commit=False)

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        if request.path.startswith("/static/"):
            return ServerSession()
        token = request.cookies.get(self.get_cookie_name(app))
        if token:
            session = self._open_row(app, token)
            if session is not None:
                return session
        session = self._open_pre_cookie(app, request)
        session.dead_token = bool(token)
        return session

    def _open_row(self, app: Flask, token: str) -> ServerSession | None:
        now = utcnow()
        idle = timedelta(minutes=app.config["RHI_IDLE_TIMEOUT_MINUTES"])
        # Read with the view's own database session: a read commits nothing, and a second
        # session would take a second pooled connection for every request (issue 16).
        # populate_existing: read the row as it is now even if this database session already
        # holds a copy (one application context across requests, as in tests). The user comes
        # in the same query, also as they are now (deactivated is deactivated): Flask-Login's
        # loader (rhi/auth/loader.py) takes them from the session, with no query of its own.
        row = db.session.get(
            UserSession,
            _digest(token),
            populate_existing=True,
            options=[joinedload(UserSession.user)],
        )
        if row is None:
            return None
        if row.last_seen_at < ended_before(app, now):
            with self._db() as dbs:  # apart from the view's transaction, as when saving
                dbs.execute(delete(UserSession).where(UserSession.id == row.id))
                dbs.commit()
            return None
        data = json.loads(row.data or "{}")
        background = is_background(current_request)
        stale = not background and now - row.last_seen_at >= touch_every(idle)
        session = ServerSession(data, token=token, stale=stale, owner=row.user)
        session.background = background
        return session

    def _open_pre_cookie(self, app: Flask, request: Request) -> ServerSession:
        raw = request.cookies.get(_pre_cookie_name(app))
        if not raw:
            return ServerSession()
        try:
            data = _pre_serializer(app).loads(raw, max_age=int(PRE_SESSION_MAX_AGE.total_seconds()))
        except BadSignature:  # tampered with, or too old (SignatureExpired is a BadSignature)
            data = None
        session = ServerSession(data if isinstance(data, dict) else None)
        session.modified = not isinstance(data, dict)  # replace a bad cookie
        # A copy of its own, lists and all: a message flashed is appended to the session's list
        # in place, and a shallow copy saw it too, so the second message was never written (a
        # review: "Sign in again" was lost behind "Please sign in to continue").
        session.sent = copy.deepcopy(data) if isinstance(data, dict) else None
        return session

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        assert isinstance(session, ServerSession)
        if not (session.modified or session.stale or session.dead_token):
            return
        if session.token and (session.rotate_requested or not session.signed_in):
            # Sign-in (new id) or sign-out: the old row goes, so a copied cookie stops working.
            # (A row without a user is from before pre-sessions: its data moves to the cookie.)
            with self._db() as dbs:
                dbs.execute(delete(UserSession).where(UserSession.id == _digest(session.token)))
                dbs.commit()
            session.token = None
            session.dead_token = True
            session.modified = True
        if session.signed_in:
            self._save_row(app, session, response)
            self._delete_cookie(app, response, _pre_cookie_name(app))
            return
        if session.dead_token:
            self._delete_cookie(app, response, self.get_cookie_name(app))
        self._save_pre_cookie(app, session, response)

    def _save_row(self, app: Flask, session: ServerSession, response: Response) -> None:
        with self._db() as dbs:
            token = session.token or secrets.token_urlsafe(32)
            row = dbs.get(UserSession, _digest(token)) if session.token else None
            if row is None and session.token:
                # The row went while this request ran (an administrator ended the sessions,
                # a password change, deactivation): the session has ended and is not remade.
                self._delete_cookie(app, response, self.get_cookie_name(app))
                return
            if row is None:
                row = UserSession(id=_digest(token), created_at=utcnow())
                dbs.add(row)
            row.data = json.dumps(dict(session))
            row.user_id = int(session["_user_id"])
            if not session.background:
                row.last_seen_at = utcnow()
            # Where it was used from is said whatever sent it ("Your account" lists it, so a
            # session that is not theirs can be seen and ended).
            row.ip_address = current_request.remote_addr
            dbs.commit()
        session.token = token
        response.set_cookie(
            self.get_cookie_name(app),
            token,
            httponly=self.get_cookie_httponly(app),
            secure=self.get_cookie_secure(app),
            samesite=self.get_cookie_samesite(app),
            domain=self.get_cookie_domain(app),
            path=self.get_cookie_path(app),
        )
        response.vary.add("Cookie")

    def _save_pre_cookie(self, app: Flask, session: ServerSession, response: Response) -> None:
        if not session.modified or _same_but_for_marks(session.sent, dict(session)):
            return
        if not session:
            self._delete_cookie(app, response, _pre_cookie_name(app))
            return
        response.set_cookie(
            _pre_cookie_name(app),
            _pre_serializer(app).dumps(dict(session)),
            max_age=PRE_SESSION_MAX_AGE,
            httponly=self.get_cookie_httponly(app),
            secure=self.get_cookie_secure(app),
            samesite=self.get_cookie_samesite(app),
            domain=self.get_cookie_domain(app),
            path=self.get_cookie_path(app),
        )
        response.vary.add("Cookie")

    def _delete_cookie(self, app: Flask, response: Response, name: str) -> None:
        if name not in current_request.cookies:
            return
        # With the same flags as when set: browsers ignore a __Host- cookie without Secure.
        response.delete_cookie(
            name,
            domain=self.get_cookie_domain(app),
            path=self.get_cookie_path(app),
            secure=self.get_cookie_secure(app),
            httponly=self.get_cookie_httponly(app),
            samesite=self.get_cookie_samesite(app),
        )
        response.vary.add("Cookie")
