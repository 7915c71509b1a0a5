"""The last words, 20 trials per delay: text typed offline, the tab closed 0, 50 and 100 ms
after the last keystroke, a new page opened in the same browser and unlocked. Prints how many
trials kept every word and how many lost some, per delay (issue 12, item 1).

Run from the repo root:  .venv/bin/python bench/last_words.py [--trials 20]

It runs tests/browser/test_last_words.py (the same steps, in real Chromium against a live
server on localhost) with RHI_LAST_WORDS_TRIALS set; the suite runs it with 3 per delay. Exits
non-zero when a word was lost or the browser failed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20, help="trials per delay (20)")
    args = parser.parse_args()
    env = {**os.environ, "RHI_LAST_WORDS_TRIALS": str(args.trials)}
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-s",
        "-p",
        "no:logging",
        "-p",
        "no:cacheprovider",
        "tests/browser/test_last_words.py",
    ]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    for line in done.stdout.splitlines():
        if (
            line.startswith(("last words", "FAILED", "E "))
            or " passed" in line
            or " failed" in line
        ):
            print(line)
    if done.returncode:
        print(done.stdout[-4000:], done.stderr[-2000:], sep="\n", file=sys.stderr)
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
