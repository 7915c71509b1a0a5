"""The headings of a copy of the summary: one table, so a recipient reads the same headings on
screen (interviews/shared.html, the social worker's copy) and in the PDF
(summaries/summary_pdf.html). No Flask: rhi/summaries/pdf.py fills it for the PDF, and the
template global `copy_headings_for` (rhi/templating.py) for the page.

One voice (../shared/domain/language.md): a copy speaks *about* the child to the professional
reading it, names the child (no pronoun is assumed), says what was done to them and the risk of
harm they face (never a label on the child), in plain sentence case. The interview pages' own
titles speak *to* the child ("Before you left") and are not used here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rhi.interviews import fields as catalogue

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


def entry_tables(view: SharedView, child_name: str) -> dict[str, list[dict[str, Any]]]:
    """The tables of places, people and actions, by the sharing part they belong to: a column
    for each field of an entry that holds words or a choice, headed with its label, each value
    in words (a choice's label, a date as a date), the same on screen and in the PDF. A cell
    is (words, typed): typed is what someone wrote rather than chose."""
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
                    [
                        (p.words(item.get(p.name, p.field.empty)), p.kind != catalogue.CHOICE)
                        for p in columns
                    ]
                    for item in getattr(view, kind, [])
                ],
            }
        )
    return tables
