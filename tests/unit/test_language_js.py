"""The browser's matcher (static/js/language-check.js) flags exactly what Python flags.

Runs the JS file under Node: the same rules.json, the shared corpus and fuzzed text
(emoji, accents, right-to-left scripts, quote marks) must give identical rule ids,
code-point offsets and texts.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from rhi.language import RULES_PATH, check

NODE = shutil.which("node")
JS_PATH = Path(__file__).resolve().parents[2] / "rhi" / "static" / "js" / "language-check.js"
CORPUS_PATH = Path(__file__).resolve().parents[1] / "language_corpus.json"
CORPUS: list[dict[str, Any]] = json.loads(CORPUS_PATH.read_text(encoding="utf-8"))

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

COMPILE_JS = """
const [jsPath, rulesText] = process.argv.slice(1);
try { require(jsPath).compile(rulesText); console.log('ok'); }
catch (err) { console.log('error: ' + err.message); }
"""


def node(script: str, *args: str) -> str:
    assert NODE is not None
    done = subprocess.run(
        [NODE, "-e", script, *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def js_flags(texts: list[str], tmp_path: Path) -> list[list[dict[str, Any]]]:
    texts_path = tmp_path / "texts.json"
    texts_path.write_text(json.dumps(texts), encoding="utf-8")  # ASCII, \u escapes
    return json.loads(node(RUN_JS, str(JS_PATH), str(RULES_PATH), str(texts_path)))


def fuzz_text(seed: int, length: int) -> str:
    """Phrases, near misses, quote marks, apostrophes and many scripts, shuffled together."""
    rng = random.Random(seed)
    phrases = [e["text"] for e in CORPUS if e["text"]]
    odd = [
        '"',
        "\u201c",
        "\u201d",
        "\u201e",
        "'",
        "\u2018",
        "\u2019",
        "\n\n",
        "\n",
        "\t",
        "-",
        "\u2011",
        "e\u0301",
        "\u00e9",
        "\U0001f600",
        "\U0001f469\U0001f3fd\u200d\U0001f9b1",
        "\U0001d400",
        "\u0645\u0631\u062d\u0628\u0627",
        "\u05e9\u05dc\u05d5\u05dd",
        "\u9003",
        "\u0130",
        "\u0131",
        "\u212a",
        "\u017f",
        "_",
        "7",
        "\u00a0",
        "\u3000",
        "\x1c",
        "\ufeff",
    ]
    out: list[str] = []
    size = 0
    while size < length:
        if rng.random() < 0.5:
            words = rng.choice(phrases).split(" ")
            start = rng.randrange(len(words))
            piece = " ".join(words[start : start + rng.randrange(1, 6)])
        else:
            piece = rng.choice(odd)
        piece += rng.choice([" ", " ", "", "\n", ", "])
        out.append(piece)
        size += len(piece)
    return "".join(out)[:length]


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
