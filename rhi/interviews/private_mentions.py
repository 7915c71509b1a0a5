"""Words in a copy that name someone or somewhere, or tell of something found, that the child
asked to keep between them and the worker.

A person or place marked "not to be shared" is in no copy (rhi/sharing.py rule 3), and the child
is told so on the read-back ("Kept between us"). But the worker's own words elsewhere may name
them: "check Marcus's Audi at the Harehills Lane flat" in an action's note reached the parents'
copy whole (a probe). rhi cannot take a name out of someone's sentence without changing what it
says, or without hinting that something was kept out (rule 6), so it tells the worker before
the interview is finished, field by field, and the worker chooses the words.

What is looked for, for each private entry not released to that reader by a decision:
- its name as written, as a whole phrase;
- for a person, each word of their name that starts with a capital, in any alphabet ("Łukasz":
  a first name alone is how people are written about), and their phone number's digits;
- for a person, a name or a word of it of two letters ("Mo", "AJ"), as written with its capital
  and standing alone ("Mo's car", not "Moses", "M&S" or "T-shirt"); if it is also an English
  word ("Jo" is not, "Ed" is not, "An" is), not where it starts a sentence. A title ("Mr X":
  "Mr") and a single letter ("Man B": "B", as in "Plan B") are not looked for alone;
- for a place, each run of two or more words that start with a capital ("Harehills Lane" in
  "Flat on Harehills Lane"): a single capitalised word of a place ("Flat") is too common;
- a vehicle as written, ignoring spaces and case.
A name that a shared entry also has (two people called Kay) is not looked for: the words may
be about the one the child agreed to share.

A finding marked "not to be shared" (self-harm, say) is looked for by its name and the words
workers write for it (rhi/interviews/finding_words.py): a probe found "CAMHS referral because
he has been cutting his arms" in the social worker's copy, self-harm ticked private. Words that
also tell of a finding the copy holds are not looked for (drugs found as a harm and shared, the
same word for a private pull factor).

Only the worker's words are looked at: not what the child wrote or chose themselves ("In your
own words", their message, what they said about sharing), which is theirs to say.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Any

from rhi.interviews.content import RECIPIENTS, normalise
from rhi.interviews.fields import FINDING_GROUPS
from rhi.interviews.finding_words import pattern, tells_of
from rhi.sharing import SharedView, addendum_reaches, view_for

# Parts written in the child's own words: theirs to name anyone in.
CHILDS_OWN_SECTIONS = {"own_words"}
PHONE_DIGITS = 6  # fewer digits than this are not a phone number
# A word that starts with a letter (of any alphabet: "Łukasz", "Özlem"); `_capitalised` asks
# that the letter be a capital, where its alphabet has them.
WORD = re.compile(r"[^\W\d_][\w'\u2019\u02bc-]*")
# Two-letter words written before a name ("Mr Patel"): not looked for alone when the entry has
# other words ("Mr X"), as they are in every note; an entry of only one ("DS") is initials.
TITLES = frozenset({"Mr", "Ms", "Mx", "Dr", "Pc", "PC", "DC", "DS", "St", "Sr", "Jr"})
# Two-letter English words, written with a capital where a sentence starts: a name that is also
# one ("An", "My", "Do", Vietnamese and other names) is looked for only inside a sentence.
SHORT_WORDS = frozenset(
    {
        "An",
        "As",
        "At",
        "Be",
        "By",
        "Do",
        "Go",
        "He",
        "Hi",
        "If",
        "In",
        "Is",
        "It",
        "Me",
        "My",
        "No",
        "Of",
        "Oh",
        "Ok",
        "On",
        "Or",
        "So",
        "To",
        "Up",
        "Us",
        "We",
    }
)


# Words of a name in an alphabet with no capitals that are also words of every day in notes
# written in it (rev39b: "إن شاء الله" warned of a private "عبد الله"): looked for only as part
# of the whole name, as SHORT_WORDS are only inside a sentence.
COMMON_WORDS = frozenset(
    {
        "الله",  # God, in every blessing
        "عبد",  # "servant of", the first half of a compound name
        "أمل",  # hope
        "علي",  # "on me", "I must"
        "שלום",  # hello
        "ሰላም",  # hello (Tigrinya, Amharic)
    }
)


def _capitalised(word: str) -> bool:
    """Written as a name is: with a capital, or in an alphabet with none (Arabic, Hebrew,
    Devanagari: rev38b found "محمد" alone never looked for, only the whole name)."""
    first = word[:1]
    return bool(WORD.fullmatch(word)) and (first.isupper() or not first.islower())


# An apostrophe typed straight, curly (a phone's keyboard, a pasted note), as a letter (U+02BC)
# or a Hebrew geresh: names and notes are read with each as a straight one, so one typed one way
# in the name is found typed another in the note ("D’Arcy" is "D'Arcy"), and a possessive
# after it ("Oʼ Brienʼs") is not read as the name going on (rev38b, rev39b).
_APOSTROPHES = str.maketrans(dict.fromkeys("\u2018\u2019\u02bc\u05f3\u2032", "'"))


def _folded(text: str) -> str:
    return text.translate(_APOSTROPHES)


def _short(word: str) -> re.Pattern[str]:
    """A two-letter name as written, standing alone: "Mo" is in "Mo's car" and "with Mo," but
    not in "Moses", "mo", "M&S"-like joins ("Mo&Co") or "Mo-ped". One that is also an English
    word, not where a sentence starts."""
    body = rf"(?<![\w&-]){re.escape(word)}(?![\w&]|-\w)"
    if word not in SHORT_WORDS:
        return re.compile(body)
    return re.compile(r"(?<!^)(?<![.!?:]\s)(?<![.!?:]\s\s)(?<!\n)" + body, re.MULTILINE)


@dataclass(frozen=True)
class Mention:
    recipient: str  # whose copy holds the words
    path: str  # the field that holds them: `actions.<id>.note`, `sections.away.text`
    named: str  # the private entry, as the worker wrote its name (a finding: its name)
    kind: str  # "person", "place" or "finding"

    @property
    def recipient_label(self) -> str:
        return RECIPIENTS.get(self.recipient, self.recipient)


@dataclass(frozen=True)
class _Private:
    name: str
    kind: str
    words: tuple[tuple[str, re.Pattern[str]], ...]  # each piece looked for, and how
    digits: str  # a phone number's digits, or ""
    vehicle: str  # letters and digits of a vehicle, upper case, or ""

    def found_in(self, text: str) -> bool:
        text = _folded(text)
        if any(pattern.search(text) for _, pattern in self.words):
            return True
        if self.digits and self.digits in re.sub(r"\D", "", text):
            return True
        return bool(self.vehicle) and self.vehicle in re.sub(r"[\W_]", "", text).upper()


def _phrase(words: str, *, ignore_case: bool) -> re.Pattern[str]:
    """`words` as a whole phrase: not inside a longer word ("Kay" is not in "Kaye")."""
    body = r"\s+".join(re.escape(w) for w in words.split())
    return re.compile(rf"(?<![\w]){body}(?![\w])", re.IGNORECASE if ignore_case else 0)


def _capitalised_runs(name: str, shortest: int) -> list[str]:
    """Runs of `shortest` or more consecutive words of `name` that start with a capital."""
    runs: list[str] = []
    current: list[str] = []
    for word in name.split() + [""]:
        if _capitalised(word) and len(word) > 2:
            current.append(word)
            continue
        if len(current) >= shortest:
            runs.append(" ".join(current))
        current = []
    return runs


def _private(entry: dict[str, Any], kind: str) -> _Private | None:
    written = " ".join(str(entry.get("name", "")).split())
    name = _folded(written)  # looked for with its apostrophes read as straight ones
    pieces = [name] if len(name) > 2 else []
    short: list[str] = []
    if kind == "person":
        pieces += [
            w for w in name.split() if _capitalised(w) and len(w) > 2 and w not in COMMON_WORDS
        ]
        # Two letters: a probe found "Mo's car" reach the police, "Mo" never looked for. As
        # written with its capital ("mo" typed is "Mo"): without it, it is a word or part of one.
        # A title before another word ("Mr X") is not the name; alone ("DS"), it is how the
        # person was recorded (rev38b: initials such as "DS" were never looked for).
        alone = len(name.split()) == 1
        short = [
            w[:1].upper() + w[1:]
            for w in name.split()
            if len(w) == 2 and w[:1].isalpha() and (alone or w[:1].upper() + w[1:] not in TITLES)
        ]
    else:
        pieces += _capitalised_runs(name, 2)
    digits = re.sub(r"\D", "", str(entry.get("phone", "")))
    vehicle = re.sub(r"[\W_]", "", str(entry.get("vehicle", ""))).upper()
    if not pieces and not short and len(digits) < PHONE_DIGITS and len(vehicle) < 4:
        return None
    return _Private(
        name=written,
        kind=kind,
        # The whole name in any case; a single word or run as written (a capital matters:
        # "Kay" is a name, "kay" is not).
        words=tuple((p, _phrase(p, ignore_case=(p == name))) for p in dict.fromkeys(pieces))
        + tuple((w, _short(w)) for w in dict.fromkeys(short) if w not in pieces),
        digits=digits if len(digits) >= PHONE_DIGITS else "",
        vehicle=vehicle if len(vehicle) >= 4 else "",
    )


def _workers_words(view: SharedView) -> Iterator[tuple[str, str]]:
    """(path, words) of each piece of the worker's writing this copy holds."""
    for section, text in view.sections.items():
        if section not in CHILDS_OWN_SECTIONS:
            yield f"sections.{section}.text", text
    if view.police_contact.strip():
        yield "police_contact", view.police_contact
    for finding in view.findings:
        if finding.note.strip():
            yield f"{finding.group}.{finding.key}.note", finding.note
    for group, text in view.findings_other.items():
        yield f"findings_other.{group}", text
    for kind in ("places", "people"):
        for entry in getattr(view, kind):
            for key, value in entry.items():
                if key not in ("id", "private") and isinstance(value, str) and value.strip():
                    yield f"{kind}.{entry.get('id')}.{key}", value
    for action in view.actions:
        for key in ("note", "owner"):
            value = str(action.get(key, ""))
            if value.strip():
                yield f"actions.{action.get('id')}.{key}", value
    if view.protective_factors.strip():
        yield "protective_factors", view.protective_factors


def _names_not_kept_back(c: dict[str, Any]) -> set[str]:
    """The names, and each word of them, of the people and places not marked private."""
    names = {str(e.get("name", "")) for e in [*c["places"], *c["people"]] if not e.get("private")}
    return {w.casefold() for n in names for w in [n, *n.split()] if w.strip()}


def mentions(content: dict[str, Any], in_force: Collection[str]) -> list[Mention]:
    """Each field of each copy whose words name a private person or place the copy does not
    hold, in the order of the readers and then the copy."""
    found: list[Mention] = []
    for view, looked_for in _readers(content, in_force):
        for private in looked_for:
            for path, text in _workers_words(view):
                if private.found_in(text):
                    found.append(Mention(view.recipient, path, private.name, private.kind))
    return found


def in_addendum(
    content: dict[str, Any], in_force: Collection[str], text: str, part: str | None
) -> list[Mention]:
    """Each reader an addendum to `part` would reach (rhi/sharing.py rule 8) whose copy does
    not hold a private person or place its words name: said before it is added (a review: a
    correction naming the adult the child kept back went to the parents unwarned)."""
    if not part:
        return []
    c = normalise(content)
    return [
        Mention(view.recipient, ADDENDUM, private.name, private.kind)
        for view, looked_for in _readers(c, in_force)
        if addendum_reaches(view, c, part)
        for private in looked_for
        if private.found_in(text)
    ]


ADDENDUM = "addendum"  # the `path` of a mention in an addendum's words
ANSWER = "answer"  # the `path` of a mention in an answer to a reader's question


def what_is_named(found: Collection[Mention]) -> str:
    """What words name or tell of, in a sentence: "name Marcus Dean and tell of Self-harm"."""
    said = []
    names = list(dict.fromkeys(m.named or _someone(m.kind) for m in found if m.kind != "finding"))
    if names:
        said.append("name " + " and ".join(names))
    told = list(dict.fromkeys(f"\u201c{m.named}\u201d" for m in found if m.kind == "finding"))
    if told:
        said.append("tell of " + " and ".join(told))
    return " and ".join(said)


def _someone(kind: str) -> str:
    return "a place" if kind == "place" else "someone"


def in_answer(
    content: dict[str, Any], in_force: Collection[str], text: str, reader: str
) -> list[Mention]:
    """What an answer to a reader's question (their summary's questions) names or tells of that
    the child kept back and the reader's copy does not hold: said before it goes (a probe: an
    answer named the adult the child kept back, and went to the social worker at once, after the
    child had taken back what they may read). The answer goes to the reader whatever their copy
    now shares, so a reader who may now read nothing is asked about too."""
    return [
        Mention(view.recipient, ANSWER, private.name, private.kind)
        for view, looked_for in _readers(content, in_force, every=True)
        if view.recipient == reader
        for private in looked_for
        if private.found_in(text)
    ]


def _readers(
    content: dict[str, Any], in_force: Collection[str], *, every: bool = False
) -> Iterator[tuple[SharedView, list[_Private]]]:
    """Each reader's copy, with the private people, places and findings it does not hold, each
    looking only for the words no entry that is not private has too. Only readers whose copy
    shares something, unless `every` (an answer goes to its reader whatever they may read)."""
    c = normalise(content)
    entries = [
        (str(e.get("id")), kind, e)
        for plural, kind in (("people", "person"), ("places", "place"))
        for e in c[plural]
        if e.get("private")
    ]
    findings = {
        f"{group}.{key}": label
        for group, labels in FINDING_GROUPS.items()
        for key, label in labels.items()
        if (c[group].get(key) or {}).get("on") and (c[group].get(key) or {}).get("private")
    }
    if not entries and not findings:
        return
    shared = _names_not_kept_back(c)
    for recipient in RECIPIENTS:
        view = view_for(c, recipient, in_force=in_force)
        if not view.shares_content and not every:
            continue
        held = {str(e.get("id")) for e in [*view.places, *view.people]}
        looked_for = [
            _without(p, shared)
            for ident, kind, entry in entries
            if ident not in held
            and (p := _private(entry, kind)) is not None
            and p.name.casefold() not in shared
        ]
        held_findings = {f"{f.group}.{f.key}" for f in view.findings}
        told = {
            words.casefold()
            for f in view.findings
            for words in tells_of(f"{f.group}.{f.key}", f.label)
        }
        for path, label in findings.items():
            if path not in held_findings:
                words = [w for w in tells_of(path, label) if w.casefold() not in told]
                looked_for.append(
                    _Private(label, "finding", tuple((w, pattern(w)) for w in words), "", "")
                )
        yield view, looked_for


def _without(private: _Private, shared: set[str]) -> _Private:
    """`private` not looking for the words a shared entry's name has too."""
    words = tuple((w, p) for w, p in private.words if w.casefold() not in shared)
    return _Private(private.name, private.kind, words, private.digits, private.vehicle)


@dataclass(frozen=True)
class Named:
    """One field naming one private entry, with every copy that would hold it."""

    path: str
    named: str
    kind: str
    readers: tuple[str, ...]  # the copies' readers, as the copies panel names them


def on_review(content: dict[str, Any], in_force: Collection[str]) -> list[Named]:
    """`mentions`, a line for each field and entry, for the review page before finishing."""
    readers: dict[tuple[str, str, str], list[str]] = {}
    for m in mentions(content, in_force):
        readers.setdefault((m.path, m.named, m.kind), []).append(m.recipient_label)
    return [Named(path, named, kind, tuple(r)) for (path, named, kind), r in readers.items()]
