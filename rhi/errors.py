"""Error pages: plain words, never a stack trace."""

from __future__ import annotations

import logging
import re

from flask import Flask, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import BadRequest, HTTPException
from werkzeug.wrappers import Response

from rhi import audit, read_transactions
from rhi.config import normalise_origin
from rhi.extensions import db
from rhi.origin_check import allowed_origins

log = logging.getLogger(__name__)

# Only interview notes are saved as they are typed: other forms may need filling in again.
_TRY_AGAIN = (
    "Interview notes are saved as you type. Go back and try again in a moment; on other forms, "
    "check that what you typed is still there."
)

MESSAGES = {
    400: ("Something was wrong with that request", "Go back, reload the page and try again."),
    403: ("You can't do this", "Your role does not allow this. Ask your manager if you need it."),
    404: ("Page not found", "It may have moved, or you may not have access to this record."),
    405: ("That didn't work", "Go back and try again."),
    409: (
        "This changed while your page was open",
        "Someone else, or another device, changed it first (perhaps finished it). Go back and "
        "reload the page to see it as it is now; copy anything you typed first.",
    ),
    413: ("That was too large to save", "Try saving a shorter piece at a time."),
    422: ("Please check what you entered", "Go back and correct the form."),
    429: ("Too many attempts", "For your safety, please wait a minute and try again."),
    500: (
        "Sorry, something went wrong on our side",
        _TRY_AGAIN,
    ),
    503: (
        "The records cannot be reached for a moment",
        _TRY_AGAIN,
    ),
}

# Seconds a client is asked to wait before trying again when the database is unavailable:
# a restart or failover of PostgreSQL takes about this long.
RETRY_AFTER = "5"


class Refused(BadRequest):
    """A request refused with words for the person who sent it (a period that cannot be shown):
    the error page says them. Other 400s keep the general words: werkzeug's own descriptions
    are for developers."""


def database_unavailable(exc: BaseException) -> bool:
    """The database could not be reached or dropped the connection (a restart, a failover, a
    full connection pool): worth trying again, unlike a fault in rhi's own code. Answered 503
    with Retry-After, so pages say "Not saved, retrying" and tablets send again."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, OperationalError | InterfaceError)


def unavailable() -> Response:
    """The 503 for a database that is away: JSON for a tablet's sync requests (whose client
    sends again), the error page for the rest. The request may have failed before its route was
    known (while its session was read), so the address decides, not the blueprint."""
    if request.path.startswith("/sync/"):
        response = jsonify(
            error="unavailable",
            message="The server cannot reach its records for a moment. Everything is still on "
            "the tablet; it will be sent again.",
        )
    else:
        title, hint = MESSAGES[503]
        # Straight from the template, without the context processors: they ask who is signed
        # in, and the session that says so may be what could not be read.
        page = current_app.jinja_env.get_template("unavailable.html")
        response = Response(page.render(title=title, hint=hint, request=request))
    response.status_code = 503
    response.headers["Retry-After"] = RETRY_AFTER
    return response


def _outage_behind(exc: BaseException | None) -> BaseException | None:
    """The database outage this exception is, or was raised while handling (Flask-Login's
    response hook reads a session the outage kept from opening), if any."""
    seen = 0
    while exc is not None and seen < 10:
        if database_unavailable(exc):
            return exc
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return None


class OutageWithoutTrace(logging.Filter):
    """Flask logs a traceback at ERROR for an exception it meets outside the route (reading or
    saving the session, finishing the response). When that exception is the database being
    away, or came of it, the record becomes one WARNING line naming it: an outage is not a fault
    in rhi's code, and a page of traces on every request would bury one that is."""

    def filter(self, record: logging.LogRecord) -> bool:
        outage = _outage_behind(record.exc_info[1] if record.exc_info else None)
        if outage is not None:
            record.msg = f"{record.getMessage()}: database unavailable ({type(outage).__name__})"
            record.args = None
            record.exc_info = record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def register(app: Flask) -> None:
    # The app's logger is shared by every app in a process (named for the package): one filter.
    if not any(isinstance(f, OutageWithoutTrace) for f in app.logger.filters):
        app.logger.addFilter(OutageWithoutTrace())

    def render(code: int, detail: str | None = None) -> tuple[str, int]:
        title, hint = MESSAGES.get(code, MESSAGES[500])
        return render_template("error.html", code=code, title=title, hint=detail or hint), code

    @app.teardown_appcontext
    def close_the_session(error: BaseException | None) -> None:
        # Registered after Flask-SQLAlchemy, so this runs first. A connection that died after
        # the answer was made (PostgreSQL restarting) fails the session's rollback here; that
        # must not turn the answer already made into a 500. The pool drops the dead connection.
        if error is None and db.session.registry.has():
            try:
                read_transactions.end(db.session())  # keeps the connection's prepared statements
            except Exception as exc:  # the answer is made: closing below rolls back instead
                log.log(
                    logging.WARNING if database_unavailable(exc) else logging.ERROR,
                    "a request's reads could not be committed: %s",
                    type(exc).__name__,
                )
        try:
            db.session.remove()
        except Exception as exc:
            if not database_unavailable(exc):
                raise
            log.warning("database went away before the session closed")
            db.session.registry.clear()

    @app.errorhandler(CSRFError)
    def csrf_error(_: CSRFError) -> tuple[str, int]:
        words = typed_back()
        if not words:
            return render(
                400,
                "The page had expired. Reload it and try again: what you typed on "
                "this page may need to be entered again.",
            )
        title, _hint = MESSAGES[400]
        return render_template(
            "error.html",
            code=400,
            title=title,
            hint="The page had expired (perhaps you were signed out after a while with "
            "nothing sent), so nothing was saved. What you typed is below: copy it, reload "
            "the page, sign in again if asked, and paste it back.",
            words=words,
        ), 400

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[str, int] | Response:
        # An error before the route ran (reading the session) arrives here as a 500 that
        # carries the original exception.
        original = getattr(exc, "original_exception", None)
        if original is not None and database_unavailable(original):
            return _unavailable(original)
        if exc.code == 403:
            try:
                audit.record_refusal_unless_recorded()
            except Exception as error:  # the refusal stands even if it cannot be written
                if not database_unavailable(error):
                    raise
                return _unavailable(error)
        if isinstance(exc, Refused):
            return render(400, exc.description)
        return render(exc.code or 500)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> tuple[str, int] | Response:
        if database_unavailable(exc):
            return _unavailable(exc)
        db.session.rollback()
        log.exception("unhandled error")  # the trace goes to the log, never to the browser
        return render(500)

    def _unavailable(exc: BaseException) -> Response:
        try:
            db.session.rollback()
        except Exception:  # the connection is already gone: there is nothing to undo
            log.debug("rollback after a lost connection failed", exc_info=True)
        log.warning("database unavailable: %s", exc.__class__.__name__)
        return unavailable()


# Values a form sends that are not anyone's words: choices' codes, dates and times, flags.
_NOT_WORDS = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?|\d{1,2}:\d{2}|\d{1,6}"  # dates, times, ids
    r"|[a-z0-9]+(?:_[a-z0-9]+)+|y|yes|no|on|off|true|false"  # choices' codes, flags
)


# Sign-in, the person's own account and security, and the administrator's pages: what their
# forms hold is credentials and settings, not anyone's words about a child.
NO_WORDS_BACK = frozenset({"auth", "account", "account_security", "admin", "settings", "tokens"})
# And on any page, a box whose name says it holds a secret.
_SECRET = re.compile(
    r"(?:^|[._:-])(?:password|passcode|current|again|code|secret|token|pin)(?:$|[._-])",
    re.IGNORECASE,
)  # a whole part of the name: "harms.sleeping_rough.note" holds words, not a PIN


def typed_back() -> list[tuple[str, str]]:
    """What a form posted with an expired page held in its own boxes, to copy (a plain form's
    words were otherwise gone: Back led to sign-in and an empty page). Only for a form this
    browser sent from rhi's own page (its Origin is rhi's): never text another site posted,
    shown as if rhi said it. htmx forms keep their words in the page, so they get none."""
    from rhi.interviews import fields as catalogue  # the interview's labels: loaded when needed

    if request.method != "POST" or request.headers.get("HX-Request"):
        return []
    if request.blueprint in NO_WORDS_BACK:
        return []  # passwords, codes and keys: never shown again, even to whoever typed them
    origin = request.headers.get("Origin")
    if origin is None or normalise_origin(origin) not in allowed_origins():
        return []
    words = []
    for name, values in request.form.lists():
        if name == "csrf_token" or name.startswith(("o:", "t:")) or _SECRET.search(name):
            continue
        for value in values:
            text = value.strip()
            if not text or _NOT_WORDS.fullmatch(text):
                continue
            label = (
                catalogue.title(name[2:])
                if name.startswith("f:")
                else name.replace("_", " ").capitalize()
            )
            words.append((label, text))
    return words
