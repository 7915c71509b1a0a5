"""The child's view's test data, shared by the server's check of each page
(tests/app/test_child_view.py) and the browser's (tests/browser/test_child_view_browser.py):
a document with something of the worker's in every place the worker writes, and the words of
it, and of the worker's screens, that the child must never see."""

from __future__ import annotations

from typing import Any

from rhi.interviews import content as c


def worker_wrote() -> dict[str, Any]:
    """Something of the worker's in every place the worker writes, each with a word of its own."""
    d = c.empty_content()
    for s in ("before", "away", "after", "help", "own_words"):
        d["sections"][s]["text"] = f"NOTE{s.upper()} said things"
        d["sections"][s]["kept_back"] = f"KEPT{s.upper()} a secret"
    d["sections"]["away"]["private"] = True
    d["sections"]["analysis"]["text"] = "ANALYSISWORDS worried about exploitation"
    d["harms"]["sexual_exploitation"] = {"on": True, "note": "HARMNOTE", "private": False}
    d["push"]["bullying"] = {"on": True, "note": "PUSHNOTE", "private": True}
    d["people"] = [{**c.add_item({}, "people", "p1")[0]["people"][0], "name": "PERSONDEE"}]
    d["risk_view"] = "high"
    d["protective_factors"] = "PROTECTIVEWORDS"
    d["police_contact"] = "POLICEWORDS"
    d["consent"]["police"]["words"] = "CONSENTWORDS"
    d["start"]["location"] = "LOCATIONWORDS"
    d["child_message"] = "MESSAGEWORDS I want to stay at my nan's"
    d["feelings"]["after"] = {"choice": "not_good", "at": "2026-11-23 11:40"}
    return d


WORKERS_WORDS = [
    "NOTEBEFORE",
    "NOTEAWAY",
    "NOTEAFTER",
    "NOTEHELP",
    "NOTEOWN_WORDS",
    "KEPTBEFORE",
    "KEPTAWAY",
    "ANALYSISWORDS",
    "HARMNOTE",
    "PUSHNOTE",
    "PERSONDEE",
    "PROTECTIVEWORDS",
    "POLICEWORDS",
    "CONSENTWORDS",
    "LOCATIONWORDS",
    # the findings, the risk view, the sharing rules, the nav, the menus, the tablet bar
    "Sexual exploitation",
    "Bullying",
    "High risk of harm",
    "Questions you could ask",
    "asked for this part not to be shared",
    "Sharing without the child",
    "Parts of the interview",
    "Analysis and actions",
    "Sign out",
    "Send now",
    "OFFICIAL-SENSITIVE",
    "Turn the tablet towards",
]


CHROME = WORKERS_WORDS[-8:]  # the nav, the menus, the tablet bar, the worker's switch
