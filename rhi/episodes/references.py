"""A police reference, as rhi compares one: one home for "is this the same reference".

Police exports and people write a reference in either case ("wy-0412" and "WY-0412" are one
missing episode), and with stray spaces. rhi keeps a reference as it came, with its spaces
tidied (`tidy`), and compares references without regard to case (`matches`, by the index
`ix_episodes_police_reference_lower`), so a second copy of one reference is never made.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, func
from sqlalchemy.orm import InstrumentedAttribute


def tidy(reference: str) -> str:
    """As kept: no space at either end, and one space where there were several."""
    return " ".join(reference.split())


def key(reference: str) -> str:
    """What two references that are one have in common."""
    return tidy(reference).lower()


def matches(
    column: InstrumentedAttribute[str] | InstrumentedAttribute[str | None],
    references: Iterable[str],
) -> ColumnElement[bool]:
    """SQL: `column` holds one of `references`, in any case (references are kept tidied:
    the forms and imports tidy them, and migration d6e7f8a9b0c1 tidied those kept before)."""
    return func.lower(column).in_(sorted({key(r) for r in references}))
