"""The retention schedule: until which birthday a child's record is kept, and why.

One place for the rule, used by the dry run, the real run, the administrators' pages and the
command line, so what the report says is due is exactly what the run destroys.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from flask import current_app

from rhi.models.children import LOOKED_AFTER_STATUSES

if TYPE_CHECKING:
    from rhi.models.children import Child

# A child who is looked after, or was (a care leaver, or a child whose status has changed since:
# `Child.was_looked_after`), has the looked-after rule: their record is a looked-after child's
# case record, kept to the 75th birthday by default.
__all__ = ["LOOKED_AFTER_STATUSES", "Rule", "destroy_on", "due_on", "rule_for", "rule_of"]


@dataclass(frozen=True)
class Rule:
    looked_after: bool
    to_age: int
    before: bool = False  # looked after before, not now

    @property
    def described(self) -> str:
        if self.before:
            who = "Looked after before"
        else:
            who = "Looked after, or a care leaver" if self.looked_after else "Not looked after"
        return f"{who}: kept until the {ordinal(self.to_age)} birthday"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rule_for(legal_status: str | None, *, was_looked_after: bool = False) -> Rule:
    now = (legal_status or "") in LOOKED_AFTER_STATUSES
    looked_after = now or was_looked_after
    name = "RHI_RETAIN_LOOKED_AFTER_TO_AGE" if looked_after else "RHI_RETAIN_OTHER_TO_AGE"
    return Rule(looked_after, int(current_app.config[name]), before=looked_after and not now)


def rule_of(child: Child) -> Rule:
    """The rule for this child: looked after now, or at any time rhi was told of."""
    return rule_for(child.legal_status, was_looked_after=bool(child.was_looked_after))


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
    return birthday(date_of_birth, rule_for(legal_status).to_age)
