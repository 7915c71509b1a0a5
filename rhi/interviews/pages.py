"""The parts of the interview, in order, and their titles: one list for the pages, the shell
pages the tablet keeps, and the page that compares a tablet's version with the server's. The
fields each page asks, with their labels, are in the field catalogue (fields.py)."""

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
    ("read_back", "Read back"),
    ("review", "Review and finish"),
]
PAGE_IDS = [p for p, _ in PAGES]
