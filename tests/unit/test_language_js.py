"""The browser's matcher (static/js/language-check.js) flags exactly what Python flags.

Runs the JS file under Node: the same rules.json, the shared corpus and fuzzed text
(emoji, accents, right-to-left scripts, quote marks) must give identical rule ids,
code-point offsets and texts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rhi.language import RULES_PATH, check
from tests.unit.helpers import COMPILE_JS, CORPUS, JS_PATH, NODE, fuzz_text, node

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not on PATH")

# Reads [js file, rules file, texts file]; prints one list of flags per text.
RUN_JS = """
const fs = require('fs');
const [jsPath, rulesPath, textsPath] = process.argv.slice(1);
const lang = require(jsPath);
const compiled = lang.compile(fs.readFileSync(rulesPath, 'utf8'));
const texts = JSON.parse(fs.readFileSync(textsPath, 'utf8'));
process.stdout.write(JSON.stringify(texts.map((t) => lang.check(compiled, t))));
"""


def js_flags(texts: list[str], tmp_path: Path) -> list[list[dict[str, Any]]]:
    texts_path = tmp_path / "texts.json"
    texts_path.write_text(json.dumps(texts), encoding="utf-8")  # ASCII, \u escapes
    return json.loads(node(RUN_JS, str(JS_PATH), str(RULES_PATH), str(texts_path)))


def py_flags(text: str) -> list[dict[str, Any]]:
    return [flag.to_dict() for flag in check(text)]


def test_corpus_gives_identical_flags(tmp_path: Path) -> None:
    texts = [entry["text"] for entry in CORPUS]
    for text, from_js in zip(texts, js_flags(texts, tmp_path), strict=True):
        assert from_js == py_flags(text), text


def test_fuzzed_text_gives_identical_flags(tmp_path: Path) -> None:
    texts = [fuzz_text(seed, 2_000) for seed in range(40)] + [fuzz_text(99, 100_000)]
    for text, from_js in zip(texts, js_flags(texts, tmp_path), strict=True):
        want = py_flags(text)
        assert from_js == want, text[:200]
    assert any(js_flags([texts[-1]], tmp_path)[0])


@pytest.mark.parametrize(
    ("phrases", "message"),
    [(["put{s,ting"], "never closed"), (["a{b,{c,d}}"], "nested"), (["a(b)"], "characters")],
)
def test_bad_phrases_are_refused(phrases: list[str], message: str) -> None:
    rules = {
        "rules": [
            {
                "id": "x",
                "phrases": phrases,
                "severity": "question",
                "reason": "r.",
                "suggestions": ["s"],
            }
        ]
    }
    out = node(COMPILE_JS, str(JS_PATH), json.dumps(rules))
    assert out.startswith("error: rule 0 ('x')") and message in out, out


def test_duplicate_ids_are_refused() -> None:
    rule = {
        "id": "x",
        "phrases": ["a"],
        "severity": "question",
        "reason": "r.",
        "suggestions": ["s"],
    }
    out = node(COMPILE_JS, str(JS_PATH), json.dumps({"rules": [rule, rule]}))
    assert "duplicate" in out, out
