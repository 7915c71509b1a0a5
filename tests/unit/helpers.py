"""The unit tests' shared helpers: the browser's matcher run under Node, the language corpus
and fuzzed text, and a council's local rules file. Test modules import from here, never from
one another."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

# The browser's matcher, run under Node.
NODE = shutil.which("node")
JS_PATH = Path(__file__).resolve().parents[2] / "rhi" / "static" / "js" / "language-check.js"
CORPUS_PATH = Path(__file__).resolve().parents[1] / "language_corpus.json"
CORPUS: list[dict[str, Any]] = json.loads(CORPUS_PATH.read_text(encoding="utf-8"))

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


# Fuzzed text for comparing the two matchers.
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


# A council's file: one phrase of its own, "absconding" reworded, "streetwise" switched off.
LOCAL: dict[str, Any] = {
    "note": "Westshire's own wording, agreed with the safeguarding partnership.",
    "rules": [
        {
            "id": "westshire-gallivanting",
            "phrases": ["gallivant{ing,ed,s,}", "{went,gone,goes,going} walkabout"],
            "severity": "correction",
            "reason": "This makes light of a child being missing; say that they were missing.",
            "suggestions": ["was missing", "was away from home"],
            "rewrites": [
                {
                    "before": ["{was,is,has been}"],
                    "phrase": ["gallivanting"],
                    "after": ["around {town,the city}"],
                    "suggestions": ["{before} missing", "{before} away from home"],
                }
            ],
        },
        {
            "id": "absconding",
            "phrases": ["abscond{ing,ers,ed,er,s,}"],
            "severity": "correction",
            "reason": "Westshire: the child went missing; absconding is a word for prisons.",
            "suggestions": ["was missing from home", "left without agreement"],
        },
        {"id": "streetwise", "off": True, "note": "Our partnership prefers its own training."},
    ],
}


def write_local(folder: Path, data: Any = None, name: str = "local-rules.json") -> Path:
    path = folder / name
    data = LOCAL if data is None else data
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path
