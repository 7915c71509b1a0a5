"""The read-back: what will be shared, and with whom, in plain words for the child. No Flask.

Built from `rhi.sharing.view_for`, the same rule that makes each copy, so what the child is
told will reach someone is exactly what their copy holds: the child's own words as written,
and a plain label for what the worker wrote (the worker's notes and view of risk are named,
not read out). "Kept between us" is what the child asked us not to pass on
(`sharing.withheld_items`), less anything a safeguarding decision in force passes on.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from rhi.interviews.content import normalise
from rhi.sharing import SharedView, view_for, withheld_items

# Who, as the child would say it.
RECIPIENT_WORDS = {
    "social_worker": "Your social worker",
    "police": "The police",
    "parents_carers": "Your parents or carers",
    "school": "Your school",
    "health": "Health workers (like a doctor or nurse)",
    "other": "Someone else",
}
SECTION_WORDS = {
    "before": "What you told me about before you left",
    "away": "What you told me about while you were away",
    "after": "What you told me about how you feel now",
    "help": "What you said would help",
    "own_words": "What you said in your own words",
}
FINDING_WORDS = {
    "push": "Why you wanted to leave",
    "pull": "What drew you away",
    "harms": "Something your worker is worried about",
}
WORKER_NOTES = "Your worker\u2019s notes about how things are for you"
RISK_WORDS = "How worried your worker is about your safety"


@dataclass(frozen=True)
class Thing:
    """One thing a recipient will know: a plain label, and the child's words where it is theirs.
    `key` names what of the copy it is ("sections.away", "people.<id>"), one key per thing."""

    key: str
    label: str
    words: str = ""


@dataclass
class Recipient:
    key: str
    who: str
    things: list[Thing] = field(default_factory=list)

    @property
    def only_that_we_talked(self) -> bool:
        return not self.things


def things_in(view: SharedView) -> list[Thing]:
    """Everything a copy holds from what was said, in plain words, in the copy's order."""
    things: list[Thing] = []
    for s, text in view.sections.items():
        if s == "analysis":
            things.append(Thing("sections.analysis", WORKER_NOTES))
        else:
            things.append(Thing(f"sections.{s}", SECTION_WORDS.get(s, s), text))
        if s in view.feelings:
            feeling = view.feelings[s]
            things.append(Thing(f"feelings.{s}", "How you said you felt", feeling.words))
    for s, feeling in view.feelings.items():
        if s not in view.sections:  # a feeling chosen on a part with nothing written
            things.append(Thing(f"feelings.{s}", "How you said you felt", feeling.words))
    for s, text in view.kept_back.items():
        things.append(
            Thing(
                f"kept_back.{s}",
                "Something you asked to keep between us, which we have to pass on to keep you safe",
                text,
            )
        )
    if view.child_message.strip():
        things.append(
            Thing("child_message", "What you want your social worker to know", view.child_message)
        )
    if view.police_contact.strip():
        things.append(
            Thing("police_contact", "What you said about the police", view.police_contact)
        )
    for finding in view.findings:
        things.append(
            Thing(f"{finding.group}.{finding.key}", FINDING_WORDS[finding.group], finding.label)
        )
    for group, text in view.findings_other.items():
        things.append(Thing(f"findings_other.{group}", FINDING_WORDS[group], text))
    for kind, label in (
        ("places", "A place you told me about"),
        ("people", "Someone you told me about"),
    ):
        for entry in getattr(view, kind):
            name = str(entry.get("name", "")).strip() or "not named"
            things.append(Thing(f"{kind}.{entry.get('id')}", label, name))
    if view.actions:
        things.append(
            Thing(
                "actions",
                "What we agreed will happen next",
                ", ".join(str(a["kind_label"]) for a in view.actions),
            )
        )
    if view.protective_factors.strip():
        things.append(
            Thing("protective_factors", "What helps keep you safe", view.protective_factors)
        )
    if view.risk_view:
        things.append(Thing("risk_view", RISK_WORDS))
    for line in view.consent:
        if line.words.strip():
            things.append(Thing("consent", "What you said about sharing with them", line.words))
    return things


def recipients(content: dict[str, Any], in_force: Collection[str]) -> list[Recipient]:
    """For each person the child may share with, what they will know (nothing but that we
    talked, and when, when the copy shares nothing)."""
    c = normalise(content)
    out = []
    for key, who in RECIPIENT_WORDS.items():
        name = str(c["consent"].get(key, {}).get("name", "")).strip()
        label = name if key == "other" and name else who
        out.append(Recipient(key, label, things_in(view_for(c, key, in_force=in_force))))
    return out


def kept_between_us(content: dict[str, Any], in_force: Collection[str]) -> list[str]:
    """What the child asked us not to pass on and no one will be told, as plain titles."""
    c = normalise(content)
    passed_on: set[str] = set()
    for entry in c["overrides"]:
        if entry.get("id") in in_force:
            passed_on |= {str(path) for path in entry.get("releases", [])}
    return [title for path, title in withheld_items(c).items() if path not in passed_on]
