"""The shape of an interview's content, and the one way to change it. No Flask here.

An interview's words and findings live in one JSON document (`Interview.content`). The same
document is what a tablet stores offline and uploads, so its shape is defined once, here: every
editable field has a dotted path ("sections.before.text", "push.family_conflict.note",
"people.<id>.name"), and `set_field()` is the only writer. Pages, the upload API, the review page
and the PDF all read it through the helpers below.
"""

from __future__ import annotations

import copy
import uuid
from datetime import datetime
from typing import Any

from rhi.plain_text import without_direction_controls
from rhi.prompts import SECTION_IDS

MAX_TEXT = 50_000  # a long note is fine; a pasted book is a mistake

PUSH_FACTORS = {
    "family_conflict": "Family conflict or arguments",
    "domestic_abuse": "Domestic abuse at home",
    "abuse_neglect": "Abuse or neglect",
    "parent_substance_use": "A parent's drug or alcohol use",
    "school_problems": "Problems at school or exclusion",
    "bullying": "Bullying",
    "loneliness": "Feeling lonely",
    "placement_relationships": "Relationships where they live (placement)",
    "being_moved": "Being moved or a new placement",
    "mental_health": "Mental health",
    "pregnancy": "Pregnancy",
    "bereavement": "Bereavement",
    "far_from_family": "Wanting to see family or friends far away",
}

PULL_FACTORS = {
    "friends_family": "Friends and family",
    "contact_arrangements": "Contact arrangements",
    "partner": "A partner (note any age gap)",
    "peer_pressure": "Pressure from other young people",
    "parties": "Parties",
    "drugs_alcohol": "Drugs and alcohol",
    "exploiting_adults": "Adults who may be exploiting them",
    "money": "Money",
    "gifts": "Gifts",
    "somewhere_to_stay": "Somewhere to stay",
}

HARMS = {
    "sexual_exploitation": "Sexual exploitation",
    "criminal_exploitation": "Criminal exploitation or county lines",
    "trafficking": "Trafficking or modern slavery",
    "online_grooming": "Online grooming",
    "weapons_violence": "Weapons or violence",
    "drugs_alcohol": "Drugs and alcohol",
    "sleeping_rough": "Sleeping rough",
    "self_harm": "Self-harm or suicidal thoughts",
    "forced_marriage": "Forced marriage",
    "fgm": "Female genital mutilation",
    "radicalisation": "Radicalisation",
    "victim_of_crime": "Harmed by a crime",
    "suspected_offending": "Suspected offending (consider exploitation)",
    "missing_education": "Missing education",
    "unexplained_items": "Unexplained money, phones or clothes",
    "injuries": "Injuries",
    "sexual_health": "Sexual health",
}

FINDING_GROUPS = {"push": PUSH_FACTORS, "pull": PULL_FACTORS, "harms": HARMS}
FINDING_TITLES = {"push": "What made them want to leave (push factors)",
                  "pull": "What drew them away (pull factors)",
                  "harms": "Harms and risk indicators"}

ACTION_KINDS = {
    "nrm": "National Referral Mechanism referral",
    "exploitation_team": "Exploitation team",
    "camhs": "CAMHS (mental health)",
    "substance_service": "Substance misuse service",
    "school": "School",
    "strategy_meeting": "Strategy meeting request",
    "safety_plan": "Safety plan",
    "helplines": "Helplines given",
    "other": "Other",
}

RECIPIENTS = {
    "social_worker": "Allocated social worker",
    "police": "Police",
    "parents_carers": "Parents or carers",
    "school": "School",
    "health": "Health",
    "other": "Other (named)",
}
CONSENT_ANSWERS = {"yes": "Yes", "no": "No", "not_asked": "Not asked"}

RISK_VIEWS = {
    "": "Not yet given",
    "low": "Low risk of harm",
    "medium": "Medium risk of harm",
    "high": "High risk of harm",
}

LIST_FIELDS = {
    "places": ("name", "area", "when", "note"),
    "people": ("name", "age", "relationship", "phone", "vehicle", "concern"),
    "actions": ("kind", "owner", "due", "note"),
}
LIST_FLAGS = {"places": ("private",), "people": ("private",), "actions": ()}

START_TEXT = ("present", "interpreter_language", "interpreter_name", "location",
              "chosen_interviewer")
START_WHEN = ("held_on",)  # local date and time, as typed: "2026-11-23 14:30"
WHEN_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M")
WHEN_HELP = "2026-11-23 14:30 or 23/11/2026 14:30"
START_FLAGS = ("explained_voluntary", "explained_confidentiality", "child_chose_interviewer")


class ContentError(ValueError):
    """A field path or value that the interview cannot take, with a message for the worker."""


def empty_content() -> dict[str, Any]:
    return {
        "start": {**{k: "" for k in (*START_TEXT, *START_WHEN)},
                  **{k: False for k in START_FLAGS}},
        # kept_back: a piece of what the child said that they asked us not to pass on. It stays
        # in the record and is never put in any summary, for anyone (see rhi/sharing.py).
        "sections": {s: {"text": "", "private": False, "kept_back": ""} for s in SECTION_IDS},
        "push": {}, "pull": {}, "harms": {},
        "findings_other": {"push": "", "pull": "", "harms": ""},
        "places": [], "people": [], "actions": [],
        "protective_factors": "",
        "risk_view": "",
        "consent": {r: {"answer": "not_asked", "words": "", "name": ""} for r in RECIPIENTS},
        "overrides": [],
        "language": {"dismissed": [], "replaced": 0},
    }


def blank_finding() -> dict[str, Any]:
    """A push or pull factor or a harm, as first ticked."""
    return {"on": False, "note": "", "private": False}


def normalise(content: dict[str, Any] | None) -> dict[str, Any]:
    """Fill in anything missing (older or partial documents), never dropping what is there."""
    base = empty_content()
    if not content:
        return base
    merged = copy.deepcopy(content)
    for key, value in base.items():
        if key not in merged:
            merged[key] = value
        elif isinstance(value, dict):
            for sub, sub_value in value.items():
                merged[key].setdefault(sub, copy.deepcopy(sub_value))
    return merged


def text_paths(content: dict[str, Any]) -> set[str]:
    """Every path that holds free text the worker writes."""
    return {path for path, _ in text_fields(content, include_empty=True)}


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "on", "y"}


def _as_text(value: Any) -> str:
    text = "" if value is None else str(value)
    if len(text) > MAX_TEXT:
        raise ContentError(f"This is too long to save ({len(text):,} characters; the most is "
                           f"{MAX_TEXT:,}). Split it into two parts.")
    return without_direction_controls(text.replace("\r\n", "\n"))


def _find_item(items: list[dict[str, Any]], item_id: str) -> dict[str, Any]:
    for item in items:
        if item.get("id") == item_id:
            return item
    raise ContentError("That entry has been removed. Reload the page.")


def resolve(content: dict[str, Any], path: str) -> tuple[dict[str, Any], str, str]:
    """The dict holding a field, the key inside it, and the field's kind; or ContentError."""
    parts = path.split(".")
    head = parts[0]
    if head == "start" and len(parts) == 2:
        if parts[1] in START_TEXT:
            return content["start"], parts[1], "text"
        if parts[1] in START_FLAGS:
            return content["start"], parts[1], "flag"
        if parts[1] in START_WHEN:
            return content["start"], parts[1], "when"
    if head == "sections" and len(parts) == 3 and parts[1] in SECTION_IDS:
        if parts[2] in ("text", "kept_back"):
            return content["sections"][parts[1]], parts[2], "text"
        if parts[2] == "private":
            return content["sections"][parts[1]], "private", "flag"
    if head in FINDING_GROUPS and len(parts) == 3 and parts[1] in FINDING_GROUPS[head]:
        entry = content[head].setdefault(parts[1], blank_finding())
        if parts[2] == "note":
            return entry, "note", "text"
        if parts[2] in ("on", "private"):
            return entry, parts[2], "flag"
    if head == "findings_other" and len(parts) == 2 and parts[1] in FINDING_GROUPS:
        return content["findings_other"], parts[1], "text"
    if head in LIST_FIELDS and len(parts) == 3:
        item = _find_item(content[head], parts[1])
        if parts[2] in LIST_FIELDS[head]:
            return item, parts[2], "choice" if parts[2] == "kind" else "text"
        if parts[2] in LIST_FLAGS[head]:
            return item, parts[2], "flag"
    if head in ("protective_factors",) and len(parts) == 1:
        return content, head, "text"
    if head == "risk_view" and len(parts) == 1:
        return content, head, "choice"
    if head == "consent" and len(parts) == 3 and parts[1] in RECIPIENTS:
        if parts[2] in ("words", "name"):
            return content["consent"][parts[1]], parts[2], "text"
        if parts[2] == "answer":
            return content["consent"][parts[1]], "answer", "choice"
    raise ContentError(f"rhi does not know the field {path!r}.")


def _choices_for(path: str) -> dict[str, str]:
    if path == "risk_view":
        return RISK_VIEWS
    if path.startswith("consent."):
        return CONSENT_ANSWERS
    return ACTION_KINDS


def get_field(content: dict[str, Any], path: str) -> Any:
    holder, key, kind = resolve(normalise(content), path)
    return holder.get(key, False if kind == "flag" else "")


def _as_when(value: Any, now_local: datetime | None) -> str:
    """A local date and time as typed, kept in one form; never in the future."""
    raw = str(value or "").strip()
    if not raw:
        return ""
    for fmt in WHEN_FORMATS:
        try:
            when = datetime.strptime(raw, fmt)
        except ValueError:
            continue
        if now_local is not None and when > now_local:
            raise ContentError("This can't be in the future. Check the date and time.")
        return when.strftime("%Y-%m-%d %H:%M")
    raise ContentError(f"Enter a date and time like {WHEN_HELP}.")


def set_field(content: dict[str, Any], path: str, value: Any,
              now_local: datetime | None = None) -> dict[str, Any]:
    """A new document with one field changed; the input is not modified.

    `now_local` (the local time now) lets dates in the future be refused.
    """
    updated = normalise(content)
    holder, key, kind = resolve(updated, path)
    if kind == "when":
        holder[key] = _as_when(value, now_local)
    elif kind == "flag":
        holder[key] = _as_bool(value)
    elif kind == "choice":
        choices = _choices_for(path)
        if str(value) not in choices:
            raise ContentError("Choose one of the options given.")
        holder[key] = str(value)
    else:
        holder[key] = _as_text(value)
    return updated


def add_item(content: dict[str, Any], kind: str, item_id: str | None = None) -> tuple[dict, str]:
    if kind not in LIST_FIELDS:
        raise ContentError(f"rhi does not keep a list of {kind!r}.")
    updated = normalise(content)
    new_id = item_id or uuid.uuid4().hex[:12]
    item: dict[str, Any] = {"id": new_id, **{f: "" for f in LIST_FIELDS[kind]},
                            **{f: False for f in LIST_FLAGS[kind]}}
    if kind == "actions":
        item["kind"] = "other"
    updated[kind].append(item)
    return updated, new_id


def remove_item(content: dict[str, Any], kind: str, item_id: str) -> dict[str, Any]:
    if kind not in LIST_FIELDS:
        raise ContentError(f"rhi does not keep a list of {kind!r}.")
    updated = normalise(content)
    updated[kind] = [i for i in updated[kind] if i.get("id") != item_id]
    return updated


def progress(content: dict[str, Any]) -> dict[str, bool]:
    c = normalise(content)
    done = {s: bool(c["sections"][s]["text"].strip()) for s in SECTION_IDS}
    done["start"] = bool(c["start"]["explained_voluntary"] and c["start"]["location"].strip())
    done["findings"] = any(e.get("on") for g in FINDING_GROUPS for e in c[g].values()) or bool(
        c["places"] or c["people"])
    done["actions"] = bool(c["actions"]) or bool(c["risk_view"])
    done["consent"] = any(v["answer"] != "not_asked" for v in c["consent"].values())
    return done


def gaps(content: dict[str, Any]) -> list[str]:
    """What is missing, for the review page: shown, never blocking."""
    c = normalise(content)
    found = []
    if not c["start"]["explained_voluntary"]:
        found.append("It is not recorded that the child was told the interview is voluntary "
                     "and they can stop at any time.")
    if not c["start"]["explained_confidentiality"]:
        found.append("It is not recorded that the limits of confidentiality were explained.")
    if not c["start"]["location"].strip():
        found.append("Where the interview was held is not recorded.")
    titles = {"before": "Before they left", "away": "While away", "after": "How they feel now",
              "help": "What would help", "own_words": "In their own words",
              "analysis": "Your analysis"}
    for s in SECTION_IDS:
        if not c["sections"][s]["text"].strip():
            found.append(f"Nothing written in \u201c{titles.get(s, s)}\u201d.")
    if c["consent"]["social_worker"]["answer"] == "not_asked":
        found.append("The child has not been asked about sharing with their social worker.")
    if c["consent"]["police"]["answer"] == "not_asked":
        found.append("The child has not been asked about sharing with the police.")
    if not c["risk_view"]:
        found.append("Your view of the risk the child faces is not given.")
    for action in c["actions"]:
        if not action.get("owner", "").strip():
            found.append(f"An action ({ACTION_KINDS.get(action.get('kind', ''), 'Other')}) "
                         "has no owner.")
    return found


def text_fields(content: dict[str, Any], include_empty: bool = False) -> list[tuple[str, str]]:
    """Every free-text field as (path, text): for the language check and search."""
    c = normalise(content)
    out = [(f"sections.{s}.{f}", c["sections"][s].get(f, "")) for s in SECTION_IDS
           for f in ("text", "kept_back")]
    out += [(f"{g}.{k}.note", e.get("note", "")) for g in FINDING_GROUPS for k, e in c[g].items()]
    out += [(f"findings_other.{g}", c["findings_other"][g]) for g in FINDING_GROUPS]
    out.append(("protective_factors", c["protective_factors"]))
    for kind, fields in LIST_FIELDS.items():
        for item in c[kind]:
            out += [(f"{kind}.{item['id']}.{f}", item.get(f, "")) for f in fields if f != "kind"]
    return out if include_empty else [(p, t) for p, t in out if t]
