"""The writing check: rules as data (rules.json) and a matcher. No Flask here.

    from rhi.language import check
    for flag in check(note_text):
        flag.start, flag.end, flag.rule_id, flag.reason, flag.suggestions

The browser runs the same rules through static/js/language-check.js.
"""

from rhi.language.matcher import Flag, Matcher, check, default_matcher, quoted_spans
from rhi.language.rules import RULES_PATH, Rule, RuleFileError, load_rules, rules_as_json

__all__ = [
    "RULES_PATH",
    "Flag",
    "Matcher",
    "Rule",
    "RuleFileError",
    "check",
    "default_matcher",
    "load_rules",
    "quoted_spans",
    "rules_as_json",
]
