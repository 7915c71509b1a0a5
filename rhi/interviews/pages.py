"""The parts of the interview, in order, and their titles: one list for the pages, the shell
pages the tablet keeps, and the page that compares a tablet's version with the server's."""

from __future__ import annotations

PAGES = [
    ("start", "Before we start"),
    ("before", "Before you left"),
    ("away", "While away"),
    ("after", "How you feel now"),
    ("help", "What would help"),
    ("own_words", "In your own words"),
    ("findings", "What we found"),
    ("analysis", "Analysis and actions"),
    ("consent", "Sharing"),
    ("review", "Review and finish"),
]
PAGE_IDS = [p for p, _ in PAGES]
FIELD_TITLES = {"sections." + pid + ".text": title for pid, title in PAGES}

# The fields of each list entry, in the order the pages show them: (name, label, widget), the
# widget being a one-line box, a text box or a select. The ONE home of these labels: the pages
# show them, and a tablet's version of an entry is titled with them (rhi/sync/compare.py).
LIST_ENTRY_FIELDS: dict[str, list[tuple[str, str, str]]] = {
    "places": [("name", "Place (name or description)", "single"),
               ("area", "Area or town", "single"), ("when", "When", "single"),
               ("note", "Note", "text")],
    "people": [("name", "Name or nickname", "single"), ("age", "Age (roughly)", "single"),
               ("relationship", "Who they are, in the child's words", "single"),
               ("phone", "Phone", "single"), ("vehicle", "Vehicle", "single"),
               ("concern", "Concern", "text")],
    "actions": [("kind", "What", "select"), ("owner", "Who will do it", "single"),
                ("due", "By when", "single"), ("note", "Note", "text")],
}
LIST_NOUNS = {"places": "place", "people": "person", "actions": "action"}
NOT_SHARED = "Not to be shared"
