"""The retention schedule: until which birthday a child's record is kept, and why.

One place for the rule, used by the dry run, the real run, the administrators' pages and the
command line, so what the report says is due is exactly what the run destroys.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app

# A child who is looked after, or was (a care leaver), has the looked-after rule: their record
# is a looked-after child's case record, kept to the 75th birthday by default.
LOOKED_AFTER_STATUSES = frozenset({"looked_after", "care_leaver"})


@dataclass(frozen=True)
class Rule:
    looked_after: bool
    to_age: int

    @property
    def described(self) -> str:
        who = "Looked after, or a care leaver" if self.looked_after else "Not looked after"
        return f"{who}: kept until the {ordinal(self.to_age)} birthday"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rule_for(legal_status: str | None) -> Rule:
    looked_after = (legal_status or "") in LOOKED_AFTER_STATUSES
    name = "RHI_RETAIN_LOOKED_AFTER_TO_AGE" if looked_after else "RHI_RETAIN_OTHER_TO_AGE"
    return Rule(looked_after, int(current_app.config[name]))


def birthday(date_of_birth: date, age: int) -> date:
    """The day the child turns `age`. Born on 29 February: 1 March in a year without one."""
    try:
        return date_of_birth.replace(year=date_of_birth.year + age)
    except ValueError:
        return date(date_of_birth.year + age, 3, 1)


def destroy_on(date_of_birth: date, legal_status: str | None) -> date:
    return birthday(date_of_birth, rule_for(legal_status).to_age)
