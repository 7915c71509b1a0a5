"""How long a tablet keeps its copies of what the server holds with no connection: the server's
rule, handed to the tablet in `/sync/v1/session`'s limits and kept with its key
(static/js/store.js), as the PIN's rules are (pin_limits.py).

A copy (an open interview, a waiting return, a version to choose from) is refreshed each time
the worker's Returns list opens online. "End their sessions" and deactivating someone cannot
reach a tablet with no signal, and a lost tablet that never comes online again would hold the
children's copies for ever (a security review, sec38). So a copy not refreshed for KEPT_FOR is
taken off the tablet, read or not, by the tablet's own clock. The worker's unsent work is never
taken off this way: nor is a copy their unsent work for the same interview is built on, so an
interview carried on offline stays whole until it is sent.

Seven days: long enough for a week of visits in places with no signal and a weekend at home,
short enough that a tablet lost on a visit does not hold a child's record past the next week.
"""

from __future__ import annotations

from datetime import timedelta

KEPT_FOR = timedelta(days=7)


def limits() -> dict[str, object]:
    """What the tablet is handed: how long a copy is kept from when it was last fetched."""
    return {"copies_kept_seconds": int(KEPT_FOR.total_seconds())}


def in_words() -> str:
    """The rule as the pages say it ("7 days")."""
    days = KEPT_FOR.days
    return f"{days} day" if days == 1 else f"{days} days"
