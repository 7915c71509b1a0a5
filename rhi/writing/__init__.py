"""The writing check in the app: the rules the app runs, the browser's copy, flag events.

`rhi.language` is the matcher and knows nothing of Flask; this package gives the app one
matcher, built at start-up from RHI_LANGUAGE_RULES (the shipped file by default) with the
council's own file, RHI_LANGUAGE_RULES_LOCAL, layered over it (rules added, reworded or
switched off: rhi/language/rules.py, merge_local). A broken file stops the app when it starts,
naming the file and the rule, never when a worker types. The server's matcher and the
browser's copy (rules_data) are the same merged set.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app

from rhi.interviews import content as c
from rhi.language import Matcher
from rhi.language.rules import RuleSet, load_rule_set
from rhi.writing.counts import LanguageCounts, interview_counts, view_paths

EXTENSION = "rhi.language"


def init_app(app: Flask) -> None:
    # Raises RuleFileError naming the file, the rule and the problem.
    rule_set = load_rule_set(
        app.config.get("RHI_LANGUAGE_RULES") or None,
        app.config.get("RHI_LANGUAGE_RULES_LOCAL") or None,
    )
    app.extensions[EXTENSION] = (Matcher(rule_set.rules), rule_set.data, rule_set)
    # The review page counts with the same function as the PDF (summaries/service.py).
    app.add_template_global(record_counts, "language_counts")


def matcher() -> Matcher:
    return current_app.extensions[EXTENSION][0]


def rules_data() -> dict[str, Any]:
    """The rules for the browser: the merged set, as JSON data (do not change it)."""
    return current_app.extensions[EXTENSION][1]


def rule_set() -> RuleSet:
    """The rules in use and where each came from (the shipped file or the local one)."""
    return current_app.extensions[EXTENSION][2]


def rules_version() -> str:
    """Changes whenever the rules the browser gets do (a local file edited, added or removed):
    the rules' ETag, and what the service worker's version should include."""
    return rule_set().version


def record_counts(content: dict[str, Any], view: Any = None) -> LanguageCounts:
    """What the writing check found in an interview's final words: the whole record, or with
    `view` (rhi.sharing.SharedView) only what that copy holds."""
    document = c.normalise(content)
    paths = view_paths(view) if view is not None else None
    return interview_counts(matcher(), c.text_fields(document), document["language"], paths=paths)
