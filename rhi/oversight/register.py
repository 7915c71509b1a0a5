"""The register of places, people, vehicles and phones across children (issue 15 item 3).
No Flask here: the pages are rhi/oversight/register_views.py.

What goes in:
- the places and people recorded in interviews (`places` and `people` in an interview's
  content, rhi/interviews/content.py), with each person's phone and vehicle, read as the
  manager may read them: the whole interview on the interviewer's side, the social worker's copy
  (rhi.sharing.view_for) otherwise, exactly as rhi.episodes.queries.named_before does for the
  Returns card. Only interviews of the chosen period (held, or begun when not held yet), newest
  first, at most `MOST_INTERVIEWS` of them: one query for the interviews, one for their
  episodes, one for the sharing decisions in force.
- the standing profiles (rhi/models/children.py) of the children the manager may see: each line
  (or part between semicolons) of "friends and associates" is a person and of "places the child
  goes" a place; phone numbers and vehicle registrations found anywhere in the profile are phones
  and vehicles. Profiles are read as they stand; their date is the field's last change.
- where each child was found, as their returns of the period record it (`Episode.found_where`,
  from the police's found notification or the form): a place, dated when the child came back.
  Not in the pack, which holds only what the readers' copies of interviews hold.

Names are normalised (case, accents, spacing, punctuation; phone numbers to digits with +44 as
0; registrations upper case without spaces), so "Beeston Park" and "beeston park." are one
entry. Close spellings ("Jay" and "Jay R") are only offered as "possibly the same": nothing is
merged until a manager confirms it (rhi.models.RegisterDecision), and "not the same" stops the
offer. Phone numbers and registrations are never offered on a near miss: one digit or letter
apart is another phone or another car.

The pack for a multi-agency meeting (`pack`, made by rhi/oversight/register_pack.py) reads
less than the register page: only finished interviews, and of each only the places and
people that the copies for every one of `PACK_READERS` hold (rhi.sharing.view_for, the one home
of what a recipient may read) as well as the manager's own reading; never what the child asked
to keep back. Its entries are built afresh from those mentions alone, so no name, spelling or
"possibly the same" offer in it comes from anything not shared.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from rapidfuzz import fuzz, process
from sqlalchemy import func, or_, select

from rhi import access
from rhi.extensions import db
from rhi.interviews import content as c
from rhi.models import (
    Child,
    Episode,
    Interview,
    RegisterDecision,
    Role,
    User,
    interview_episodes,
)
from rhi.models.children import ProfileChange
from rhi.oversight.figures import Period
from rhi.sharing import outside_view, view_for

KINDS = {
    "person": "People",
    "place": "Places",
    "vehicle": "Vehicles",
    "phone": "Phones",
}
KIND_NOUN = {"person": "Person", "place": "Place", "vehicle": "Vehicle", "phone": "Phone"}

# Spellings scoring this or more (rapidfuzz token set ratio, out of 100) are offered as possibly
# the same: "Jay" and "Jay R" score 100 (one holds the other), "Beeston Park" and "Beeston Prk"
# 96; "Jay" and "Jai" 67 and "the park" and "Roundhay Park" 67 are not offered. A false offer
# costs a manager one press; a missed one hides a pattern.
SIMILAR = 85
# Keys shorter than this are matched exactly only ("J" would be "possibly" everyone).
SHORTEST_FUZZY = 3
# The most interviews read for one register: the newest of the period. The page says when the
# period held more, so a manager can choose a shorter one.
MOST_INTERVIEWS = 1000
# How many close spellings are offered for one entry.
MOST_OFFERS = 5

PERIODS = {"last_12_months": "The last 12 months"}

# Who reads the pack. Its own page says it is for a multi-agency child exploitation meeting:
# the police are at the table, and so are other agencies (the consent page's "Other (named)").
# So an interview's place or person goes in only where the copies for both hold it: either alone
# would let one side of the table read what the child refused them. School and health are asked
# separately and not assumed to be there; add them here if a meeting's readers include them.
PACK_READERS = ("police", "other")


def last_12_months(today: date) -> Period:
    return Period("last_12_months", today - timedelta(days=364), today)


# -- normalising ----------------------------------------------------------------------------

# Current (AB12 CDE), prefix (A123 BCD) and suffix (ABC 123D) registrations, as typed.
_PLATE = re.compile(
    r"\b(?:[A-Z]{2}[0-9]{2}\s?[A-Z]{3}|[A-Z][0-9]{1,3}\s?[A-Z]{3}|[A-Z]{3}\s?[0-9]{1,3}[A-Z])\b",
    re.IGNORECASE,
)
# "his 20s", "mid 30S": an age in decades has the shape of a suffix registration (ABC 123D).
# Read as an age: a suffix plate of a decade and S is rare on the road now (they ended in
# 1983), and a man "in his 20s" read as a vehicle put false leads in a register shared with
# the police (a probe).
_DECADES = re.compile(r"[A-Z]{3}\s?[1-9]0S", re.IGNORECASE)


def _plates_in(text: str) -> list[re.Match[str]]:
    return [m for m in _PLATE.finditer(text) if not _DECADES.fullmatch(m.group(0))]


# A run of digits with the spaces, dots, dashes and brackets people type in phone numbers.
_PHONE = re.compile(r"(?:\+|\b)[0-9][0-9 ().\-]{7,}[0-9]\b")
_LABEL_END = re.compile(r"\(|\s[-\u2013]\s|:|,")


def normalise_text(text: str) -> str:
    """Lower case, accents and punctuation gone, single spaces: "Beeston Park." -> "beeston
    park"; "Zoë's flat" -> "zoe s flat"."""
    decomposed = unicodedata.normalize("NFKD", str(text or "").casefold())
    kept = "".join(
        ch if ch.isalnum() else " " for ch in decomposed if not unicodedata.combining(ch)
    )
    return " ".join(kept.split())


def normalise_phone(text: str) -> str:
    """Digits only, a UK number as dialled at home: "+44 (0)7700 900-123" -> "07700900123"."""
    digits = re.sub(r"\D", "", str(text or ""))
    if digits.startswith("0044"):
        digits = "0" + digits[4:]
    elif digits.startswith("44") and str(text or "").lstrip().startswith("+"):
        digits = "0" + digits[2:]
    if digits.startswith("00") and len(digits) == 12:  # "+44 (0)7700...": the (0) doubled it
        digits = digits[1:]
    return digits


def normalise_plate(text: str) -> str:
    """Upper case, nothing but letters and digits: "ab12 cde" -> "AB12CDE"."""
    return re.sub(r"[^0-9A-Z]", "", str(text or "").upper())


def find_plates(text: str) -> list[str]:
    """The vehicle registrations in a piece of text, normalised."""
    return [normalise_plate(m.group(0)) for m in _plates_in(str(text or ""))]


def find_phones(text: str) -> list[str]:
    """The phone numbers (at least 10 digits) in a piece of text, normalised."""
    found = (normalise_phone(m.group(0)) for m in _PHONE.finditer(str(text or "")))
    return [number for number in found if len(number) >= 10]


def is_plate(key: str) -> bool:
    return (
        bool(key)
        and key.isupper()
        and _PLATE.fullmatch(key) is not None
        and not _DECADES.fullmatch(key)
    )


def fuzzy(kind: str, key: str) -> bool:
    """Whether close spellings of this key are worth offering."""
    if kind == "phone" or len(key) < SHORTEST_FUZZY:
        return False
    return not (kind == "vehicle" and is_plate(key))


def entry_id(kind: str, key: str) -> str:
    """An entry's id in links: a digest, so names never sit in addresses, logs or audit rows.
    Keyed with the app's secret: a plain digest of a phone number (ten or eleven digits) is
    undone by trying every number, and of a name by trying a list of names."""
    secret = current_app.config["SECRET_KEY"]
    secret = secret if isinstance(secret, bytes) else str(secret).encode()
    return hmac.new(secret, f"{kind}\0{key}".encode(), hashlib.sha256).hexdigest()[:16]


# -- mentions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mention:
    """One place, person, vehicle or phone named once: in an interview or a standing profile."""

    kind: str
    key: str
    words: str  # as written
    detail: str  # the short structured words beside it (area; age and description; whose)
    child_id: int
    when: datetime
    interview_id: int | None = None
    interview_uuid: str | None = None
    episode_ids: tuple[int, ...] = ()
    kept_back: bool = False  # the child asked for it not to be passed on

    @property
    def source(self) -> str:
        if self.interview_id is not None:
            return "Interview"
        return "Where found, on the return" if self.episode_ids else "Standing profile"


def _join(*parts: Any) -> str:
    return "; ".join(str(p).strip() for p in parts if str(p or "").strip())


def _vehicle_mentions(text: str, whose: str, **common: Any) -> list[Mention]:
    plates = find_plates(text)
    if plates:
        return [Mention("vehicle", p, text.strip(), whose, **common) for p in plates]
    key = normalise_text(text)
    return [Mention("vehicle", key, text.strip(), whose, **common)] if key else []


def interview_mentions(
    places: Iterable[dict[str, Any]], people: Iterable[dict[str, Any]], **common: Any
) -> list[Mention]:
    """The mentions in one interview's places and people (as the reader may read them)."""
    found: list[Mention] = []
    for place in places:
        name = str(place.get("name") or "").strip()
        key = normalise_text(name)
        if key:
            kept = bool(place.get("private"))
            found.append(
                Mention("place", key, name, _join(place.get("area")), kept_back=kept, **common)
            )
    for person in people:
        name = str(person.get("name") or "").strip()
        kept = bool(person.get("private"))
        whose = f"Given for {name}" if name else ""
        key = normalise_text(name)
        if key:
            detail = _join(person.get("age"), person.get("description"))
            found.append(Mention("person", key, name, detail, kept_back=kept, **common))
        phone = str(person.get("phone") or "").strip()
        number = normalise_phone(phone)
        if len(number) >= 6:
            found.append(Mention("phone", number, phone, whose, kept_back=kept, **common))
        vehicle = str(person.get("vehicle") or "").strip()
        if vehicle:
            found.extend(_vehicle_mentions(vehicle, whose, kept_back=kept, **common))
    return found


def _parts(text: str | None) -> list[str]:
    return [p.strip() for p in re.split(r"[\n;]+", text or "") if p.strip()]


def _label(part: str) -> tuple[str, str]:
    """ "Jay (older, drives a Golf)" -> ("Jay", "older, drives a Golf")."""
    match = _LABEL_END.search(part)
    if match is None or match.start() == 0:
        return part, ""
    rest = part[match.start() :].strip(" (),:-\u2013")
    return part[: match.start()].strip(), rest.rstrip(")").strip()


def profile_mentions(
    child_id: int, profile: dict[str, str | None], dated: dict[str, datetime]
) -> list[Mention]:
    """The mentions in one child's standing profile; `dated`: each field's last change."""
    found: list[Mention] = []
    for name in ("friends_and_associates", "places_known"):
        kind = "person" if name == "friends_and_associates" else "place"
        for part in _parts(profile.get(name)):
            label, detail = _label(part)
            # "Jay 07700 900123": the number is a phone entry of its own, not part of a name.
            label = _PHONE.sub("", label)
            if kind == "person":
                for plate in reversed(_plates_in(label)):
                    label = label[: plate.start()] + label[plate.end() :]
            label = label.strip(" ,:-\u2013")
            key = normalise_text(label)
            if key and not key.isdigit():
                found.append(Mention(kind, key, label, detail, child_id, dated[name]))
    for name, text in profile.items():
        for number in find_phones(text or ""):
            found.append(Mention("phone", number, number, "", child_id, dated[name]))
        for plate in find_plates(text or ""):
            found.append(Mention("vehicle", plate, plate, "", child_id, dated[name]))
    return found


# -- who sees it ----------------------------------------------------------------------------


def can_see_register(user: User) -> bool:
    """Managers only: they oversee their team and read its interviews. Not coordinators (no
    interview content), workers, social workers or administrators."""
    return (
        user.role_enum is Role.MANAGER
        and user.team_id is not None
        and access.can_oversee(user)
        and access.can_read_interviews(user)
    )


# -- reading --------------------------------------------------------------------------------


@dataclass
class Read:
    mentions: list[Mention]
    interviews: int  # read
    more: bool  # the period held more interviews than were read


PROFILE_NAMES = ("friends_and_associates", "places_known", "phones_and_social_media", "transport")


def pack_items(
    content: dict[str, Any],
    places: list[dict[str, Any]],
    people: list[dict[str, Any]],
    in_force: set[str],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Of the places and people the manager reads, those every pack reader's copy holds too
    (rhi.sharing.view_for decides, as it does for every copy: no rule is written again here).
    Items are matched whole, as the copies hold them, so an item without an id is matched too."""
    copies = [view_for(content, reader, in_force=in_force) for reader in PACK_READERS]
    return (
        [item for item in places if all(item in copy.places for copy in copies)],
        [item for item in people if all(item in copy.people for copy in copies)],
    )


def read(user: User, chosen: Period, *, pack_only: bool = False) -> Read:
    """Every mention the manager may read: interviews of the period, and standing profiles.
    `pack_only`: only finished interviews, and of each only what `pack_items` keeps."""
    from rhi.interviews.decisions import in_force_for  # decisions imports episode modules

    if not can_see_register(user):
        return Read([], 0, False)
    start, after = chosen.bounds
    when = func.coalesce(Interview.held_at, Interview.created_at)
    query = select(
        Interview.id,
        Interview.uuid,
        Interview.child_id,
        when.label("when"),
        Interview.content,
        access.whole_interview_filter(user).label("whole"),
        Interview.locked.label("finished"),
    ).where(access.interview_filter(user), when >= start, when < after)
    if pack_only:
        # Finished only: under way, it and its sharing may change; ended unfinished (the child
        # stopped), what it says was never read back nor agreed, and is nobody's copy.
        query = query.where(Interview.locked)
    rows = db.session.execute(
        query.order_by(when.desc(), Interview.id.desc()).limit(MOST_INTERVIEWS + 1)
    ).all()
    more = len(rows) > MOST_INTERVIEWS
    rows = rows[:MOST_INTERVIEWS]
    ids = [row.id for row in rows]
    episodes: dict[int, list[int]] = defaultdict(list)
    if ids:
        for interview_id, episode_id in db.session.execute(
            select(interview_episodes.c.interview_id, interview_episodes.c.episode_id).where(
                interview_episodes.c.interview_id.in_(ids)
            )
        ):
            episodes[interview_id].append(episode_id)
    # The pack asks the readers' copies of every interview, read whole or not.
    released = in_force_for([row.id for row in rows if pack_only or not row.whole])
    mentions: list[Mention] = []
    for row in rows:
        in_force = released.get(row.id, set())
        if row.whole:
            document = c.normalise(row.content)
            places, people = document["places"], document["people"]
        else:
            copy = outside_view(row.content, in_force=in_force, finished=row.finished)
            places, people = copy.places, copy.people
        if pack_only:
            places, people = pack_items(row.content, places, people, in_force)
        mentions.extend(
            interview_mentions(
                places,
                people,
                child_id=row.child_id,
                when=row.when,
                interview_id=row.id,
                interview_uuid=row.uuid,
                episode_ids=tuple(sorted(episodes[row.id])),
            )
        )
    mentions.extend(_profiles(user))
    if not pack_only:  # the pack holds only what every reader's copy of an interview holds
        found, more_found = _found_places(user, start, after)
        mentions.extend(found)
        more = more or more_found  # the page says the period held more than was read
    return Read(mentions, len(rows), more)


def _found_places(user: User, start: datetime, after: datetime) -> tuple[list[Mention], bool]:
    """Where each child was found, as the return records it (from the police's notification or
    the form), for the returns of the period the manager may see: a place children are found at
    again and again is what the register is for, and it read only interviews and profiles (a
    probe). The newest `MOST_INTERVIEWS` returns at most, as interviews, and whether there
    were more."""
    rows = db.session.execute(
        select(Episode.id, Episode.child_id, Episode.returned_at, Episode.found_where)
        .where(
            access.episode_filter(user),
            Episode.returned_at >= start,
            Episode.returned_at < after,
            func.coalesce(Episode.found_where, "") != "",
        )
        .order_by(Episode.returned_at.desc(), Episode.id.desc())
        .limit(MOST_INTERVIEWS + 1)
    ).all()
    found: list[Mention] = []
    for row in rows[:MOST_INTERVIEWS]:
        words = row.found_where.strip()
        key = normalise_text(words)
        if key:
            found.append(
                Mention(
                    "place", key, words, "", row.child_id, row.returned_at, None, None, (row.id,)
                )
            )
    return found, len(rows) > MOST_INTERVIEWS


def _profiles(user: User) -> list[Mention]:
    columns = [getattr(Child, name) for name in PROFILE_NAMES]
    # Only the children whose profile names anything: most rows stay in the database.
    written = or_(*(func.coalesce(column, "") != "" for column in columns))
    children = db.session.execute(
        select(Child.id, Child.created_at, *columns).where(access.child_filter(user), written)
    ).all()
    if not children:
        return []
    changed: dict[tuple[int, str], datetime] = {
        (child_id, name): at
        for child_id, name, at in db.session.execute(
            select(ProfileChange.child_id, ProfileChange.field, func.max(ProfileChange.changed_at))
            .where(
                ProfileChange.child_id.in_([row.id for row in children]),
                ProfileChange.field.in_(PROFILE_NAMES),
            )
            .group_by(ProfileChange.child_id, ProfileChange.field)
        )
    }
    found: list[Mention] = []
    for row in children:
        profile = dict(zip(PROFILE_NAMES, row[2:], strict=True))
        dated = {name: changed.get((row.id, name), row.created_at) for name in PROFILE_NAMES}
        found.extend(profile_mentions(row.id, profile, dated))
    return found


# -- the register ---------------------------------------------------------------------------


@dataclass
class Entry:
    kind: str
    keys: list[str]  # the first is the entry's own; more when a manager confirmed them the same
    mentions: list[Mention] = field(default_factory=list)
    possibly: list[tuple[Entry, float]] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.keys[0]

    @property
    def id(self) -> str:
        return entry_id(self.kind, self.key)

    @property
    def ids(self) -> set[str]:
        return {entry_id(self.kind, key) for key in self.keys}

    @property
    def spellings(self) -> list[str]:
        """As written, the commonest first."""
        counted = Counter(m.words for m in self.mentions)
        return [words for words, _ in sorted(counted.items(), key=lambda i: (-i[1], i[0]))]

    @property
    def name(self) -> str:
        """A phone or a registration by its normalised form (spellings of it vary most); anything
        else as it was most often written."""
        if self.kind == "phone" or (self.kind == "vehicle" and is_plate(self.key)):
            return self.key
        return self.spellings[0] if self.spellings else self.key

    @property
    def also_written(self) -> list[str]:
        return [words for words in self.spellings if words != self.name]

    @property
    def children(self) -> set[int]:
        return {m.child_id for m in self.mentions}

    @property
    def episodes(self) -> set[int]:
        return {e for m in self.mentions for e in m.episode_ids}

    @property
    def first(self) -> datetime:
        return min(m.when for m in self.mentions)

    @property
    def last(self) -> datetime:
        return max(m.when for m in self.mentions)

    @property
    def kept_back(self) -> bool:
        """Every mention was asked to be kept back."""
        return all(m.kept_back for m in self.mentions)


def pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def decisions(team_id: int) -> dict[tuple[str, str, str], RegisterDecision]:
    """The latest word on each pair, for the team's register."""
    latest: dict[tuple[str, str, str], RegisterDecision] = {}
    for row in db.session.scalars(
        select(RegisterDecision)
        .where(RegisterDecision.team_id == team_id)
        .order_by(RegisterDecision.id)
    ):
        latest[(row.kind, row.key_a, row.key_b)] = row
    return latest


def build(
    mentions: Iterable[Mention], said: dict[tuple[str, str, str], bool] | None = None
) -> list[Entry]:
    """Entries from mentions: one per normalised key, joined where a manager said "the same",
    each with its close spellings offered unless a manager said "not the same". Most children
    first."""
    said = said or {}
    by_key: dict[tuple[str, str], list[Mention]] = defaultdict(list)
    for mention in mentions:
        by_key[(mention.kind, mention.key)].append(mention)
    # Join the keys confirmed the same (union-find over each kind's keys).
    parent: dict[tuple[str, str], tuple[str, str]] = {k: k for k in by_key}

    def root(k: tuple[str, str]) -> tuple[str, str]:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for (kind, a, b), same in sorted(said.items()):
        if same and (kind, a) in parent and (kind, b) in parent:
            parent[root((kind, b))] = root((kind, a))
    groups: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for k in by_key:
        groups[root(k)].append(k)
    entries: dict[tuple[str, str], Entry] = {}
    for members in groups.values():
        members.sort(key=lambda k: (-len(by_key[k]), k[1]))
        entry = Entry(kind=members[0][0], keys=[k[1] for k in members])
        for k in members:
            entry.mentions.extend(by_key[k])
            entries[k] = entry
    _offer(entries, said)
    unique = {id(e): e for e in entries.values()}.values()
    return sorted(unique, key=lambda e: (-len(e.children), -len(e.mentions), e.kind, e.name))


def _offer(entries: dict[tuple[str, str], Entry], said: dict[tuple[str, str, str], bool]) -> None:
    for kind in KINDS:
        keys = [k for (n, k) in entries if n == kind and fuzzy(kind, k)]
        offered: set[tuple[str, str]] = set()
        for key in keys:
            for other, score, _ in process.extract(
                key, keys, scorer=fuzz.token_set_ratio, score_cutoff=SIMILAR, limit=MOST_OFFERS + 1
            ):
                a, b = entries[(kind, key)], entries[(kind, other)]
                if a is b or said.get((kind, *pair(key, other))) is False:
                    continue
                if pair(a.key, b.key) in offered:
                    continue
                offered.add(pair(a.key, b.key))
                a.possibly.append((b, score))
                b.possibly.append((a, score))
    for entry in {id(e): e for e in entries.values()}.values():
        entry.possibly.sort(key=lambda i: (-i[1], i[0].name))
        del entry.possibly[MOST_OFFERS:]


@dataclass
class Register:
    entries: list[Entry]
    interviews: int
    more: bool
    decided: dict[tuple[str, str, str], RegisterDecision]

    def find(self, wanted: str) -> Entry | None:
        return next((e for e in self.entries if wanted in e.ids), None)

    def key(self, kind: str, wanted: str) -> str | None:
        """The normalised key of this kind whose id is `wanted`, if the register holds it."""
        entry = self.find(wanted)
        if entry is None or entry.kind != kind:
            return None
        return next(k for k in entry.keys if entry_id(kind, k) == wanted)


def register(user: User, chosen: Period) -> Register:
    found = read(user, chosen)
    latest = decisions(user.team_id) if user.team_id is not None else {}
    said = {k: row.same for k, row in latest.items()}
    return Register(build(found.mentions, said), found.interviews, found.more, latest)


def pack(user: User, chosen: Period, *, across: bool) -> list[Entry]:
    """The entries of a pack for a multi-agency meeting: see the module's docstring."""
    found = read(user, chosen, pack_only=True)
    latest = decisions(user.team_id) if user.team_id is not None else {}
    return for_pack(found.mentions, {k: row.same for k, row in latest.items()}, across=across)


def decide(user: User, kind: str, this: str, other: str, same: bool) -> RegisterDecision:
    """Record a manager's word on two keys of the register. The caller audits and commits."""
    assert user.team_id is not None and this != other
    a, b = pair(this, other)
    row = RegisterDecision(
        team_id=user.team_id, kind=kind, key_a=a, key_b=b, same=same, decided_by_id=user.id
    )
    db.session.add(row)
    return row


def confirmed(register: Register, entry: Entry) -> list[RegisterDecision]:
    """The decisions that joined this entry's keys, for the page to show who said so."""
    keys = set(entry.keys)
    return [
        row
        for (kind, a, b), row in register.decided.items()
        if kind == entry.kind and row.same and a in keys and b in keys
    ]


# -- the pack for a multi-agency meeting ----------------------------------------------------


def pseudonyms(entries: Iterable[Entry]) -> dict[int, str]:
    """Child A, Child B, ... in the order children first appear in the pack; after Z, AA."""
    order: list[int] = []
    for entry in entries:
        for mention in sorted(entry.mentions, key=lambda m: (m.when, m.child_id)):
            if mention.child_id not in order:
                order.append(mention.child_id)
    return {child_id: f"Child {_letters(n)}" for n, child_id in enumerate(order)}


def _letters(n: int) -> str:
    word = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        word = chr(ord("A") + rest) + word
    return word


def redact(text: str, names: dict[str, str]) -> str:
    """Each child's name (whole words, any case) replaced by their pseudonym: a friend's list
    or a place may hold another child's name."""
    for name, instead in sorted(names.items(), key=lambda i: -len(i[0])):
        if len(name) >= 2:
            text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", instead, text, flags=re.IGNORECASE)
    return text


def for_pack(
    mentions: Iterable[Mention], said: dict[tuple[str, str, str], bool], *, across: bool
) -> list[Entry]:
    """What goes in a pack, from the mentions read for one (`read(pack_only=True)`): never what
    a child asked to be kept back, not even where a safeguarding decision released it to the
    police (the pack says so, and leaves the service for other agencies); with `across`, only
    entries named for two or more children. The entries are built from these mentions alone,
    not filtered from the register's: an entry's name and spellings, and the entries offered
    as possibly the same, then come only from what may leave, and an offer whose every mention
    was kept back is not made at all."""
    entries = build([m for m in mentions if not m.kept_back], said)
    return [entry for entry in entries if not across or len(entry.children) >= 2]
