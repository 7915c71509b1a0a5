"""The writing check: rules as data (rules.json) and a matcher. No Flask here.

    from rhi.language import check
    for flag in check(note_text):
        flag.start, flag.end, flag.rule_id, flag.reason, flag.suggestions

The browser runs the same rules through static/js/language-check.js. A council's own rules
file is layered over the shipped one with load_rule_set / merge_local (rules.py).
"""

from rhi.language.matcher import Flag, Matcher, check, default_matcher, quoted_spans
from rhi.language.rules import (
    RULES_PATH,
    Rule,
    RuleFileError,
    RuleSet,
    load_rule_set,
    load_rules,
    merge_local,
    rules_as_json,
)

# The hint on every box that holds what the child said: the check spares quoted words alone
# (matcher.quoted_spans), as ../shared/domain/language.md asks. Without it a worker writing the
# child's reason as the child gave it ("I chose to go") had it flagged, and rewritten with one
# tap, with the child beside them (a probe).
QUOTE_THE_CHILD = (
    "Put the child's exact words in quotation marks: they are never flagged or changed."
)

__all__ = [
    "QUOTE_THE_CHILD",
    "RULES_PATH",
    "Flag",
    "Matcher",
    "Rule",
    "RuleFileError",
    "RuleSet",
    "check",
    "default_matcher",
    "load_rule_set",
    "load_rules",
    "merge_local",
    "quoted_spans",
    "rules_as_json",
]
