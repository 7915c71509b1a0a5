"""Random interviews for the sharing property tests (Hypothesis), and what each recipient may
read of one, said as plainly as the rules in rhi/sharing.py:

- nothing, unless the child agreed to share with them or a safeguarding decision names them;
- then every section's words, except a section the child kept private, the analysis for
  parents and carers, and never a piece of text kept back;
- findings that are ticked and not private; places and people for professionals only, not
  private; the recipient's own consent words and own decision's reason;
- never another recipient's consent words or decision's reason.

Every piece of text is a marker no other piece contains, so a copy's text can be searched.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from rhi.interviews import content as c

PROFESSIONALS = {"social_worker", "police", "school", "health", "other"}
FINDINGS = [(group, key) for group in c.FINDING_GROUPS for key in list(c.FINDING_GROUPS[group])[:2]]


@dataclass
class Case:
    content: dict[str, Any]
    markers: dict[str, str]  # marker -> what it is ("section:away", "consent:police", ...)

    def may_read(self, recipient: str) -> set[str]:
        doc = self.content
        shares = doc["consent"][recipient]["answer"] == "yes" or any(
            o["recipient"] == recipient for o in doc["overrides"]
        )
        if not shares:
            return set()
        allowed = set()
        professional = recipient in PROFESSIONALS
        for marker, what in self.markers.items():
            kind, _, name = what.partition(":")
            if kind == "section":
                section = doc["sections"][name]
                if not section["private"] and (name != "analysis" or professional):
                    allowed.add(marker)
            elif kind == "finding":
                group, key = name.split("/")
                entry = doc[group][key]
                if entry["on"] and not entry["private"]:
                    allowed.add(marker)
            elif kind in ("places", "people"):
                entry = next(i for i in doc[kind] if i["id"] == name)
                if professional and not entry["private"]:
                    allowed.add(marker)
            elif kind in ("consent", "decision") and name == recipient:
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
    for recipient in c.RECIPIENTS:
        answer = draw(st.sampled_from(["yes", "no", "not_asked"]))
        doc["consent"][recipient] = {
            "answer": answer,
            "words": mark(f"consent:{recipient}"),
            "name": "",
        }
        if draw(st.integers(0, 3)) == 0:
            doc["overrides"].append(
                {
                    "recipient": recipient,
                    "reason": mark(f"decision:{recipient}"),
                    "decided_by": "A manager",
                    "recorded_by": "A worker",
                    "at": "2026-11-22T10:00",
                }
            )
    return Case(content=doc, markers=markers)
