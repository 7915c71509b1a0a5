"""The headings of a copy of the summary: one table, so a recipient reads the same headings on
screen (interviews/shared.html, the social worker's copy) and in the PDF
(summaries/summary_pdf.html). No request needed: rhi/summaries/pdf.py fills it for the PDF, and
the template global `copy_headings_for` (rhi/templating.py) for the page. Also how a copy words
who will do an action (`owner_for_readers`), the same on screen and in the PDF.

One voice (../shared/domain/language.md): a copy speaks *about* the child to the professional
reading it, names the child (no pronoun is assumed), says what was done to them and the risk of
harm they face (never a label on the child), in plain sentence case. The interview pages' own
titles speak *to* the child ("Before you left") and are not used here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rhi.actions.rules import owner_words
from rhi.interviews import fields as catalogue
from rhi.naming import interview_name

if TYPE_CHECKING:
    from rhi.sharing import SharedView

CHILD = "the child"  # where no name is at hand

# In the order the copies show them (the PDF's page 1 holds "help", in its headline; the police
# copy brings the places, people and what the child said about the police to the front).
# {name}: the child's preferred or first name; {recipient}: RECIPIENT_WORDS.
COPY_HEADINGS = {
    "help": "What {name} says would help",
    "own_words": "In {name}\u2019s own words",
    "child_message": "What {name} wants their social worker to know",
    "feelings": "How {name} said they felt",
    "before": "Before {name} left",
    "away": "While {name} was away",
    "after": "How {name} feels now",
    "police_contact": "What {name} said about the police",
    "police_words": "What {name} said about sharing with the police",
    "findings": "Push and pull factors, harms and risk indicators",
    "places_people": "Places and people",
    "analysis": "The interviewer\u2019s analysis",
    "risk_view": "The interviewer\u2019s view of the risk of harm {name} faces",
    "protective_factors": "What is keeping {name} safe",
    "actions": "Actions agreed",
    "consent": "Sharing with {recipient}",
}
# How a heading names whom the copy is for (rhi.interviews.content.RECIPIENTS are labels).
RECIPIENT_WORDS = {
    "social_worker": "the allocated social worker",
    "police": "the police",
    "parents_carers": "parents or carers",
    "school": "the school",
    "health": "health services",
    "other": "the person or service named",
}


def short_name(child: Any) -> str:
    """How headings name the child: their preferred or first name."""
    first = getattr(child, "preferred_name", None) or getattr(child, "first_name", None)
    if first:
        return str(first)
    whole = str(getattr(child, "display_name", None) or "").split()
    return whole[0] if whole else CHILD


def entry_heading(kind: str, name: str) -> str:
    """The heading of a list of entries ("People Ada mentioned"), from the field catalogue."""
    entry = catalogue.entry(kind)
    return catalogue.Placed(entry, entry.path).heading(name)


def copy_headings(name: str, recipient: str) -> dict[str, str]:
    """The table filled in for one child and one recipient, with the lists' headings
    ("people", "places") after it."""
    words = RECIPIENT_WORDS.get(recipient, "this recipient")
    filled = {key: text.format(name=name, recipient=words) for key, text in COPY_HEADINGS.items()}
    filled.update({kind: entry_heading(kind, name) for kind in ("people", "places")})
    return filled


def copy_headings_for(child: Any, recipient: str) -> dict[str, str]:
    """copy_headings for a child (a model or a stand-in with the name fields)."""
    return copy_headings(short_name(child), recipient)


def worker_name(interview: Any) -> str:
    """The name of the interview's worker, whom an action owned by "the worker" names (as
    rhi/actions/tracking.py does when it is finished); "" when none is recorded."""
    worker = getattr(interview, "worker", None)
    return str(getattr(worker, "name", "") or "")


# The choice of an action's owner, as it is stored (rhi/interviews/fields.py ACTION_OWNERS).
OWNER_KIND = "owner_kind"


def owner_for_readers(owner_kind: str, contact: str = "", worker: str = "") -> str:
    """Who will do an action, as a copy words it for its reader (the PDF, the social worker's
    page): as the Actions pages do (rhi/actions/rules.py owner_words), except the worker. The
    worker's own pages call them "Me (the worker)", which names nobody to anyone else: a copy
    gives their name, "Sam Green (the return home interview worker)"."""
    if owner_kind != "worker":
        return owner_words(owner_kind, contact)
    role = f"the {interview_name()} worker"
    name = worker or " ".join((contact or "").split())
    return f"{name} ({role})" if name else role[:1].upper() + role[1:]


def entry_tables(
    view: SharedView, child_name: str, worker: str = ""
) -> dict[str, list[dict[str, Any]]]:
    """The tables of places, people and actions, by the sharing part they belong to: a column
    for each field of an entry that holds words or a choice, headed with its label, each value
    in words (a choice's label, a date as a date; an action's owner as `owner_for_readers`
    words it, `worker` the worker's name), the same on screen and in the PDF. A cell is
    (words, typed): typed is what someone wrote rather than chose."""

    def words(p: catalogue.Placed, item: dict[str, Any]) -> str:
        value = item.get(p.name, p.field.empty)
        if p.name == OWNER_KIND:  # its contact has a column of its own
            return owner_for_readers(str(value or ""), worker=worker)
        return p.words(value)

    tables: dict[str, list[dict[str, Any]]] = {}
    for kind in catalogue.lists():
        entry = catalogue.entry(kind)
        columns = [p for p in catalogue.entry_fields(kind) if p.kind != catalogue.FLAG]
        tables.setdefault(entry.part, []).append(
            {
                "kind": kind,
                "caption": entry_heading(kind, child_name),
                "columns": [p.label(child_name) for p in columns],
                "rows": [
                    [(words(p, item), p.kind != catalogue.CHOICE) for p in columns]
                    for item in getattr(view, kind, [])
                ],
            }
        )
    return tables


def asked_of_them(view: SharedView, worker: str = "") -> list[dict[str, Any]]:
    """The actions a copy that does not share the actions still names (`asked_of_them`: those
    asked of its reader, a strategy meeting for the social worker), worded as the copy words
    an action: what, who, by when. No note, no named contact."""
    due = catalogue.find("actions.x.due")
    return [
        {
            "what": str(a.get("kind_label", "Other")),
            "owner": owner_for_readers(str(a.get("owner_kind", "")), "", worker),
            "due": due.words(a.get("due", "")) if due else str(a.get("due", "")),
            "asked": bool(a.get("asked")),  # or told them (rhi/sharing.py _asked_of)
        }
        for a in view.asked_of_them
    ]


def copy_asked_of_them(view: SharedView, interview: Any) -> list[dict[str, Any]]:
    """`asked_of_them` for an interview: the worker's name from it."""
    return asked_of_them(view, worker_name(interview))


def copy_tables(view: SharedView, interview: Any) -> dict[str, list[dict[str, Any]]]:
    """entry_tables for an interview: the child's name and the worker's from it."""
    return entry_tables(view, short_name(interview.child), worker_name(interview))
