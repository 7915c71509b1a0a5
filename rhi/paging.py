"""A list shown a page at a time: which page this is, which of the list's rows it shows ("51 to
100") and where "Previous page" and "Next page" go (templates/macros/pager.html). One rule for
every such list: the Returns lists and the inbox."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Pages:
    number: int
    last: int
    first_row: int
    last_row: int
    previous: str | None  # None on the first page
    next: str | None  # None on the last page


def pages(asked: int, total: int, per_page: int, to: Callable[[int], str]) -> Pages:
    """Page `asked` of `total` rows (a page past the end is the last one); `to(n)` is the
    address of page n."""
    last = max(1, -(-total // per_page))
    number = min(asked, last)
    return Pages(
        number=number,
        last=last,
        first_row=(number - 1) * per_page + 1 if total else 0,
        last_row=min(total, number * per_page),
        previous=to(number - 1) if number > 1 else None,
        next=to(number + 1) if number < last else None,
    )
