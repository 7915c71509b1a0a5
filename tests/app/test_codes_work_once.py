"""A code from the app, or a recovery code, signs in once, even when several browsers send it at
the same moment (rhi/auth/second_factor.py: each use is a conditional UPDATE).

Each browser is its own test client in its own thread (its own request, application context and
database connection), as gunicorn's threads would be, each signed in to the point of the code.
So that the sends really meet, each waits, just before its first write to the table that says a
code was used, until every one has got that far: they have all read the code as unused.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pyotp
import pytest
from sqlalchemy import event, func, select

from rhi.auth import second_factor
from rhi.extensions import db
from rhi.models import AuditEvent, User
from rhi.models.base import utcnow
from rhi.models.people import RecoveryCode
from tests.conftest import Web

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
BROWSERS = 4


def _code() -> str:
    return pyotp.TOTP(SECRET).at(time.time())


def _switch_on(app, user_id: int) -> list[str]:
    """The second factor on with SECRET, no code used yet; the recovery codes."""
    with app.app_context():
        user = db.session.get(User, user_id)
        codes = second_factor.switch_on(user, SECRET, _code(), utcnow())
        user.totp_last_step = None  # so that the code now is one not used yet
        db.session.commit()
        assert codes is not None
        return codes


def _waiting_for_the_code(app, email: str) -> Web:
    """A browser whose password was right: the code is still to come."""
    web = Web(app.test_client())
    first = web.sign_in(email)
    assert first.headers["Location"].endswith("/sign-in/code")
    web.get("/sign-in/code")  # the page's token, as the browser has it
    return web


@contextmanager
def meeting_before_writing(app, table: str) -> Iterator[None]:
    """Each thread's first UPDATE of `table` waits until BROWSERS threads have reached theirs."""
    together = threading.Barrier(BROWSERS, timeout=30)
    arrived = threading.local()

    def wait(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith(f"UPDATE {table.upper()} ") and not getattr(
            arrived, "done", False
        ):
            arrived.done = True
            together.wait()

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", wait)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", wait)


def _send_at_once(browsers: list[Web], code: str) -> list[int]:
    statuses: list[int] = []

    def send(web: Web) -> None:
        statuses.append(web.post("/sign-in/code", {"code": code}).status_code)

    threads = [threading.Thread(target=send, args=(web,), daemon=True) for web in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return statuses


def _signed_in(browsers: list[Web]) -> int:
    return sum(web.get("/returns").status_code == 200 for web in browsers)


def _count(app, action: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
        )


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_one_app_code_sent_from_four_browsers_at_once_signs_in_one(app, world):
    _switch_on(app, world.users["manager_a"])
    browsers = [_waiting_for_the_code(app, world.emails["manager_a"]) for _ in range(BROWSERS)]
    code = _code()
    with meeting_before_writing(app, "users"):
        statuses = _send_at_once(browsers, code)

    assert sorted(statuses) == [302] + [401] * (BROWSERS - 1)  # never a 500
    assert _signed_in(browsers) == 1
    assert _count(app, "sign_in") == 1
    assert _count(app, "sign_in.code_failed") == BROWSERS - 1


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_one_recovery_code_sent_from_four_browsers_at_once_signs_in_one(app, world):
    codes = _switch_on(app, world.users["worker_b"])
    browsers = [_waiting_for_the_code(app, world.emails["worker_b"]) for _ in range(BROWSERS)]
    with meeting_before_writing(app, "recovery_codes"):
        statuses = _send_at_once(browsers, codes[0])

    assert sorted(statuses) == [302] + [401] * (BROWSERS - 1)
    assert _signed_in(browsers) == 1
    assert _count(app, "sign_in") == 1
    with app.app_context():
        unused = db.session.scalar(
            select(func.count()).select_from(RecoveryCode).where(RecoveryCode.used_at.is_(None))
        )
    assert unused == len(codes) - 1


def test_a_code_used_since_the_person_was_read_is_refused(app, world):
    """The row decides, not the copy read earlier in the request: on both databases."""
    user_id = world.users["manager_a"]
    _switch_on(app, user_id)
    code = _code()
    with app.app_context():
        earlier = db.session.get(User, user_id)  # read before the other browser used the code
        assert earlier.totp_last_step is None
        db.session.expunge(earlier)
    web = _waiting_for_the_code(app, world.emails["manager_a"])
    assert web.post("/sign-in/code", {"code": code}).status_code == 302
    with app.app_context():
        assert second_factor.check_app_code(earlier, code, utcnow()) is False
        db.session.rollback()
