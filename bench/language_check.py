"""Benchmark the writing check (rhi.language) in Python and in the browser, against a baseline.

Run from the repo root:  .venv/bin/python bench/language_check.py [--repeat 50]

It builds one realistic 2,000-word casework note (seeded, so every run checks the same text),
with ~20 phrases the rules flag and some quoted child speech that must not be flagged. Then:

- Python: times ``rhi.language.check(note)`` and a baseline (one precompiled ``re`` search for
  a single word), warm, median and p95 over --repeat runs each.
- Browser: headless Chromium via Playwright, about:blank, static/js/language-check.js injected,
  the same two measurements timed inside the page with ``performance.now()``.

It prints a table with both and the ratios "check / baseline". It exits non-zero only when
something is wrong (Python and the browser disagree on the flags, a flag lands inside quoted
speech, the browser fails), never because of a timing.
"""

from __future__ import annotations

import argparse
import math
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
JS_PATH = REPO / "rhi" / "static" / "js" / "language-check.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
SEED = 20240611
NOTE_WORDS = 2000
BASELINE_WORD = "missing"  # the baseline searches for this one word, ignoring case
# In the page performance.now() is coarsened (100 us without cross-origin isolation), so each
# browser sample runs the call enough times in a row to last at least this long.
MIN_SAMPLE_MS = 5.0

sys.path.insert(0, str(REPO))
from rhi.language import check, rules_as_json  # noqa: E402 - needs the repo on sys.path first


class BenchError(Exception):
    """Something is wrong (not a slow result): the run exits non-zero."""


# --- The note ----------------------------------------------------------------------------

NAMES = ["Kayla", "Amira", "Jade", "Leah", "Sophie"]
WORKERS = ["Sam", "Priya", "Tom", "Bev"]
PLACES = [
    "the retail park",
    "the bus station",
    "a friend's flat in Eastfield",
    "the canal path",
    "the chicken shop on Market Street",
    "the park behind the leisure centre",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
TIMES = ["08:30", "10:15", "13:40", "16:05", "18:20", "21:45", "23:10"]

# Ordinary casework prose: none of these should be flagged.
ORDINARY = [
    "{name} was reported missing by residential staff on {day} at {time}.",
    "I met {name} at the unit on {day} for the return interview, as agreed with her key worker.",
    "We talked in the small lounge because {name} said she prefers it to the office.",
    "She was offered a drink and a snack and chose hot chocolate.",
    "{worker} from the police missing person unit phoned me on {day} to share what they knew.",
    "Police found {name} near {place} at about {time} and drove her back to the unit.",
    "{name} told me she had spent most of the evening near {place}.",
    "She said her phone had run out of battery, so she could not call staff.",
    "I explained that the interview is for her and that she can stop at any time.",
    "We went through who she had been with, and she named two girls from school.",
    "She did not want to say where she slept, and I did not push her on this.",
    "Her mum was informed by the unit manager and is aware of this missing episode.",
    "{name} has been missing three times in the last two months, each time on a weekend.",
    "I will share this note with her social worker, {worker}, and the designated teacher.",
    "She asked whether the police would tell her mum, and I explained what would be shared.",
    "We agreed that she would text staff if she is going to be late back.",
    "I noticed a new phone and asked where it came from; she said a friend lent it to her.",
    "Staff said she had not eaten since lunchtime and was tired when she came back.",
    "She seemed calmer towards the end and joked with staff about the football.",
    "{worker} will add the locations to the strategy meeting notes for {day}.",
    "The taxi driver who dropped her off is being followed up by the police.",
    "She said she would like to see the school nurse about headaches.",
    "I gave her my work number again and the number for the missing people helpline.",
    "The next review is booked for {day} afternoon with her and her key worker.",
    "She was clear that she wants to stay at this unit and likes her room.",
    "There was no sign of injury, and she declined a health check, which was noted.",
    "I asked about money and she said she had about twenty pounds left from her allowance.",
    "She talked about missing her younger brother, who lives with their nan.",
]

# Sentences with one phrase the rules flag each (the phrase is the part the rules catch).
FLAGGED = [
    "Staff recorded that she absconded from the unit at {time}.",
    "The police log says she is putting herself at risk by going to {place}.",
    "She was seen getting into a car with an older boyfriend near {place}.",
    "At the previous meeting it was noted that she refused to engage with the team.",
    "She returned safe and well at {time} according to the incident log.",
    "A previous report described her as making poor choices with friends.",
    "The school says she chose to go to {place} instead of lessons.",
    "An earlier referral mentions a chaotic lifestyle at home.",
    "One officer wrote that she enjoys the attention from the older group.",
    "The log says she keeps going missing from the unit.",
    "Her file describes her as a runaway since Year 8.",
    "The night staff log calls her a misper on two occasions.",
    "The old assessment says she is streetwise and able to read situations.",
    "The referral calls her mature for her age.",
    "A report from last year describes her as manipulative in placement.",
    "The earlier plan listed attention-seeking as a concern.",
    "A teacher described her as a troublemaker in class.",
    "A staff member wrote that she was kicking off in the corridor.",
    "The log says she went willingly with the man in the car.",
    "An old entry says the placement is at risk because she is disengaged.",
]

# The child's own words, in quotation marks: never flagged, even with phrases the rules catch.
QUOTED = [
    'She said: "I wasn\'t putting myself at risk, I just wanted to see my mates."',
    'In her words: "Everyone says I absconded but I just walked out the door."',
    '"He is not my older boyfriend, he is just someone who gives me lifts," she told me.',
    'She said "they think I refused to engage but nobody asked me anything."',
    '"I came back safe and well, didn\'t I?" she asked, and then laughed.',
    '"I keep going missing because I hate it here at night," she said.',
    'When I asked about school she said "it\'s boring and the teachers think I am kicking off."',
    '"My own choice, innit," she said when I asked why she went.',
]


@dataclass(frozen=True)
class Note:
    text: str
    words: int
    planted: int  # flagged sentences put in the note
    quotes: int  # quoted sentences put in the note


def fill(template: str, rng: random.Random) -> str:
    """Fill a sentence template's slots from small seeded lists."""
    return template.format(
        name=rng.choice(NAMES),
        worker=rng.choice(WORKERS),
        place=rng.choice(PLACES),
        day=rng.choice(DAYS),
        time=rng.choice(TIMES),
    )


def build_note(seed: int = SEED, target_words: int = NOTE_WORDS) -> Note:
    """A ~2,000-word note: all flagged and quoted sentences plus ordinary prose, shuffled."""
    rng = random.Random(seed)
    special = [fill(s, rng) for s in FLAGGED] + [fill(s, rng) for s in QUOTED]
    sentences = list(special)
    words = sum(len(s.split()) for s in sentences)
    while words < target_words:
        sentence = fill(rng.choice(ORDINARY), rng)
        sentences.append(sentence)
        words += len(sentence.split())
    rng.shuffle(sentences)
    # Paragraphs of 4 to 8 sentences, separated by blank lines, as a worker would type them.
    paragraphs: list[str] = []
    i = 0
    while i < len(sentences):
        size = rng.randint(4, 8)
        paragraphs.append(" ".join(sentences[i : i + size]))
        i += size
    text = "\n\n".join(paragraphs)
    return Note(text=text, words=len(text.split()), planted=len(FLAGGED), quotes=len(QUOTED))


# --- Timing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    median_ms: float
    p95_ms: float
    samples: int
    batch: int  # calls per sample (the time shown is per call)


def p95(values: list[float]) -> float:
    """95th percentile, nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def summarise(per_call_ms: list[float], batch: int = 1) -> Timing:
    return Timing(statistics.median(per_call_ms), p95(per_call_ms), len(per_call_ms), batch)


def time_python(fn: Callable[[], object], repeat: int) -> Timing:
    """Warm up once, then time `repeat` single calls with perf_counter_ns."""
    fn()
    samples: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter_ns()
        fn()
        samples.append((time.perf_counter_ns() - start) / 1e6)
    return summarise(samples)


def bench_python(note: str, repeat: int) -> tuple[Timing, Timing, list[tuple[int, int, str]]]:
    baseline_re = re.compile(rf"\b{BASELINE_WORD}\b", re.I)
    check_timing = time_python(lambda: check(note), repeat)
    baseline_timing = time_python(lambda: baseline_re.findall(note), repeat)
    flags = [(f.start, f.end, f.rule_id) for f in check(note)]
    return check_timing, baseline_timing, flags


# Runs inside the page. Each sample runs a call `batch` times in a row, with batch chosen so a
# sample lasts at least minSampleMs (performance.now() is coarse in an ordinary page).
PAGE_BENCH = """
async ({rules, note, repeat, word, minSampleMs}) => {
  const rhiLanguage = await import('/static/js/language-check.js');  // the page's own module
  const compiled = rhiLanguage.compile(rules);
  const baselineRe = new RegExp('\\\\b' + word + '\\\\b', 'gi');
  let sink = 0;  // keeps the results alive so no call can be optimised away
  const calls = {
    check: () => { sink += rhiLanguage.check(compiled, note).length; },
    baseline: () => { sink += (note.match(baselineRe) || []).length; },
  };
  // Smallest step performance.now() takes here, for the report.
  let resolution = Infinity;
  for (let k = 0; k < 20; k += 1) {
    const a = performance.now();
    let b = performance.now();
    while (b === a) b = performance.now();
    resolution = Math.min(resolution, b - a);
  }
  const run = (fn) => {
    fn();  // warm
    let batch = 1;
    for (;;) {  // grow the batch until one sample is long enough to time
      const t0 = performance.now();
      for (let i = 0; i < batch; i += 1) fn();
      if (performance.now() - t0 >= minSampleMs) break;
      batch *= 2;
    }
    const perCall = [];
    for (let r = 0; r < repeat; r += 1) {
      const t0 = performance.now();
      for (let i = 0; i < batch; i += 1) fn();
      perCall.push((performance.now() - t0) / batch);
    }
    return {perCall, batch};
  };
  const check = run(calls.check);
  const baseline = run(calls.baseline);
  const flags = rhiLanguage.check(compiled, note).map((f) => [f.start, f.end, f.rule_id]);
  return {check, baseline, flags, resolution, sink, userAgent: navigator.userAgent};
}
"""


@dataclass(frozen=True)
class BrowserResult:
    check: Timing
    baseline: Timing
    flags: list[tuple[int, int, str]]
    resolution_ms: float
    version: str


def bench_browser(note: str, repeat: int) -> BrowserResult:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    executable = CHROMIUM if Path(CHROMIUM).exists() else None  # else Playwright's own build
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
            try:
                page = browser.new_page()
                page.goto("about:blank")
                page.add_script_tag(content=JS_PATH.read_text(encoding="utf-8"))
                out: dict[str, Any] = page.evaluate(
                    PAGE_BENCH,
                    {
                        "rules": rules_as_json(),
                        "note": note,
                        "repeat": repeat,
                        "word": BASELINE_WORD,
                        "minSampleMs": MIN_SAMPLE_MS,
                    },
                )
                version = browser.version
            finally:
                browser.close()
    except PlaywrightError as err:
        raise BenchError(f"the browser run failed: {err}") from err
    return BrowserResult(
        check=summarise(out["check"]["perCall"], out["check"]["batch"]),
        baseline=summarise(out["baseline"]["perCall"], out["baseline"]["batch"]),
        flags=[(int(s), int(e), str(r)) for s, e, r in out["flags"]],
        resolution_ms=float(out["resolution"]),
        version=version,
    )


# --- Report --------------------------------------------------------------------------------


def quoted_ranges(text: str) -> list[tuple[int, int]]:
    """The "..." spans in the note (the note only uses straight double quotes, balanced)."""
    return [m.span() for m in re.finditer(r'"[^"]*"', text)]


def fmt_ms(value: float) -> str:
    return f"{value:.4f}"


def print_table(rows: list[tuple[str, Timing]]) -> None:
    header = f"{'':<28}{'median ms':>12}{'p95 ms':>12}{'samples':>9}{'calls/sample':>14}"
    print(header)
    print("-" * len(header))
    for label, t in rows:
        print(
            f"{label:<28}{fmt_ms(t.median_ms):>12}{fmt_ms(t.p95_ms):>12}{t.samples:>9}{t.batch:>14}"
        )


def ratio(a: Timing, b: Timing) -> str:
    return f"{a.median_ms / b.median_ms:.1f}x" if b.median_ms > 0 else "n/a"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50, help="timed samples per measurement")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    if not JS_PATH.exists():
        print(f"ERROR: {JS_PATH} not found", file=sys.stderr)
        return 1
    note = build_note()
    print(
        f"note: {note.words} words, {len(note.text)} chars, {note.planted} planted phrases, "
        f"{note.quotes} quoted sentences (seed {SEED}); baseline: /\\b{BASELINE_WORD}\\b/i"
    )

    py_check, py_base, py_flags = bench_python(note.text, args.repeat)
    try:
        browser = bench_browser(note.text, args.repeat)
    except BenchError as err:
        print(f"ERROR: {err}", file=sys.stderr)
        return 1

    print()
    print_table(
        [
            ("python check(note)", py_check),
            ("python baseline re", py_base),
            ("browser check(note)", browser.check),
            ("browser baseline RegExp", browser.baseline),
        ]
    )
    print()
    print(
        f"ratio check/baseline: python {ratio(py_check, py_base)}, "
        f"browser {ratio(browser.check, browser.baseline)}"
    )
    print(
        f"browser: Chromium {browser.version}, performance.now() step "
        f"{browser.resolution_ms * 1000:.1f} us"
    )

    # Correctness: the same flags on both sides, and none inside the child's quoted words.
    print(f"flags: python {len(py_flags)}, browser {len(browser.flags)} (planted {note.planted})")
    failures: list[str] = []
    if py_flags != browser.flags:
        only_py = sorted(set(py_flags) - set(browser.flags))
        only_js = sorted(set(browser.flags) - set(py_flags))
        failures.append(
            f"Python and browser flags differ: python only {only_py[:5]}, "
            f"browser only {only_js[:5]}"
        )
    quotes = quoted_ranges(note.text)
    in_quotes = [f for f in py_flags if any(s < f[1] and f[0] < e for s, e in quotes)]
    if in_quotes:
        failures.append(f"flags inside quoted speech: {in_quotes[:5]}")
    for failure in failures:
        print(f"ERROR: {failure}", file=sys.stderr)
    if not failures:
        print("correctness: OK (flags identical, none inside quotes)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
