"""Error pages: plain words, never a stack trace."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from rhi.extensions import db

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Something was wrong with that request", "Go back, reload the page and try again."),
    403: ("You can't do this", "Your role does not allow this. Ask your manager if you need it."),
    404: ("Page not found", "It may have moved, or you may not have access to this record."),
    405: ("That didn't work", "Go back and try again."),
    413: ("That was too large to save", "Try saving a shorter piece at a time."),
    422: ("Please check what you entered", "Go back and correct the form."),
    429: ("Too many attempts", "For your safety, please wait a minute and try again."),
    500: (
        "Sorry, something went wrong on our side",
        "Nothing you typed is lost on this device. Try again in a moment.",
    ),
}


def register(app: Flask) -> None:
    def render(code: int, detail: str | None = None) -> tuple[str, int]:
        title, hint = MESSAGES.get(code, MESSAGES[500])
        return render_template("error.html", code=code, title=title, hint=detail or hint), code

    @app.errorhandler(CSRFError)
    def csrf_error(_: CSRFError) -> tuple[str, int]:
        return render(
            400,
            "The page had expired. Reload it and try again: what you typed on "
            "this page may need to be entered again.",
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[str, int]:
        return render(exc.code or 500)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> tuple[str, int]:
        db.session.rollback()
        log.exception("unhandled error")  # the trace goes to the log, never to the browser
        return render(500)
