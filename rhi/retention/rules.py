"""The retention schedule: until which birthday a child's record is kept, and why.

One place for the rule, used by the dry run, the real run, the administrators' pages and the
command line, so what the report says is due is exactly what the run destroys.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from flask import current_app

from rhi.models.children import (
    CARE_PLACEMENTS,
    LEGAL_STATUSES,
    LOOKED_AFTER_STATUSES,
    NOT_KNOWN,
)

if TYPE_CHECKING:
    from rhi.models.children import Child

# A child who is looked after, or was (a care leaver, or a child whose status has changed since:
# `Child.was_looked_after`), has the looked-after rule: their record is a looked-after child's
# case record, kept to the 75th birthday by default.
__all__ = [
    "CARE_PLACEMENTS",
    "LOOKED_AFTER_STATUSES",
    "Rule",
    "destroy_on",
    "due_on",
    "placed_in_care",
    "rule_for",
    "rule_of",
]

# "None known" (the status every child made from a police file or the API starts with) says
# nothing either way: such a record is never destroyed by the younger rule until a person
# records the status (a probe: they were destroyed at 25, a looked-after child's record among
# them, and destruction cannot be undone).
# The statuses that say the child is not looked after ("Not looked after, no plan", what a
# person records for a child at home, and the plans): any other (none, empty, one rhi does not
# know) leaves the question open.
KNOWN_NOT_LOOKED_AFTER = frozenset(LEGAL_STATUSES) - LOOKED_AFTER_STATUSES - {NOT_KNOWN}
# CARE_PLACEMENTS (rhi/models/children.py): where the child lives, when it shows a council
# placed them. Remembered in `Child.was_looked_after` once recorded, as a looked-after status is.


@dataclass(frozen=True)
class Rule:
    looked_after: bool
    to_age: int
    before: bool = False  # looked after before, not now
    placed: bool = False  # the placement or placing council shows it, whatever the status says
    # False: "None known" and nothing else shows the child was looked after. Listed apart from
    # the birthday on (`to_age`, the younger rule's), and never destroyed until it is recorded.
    status_known: bool = True

    @property
    def described(self) -> str:
        if not self.status_known:
            return "Legal status not known: record it before this record can be destroyed"
        if self.before:
            who = "Looked after before"
        elif self.placed:
            who = "Placed in care or by a council"
        else:
            who = "Looked after, or a care leaver" if self.looked_after else "Not looked after"
        return f"{who}: kept until the {ordinal(self.to_age)} birthday"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _age(looked_after: bool) -> int:
    name = "RHI_RETAIN_LOOKED_AFTER_TO_AGE" if looked_after else "RHI_RETAIN_OTHER_TO_AGE"
    return int(current_app.config[name])


def rule_for(
    legal_status: str | None, *, was_looked_after: bool = False, placed: bool = False
) -> Rule:
    """The rule for a status, with what else rhi was told: looked after before (a status, an
    episode away from placement, a care placement or placing council recorded at any time), or
    placed in care or by a council now (`placed_in_care`). Either keeps the looked-after rule;
    said as placed while the placement shows it."""
    now = (legal_status or "") in LOOKED_AFTER_STATUSES
    if now:
        return Rule(True, _age(True))
    if placed:
        return Rule(True, _age(True), placed=True)
    if was_looked_after:
        return Rule(True, _age(True), before=True)
    known = (legal_status or "") in KNOWN_NOT_LOOKED_AFTER
    return Rule(False, _age(False), status_known=known)


def placed_in_care(child: Child) -> bool:
    """The record shows a council placed the child: a placing authority is recorded (the form
    asks for it only when a council placed them), or they live in a care placement."""
    placing = (child.placing_authority or "").strip()
    return bool(placing) or (child.placement_type or "") in CARE_PLACEMENTS


def rule_of(child: Child) -> Rule:
    """The rule for this child: looked after now, or at any time rhi was told of, or shown to
    be by where they were placed; otherwise not looked after, or not known."""
    return rule_for(
        child.legal_status,
        was_looked_after=bool(child.was_looked_after),
        placed=placed_in_care(child),
    )


def due_on(child: Child) -> date:
    """The day this child's record is due to be destroyed."""
    return birthday(child.date_of_birth, rule_of(child).to_age)


def birthday(date_of_birth: date, age: int) -> date:
    """The day the child turns `age`. Born on 29 February: 1 March in a year without one."""
    try:
        return date_of_birth.replace(year=date_of_birth.year + age)
    except ValueError:
        return date(date_of_birth.year + age, 3, 1)


def destroy_on(date_of_birth: date, legal_status: str | None) -> date:
    """The day the status's rule is due: for a status not known, the day a person is asked to
    record it (never destroyed before)."""
    return birthday(date_of_birth, rule_for(legal_status).to_age)
