"""No cost to typing (issue 14 item 6): Lighthouse on an interview page with a long note, beside
the same page without the writing check's rules and beside the Returns page.

Run from the repo root:  .venv/bin/python bench/lighthouse.py [--runs 3]

It builds a throwaway SQLite database with the demo data, puts a 2,000-word casework note with
about twenty flagged phrases (bench/language_check.py's seeded note) into an interview of the
demo worker, serves rhi with gunicorn, signs in, and runs Lighthouse (npm, pinned below; `npx`
fetches it the first time) with its default mobile emulation and Debian's Chromium on:

- the interview page holding the note (the writing check loads its rules, compiles them and
  checks every box as the page opens);
- the same page with /language/rules.json blocked: the baseline, the page with no check at all;
- the worker's Returns page.

For each it prints the median over --runs of the performance score and the total blocking time
(TBT), with the largest: targets are 0.95 or more and TBT under 200 ms on the interview page.
Exits non-zero only when something broke (the server, sign-in, Lighthouse, a page that does not
show what it should), never because of a figure.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from harness import (
    HOST,
    REPO,
    BenchError,
    demo_database,
    gunicorn,
    run,
    sign_in_worker,
    temp_dir,
)
from language_check import build_note

LIGHTHOUSE = "lighthouse@13.5.0"
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync"
)


def interview_with_note(env: dict[str, str]) -> str:
    """Put the long note into one of the demo worker's interviews in progress; its UUID."""
    os.environ.update({k: v for k, v in env.items() if k.startswith("RHI_")})
    from sqlalchemy import select

    from rhi import access, create_app
    from rhi.extensions import db
    from rhi.interviews import content as c
    from rhi.models import Interview, InterviewStatus, User

    app = create_app()
    with app.app_context():
        worker = db.session.scalar(select(User).where(User.email == "worker@example.org"))
        interview = db.session.scalars(
            select(Interview)
            .where(Interview.status == InterviewStatus.IN_PROGRESS.value)
            .where(access.interview_filter(worker))
            .order_by(Interview.id)
        ).first()
        if interview is None:
            raise BenchError("the demo worker has no interview in progress")
        document = c.normalise(interview.content)
        document["sections"]["away"]["text"] = build_note().text
        interview.content = document
        db.session.commit()
        uuid = interview.uuid
        db.engine.dispose()
    return uuid


def lighthouse(url: str, cookie: str, blocked: list[str], out: Path) -> tuple[float, float]:
    """One Lighthouse run: (performance score, total blocking time in ms)."""
    cmd = [
        "npx",
        "--yes",
        LIGHTHOUSE,
        url,
        "--quiet",
        "--only-categories=performance",
        f"--chrome-path={CHROMIUM}",
        f"--chrome-flags={CHROME_FLAGS}",
        f"--extra-headers={json.dumps({'Cookie': f'rhi_session={cookie}'})}",
        "--output=json",
        f"--output-path={out}",
        *([f"--blocked-url-patterns={pattern}" for pattern in blocked]),
    ]
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=300)
    if done.returncode != 0 or not out.exists():
        raise BenchError(f"lighthouse failed on {url}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    report = json.loads(out.read_text())
    final = report.get("finalDisplayedUrl") or report.get("finalUrl") or ""
    if "/sign-in" in final:
        raise BenchError(f"lighthouse was sent to sign in on {url}: the cookie was not taken")
    score = report["categories"]["performance"]["score"]
    tbt = report["audits"]["total-blocking-time"]["numericValue"]
    return float(score), float(tbt)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with temp_dir("rhi-lighthouse-") as tmp:
        env = demo_database(tmp)
        uuid = interview_with_note(env)
        with gunicorn("wsgi:app", env, tmp / "gunicorn.log") as port:
            cookie = sign_in_worker(port)
            base = f"http://{HOST}:{port}"
            pages = [
                ("interview page, long note", f"{base}/interviews/{uuid}/away", []),
                (
                    "same page, no rules (baseline)",
                    f"{base}/interviews/{uuid}/away",
                    ["*/language/rules.json*"],
                ),
                ("Returns page", f"{base}/returns", []),
            ]
            rows = []
            for name, url, blocked in pages:
                scores, tbts = [], []
                for i in range(args.runs):
                    with tempfile.NamedTemporaryFile(suffix=".json", dir=tmp) as handle:
                        score, tbt = lighthouse(url, cookie, blocked, Path(handle.name + f".{i}"))
                    scores.append(score)
                    tbts.append(tbt)
                rows.append((name, scores, tbts))
    print(f"Lighthouse {LIGHTHOUSE.split('@')[1]}, mobile emulation, median of {args.runs} runs")
    print(f"{'page':34} {'performance':>12} {'(lowest)':>9} {'TBT ms':>8} {'(largest)':>10}")
    for name, scores, tbts in rows:
        print(
            f"{name:34} {statistics.median(scores):12.2f} {min(scores):9.2f} "
            f"{statistics.median(tbts):8.0f} {max(tbts):10.0f}"
        )
    print("Targets on the interview page: performance 0.95 or more, TBT under 200 ms.")
    return 0


if __name__ == "__main__":
    sys.exit(run(main))
