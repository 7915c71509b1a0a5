"""Random interviews for the sharing property tests (Hypothesis), and what each recipient may
read of one, said as plainly as the rules in rhi/sharing.py:

- nothing, unless the child agreed to share some or all parts with them, or a safeguarding
  decision in force (confirmed, or urgent) names them; a decision not in force opens nothing;
- then the parts agreed or named by a decision in force: a section's words unless the child
  kept it private, the analysis for professionals only; findings that are ticked and not
  private; places and people for professionals only, not private;
- a private section, finding, place or person, or a piece of text kept back, only when a
  decision in force names it (places and people still for professionals only);
- what the child wants their social worker to know: with their own words, to the social worker
  only;
- the recipient's own consent words and own decisions' words (in force);
- never another recipient's consent words or decision's words.

Every piece of text is a marker no other piece contains, so a copy's text can be searched.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from rhi.interviews import content as c
from rhi.sharing import withheld_items

PROFESSIONALS = {"social_worker", "police", "school", "health", "other"}
FINDINGS = [(group, key) for group in c.FINDING_GROUPS for key in list(c.FINDING_GROUPS[group])[:2]]


@dataclass
class Case:
    content: dict[str, Any]
    markers: dict[str, str]  # marker -> what it is ("section:away", "consent:police", ...)
    in_force: set[str]  # the ids of the decisions confirmed or urgent

    def may_read(self, recipient: str) -> set[str]:
        doc = self.content
        consent = doc["consent"][recipient]
        parts = set()
        if consent["answer"] == "yes":
            parts = set(c.SHARED_PARTS)
        elif consent["answer"] == "some":
            parts = {p for p in c.SHARED_PARTS if consent.get(f"part_{p}")}
        agreed = bool(parts)
        decisions = [
            o for o in doc["overrides"] if o["recipient"] == recipient and o["id"] in self.in_force
        ]
        named: set[str] = set()
        for decision in decisions:
            parts |= set(decision["parts"])
            named |= set(decision["releases"])
        if not agreed and not decisions:
            return set()
        professional = recipient in PROFESSIONALS
        allowed = set()
        for marker, what in self.markers.items():
            kind, _, name = what.partition(":")
            if kind == "section":
                section = doc["sections"][name]
                if name == "analysis" and not professional:
                    continue
                if f"sections.{name}" in named or (name in parts and not section["private"]):
                    allowed.add(marker)
            elif kind == "child_message":  # with their own words, to their social worker only
                own = doc["sections"]["own_words"]
                if recipient == "social_worker" and (
                    "sections.own_words" in named or ("own_words" in parts and not own["private"])
                ):
                    allowed.add(marker)
            elif kind == "police_contact":  # with the section "While away", as it is shared
                away = doc["sections"]["away"]
                if "sections.away" in named or ("away" in parts and not away["private"]):
                    allowed.add(marker)
            elif kind == "kept_back" and f"sections.{name}.kept_back" in named:
                if name != "analysis" or professional:  # the analysis: professionals only
                    allowed.add(marker)
            elif kind == "finding":
                group, key = name.split("/")
                entry = doc[group][key]
                if entry["on"] and (
                    f"{group}.{key}" in named or ("findings" in parts and not entry["private"])
                ):
                    allowed.add(marker)
            elif kind in ("places", "people"):
                entry = next(i for i in doc[kind] if i["id"] == name)
                if professional and (
                    f"{kind}.{name}" in named or ("places_people" in parts and not entry["private"])
                ):
                    allowed.add(marker)
            elif kind == "consent" and name == recipient:
                allowed.add(marker)
            elif kind == "decision":
                decision_id, _, _ = name.partition("/")
                if any(d["id"] == decision_id for d in decisions):
                    allowed.add(marker)
        return allowed


def _marker(n: int) -> str:
    return f"MKQ{n:04d}Z"


@st.composite
def cases(draw: st.DrawFn) -> Case:
    doc = c.empty_content()
    markers: dict[str, str] = {}
    counter = iter(range(10_000))

    def mark(what: str) -> str:
        m = _marker(next(counter))
        markers[m] = what
        return m

    for sid in doc["sections"]:
        doc["sections"][sid] = {
            "text": mark(f"section:{sid}"),
            "private": draw(st.booleans()),
            "kept_back": mark("kept_back:" + sid) if draw(st.booleans()) else "",
        }
    if draw(st.booleans()):
        doc["police_contact"] = mark("police_contact:")
    if draw(st.booleans()):  # "What I want my social worker to know", from the child's view
        doc["child_message"] = mark("child_message:")
    for group, key in FINDINGS:
        doc[group][key] = {
            "on": draw(st.booleans()),
            "note": mark(f"finding:{group}/{key}"),
            "private": draw(st.booleans()),
        }
    for kind, field in (("places", "name"), ("people", "name")):
        for n in range(draw(st.integers(0, 2))):
            item_id = f"{kind[:2]}{n}"
            doc, _ = c.add_item(doc, kind, item_id)
            entry = next(i for i in doc[kind] if i["id"] == item_id)
            entry[field] = mark(f"{kind}:{item_id}")
            entry["private"] = draw(st.booleans())
    withheld = sorted(withheld_items(doc))
    in_force: set[str] = set()
    for n, recipient in enumerate(c.RECIPIENTS):
        answer = draw(st.sampled_from(["yes", "some", "no", "not_asked"]))
        doc["consent"][recipient].update(
            {"answer": answer, "words": mark(f"consent:{recipient}"), "name": ""}
        )
        if answer == "some":
            for part in draw(st.sets(st.sampled_from(list(c.SHARED_PARTS)))):
                doc["consent"][recipient][f"part_{part}"] = True
        if draw(st.integers(0, 2)) == 0:
            decision_id = f"d{n}"
            doc["overrides"].append(
                {
                    "id": decision_id,
                    "recipient": recipient,
                    "parts": sorted(draw(st.sets(st.sampled_from(list(c.SHARED_PARTS))))),
                    "releases": sorted(draw(st.sets(st.sampled_from(withheld))))
                    if withheld
                    else [],
                    "reason": mark(f"decision:{decision_id}/reason"),
                    "decided_by": "A manager",
                    "child_told": "told",
                    "child_said": mark(f"decision:{decision_id}/child_said"),
                    "urgent": True,
                    "urgent_reason": mark(f"decision:{decision_id}/urgent"),
                    "recorded_by": "A worker",
                    "at": "2026-11-22T10:00",
                }
            )
            if draw(st.booleans()):
                in_force.add(decision_id)
    return Case(content=doc, markers=markers, in_force=in_force)
