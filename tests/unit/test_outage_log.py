"""The log names a database outage in one line, and still gives a real fault its traceback."""

from __future__ import annotations

import logging
import sys

from sqlalchemy.exc import OperationalError

from rhi.errors import OutageWithoutTrace


def _record(exc: BaseException) -> logging.LogRecord:
    try:
        raise exc
    except BaseException:
        return logging.LogRecord(
            "rhi", logging.ERROR, __file__, 1, "Exception on /x", None, sys.exc_info()
        )


def _outage() -> OperationalError:
    return OperationalError("SELECT 1", {}, Exception("database is not accepting connections"))


def test_an_outage_is_one_warning_line_without_a_traceback():
    record = _record(_outage())
    assert OutageWithoutTrace().filter(record)
    assert (record.levelname, record.exc_info) == ("WARNING", None)
    assert record.getMessage() == "Exception on /x: database unavailable (OperationalError)"


def test_an_error_raised_while_handling_an_outage_is_named_as_the_outage():
    try:
        try:
            raise _outage()
        except OperationalError:
            # Flask-Login's response hook reading the session the outage kept from opening
            raise AssertionError("The session has not yet been opened.")
    except AssertionError as later:
        record = _record(later)
    assert OutageWithoutTrace().filter(record)
    assert record.levelname == "WARNING" and record.exc_info is None


def test_a_fault_in_the_code_keeps_its_level_and_traceback():
    record = _record(ValueError("a real fault"))
    assert OutageWithoutTrace().filter(record)
    assert record.levelname == "ERROR" and record.exc_info is not None
    assert record.getMessage() == "Exception on /x"
