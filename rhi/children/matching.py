"""Is this possibly a child we already have? No Flask, no database: plain rules, tested alone.

Two records for one child split their history: the second record's worker sees no earlier
episodes and no profile, and repeat episodes go uncounted. So before a child is added, records
with the same date of birth (or one a keying slip away: the day and month swapped, or one day,
month or year out) are compared by name, forgivingly: accents, case, order and small
misspellings do not hide a match, nor (with the very same date of birth) a middle name or a
second surname more or fewer; and a preferred name counts as well as the first name. Adding a
child by hand (children/views.py) and importing police notifications (episodes/imports_apply.py)
both ask here, so they agree.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from rapidfuzz import fuzz

# Names scoring this or more (out of 100) are "similar". With the same date of birth a false
# alarm costs one more press; a missed match costs a child's history. "Jon Smith" and
# "John Smith" score 95; "Mohammed Khan" and "Muhammad Khan" 85; twins "Amy Jones" and
# "Ava Jones" 78, which is not flagged.
SIMILAR = 80

SAME = "Same name and date of birth"
# "Chen Lee" for "Lee Chen": the same words, first and last the other way round. Often a slip
# (a police system that writes the family name first), sometimes two people: a person confirms,
# an import never joins it to the child on its own (imports_apply joins SAME alone).
OTHER_WAY_ROUND = "Same names the other way round, same date of birth"
SIMILAR_NAME = "Similar name, same date of birth"
SWAPPED = "Same or similar name; day and month of birth swapped"
# A middle name, a second surname or one part of a hyphenated one more or fewer: "Amara Grace
# Okoye" or "Amara Okoye-Smith" for "Amara Okoye" scores 78 or less, under SIMILAR, yet is often
# the same child. Never SAME: it is only ever a possible match, for a person to confirm.
WITHIN = "One name within the other, same date of birth"
# The date of birth a day, a month or a year out: the commonest slips in keying a date (a probe:
# "Maya Kowalska" born a day later, from a police file, became a second Maya with none of her
# history). Only with the same or a similar name, and only ever for a person to confirm.
NEAR_BIRTH = "Same or similar name; date of birth a day, a month or a year different"


class ChildLike(Protocol):
    id: int
    first_name: str
    last_name: str
    preferred_name: str | None
    date_of_birth: date


@dataclass(frozen=True)
class Match:
    child_id: int
    reason: str
    score: float


def normalise(name: str) -> str:
    """Lower case, accents and punctuation gone, single spaces: "Zoë O'Neil" -> "zoe o neil"."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    kept = "".join(
        ch if ch.isalnum() else " " for ch in decomposed if not unicodedata.combining(ch)
    )
    return " ".join(kept.split())


def swapped(day: date) -> date | None:
    """The date with day and month swapped, where that is another real date."""
    if day.day == day.month or day.day > 12:
        return None
    return day.replace(month=day.day, day=day.month)


def _moved(day: date, *, years: int = 0, months: int = 0) -> date | None:
    """`day` that many years or months on (or back), where that is a real date."""
    month_index = day.year * 12 + day.month - 1 + months
    try:
        return day.replace(year=month_index // 12 + years, month=month_index % 12 + 1)
    except ValueError:  # 29 February in another year, the 31st of a shorter month
        return None


def near(day: date) -> list[date]:
    """The dates one slip from `day`: a day, a month or a year either side."""
    found = [day - timedelta(days=1), day + timedelta(days=1)]
    for step in (-1, 1):
        found += [d for d in (_moved(day, months=step), _moved(day, years=step)) if d is not None]
    return found


def birth_dates_to_check(day: date, *, near_births: bool = False) -> list[date]:
    """The dates of birth worth comparing names for (with `near_births`, those a slip away)."""
    other = swapped(day)
    slips = near(day) if near_births else []
    return list(dict.fromkeys([day, *([other] if other else []), *slips]))


def _names(child: ChildLike) -> list[str]:
    names = [f"{child.first_name} {child.last_name}"]
    if child.preferred_name:
        names.append(f"{child.preferred_name} {child.last_name}")
    return [normalise(name) for name in names]


def same_name(first: str, last: str, child: ChildLike) -> bool:
    """The very name (or preferred name) in the same order, case, accents and punctuation aside."""
    return normalise(f"{first} {last}") in _names(child)


def name_score(first: str, last: str, child: ChildLike) -> float:
    typed = normalise(f"{first} {last}")
    return max(fuzz.token_sort_ratio(typed, name) for name in _names(child))


def _within(shorter: set[str], longer: set[str]) -> bool:
    """Every word of `shorter` is (or, misspelt a little, nearly is) one of `longer`'s. Two
    words at least: a surname alone, shared by twins or siblings, is not a name."""
    return len(shorter) >= 2 and all(
        any(fuzz.ratio(word, other) >= SIMILAR for other in longer) for word in shorter
    )


def one_within_the_other(first: str, last: str, child: ChildLike) -> bool:
    """One name holds the other's words (order and hyphens aside): "Amara Grace Okoye" and
    "Amara Okoye-Smith" both hold "Amara Okoye". Twins "Amy Jones" and "Ava Jones" do not."""
    typed = set(normalise(f"{first} {last}").split())
    for name in _names(child):
        held = set(name.split())
        if _within(typed, held) or _within(held, typed):
            return True
    return False


def possible_matches(
    first: str,
    last: str,
    date_of_birth: date,
    candidates: list[ChildLike],
    *,
    near_births: bool = False,
) -> list[Match]:
    """The candidates that may be this child, closest first. A date of birth a slip away
    (NEAR_BIRTH) only with `near_births`: where the answer is a question for a person (adding a
    child, a row of a file with nothing else pointing at a child), never where it decides on its
    own (a police reference or person id that points at a child: `may_be`; what a subject access
    request or a destruction takes from a file: retention/unimported.py), as a sibling with a
    like name born a year apart would then be taken for the child (a review)."""
    other = swapped(date_of_birth)
    found = []
    for child in candidates:
        score = name_score(first, last, child)
        if child.date_of_birth == date_of_birth:
            if score == 100:
                reason = SAME if same_name(first, last, child) else OTHER_WAY_ROUND
            elif score >= SIMILAR:
                reason = SIMILAR_NAME
            elif one_within_the_other(first, last, child):
                reason = WITHIN
            else:
                continue
        elif other is not None and child.date_of_birth == other and score >= SIMILAR:
            # A swapped date and a longer name too is two differences: too far to flag.
            reason = SWAPPED
        elif near_births and child.date_of_birth in near(date_of_birth) and score >= SIMILAR:
            reason = NEAR_BIRTH
        else:
            continue
        found.append(Match(child.id, reason, score))
    return sorted(found, key=lambda m: (m.reason != SAME, -m.score, m.child_id))


def may_be(first: str, last: str, date_of_birth: date, child: ChildLike) -> bool:
    """Is `child` possibly this name and date of birth (by any of the rules above)? Where
    something else already points at the child (a police reference or person id), this is
    enough; alone, only SAME is (imports_apply)."""
    return bool(possible_matches(first, last, date_of_birth, [child]))
