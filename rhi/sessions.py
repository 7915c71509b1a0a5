"""Server-side sessions kept in the database.

Flask's default session is a signed cookie: it keeps working after sign-out if someone copied it.
Here the cookie carries only a random token; the session's data lives in `user_sessions`, keyed by
the token's SHA-256. Signing out, the idle timeout and deactivating a user delete the row, and a
copied cookie then opens an empty session.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import timedelta
from typing import Any

from flask import Flask, Request, Response
from flask import request as current_request
from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy import delete
from sqlalchemy.orm import Session as DbSession
from werkzeug.datastructures import CallbackDict

from rhi.extensions import db
from rhi.models.base import utcnow
from rhi.models.people import UserSession

# Touching last_seen_at on every request would write on every click; a minute is precise enough
# for a 30-minute idle timeout.
TOUCH_EVERY = timedelta(minutes=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ServerSession(CallbackDict[str, Any], SessionMixin):
    def __init__(self, initial: dict[str, Any] | None = None, token: str | None = None,
                 stale: bool = False) -> None:
        def on_update(_: CallbackDict[str, Any]) -> None:
            self.modified = True

        super().__init__(initial or {}, on_update)
        self.token = token
        self.modified = False
        self.rotate_requested = False
        self.stale = stale  # last_seen_at should be refreshed

    def rotate(self) -> None:
        """Give the session a new id (at sign-in), so a planted id is useless."""
        self.rotate_requested = True
        self.modified = True


def rotate_session(session: SessionMixin) -> None:
    if isinstance(session, ServerSession):
        session.rotate()


def end_sessions_for(user_id: int) -> None:
    """End every session of a user (deactivation), in the caller's transaction."""
    db.session.execute(delete(UserSession).where(UserSession.user_id == user_id))


class DatabaseSessionInterface(SessionInterface):
    def _db(self) -> DbSession:
        # A session of its own, apart from the view's transaction: saving the sign-in session
        # must not commit half of a view's work, nor be rolled back with a failed view.
        return DbSession(db.engine, expire_on_commit=False)

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        token = request.cookies.get(self.get_cookie_name(app))
        if not token or request.path.startswith("/static/"):
            return ServerSession()
        idle = timedelta(minutes=app.config["RHI_IDLE_TIMEOUT_MINUTES"])
        now = utcnow()
        with self._db() as dbs:
            row = dbs.get(UserSession, _digest(token))
            if row is None:
                return ServerSession()
            if now - row.last_seen_at > idle:
                dbs.delete(row)
                dbs.commit()
                return ServerSession()
            data = json.loads(row.data or "{}")
            return ServerSession(data, token=token, stale=now - row.last_seen_at > TOUCH_EVERY)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        assert isinstance(session, ServerSession)
        name = self.get_cookie_name(app)
        domain = self.get_cookie_domain(app)
        path = self.get_cookie_path(app)
        if not session.modified and not session.stale:
            return
        with self._db() as dbs:
            if session.token and (session.rotate_requested or not session):
                dbs.execute(delete(UserSession).where(UserSession.id == _digest(session.token)))
                if not session:
                    dbs.commit()
                    response.delete_cookie(name, domain=domain, path=path)
                    return
                session.token = None
            if not session:
                return
            token = session.token or secrets.token_urlsafe(32)
            row = dbs.get(UserSession, _digest(token)) if session.token else None
            if row is None:
                row = UserSession(id=_digest(token), created_at=utcnow())
                dbs.add(row)
            row.data = json.dumps(dict(session))
            user_id = session.get("_user_id")
            row.user_id = int(user_id) if user_id is not None else None
            row.last_seen_at = utcnow()
            row.ip_address = current_request.remote_addr
            dbs.commit()
        session.token = token
        response.set_cookie(
            name,
            token,
            httponly=self.get_cookie_httponly(app),
            secure=self.get_cookie_secure(app),
            samesite=self.get_cookie_samesite(app),
            domain=domain,
            path=path,
        )
        response.vary.add("Cookie")
