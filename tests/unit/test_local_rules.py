"""A council's own rules file, layered over the shipped one (issue 14 item 7): new phrases with
their suggestions, a shipped rule reworded, a shipped rule switched off; validated as the
shipped file is, a mistake naming the local file and the rule; the browser's matcher gives the
same flags and the same replacements from the merged rules as Python does."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from rhi.language import Matcher, RuleFileError, load_rule_set, rules_as_json
from rhi.language.rules import RULES_PATH
from tests.unit.helpers import JS_PATH, LOCAL, NODE, node, write_local


def flags(matcher: Matcher, text: str) -> list[tuple[str, str]]:
    return [(f.rule_id, f.text) for f in matcher.check(text)]


def test_the_local_file_adds_rewords_and_switches_off(tmp_path: Path) -> None:
    shipped = load_rule_set()
    merged = load_rule_set(local=write_local(tmp_path))
    matcher = Matcher(merged.rules)

    # A phrase of the council's own is flagged, with its reason and suggestions.
    found = matcher.check("He was gallivanting around town. She went walkabout.")
    assert [(f.rule_id, f.text) for f in found] == [
        ("westshire-gallivanting", "gallivanting"),
        ("westshire-gallivanting", "went walkabout"),
    ]
    assert found[1].suggestions == ("was missing", "was away from home")
    assert found[1].reason.startswith("This makes light")
    # Its rewrite replaces the whole phrase, as a shipped rule's does.
    text = "He was gallivanting around town."
    assert matcher.apply(text, found[0]) == "He was missing."

    # A shipped rule reworded: the council's reason and suggestions, and no more AWOL.
    text = "She absconded on Friday. He went AWOL."
    found = matcher.check(text)
    assert [(f.rule_id, f.text) for f in found] == [("absconding", "absconded")]
    assert found[0].reason.startswith("Westshire:")
    assert found[0].suggestions == ("was missing from home", "left without agreement")
    assert matcher.apply(text, found[0]) == "She was missing from home on Friday. He went AWOL."
    assert ("absconding", "AWOL") in flags(Matcher(shipped.rules), text)

    # A shipped rule switched off flags nothing; the shipped set still has it.
    assert flags(matcher, "He is streetwise.") == []
    assert flags(Matcher(shipped.rules), "He is streetwise.") == [("streetwise", "streetwise")]

    # The rest are the shipped rules, in their order, after the council's new one.
    ids = [rule.id for rule in merged.rules]
    assert ids == ["westshire-gallivanting"] + [
        rule.id for rule in shipped.rules if rule.id != "streetwise"
    ]
    assert merged.added == ("westshire-gallivanting",)
    assert merged.replaced == ("absconding",)
    assert merged.off == ("streetwise",)
    assert merged.source("westshire-gallivanting") == merged.source("absconding") == "local"
    assert merged.source("kicking-off") == "shipped"
    assert merged.local_path == tmp_path / "local-rules.json"
    assert merged.path == RULES_PATH


def test_the_browser_gets_the_merged_rules_and_the_shipped_ones_are_untouched(
    tmp_path: Path,
) -> None:
    before = rules_as_json()
    merged = load_rule_set(local=write_local(tmp_path))
    served = {rule["id"]: rule for rule in merged.data["rules"]}
    assert served["westshire-gallivanting"] == LOCAL["rules"][0]
    assert served["absconding"] == LOCAL["rules"][1]
    assert "streetwise" not in served
    assert merged.data["local"] == {
        "added": ["westshire-gallivanting"],
        "replaced": ["absconding"],
        "off": ["streetwise"],
    }
    assert merged.data["syntax"] == before["syntax"]  # the notes for people stay
    assert rules_as_json() == before
    assert load_rule_set().data == before  # no local file: exactly the shipped file


def test_the_version_changes_with_the_local_file(tmp_path: Path) -> None:
    shipped = load_rule_set().version
    path = write_local(tmp_path)
    first = load_rule_set(local=path).version
    assert first != shipped
    assert load_rule_set(local=path).version == first  # the same rules, the same version
    reworded = copy.deepcopy(LOCAL)
    reworded["rules"][1]["suggestions"] = ["went missing"]
    write_local(tmp_path, reworded)
    assert load_rule_set(local=path).version not in (first, shipped)
    write_local(tmp_path, {"rules": []})  # an empty local file: the shipped rules
    assert [r.id for r in load_rule_set(local=path).rules] == [r.id for r in load_rule_set().rules]


def _with(change) -> dict[str, Any]:
    data = copy.deepcopy(LOCAL)
    change(data)
    return data


def _set(index: int, key: str, value: Any):
    def change(data: dict[str, Any]) -> None:
        data["rules"][index][key] = value

    return change


BAD = [
    # (local file, what the message must say after the file's name)
    (_with(_set(0, "severity", "shouting")), "rule 0 ('westshire-gallivanting'): 'severity'"),
    (_with(_set(1, "phrases", ["abscond(ing)"])), "rule 1 ('absconding'): phrase 0"),
    (_with(_set(0, "colour", "red")), "('westshire-gallivanting'): unknown field(s): colour"),
    (
        _with(_set(0, "rewrites", [{"suggestions": ["{who} missing"]}])),
        "rule 0 ('westshire-gallivanting') rewrite 0: suggestion 0 uses {who}",
    ),
    (_with(_set(2, "id", "no-such-rule")), "rule 2 ('no-such-rule'): switches off 'no-such-rule'"),
    (_with(_set(2, "off", False)), "rule 2 ('streetwise'): 'off' must be true"),
    (_with(_set(2, "reason", "x")), "rule 2 ('streetwise'): a rule switched off has only"),
    (
        _with(lambda d: d["rules"].append(copy.deepcopy(d["rules"][0]))),
        "rule 3 ('westshire-gallivanting'): duplicate id (first used by rule 0)",
    ),
    ({"rule": []}, "the file must be an object with a 'rules' list"),
    ('{"rules": [', "not valid JSON"),
]


@pytest.mark.parametrize(("data", "message"), BAD)
def test_a_bad_local_file_is_refused_naming_the_file_and_the_rule(
    tmp_path: Path, data: Any, message: str
) -> None:
    path = write_local(tmp_path, data)
    with pytest.raises(RuleFileError) as caught:
        load_rule_set(local=path)
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)


def test_a_missing_local_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError, match="nope.json: cannot read"):
        load_rule_set(local=tmp_path / "nope.json")


def test_switching_off_every_rule_is_refused(tmp_path: Path) -> None:
    base = rules_as_json()
    base["rules"] = base["rules"][:2]
    base_path = write_local(tmp_path, base, "base.json")
    off = {"rules": [{"id": r["id"], "off": True} for r in base["rules"]]}
    with pytest.raises(RuleFileError, match="switches off every rule"):
        load_rule_set(base_path, write_local(tmp_path, off))


# Reads [js file, rules file, texts file]; prints, per text, the flags and the text after a tap
# on each flag's first suggestion (null for a flag with no wording that fits: no tap).
RUN_JS = """
const fs = require('fs');
const [jsPath, rulesPath, textsPath] = process.argv.slice(1);
const lang = require(jsPath);
const compiled = lang.compile(fs.readFileSync(rulesPath, 'utf8'));
const texts = JSON.parse(fs.readFileSync(textsPath, 'utf8'));
process.stdout.write(JSON.stringify(texts.map((t) => {
  const flags = lang.check(compiled, t);
  return [flags.map((f) => [f.rule_id, f.text, f.suggestions]),
          flags.map((f) => (lang.apply(compiled, t, f, 0) || { value: null }).value)];
})));
"""

TEXTS = [
    "He was gallivanting around town.",
    "She went walkabout after tea.",
    "She absconded on Friday. He went AWOL.",
    "He has absconded again.",
    "He is streetwise and street smart.",
    'She said "I was gallivanting" and "I absconded".',
]


@pytest.mark.skipif(NODE is None, reason="node is not on PATH")
def test_the_browsers_matcher_agrees_on_the_merged_rules(tmp_path: Path) -> None:
    merged = load_rule_set(local=write_local(tmp_path))
    rules_path = tmp_path / "merged.json"
    rules_path.write_text(json.dumps(merged.data), encoding="utf-8")
    texts_path = tmp_path / "texts.json"
    texts_path.write_text(json.dumps(TEXTS), encoding="utf-8")
    got = json.loads(node(RUN_JS, str(JS_PATH), str(rules_path), str(texts_path)))
    matcher = Matcher(merged.rules)
    expected = []
    for text in TEXTS:
        found = matcher.check(text)
        expected.append(
            [
                [[f.rule_id, f.text, list(f.suggestions)] for f in found],
                [
                    matcher.apply(text, f) if matcher.replacement(text, f).options else None
                    for f in found
                ],
            ]
        )
    assert got == expected
    assert got[0][1] == ["He was missing."]
    # The council's "was missing from home" does not fit after "has" (rules.py "Alone"): the
    # flag is advice, with no tap, rather than "He has was missing from home again".
    assert got[3][1] == [None]
    assert got[4] == [[], []]  # streetwise is off
