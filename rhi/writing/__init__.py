"""The writing check in the app: the rules the app runs, the browser's copy, flag events.

`rhi.language` is the matcher and knows nothing of Flask; this package gives the app one
matcher, built at start-up from RHI_LANGUAGE_RULES (the shipped file by default) with the
council's own file, RHI_LANGUAGE_RULES_LOCAL, layered over it (rules added, reworded or
switched off: rhi/language/rules.py, merge_local). A broken file stops the app when it starts,
naming the file and the rule, never when a worker types. The server's matcher and the
browser's copy (rules_data) are the same merged set.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from rhi.interviews import content as c
from rhi.language import Matcher
from rhi.language.rules import RULES_PATH, RuleSet, load_rule_set
from rhi.writing.counts import LanguageCounts, interview_counts, view_paths

EXTENSION = "rhi.language"


def init_app(app: Flask) -> None:
    # Raises RuleFileError naming the file, the rule and the problem.
    found, rule_set = _rules_for(
        str(app.config.get("RHI_LANGUAGE_RULES") or RULES_PATH),
        str(app.config.get("RHI_LANGUAGE_RULES_LOCAL") or "") or None,
    )
    app.extensions[EXTENSION] = (found, rule_set.data, rule_set)
    # The review page counts with the same function as the PDF (summaries/service.py).
    app.add_template_global(record_counts, "language_counts")


def _rules_for(path: str, local: str | None) -> tuple[Matcher, RuleSet]:
    """The matcher and rule set for these files. Apps made in one process from the same files'
    contents share them (the test suite makes one app per test; compiling the rules again for
    each cost a tenth of its time); an edited file is read afresh. The matcher holds no state
    once compiled, so sharing it is safe."""
    path_digest, local_digest = _digest(path), _digest(local)
    if path_digest is None or (local and local_digest is None):
        return _load(path, local)  # a file that cannot be read: load_rule_set names it
    return _load_known(path, path_digest, local, local_digest)


def _digest(path: str | None) -> str | None:
    if not path:
        return None
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def _load(path: str, local: str | None) -> tuple[Matcher, RuleSet]:
    rule_set = load_rule_set(path, local)
    return Matcher(rule_set.rules), rule_set


@lru_cache(maxsize=8)
def _load_known(
    path: str, _path_digest: str, local: str | None, _local_digest: str | None
) -> tuple[Matcher, RuleSet]:
    return _load(path, local)  # the digests are the cache's key: new contents, a new load


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
