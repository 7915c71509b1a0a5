"""The page's "Keep my words" (language-check.js keptUses) keeps exactly the uses the review and
every copy count as kept (rhi/writing/counts.py kept_uses), for generated notes: answers pressed
on any use of a phrase written several times, then words added, deleted and changed before,
between and after the uses, in several scripts; and answers kept before the words around a use
were. Run under Node, with the same rules."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from rhi.language import RULES_PATH, Matcher, load_rules
from rhi.writing.counts import KEPT_CONTEXT, Answer, kept_uses, use_context
from tests.unit.helpers import JS_PATH, NODE, node

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not on PATH")

# Reads [js file, rules file, cases file]; prints, per case, the places of the flags kept.
RUN_JS = """
const fs = require('fs');
const [jsPath, rulesPath, casesPath] = process.argv.slice(1);
const lang = require(jsPath);
const compiled = lang.compile(fs.readFileSync(rulesPath, 'utf8'));
const cases = JSON.parse(fs.readFileSync(casesPath, 'utf8'));
process.stdout.write(JSON.stringify({
  context: lang.KEPT_CONTEXT,
  kept: cases.map(([text, answers]) =>
    [...lang.keptUses(text, lang.check(compiled, text), answers)].sort((a, b) => a - b)),
}));
"""

PHRASES = ["absconded", "refused to engage", "putting herself at risk", "sexual activity"]
WORDS = ["on", "Friday", "she", "said", "the", "café", "😊", "مرحبا", "Łódź", "\u201cno\u201d", "."]


def a_note(rng: random.Random) -> str:
    parts = [rng.choice(WORDS) for _ in range(rng.randint(0, 12))]
    for _ in range(rng.randint(1, 5)):
        parts.insert(rng.randint(0, len(parts)), rng.choice(PHRASES))
    return " ".join(parts)


def changed(rng: random.Random, text: str) -> str:
    """The note with words added, taken out or changed, somewhere."""
    words = text.split(" ")
    for _ in range(rng.randint(0, 3)):
        at = rng.randint(0, len(words))
        kind = rng.random()
        if kind < 0.4:
            words.insert(at, rng.choice(WORDS + PHRASES))
        elif kind < 0.8 and words:
            del words[min(at, len(words) - 1)]
        elif words:
            words[min(at, len(words) - 1)] = rng.choice(WORDS)
    return " ".join(words)


def cases(matcher: Matcher, count: int) -> list[tuple[str, list[list[str]]]]:
    rng = random.Random(33)
    out = []
    for _ in range(count):
        then = a_note(rng)
        flags = matcher.check(then)
        answers = []
        for flag in rng.sample(flags, rng.randint(0, len(flags))):
            before, after = use_context(then, flag.start, flag.end)
            if rng.random() < 0.15:
                before, after = "", ""  # kept before the words around a use were
            answers.append([flag.rule_id, flag.text, before, after])
        out.append((changed(rng, then), answers))
    return out


def py_kept(matcher: Matcher, text: str, answers: list[list[str]]) -> list[int]:
    given: dict[tuple[str, str], list[Answer]] = {}
    for rule_id, phrase, before, after in answers:
        given.setdefault((rule_id, phrase), []).append(Answer("", before, after))
    return sorted(kept_uses(text, matcher.check(text), given))


def test_the_page_keeps_the_uses_the_review_counts_as_kept(tmp_path: Path) -> None:
    matcher = Matcher(load_rules())
    generated = cases(matcher, 400)
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(generated), encoding="utf-8")
    out: dict[str, Any] = json.loads(node(RUN_JS, str(JS_PATH), str(RULES_PATH), str(path)))
    assert out["context"] == KEPT_CONTEXT
    want = [py_kept(matcher, text, answers) for text, answers in generated]
    assert out["kept"] == want
    # The cases reach what the rule is for: uses kept and uses left in one note, after changes.
    assert (
        sum(
            1
            for (text, _), k in zip(generated, want, strict=True)
            if k and len(k) < len(matcher.check(text))
        )
        > 50
    )
