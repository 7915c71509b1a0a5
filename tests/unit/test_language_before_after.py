"""One tap on a suggestion gives a sentence that still reads (issue 14, items 1 and 2).

tests/language_before_after.json holds sentences written for this: for each, the first flag of
`rule` in `before`, replaced with its first suggestion, must give exactly `after`. The same
file runs through the browser's matcher under Node here, and in Chromium in
tests/browser/test_language_before_after_browser.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from rhi.language import (
    RULES_PATH,
    Flag,
    Matcher,
    RuleFileError,
    check,
    default_matcher,
    quoted_spans,
)
from rhi.language.rules import validate_data
from tests.unit.helpers import COMPILE_JS, JS_PATH, NODE, fuzz_text, node
from tests.unit.helpers import CORPUS as FLAG_CORPUS

BEFORE_AFTER_PATH = Path(__file__).resolve().parents[1] / "language_before_after.json"
BEFORE_AFTER: list[dict[str, str]] = json.loads(BEFORE_AFTER_PATH.read_text(encoding="utf-8"))
RULES = default_matcher().rules


def entry_id(entry: dict[str, str]) -> str:
    return entry["before"][:50]


def quoted(text: str) -> list[str]:
    return [text[start:end] for start, end in quoted_spans(text)]


def first_flag(text: str, rule_id: str) -> Flag:
    return next(f for f in check(text) if f.rule_id == rule_id)


def test_the_corpus_is_big_enough_and_covers_every_rule_with_a_suggestion() -> None:
    assert len(BEFORE_AFTER) >= 150
    assert all(set(e) == {"rule", "before", "after"} for e in BEFORE_AFTER)
    with_suggestions = {rule.id for rule in RULES if rule.suggestions}
    assert with_suggestions - {e["rule"] for e in BEFORE_AFTER} == set()
    assert len({e["before"] for e in BEFORE_AFTER}) == len(BEFORE_AFTER), "duplicate sentences"


def test_the_corpus_has_auxiliaries_capitals_quotes_and_plurals() -> None:
    befores = [e["before"] for e in BEFORE_AFTER]
    for auxiliary in ("is", "was", "has been", "have been", "keeps", "keep", "are", "were"):
        pattern = re.compile(rf"\b{auxiliary}\b")
        assert sum(bool(pattern.search(b)) for b in befores) >= 3, auxiliary
    changed_at_start = [e for e in BEFORE_AFTER if e["before"][:4] != e["after"][:4]]
    assert sum(e["after"][0].isupper() for e in changed_at_start) >= 10
    assert sum(any(q in b for q in '"\u2018\u201c') for b in befores) >= 5
    assert sum(b.split()[0] in ("They", "Children") for b in befores) >= 8


@pytest.mark.parametrize("entry", BEFORE_AFTER, ids=entry_id)
def test_one_tap_gives_exactly_the_sentence_expected(entry: dict[str, str]) -> None:
    before, after = entry["before"], entry["after"]
    assert default_matcher().apply(before, first_flag(before, entry["rule"])) == after
    # The better wording is not itself flagged, and the child's quoted words are unchanged.
    assert len(check(after)) == len(check(before)) - 1
    assert quoted(after) == quoted(before)


def test_a_tap_replaces_the_whole_phrase_and_offers_each_wording_in_place() -> None:
    text = "Staff say Amara has been kicking off most nights."
    found = default_matcher().replacement(text, first_flag(text, "kicking-off"))
    assert (found.start, found.end, found.text) == (16, 36, "has been kicking off")
    assert found.options == (
        "has been showing distress by [describe]",
        "has been upset and [describe]",
    )
    assert found.to_dict()["options"] == list(found.options)
    text = "She is sexually active with older men."
    assert default_matcher().apply(text, first_flag(text, "sexually-active"), 1) == (
        "She is being sexually abused by older men."
    )


def test_with_no_rewrite_that_fits_the_suggestions_replace_the_flagged_text() -> None:
    text = "Kai absconded after school."
    found = default_matcher().replacement(text, first_flag(text, "absconding"))
    assert (found.text, found.options) == ("absconded", ("went missing", "left without agreement"))


def test_the_rewrites_placeholders_are_gaps_too() -> None:
    # rhi/writing/placeholders lists these on review when left in a field.
    assert {"[describe]", "[person or place]", "[what was said]", "[reason]"} <= (
        default_matcher().placeholders
    )


# --- the rewrites' format -------------------------------------------------------------------


def one_rule(**rewrite: Any) -> dict[str, Any]:
    return {
        "rules": [
            {
                "id": "x",
                "phrases": ["kicking off"],
                "severity": "correction",
                "reason": "r.",
                "suggestions": ["s"],
                "rewrites": [rewrite],
            }
        ]
    }


@pytest.mark.parametrize(
    ("rewrite", "message"),
    [
        ({"before": ["is"]}, "'suggestions' must be"),
        ({"suggestions": ["a"], "beside": ["is"]}, "unknown field"),
        ({"before": ["{aux:is,was}"], "suggestions": ["{who} b"]}, "uses {who}"),
        ({"suggestions": ["{before} b"]}, "uses {before}"),
        ({"before": ["{Aux:is,was}"], "suggestions": ["b"]}, "group name"),
        ({"before": ["{rest:is,was}"], "suggestions": ["b"]}, "reserved"),
        ({"before": ["is:was"], "suggestions": ["b"]}, "outside braces"),
        ({"before": ["{a:is}", "{a:was}"], "suggestions": ["b"]}, "used twice"),
        ({"suggestions": ["b {"]}, "stray brace"),
        ({"suggestions": [" b"]}, "spaces"),
    ],
)
def test_malformed_rewrites_are_refused_naming_the_rule(
    rewrite: dict[str, Any], message: str
) -> None:
    with pytest.raises(RuleFileError, match=re.escape(message)) as caught:
        validate_data(one_rule(**rewrite))
    assert "rule 0 ('x') rewrite 0" in str(caught.value)


def test_a_rules_own_phrases_cannot_name_groups() -> None:
    data = one_rule(suggestions=["b"])
    data["rules"][0]["phrases"] = ["{v:kicking,kicked} off"]
    with pytest.raises(RuleFileError, match="characters outside"):
        validate_data(data)


def test_named_groups_are_kept_as_written_and_capitals_start_sentences() -> None:
    matcher = Matcher(
        validate_data(
            one_rule(
                before=["{aux:is,was}"],
                after=["at {who:staff,carers}"],
                suggestions=["{aux} upset with {who}"],
            )
        )
    )
    text = "Yes. WAS  kicking off at Carers. is kicking off at staff"
    flags = matcher.check(text)
    assert matcher.apply(text, flags[0]) == "Yes. WAS upset with Carers. is kicking off at staff"
    assert matcher.apply(text, flags[1]) == "Yes. WAS  kicking off at Carers. is upset with staff"
    # A rewrite with no parts fits every flag of its rule.
    always = Matcher(validate_data(one_rule(suggestions=["upset"])))
    for text, want in [
        ("Kicking off again. She said.", "Upset again. She said."),
        ("Fine.\nKicking off again.", "Fine.\nUpset again."),
        ("Staff: Kicking off again.", "Staff: upset again."),
        ("kicking off again.", "upset again."),
    ]:
        assert always.apply(text, always.check(text)[0]) == want


# --- the browser's matcher gives the same -----------------------------------------------------

RUN_JS = """
const fs = require('fs');
const [jsPath, rulesPath, casesPath] = process.argv.slice(1);
const lang = require(jsPath);
const compiled = lang.compile(fs.readFileSync(rulesPath, 'utf8'));
const cases = JSON.parse(fs.readFileSync(casesPath, 'utf8'));
const out = cases.map(([text, taps]) => taps.map(([flag, choice]) => ({
  replacement: lang.replacement(compiled, text, flag),
  applied: (lang.apply(compiled, text, flag, choice) || { value: null }).value,
})));
process.stdout.write(JSON.stringify(out));
"""

# A text, and each flag in it with the choice tapped (0 for a flag that offers no tap: the
# browser's apply() then gives null, as Python's apply() refuses it).
Case = tuple[str, list[tuple[Flag, int]]]


def js_taps(cases: list[Case], tmp_path: Path) -> list[list[dict[str, Any]]]:
    path = tmp_path / "cases.json"
    data = [[text, [[f.to_dict(), choice] for f, choice in taps]] for text, taps in cases]
    path.write_text(json.dumps(data), encoding="utf-8")  # ASCII, \u escapes
    return json.loads(node(RUN_JS, str(JS_PATH), str(RULES_PATH), str(path)))


def py_taps(text: str, taps: list[tuple[Flag, int]]) -> list[dict[str, Any]]:
    matcher = default_matcher()
    out = []
    for flag, choice in taps:
        found = matcher.replacement(text, flag)
        applied = matcher.apply(text, flag, choice) if found.options else None
        out.append({"replacement": found.to_dict(), "applied": applied})
    return out


@pytest.mark.skipif(NODE is None, reason="node is not on PATH")
def test_the_browser_applies_the_corpus_identically(tmp_path: Path) -> None:
    cases = [(e["before"], [(first_flag(e["before"], e["rule"]), 0)]) for e in BEFORE_AFTER]
    for entry, from_js in zip(BEFORE_AFTER, js_taps(cases, tmp_path), strict=True):
        assert from_js[0]["applied"] == entry["after"], entry["before"]


@pytest.mark.skipif(NODE is None, reason="node is not on PATH")
def test_the_browser_offers_identical_replacements_for_every_flag(tmp_path: Path) -> None:
    texts = [e["text"] for e in FLAG_CORPUS] + [e["before"] for e in BEFORE_AFTER]
    texts += [fuzz_text(seed, 2_000) for seed in range(12)]
    matcher = default_matcher()
    cases: list[Case] = []
    for n, text in enumerate(texts):
        taps = []
        for flag in check(text):
            # Every wording offered gets tapped somewhere, not only the first; a flag with no
            # wording that fits offers none (and both matchers must agree on that too).
            options = len(matcher.replacement(text, flag).options)
            taps.append((flag, (n + len(taps)) % options if options else 0))
        if taps:
            cases.append((text, taps))
    for (text, taps), from_js in zip(cases, js_taps(cases, tmp_path), strict=True):
        assert from_js == py_taps(text, taps), text[:120]


@pytest.mark.skipif(NODE is None, reason="node is not on PATH")
@pytest.mark.parametrize(
    ("rewrite", "message"),
    [
        ({"before": ["{Aux:is,was}"], "suggestions": ["b"]}, "group name"),
        ({"before": ["is:was"], "suggestions": ["b"]}, "outside braces"),
        ({"before": ["is"]}, "'suggestions'"),
    ],
)
def test_the_browser_refuses_malformed_rewrites_too(rewrite: dict[str, Any], message: str) -> None:
    out = node(COMPILE_JS, str(JS_PATH), json.dumps(one_rule(**rewrite)))
    assert out.startswith("error: rule 0 ('x'): rewrites:") and message in out, out
