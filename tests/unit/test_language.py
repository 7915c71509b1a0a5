"""The writing check: shipped rules, the shared corpus, the rules-file validator, speed."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

import pytest

from rhi.language import (
    RULES_PATH,
    Flag,
    Matcher,
    RuleFileError,
    check,
    load_rules,
    quoted_spans,
    rules_as_json,
)
from rhi.language.rules import compile_rule

CORPUS_PATH = Path(__file__).resolve().parents[1] / "language_corpus.json"
CORPUS: list[dict[str, Any]] = json.loads(CORPUS_PATH.read_text(encoding="utf-8"))
RULES = load_rules()
RULE_IDS = {rule.id for rule in RULES}
CONTEXT_WORD_RULES = {"boyfriend-girlfriend", "in-a-relationship", "placement-breakdown", "absent"}


def corpus_id(entry: dict[str, Any]) -> str:
    return (entry["text"][:40] or "<empty>").replace("\n", "\\n")


# --- the shipped rules -----------------------------------------------------------------


def test_at_least_forty_rules_with_kind_complete_entries() -> None:
    assert len(RULES) >= 40
    for rule in RULES:
        assert 2 <= len(rule.suggestions) <= 3, rule.id
        assert rule.reason.endswith((".", "?")), rule.id
        assert rule.severity in ("correction", "question")


def test_context_words_are_questions_not_corrections() -> None:
    by_id = {rule.id: rule for rule in RULES}
    for rule_id in CONTEXT_WORD_RULES:
        assert by_id[rule_id].severity == "question", rule_id


def test_no_rule_about_contact() -> None:
    # The app records "contact attempts": a "contact" rule would nag on every page.
    assert not check("Contact attempt 1: no answer. Contact with mum by phone.")


def test_rules_as_json_is_the_validated_file_and_a_copy() -> None:
    data = rules_as_json()
    assert [r["id"] for r in data["rules"]] == [r.id for r in RULES]
    data["rules"].clear()
    assert rules_as_json()["rules"], "callers must not be able to change the cache"
    assert json.loads(RULES_PATH.read_text(encoding="utf-8")) == rules_as_json()


# --- the shared corpus -------------------------------------------------------------------


def test_corpus_is_big_enough_and_names_real_rules() -> None:
    assert len(CORPUS) >= 120
    for entry in CORPUS:
        for expected in entry["expect"]:
            assert expected["rule_id"] in RULE_IDS, expected
        for rule_id in entry.get("near_miss", []):
            assert rule_id in RULE_IDS, rule_id
            assert rule_id not in {e["rule_id"] for e in entry["expect"]}, entry["text"]


def test_every_rule_has_a_firing_and_a_near_miss_example() -> None:
    fires = {e["rule_id"] for entry in CORPUS for e in entry["expect"]}
    near = {rule_id for entry in CORPUS for rule_id in entry.get("near_miss", [])}
    assert RULE_IDS - fires == set(), "rules with no firing example"
    assert RULE_IDS - near == set(), "rules with no near-miss example"


@pytest.mark.parametrize("entry", CORPUS, ids=corpus_id)
def test_corpus(entry: dict[str, Any]) -> None:
    text = entry["text"]
    flags = check(text)
    got = [{"rule_id": f.rule_id, "text": f.text} for f in flags]
    want = [{"rule_id": e["rule_id"], "text": e["text"]} for e in entry["expect"]]
    assert got == want
    for flag, expected in zip(flags, entry["expect"], strict=True):
        assert text[flag.start : flag.end] == flag.text
        if "start" in expected:
            assert flag.start == expected["start"]
    assert all(a.end <= b.start for a, b in zip(flags, flags[1:], strict=False))


def test_fast_regexes_match_exactly_like_the_plain_ones() -> None:
    # Python uses a reshaped regex per rule (see rules._fast_source); the browser uses the
    # plain one. Both must find the same matches.
    texts = [entry["text"] for entry in CORPUS] + [fuzz_text(seed, 3_000) for seed in range(5)]
    for rule in RULES:
        fast, plain = compile_rule(rule), compile_rule(rule, fast=False)
        for text in texts:
            got = [(m.span(), m.lastindex is not None) for m in fast.finditer(text)]
            want = [(m.span(), m.lastindex is not None) for m in plain.finditer(text)]
            assert got == want, (rule.id, text[:80])


# --- behaviour ------------------------------------------------------------------------


def test_flag_is_frozen_and_serialisable() -> None:
    (flag,) = check("He absconded.")
    assert isinstance(flag, Flag)
    with pytest.raises(AttributeError):
        flag.start = 0  # type: ignore[misc]
    data = flag.to_dict()
    assert data == {
        "start": 3,
        "end": 12,
        "text": "absconded",
        "rule_id": "absconding",
        "severity": "correction",
        "reason": flag.reason,
        "suggestions": list(flag.suggestions),
    }
    assert isinstance(flag.suggestions, tuple)
    json.dumps(data)


def test_empty_and_blank_text() -> None:
    assert check("") == []
    assert check(" \n\t ") == []


def test_quoted_spans() -> None:
    text = "a \u201cb\u201d c 'd' e's f\u2019s \"g\n\nh"
    spans = [text[s:e] for s, e in quoted_spans(text)]
    assert spans == ["\u201cb\u201d", "'d'", '"g']


def test_custom_matcher() -> None:
    rules = load_rules()
    matcher = Matcher(rules[:1])
    assert [f.rule_id for f in check("She absconded, putting herself at risk", matcher)] == [
        rules[0].id
    ]


def fuzz_text(seed: int, length: int) -> str:
    """Phrases, quote marks, apostrophes, emoji, accents and right-to-left text, mixed."""
    rng = random.Random(seed)
    pieces = [
        "putting herself at risk",
        "absconded",
        "runaway",
        "high-risk child",
        "risk assessment",
        "at risk from adults",
        "selling drugs",
        "forced to sell drugs",
        "safe and well",
        "safe and well check",
        "absent from school",
        "absent",
        "boyfriend",
        "don't",
        "boys'",
        "children's",
        "\u2018til",
        " '",
        "' ",
        '"',
        "\u201c",
        "\u201d",
        "\u2018",
        "\u2019",
        "\n\n",
        "\n",
        "\t",
        "  ",
        "-",
        "\u00e9",
        "e\u0301",
        "\U0001f600",
        "\U0001f469\u200d",
        "\u0645\u0631\u062d\u0628\u0627",
        "\u05e9\u05dc\u05d5\u05dd",
        "\u9003",
        "_",
        "2",
        "x",
        "she",
        "is",
        "a",
        "the",
        "plugging",
        "unplugging",
        "keeps going missing",
        ".",
        ",",
    ]
    out: list[str] = []
    size = 0
    while size < length:
        piece = rng.choice(pieces)
        sep = rng.choice([" ", " ", " ", "", "\n"])
        out.append(piece + sep)
        size += len(piece) + len(sep)
    return "".join(out)[:length]


def test_100k_characters_of_anything() -> None:
    text = fuzz_text(42, 100_000)
    assert len(text) == 100_000
    flags = check(text)
    assert flags
    for flag in flags:
        assert text[flag.start : flag.end] == flag.text
    assert all(a.end <= b.start for a, b in zip(flags, flags[1:], strict=False))
    rng = random.Random(7)
    soup = "".join(
        chr(rng.choice([rng.randrange(32, 0xD7FF), rng.randrange(0xE000, 0x10FFFF)]))
        for _ in range(100_000)
    )
    for flag in check(soup + " absconded"):
        assert soup[flag.start : flag.end] == flag.text or flag.text == "absconded"


# --- malformed rule files ----------------------------------------------------------------


@pytest.fixture
def raw() -> dict[str, Any]:
    return copy.deepcopy(json.loads(RULES_PATH.read_text(encoding="utf-8")))


def write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "rules.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def test_shipped_file_loads_from_a_path(tmp_path: Path, raw: dict[str, Any]) -> None:
    assert len(load_rules(write(tmp_path, raw))) == len(RULES)


def test_bad_json(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError, match="not valid JSON"):
        load_rules(write(tmp_path, '{"rules": ['))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError, match="cannot read"):
        load_rules(tmp_path / "nope.json")


@pytest.mark.parametrize("data", [[], {"rules": {}}, {"rules": []}, {"nothing": 1}])
def test_wrong_shape(tmp_path: Path, data: Any) -> None:
    with pytest.raises(RuleFileError):
        load_rules(write(tmp_path, data))


def break_rule(raw: dict[str, Any], index: int, **changes: Any) -> dict[str, Any]:
    rule = raw["rules"][index]
    for key, value in changes.items():
        if value is None:
            del rule[key]
        else:
            rule[key] = value
    return raw


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"reason": None}, "missing field.*reason"),
        ({"suggestions": None}, "missing field.*suggestions"),
        ({"severity": "warning"}, "severity"),
        ({"phrases": []}, "phrases"),
        ({"phrases": ["ok", ""]}, "phrases' item 1"),
        ({"phrases": ["put{s,ting"]}, "never closed"),
        ({"phrases": ["put{s,{a,b}}"]}, "nested"),
        ({"phrases": ["puts}"]}, "without a"),
        ({"phrases": ["{solo}"]}, "fewer than two"),
        ({"phrases": ["a(b|c)*"]}, "characters"),
        ({"phrases": [" leading"]}, "spaces at either end"),
        ({"phrases": ["{a,}"]}, "empty"),
        ({"phrases": ["{ a,b}"]}, "begin with a letter"),
        ({"unless_followed_by": ["x{"]}, "unless_followed_by 0"),
        ({"unless_preceded_by": "not a list"}, "unless_preceded_by"),
        ({"suggestions": ["a", "b", "c", "d", "e", "f"]}, "at most"),
        ({"reason": "  "}, "reason"),
        ({"id": "Not Kebab"}, "kebab-case"),
        ({"severty": "question"}, "unknown field"),
    ],
)
def test_malformed_rule_names_the_rule(
    tmp_path: Path, raw: dict[str, Any], changes: dict[str, Any], message: str
) -> None:
    index = 3
    rule_id = raw["rules"][index]["id"]
    path = write(tmp_path, break_rule(raw, index, **changes))
    with pytest.raises(RuleFileError, match=message) as caught:
        load_rules(path)
    assert f"rule {index}" in str(caught.value)
    if "id" not in changes:
        assert rule_id in str(caught.value)


def test_rule_that_is_not_an_object(tmp_path: Path, raw: dict[str, Any]) -> None:
    raw["rules"][2] = "absconded"
    with pytest.raises(RuleFileError, match="rule 2: must be an object"):
        load_rules(write(tmp_path, raw))


def test_duplicate_ids(tmp_path: Path, raw: dict[str, Any]) -> None:
    raw["rules"][5]["id"] = raw["rules"][1]["id"]
    with pytest.raises(RuleFileError, match=r"rule 5 .*duplicate id .*rule 1"):
        load_rules(write(tmp_path, raw))
