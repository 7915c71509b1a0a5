"""The ONE home of "what may this recipient read" from an interview. No Flask here.

Pages, PDFs and exports all build what they show from `view_for()`, so a rule about sharing is
written once. The rules:

1. A recipient reads the parts of the interview (`SHARED_PARTS`: each section, the findings,
   places and people, the actions, the worker's analysis) that the child agreed to share with
   them (all of them for "yes", the ticked ones for "some"), together with the parts named by a
   safeguarding decision to share with them that is in force.
2. A safeguarding decision is in force when the person named as deciding it confirmed it in rhi,
   or at once when it was recorded as urgent (the copy then says it was released before
   confirmation, and why). Which decisions are in force is read from the database
   (rhi/models/decisions.py) and handed in as `in_force`: a decision's words in the document
   alone never open anything.
3. What the child asked us not to pass on (a section, a finding, a place or a person marked
   private, and what they told but asked to keep back) is in no copy, unless a decision in
   force names that very item.
4. Otherwise the recipient gets only that an interview took place, when, and whom to contact:
   not what the child said about sharing, not the episodes, not where it was held.
5. Parents and carers never receive the worker's analysis or the places-and-people intelligence,
   nor where the interview was held, who else was there and the police reference (a child may
   be spoken with where they do not want a parent to know of: `SharedView.where_held`). Where
   the child was found stays in their copy: the police tell those who collect the child.
6. A copy holds the recipient's own consent line and own decisions only: never another
   recipient's answer, words or safeguarding decision, and never a mention that something was
   kept out.
7. What the child chose or wrote in the child's view goes with a section: how they felt with
   the section it was chosen on, "What I want my social worker to know" with "In your own
   words", to the social worker only. Whether what is shared was read back to them, and
   their answer, is in every copy that shares anything; the changes they asked for stay in
   the record.
8. An addendum (a correction or later note once the interview is finished) goes with the part
   it names, to whoever may read that part by the rules above (`addenda_reaching`); one that
   names no part stays with the interviewer's side. It was not read back to the child, and
   the copy says so.

The interviewer's side reads everything on the pages (rhi.access.reads_whole_interview); anyone
else who may open the interview (the child's social worker, their manager) reads what the
social worker's copy holds, built here.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rhi.interviews.content import (
    ACTION_KINDS,
    CONSENT_ANSWERS,
    FEELINGS,
    FINDING_GROUPS,
    READ_BACK_ANSWERS,
    RECIPIENTS,
    RISK_VIEWS,
    SHARED_PARTS,
    agreed_action,
    normalise,
    written_entry,
)
from rhi.prompts import SECTION_IDS

PROFESSIONAL_ONLY_PARTS = {"analysis", "places_people"}
PROFESSIONALS = {"social_worker", "police", "school", "health", "other"}
CHILD_TOLD = {
    "told": "Yes, the child was told",
    "not_yet": "Not yet: the child will be told",
    "not_told": "No: telling the child would put them or someone else at risk",
}


@dataclass(frozen=True)
class Finding:
    group: str
    key: str
    label: str
    note: str


@dataclass(frozen=True)
class Feeling:
    words: str  # "Not so good"
    at: str  # when it was chosen, local time as kept ("2026-11-23 14:30"), or ""


@dataclass(frozen=True)
class DecisionLine:
    """One safeguarding decision to share with a recipient, as the recipient's copy says it."""

    id: str
    parts: list[str]  # the words of the parts it shares
    releases: list[str]  # the titles of kept-back items it names
    reason: str
    decided_by: str
    child_told: str
    child_said: str  # as copies quote it: without a pair round the whole (`_without_quotes`)
    urgent_reason: str  # "" unless recorded as urgent: released before confirmation
    in_force: bool


@dataclass(frozen=True)
class ConsentLine:
    recipient: str
    label: str
    answer: str
    words: str
    parts: list[str]  # the words of the parts the child agreed to, for "some"
    decisions: list[DecisionLine]

    @property
    def said(self) -> str:
        """`words` as the copies quote them, in their own pair of quotation marks: without one
        pair the worker already put round the whole of them (`_without_quotes`). `words` stays
        as written: the read-back keeps it as what was read (read_back.what_was_read)."""
        return _without_quotes(self.words)

    @property
    def override_reason(self) -> str | None:
        return self.decisions[-1].reason if self.decisions else None

    @property
    def override_by(self) -> str | None:
        return self.decisions[-1].decided_by if self.decisions else None


@dataclass(frozen=True)
class AddendumLine:
    part: str  # the part it belongs to, in words
    text: str
    added_at: datetime
    added_by: str


@dataclass
class SharedView:
    recipient: str
    basis: str  # "consent", "override" or "none"
    # Where the interview was held, who else was there and the police reference: for
    # professionals only (rule 5). Copies read it, never the recipient's name.
    where_held: bool = False
    # The parts this copy shares (SHARED_PARTS): a part it does not share is left out of the
    # copy, never said to hold nothing ("Harms: None recorded" to a reader not given the
    # findings read as no harm found; a probe).
    parts: frozenset[str] = frozenset()
    sections: dict[str, str] = field(default_factory=dict)
    kept_back: dict[str, str] = field(default_factory=dict)  # released by a decision, by section
    findings: list[Finding] = field(default_factory=list)
    findings_other: dict[str, str] = field(default_factory=dict)
    places: list[dict[str, Any]] = field(default_factory=list)
    people: list[dict[str, Any]] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    # With the actions not shared: those this reader is asked to do (or told of, a strategy
    # meeting for the social worker), without their notes or named contact, as their Actions
    # page shows them (`actions_reaching`). The child is told this reader will know of them
    # (rhi/interviews/read_back.py); the copy said "No actions recorded".
    asked_of_them: list[dict[str, Any]] = field(default_factory=list)
    police_contact: str = ""  # what the child said about the police: with "While away"
    protective_factors: str = ""
    risk_view: str = ""
    consent: list[ConsentLine] = field(default_factory=list)  # the recipient's own line only
    # How the child said they felt, by section, in words, with when: shared with its section.
    feelings: dict[str, Feeling] = field(default_factory=dict)
    child_message: str = ""  # "What I want my social worker to know": with "In your own words"
    read_back: str = ""  # what the child said when it was read back, in words ("" if not)
    read_back_at: str = ""
    # What is shared changed after the child answered (read_back.changed_since_read): set by
    # those showing the copy, as view_for builds the read-back's own lists.
    read_back_changed: bool = False
    # The addenda this reader may read (rule 8): set by those showing the copy from the
    # interview's rows (`addenda_reaching`), as the document does not hold them.
    addenda: list[AddendumLine] = field(default_factory=list)

    @property
    def shares_content(self) -> bool:
        return self.basis != "none"


def decisions_for(
    content: dict[str, Any], recipient: str, in_force: Collection[str] | None = None
) -> list[dict[str, Any]]:
    """The recorded decisions to share with this recipient; with `in_force`, those in force."""
    return [
        entry
        for entry in normalise(content)["overrides"]
        if entry.get("recipient") == recipient
        and entry.get("reason", "").strip()
        and (in_force is None or entry.get("id") in in_force)
    ]


def agreed_parts(content: dict[str, Any], recipient: str) -> set[str]:
    """The parts the child agreed to share with this recipient."""
    return consented_parts(normalise(content)["consent"].get(recipient, {}))


def consented_parts(entry: dict[str, Any]) -> set[str]:
    """The parts one consent answer agrees to share (a recipient's entry in the document, or
    one kept as it was: rhi/models/consent_changes.py)."""
    if entry.get("answer") == "yes":
        return set(SHARED_PARTS)
    if entry.get("answer") == "some":
        return {part for part in SHARED_PARTS if entry.get(f"part_{part}") is True}
    return set()


def decision_parts(entry: dict[str, Any]) -> set[str]:
    """A decision's parts that its recipient may hold (never the analysis or places and people
    for parents and carers: rule 5); one recorded before decisions named parts shares them all.
    What a decision names and no copy of its recipient's could hold is never said to be shared
    (a probe: a decision naming places and people for parents was confirmed as sharing them,
    and the parents' copy named a part it did not hold)."""
    parts = entry.get("parts")
    named = set(SHARED_PARTS) if parts is None else {p for p in parts if p in SHARED_PARTS}
    if entry.get("recipient") not in PROFESSIONALS:
        named -= PROFESSIONAL_ONLY_PARTS
    return named


def refused_for(
    recipient: str, parts: Iterable[str], releases: Iterable[str]
) -> tuple[set[str], set[str]]:
    """The parts and the kept-back items a decision for `recipient` may not name (rule 5), for
    the decision form to refuse with words: ([parts], [items])."""
    parts, releases = set(parts), {str(path) for path in releases}
    if recipient in PROFESSIONALS:
        return set(), set()
    return parts & PROFESSIONAL_ONLY_PARTS, releases - releases_reaching(recipient, releases)


# What a copy holds only with a section, never on its own (`view_for`): the child's words about
# the police with "While away", their message to their social worker with "In your own words",
# and each section's feeling with it. A private section a decision passes on takes them too.
GOES_WITH_SECTION = {"police_contact": "away", "child_message": "own_words"}


def carried_by(key: str) -> str | None:
    """The section (`sections.<id>`, as `withheld_items` names it) that thing `key` of a copy
    (read_back.things_in's keys) goes with, or None for a thing shared on its own."""
    if key.startswith("feelings."):
        return "sections." + key.removeprefix("feelings.")
    section = GOES_WITH_SECTION.get(key)
    return None if section is None else f"sections.{section}"


def withheld_items(content: dict[str, Any]) -> dict[str, str]:
    """Everything the child asked us not to pass on, by the path a decision names it with, with
    a title for the worker and the decider: `sections.away` (a private section),
    `sections.away.kept_back`, `push.bullying`, `people.<id>`, `places.<id>`."""
    c = normalise(content)
    items: dict[str, str] = {}
    for s in SECTION_IDS:
        sec = c["sections"][s]
        title = SHARED_PARTS.get(s, s)
        if sec.get("private") and sec.get("text", "").strip():
            items[f"sections.{s}"] = f"The section \u201c{title}\u201d"
        if sec.get("kept_back", "").strip():
            items[f"sections.{s}.kept_back"] = f"Told and kept back in \u201c{title}\u201d"
    for group, labels in FINDING_GROUPS.items():
        for key, label in labels.items():
            entry = c[group].get(key)
            if entry and entry.get("on") and entry.get("private"):
                items[f"{group}.{key}"] = label
    for kind, noun in (("places", "Place"), ("people", "Person")):
        for entry in c[kind]:
            if entry.get("private") and written_entry(kind, entry):
                name = str(entry.get("name", "")).strip() or "not named"
                items[f"{kind}.{entry.get('id')}"] = f"{noun}: {name}"
    return items


def _without_quotes(text: str) -> str:
    """`text` without one pair of quotation marks round the whole of it: the read-back's rule,
    its one home (read_back.without_outer_quotes), so a copy never shows ““Not the police.””
    where the worker quoted the child as the language guide asks (a probe)."""
    # Imported here: rhi.interviews.read_back imports this module.
    from rhi.interviews.read_back import without_outer_quotes

    return without_outer_quotes(text)


def _decision_line(
    entry: dict[str, Any], in_force: Collection[str], titles: dict[str, str]
) -> DecisionLine:
    # Only what the decision's recipient may hold (rule 5), on the record as in the copy.
    reaching = releases_reaching(entry.get("recipient", ""), entry.get("releases", []))
    return DecisionLine(
        id=str(entry.get("id", "")),
        parts=[words for part, words in SHARED_PARTS.items() if part in decision_parts(entry)],
        releases=[
            titles[path]
            for path in entry.get("releases", [])
            if path in titles and path in reaching
        ],
        reason=entry.get("reason", ""),
        decided_by=entry.get("decided_by", ""),
        child_told=CHILD_TOLD.get(entry.get("child_told", ""), ""),
        # Kept as the copies and pages quote it (macros/sharing.html decision_text); nothing
        # compares it with what was read back to the child, which names decisions by id.
        child_said=_without_quotes(entry.get("child_said", "")),
        urgent_reason=entry.get("urgent_reason", "") if entry.get("urgent") is True else "",
        in_force=entry.get("id") in in_force,
    )


def consent_record(
    content: dict[str, Any], in_force: Collection[str], released: Collection[str] | None = None
) -> list[ConsentLine]:
    """Every recipient's consent line with every decision recorded for them (the interviewer's
    record: `DecisionLine.in_force` says which are in force). With `released`, a decision
    names only those kept-back items (a copy names only what it holds)."""
    c = normalise(content)
    titles = {
        path: title
        for path, title in withheld_items(c).items()
        if released is None or path in released
    }
    lines = []
    for key, label in RECIPIENTS.items():
        entry = c["consent"][key]
        name = entry.get("name", "").strip()
        answer = entry.get("answer", "not_asked")
        lines.append(
            ConsentLine(
                recipient=key,
                label=f"{label}: {name}" if key == "other" and name else label,
                answer=CONSENT_ANSWERS.get(answer, "Not asked"),
                words=entry.get("words", ""),
                parts=[
                    words for part, words in SHARED_PARTS.items() if part in agreed_parts(c, key)
                ]
                if answer == "some"
                else [],
                decisions=[_decision_line(d, in_force, titles) for d in decisions_for(c, key)],
            )
        )
    return lines


def releases_reaching(recipient: str, releases: Iterable[Any]) -> set[str]:
    """The kept-back items a decision names that `recipient`'s copy may hold: all of them for a
    professional; never places, people or the analysis for parents and carers (rule 5)."""
    released = {str(path) for path in releases}
    if recipient in PROFESSIONALS:
        return released
    return {p for p in released if not p.startswith(("places.", "people.", "sections.analysis"))}


def actions_reaching(content: dict[str, Any], recipient: str) -> list[dict[str, Any]]:
    """The actions `recipient` learns of whatever the child said about sharing, because they
    are asked to do them (the action's "Who will do it" names them), or, for the social worker,
    because a strategy meeting asked for is told to them and their manager
    (rhi/actions/tracking.py). Not their copy: what they will know all the same, so the child
    is told it (rhi/interviews/read_back.py)."""
    return _reaching(normalise(content)["actions"], recipient)


def _reaching(actions: list[dict[str, Any]], recipient: str) -> list[dict[str, Any]]:
    """`actions_reaching`, of a document already normalised (view_for: not normalised twice)."""
    return [
        action
        for action in actions
        if action.get("owner_kind") == recipient
        or (recipient == "social_worker" and action.get("kind") == "strategy_meeting")
    ]


def outside_view(
    content: dict[str, Any], *, in_force: Collection[str], finished: bool
) -> SharedView:
    """What anyone outside the interviewer's side (the child's social worker, their manager, a
    team keeping the child's record) reads of an interview: the social worker's copy once it is
    finished. Before that (still being written, or ended unfinished when the child stopped),
    what the child said is not read back nor agreed, and their consent shares nothing yet: only
    what a safeguarding decision in force releases (an urgent one is released at once)."""
    return view_for(content, "social_worker", in_force=in_force, decisions_only=not finished)


def view_for(
    content: dict[str, Any],
    recipient: str,
    *,
    in_force: Collection[str],
    decisions_only: bool = False,
) -> SharedView:
    """What `recipient` may read. `in_force`: the ids of the decisions in force (rule 2).
    `decisions_only`: what those decisions release, and nothing the child's consent would."""
    if recipient not in RECIPIENTS:
        raise ValueError(f"unknown recipient {recipient!r}")
    c = normalise(content)
    decisions = decisions_for(c, recipient, in_force)
    agreed = set() if decisions_only else agreed_parts(c, recipient)
    parts = set(agreed)
    released: set[str] = set()
    for entry in decisions:
        parts |= decision_parts(entry)
        released |= releases_reaching(recipient, entry.get("releases", []))
    if recipient not in PROFESSIONALS:
        parts -= PROFESSIONAL_ONLY_PARTS
    basis = "consent" if agreed else "override" if decisions else "none"
    view = SharedView(
        recipient=recipient,
        basis=basis,
        parts=frozenset(parts),
        where_held=recipient in PROFESSIONALS,
    )
    if not decisions_only and "actions" not in parts:
        view.asked_of_them = _asked_of(c, recipient)
    if not view.shares_content:
        return view
    line = next(
        line for line in consent_record(c, in_force, released) if line.recipient == recipient
    )
    view.consent = [
        ConsentLine(
            recipient=line.recipient,
            label=line.label,
            # Decisions alone: the child's answer, words and parts are not theirs to read yet.
            answer="" if decisions_only else line.answer,
            words="" if decisions_only else line.words,
            parts=[] if decisions_only else line.parts,
            decisions=[d for d in line.decisions if d.in_force],
        )
    ]

    # Whether it was read back to the child, and what they said: with what they said about
    # sharing (the changes they asked for, in their words, stay in the record).
    answer = "" if decisions_only else c["read_back"].get("answer", "")
    if answer:
        view.read_back = READ_BACK_ANSWERS.get(answer, "")
        view.read_back_at = c["read_back"].get("at", "")

    for s in SECTION_IDS:
        sec = c["sections"][s]
        named = f"sections.{s}" in released  # a private section a decision names
        shared = named or (s in parts and not sec.get("private"))
        if sec.get("text", "").strip() and shared:
            view.sections[s] = sec["text"]
        if s == GOES_WITH_SECTION["police_contact"] and shared:  # said telling of the time away
            view.police_contact = c["police_contact"]
        feeling = c["feelings"].get(s, {}).get("choice", "")  # none for the analysis
        if shared and feeling and feeling in FEELINGS:
            view.feelings[s] = Feeling(FEELINGS[feeling], c["feelings"][s].get("at", ""))
        # The child's message is to their social worker: it goes with their own words, and to
        # the social worker only (the child was told so; no one else's copy holds it).
        if s == GOES_WITH_SECTION["child_message"] and shared and recipient == "social_worker":
            view.child_message = c["child_message"]
        if f"sections.{s}.kept_back" in released and sec.get("kept_back", "").strip():
            view.kept_back[s] = sec["kept_back"]
    for group, labels in FINDING_GROUPS.items():
        for key, label in labels.items():
            entry = c[group].get(key)
            if not (entry and entry.get("on")):
                continue
            path = f"{group}.{key}"
            if path in released or ("findings" in parts and not entry.get("private")):
                view.findings.append(Finding(group, key, label, entry.get("note", "")))
        if "findings" in parts and c["findings_other"].get(group, "").strip():
            view.findings_other[group] = c["findings_other"][group]
    for kind in ("places", "people"):
        shown = [
            dict(i)
            for i in c[kind]
            # One added and left empty is no place or person: never held nor counted.
            if written_entry(kind, i)
            and (
                f"{kind}.{i.get('id')}" in released
                or ("places_people" in parts and not i.get("private"))
            )
        ]
        setattr(view, kind, shown)
    if "analysis" in parts and c["risk_view"]:
        # No view given is nothing to share: the copy said "Not yet given", and the child was
        # told their social worker would know how worried the worker was.
        view.risk_view = RISK_VIEWS.get(c["risk_view"], "")
    if "actions" in parts:
        view.actions = [
            {**a, "kind_label": ACTION_KINDS.get(a.get("kind", ""), "Other")}
            for a in c["actions"]
            if agreed_action(a)
        ]
        view.protective_factors = c["protective_factors"]
    return view


def addendum_reaches(view: SharedView, content: dict[str, Any], part: str | None) -> bool:
    """Rule 8: an addendum goes to a reader whose copy shares its part; for a section the
    child asked us not to pass on, only if a decision in force releases that section (rule 3).
    With no part: to no copy."""
    if not part:
        return False
    if part in SECTION_IDS and normalise(content)["sections"][part].get("private"):
        # Released by a decision, with its words: named by the decision (`sections.<id>`),
        # whether or not its part is also one of the copy's (a probe: health read a private
        # section a decision released, and not its correction).
        return part in view.sections
    return part in view.parts


def addenda_reaching(
    view: SharedView, content: dict[str, Any], addenda: Iterable[Any]
) -> list[AddendumLine]:
    """The addenda `view`'s reader may read, oldest first: rows with `part`, `text`,
    `created_at` and `author` (rhi.models.Addendum)."""
    content = normalise(content)  # once, not once an addendum
    return [
        AddendumLine(
            part=SHARED_PARTS.get(a.part, a.part),
            text=a.text,
            added_at=a.created_at,
            added_by=a.author.name if a.author is not None else "Not recorded",
        )
        for a in addenda
        if addendum_reaches(view, content, a.part)
    ]


def _asked_of(c: dict[str, Any], recipient: str) -> list[dict[str, Any]]:
    """`SharedView.asked_of_them`: what, who and by when of each action reaching `recipient`,
    never its note or named contact; `asked`: asked of them, rather than told them (a
    strategy meeting another will ask for, told to the social worker: `_reaching`)."""
    return [
        {
            "kind": a.get("kind", ""),
            "kind_label": ACTION_KINDS.get(a.get("kind", ""), "Other"),
            "owner_kind": a.get("owner_kind", ""),
            "due": a.get("due", ""),
            "asked": a.get("owner_kind") == recipient,
        }
        for a in _reaching(c["actions"], recipient)
    ]
