"""Whole numbers read from a request: a path's id, a query's page, a form's choice of a person.

One rule for all of them, so that an address edited by hand ("?page=²", twenty digits, an id
larger than the database's integers) names nothing (404, the first page, no choice) and never
reaches the database as a number it cannot hold (a 500 before). No Flask here: rhi/__init__.py
puts the path converter in place of Werkzeug's own "int".
"""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map

# The largest id a table's key holds: PostgreSQL's integer, the type of every id column (and
# SQLAlchemy sends an id cast to it, so a larger one fails in the database, not just finds none).
MOST_ID = 2**31 - 1
# More pages than any list has; a larger number is not a page.
MOST_PAGE = 2**31 - 1


def whole_number(text: Any, most: int = MOST_ID) -> int | None:
    """`text` as a whole number from 0 to `most` written in the digits 0-9, or None."""
    raw = str(text if text is not None else "").strip()
    if not raw or not raw.isascii() or not raw.isdigit() or len(raw) > len(str(most)):
        return None
    value = int(raw)
    return value if value <= most else None


def page_number(text: Any, first: int = 1) -> int:
    """A page number from the address: `first` for anything that is not a whole number of at
    least `first` (and at most MOST_PAGE)."""
    value = whole_number(text, MOST_PAGE)
    return value if value is not None and value >= first else first


class IdConverter(IntegerConverter):
    """Werkzeug's `<int:...>`, bounded to what an id can be: a larger number is a 404."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MOST_ID)
        super().__init__(url_map, *args, **kwargs)
