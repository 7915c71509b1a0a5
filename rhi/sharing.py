"""The ONE home of "what may this recipient read" from an interview. No Flask here.

Pages, PDFs and exports all build what they show from `view_for()`, so a rule about sharing is
written once. The rules:

1. What the child asked us not to pass on (a section, a finding, a place or a person marked
   private) is withheld from every recipient, always.
2. A recipient gets the interview's content when the child agreed to share with them, or when a
   safeguarding decision to share without consent is recorded (a written reason and who decided).
3. Otherwise the recipient gets only that an interview took place, when, and whom to contact:
   not what the child said about sharing, not the episodes, not where it was held.
4. Parents and carers never receive the worker's analysis or the places-and-people intelligence.
5. A copy holds the recipient's own consent line only: never another recipient's answer, words
   or safeguarding decision, and never a mention that something was kept out.

The interviewer's side reads everything on the pages (rhi.access.reads_whole_interview); anyone
else who may open the interview (the child's social worker, their manager) reads what the
social worker's copy holds, built here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rhi.interviews.content import (
    ACTION_KINDS,
    CONSENT_ANSWERS,
    FINDING_GROUPS,
    RECIPIENTS,
    RISK_VIEWS,
    normalise,
)
from rhi.prompts import SECTION_IDS

PROFESSIONAL_ONLY_SECTIONS = {"analysis"}
PROFESSIONALS = {"social_worker", "police", "school", "health", "other"}


@dataclass(frozen=True)
class Finding:
    group: str
    key: str
    label: str
    note: str


@dataclass(frozen=True)
class ConsentLine:
    recipient: str
    label: str
    answer: str
    words: str
    override_reason: str | None
    override_by: str | None


@dataclass
class SharedView:
    recipient: str
    basis: str  # "consent", "override" or "none"
    sections: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    findings_other: dict[str, str] = field(default_factory=dict)
    places: list[dict[str, Any]] = field(default_factory=list)
    people: list[dict[str, Any]] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    protective_factors: str = ""
    risk_view: str = ""
    consent: list[ConsentLine] = field(default_factory=list)  # the recipient's own line only

    @property
    def shares_content(self) -> bool:
        return self.basis != "none"


def override_for(content: dict[str, Any], recipient: str) -> dict[str, Any] | None:
    """The latest recorded safeguarding decision to share with this recipient, if any."""
    for entry in reversed(normalise(content)["overrides"]):
        if entry.get("recipient") == recipient and entry.get("reason", "").strip():
            return entry
    return None


def basis_for(content: dict[str, Any], recipient: str) -> str:
    c = normalise(content)
    if c["consent"].get(recipient, {}).get("answer") == "yes":
        return "consent"
    if override_for(c, recipient) is not None:
        return "override"
    return "none"


def consent_record(content: dict[str, Any]) -> list[ConsentLine]:
    c = normalise(content)
    lines = []
    for key, label in RECIPIENTS.items():
        entry = c["consent"][key]
        override = override_for(c, key)
        name = entry.get("name", "").strip()
        lines.append(
            ConsentLine(
                recipient=key,
                label=f"{label}: {name}" if key == "other" and name else label,
                answer=CONSENT_ANSWERS.get(entry.get("answer", "not_asked"), "Not asked"),
                words=entry.get("words", ""),
                override_reason=override.get("reason") if override else None,
                override_by=override.get("decided_by") if override else None,
            )
        )
    return lines


def view_for(content: dict[str, Any], recipient: str) -> SharedView:
    if recipient not in RECIPIENTS:
        raise ValueError(f"unknown recipient {recipient!r}")
    c = normalise(content)
    view = SharedView(recipient=recipient, basis=basis_for(c, recipient))
    if not view.shares_content:
        return view
    view.consent = [line for line in consent_record(c) if line.recipient == recipient]

    professional = recipient in PROFESSIONALS
    for s in SECTION_IDS:
        sec = c["sections"][s]
        if sec.get("private") or not sec.get("text", "").strip():
            continue
        if s in PROFESSIONAL_ONLY_SECTIONS and not professional:
            continue
        view.sections[s] = sec["text"]
    for group, labels in FINDING_GROUPS.items():
        for key, label in labels.items():
            entry = c[group].get(key)
            if entry and entry.get("on") and not entry.get("private"):
                view.findings.append(Finding(group, key, label, entry.get("note", "")))
        if c["findings_other"].get(group, "").strip():
            view.findings_other[group] = c["findings_other"][group]
    if professional:
        view.places = [dict(i) for i in c["places"] if not i.get("private")]
        view.people = [dict(i) for i in c["people"] if not i.get("private")]
        view.risk_view = RISK_VIEWS.get(c["risk_view"], "")
    view.actions = [
        {**a, "kind_label": ACTION_KINDS.get(a.get("kind", ""), "Other")} for a in c["actions"]
    ]
    view.protective_factors = c["protective_factors"]
    return view
