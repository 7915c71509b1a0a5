"""Benchmark: does the time a refused sign-in takes tell anything?

Run from the repo root:  .venv/bin/python bench/sign_in_timing.py [--pairs 30]

The app (full-strength argon2, a throwaway SQLite file) answers four kinds of refused sign-in,
interleaved so that load on the machine weighs on all alike:

- a known email with a wrong password (the baseline);
- an email that is no one's;
- the right password from an address that is paused after five failures;
- another known email with a wrong password, from a free address.

It prints the median and p95 of each and its ratio to the baseline. The suite checks that every
way does the same work (tests/app/test_auth.py); this shows what that work costs in time. The
exit code is non-zero only when an answer was not the refusal (401), never because of a timing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from itertools import count
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness import csrf_token_in  # bench/, this script's own folder

from rhi import create_app  # after the repo is put on the path, above
from rhi.extensions import db
from rhi.models import User
from rhi.passwords import hash_password

PASSWORD = "correct horse battery staple"
PAUSED_ADDRESS = "10.200.0.1"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=30, help="timed rounds of the four kinds")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.sqlite3'}",
                "SECRET_KEY": "bench",
                "RHI_SIGN_IN_RATE_LIMIT": "100000 per minute",
            }
        )
        with app.app_context():
            db.create_all()
            for name in ("known", "other"):
                db.session.add(
                    User(
                        email=f"{name}@bench.example.org",
                        name=name.title(),
                        role="worker",
                        password_hash=hash_password(PASSWORD),
                    )
                )
            db.session.commit()
        return _measure(app, args.pairs)


def _measure(app, pairs: int) -> int:
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = csrf_token_in(page)
    addresses = (f"10.{n // 250 % 250}.{n % 250}.1" for n in count(1))
    failures: list[str] = []

    def attempt(email: str, password: str, address: str) -> float:
        data = {"csrf_token": token, "email": email, "password": password}
        start = time.perf_counter()
        response = client.post("/sign-in", data=data, environ_base={"REMOTE_ADDR": address})
        elapsed = time.perf_counter() - start
        if response.status_code != 401:
            failures.append(f"{email} from {address}: {response.status_code}")
        return elapsed

    kinds: dict[str, Callable[[int], float]] = {
        "known email, wrong password (baseline)": lambda n: attempt(
            "known@bench.example.org", "wrong password", next(addresses)
        ),
        "no one's email": lambda n: attempt(f"nobody{n}@bench.example.org", "x", next(addresses)),
        "paused address, right password": lambda n: attempt(
            "known@bench.example.org", PASSWORD, PAUSED_ADDRESS
        ),
        "other known email, wrong password": lambda n: attempt(
            "other@bench.example.org", "wrong password", next(addresses)
        ),
    }
    for _ in range(5):  # pause the address; also warms up
        attempt("known@bench.example.org", "wrong password", PAUSED_ADDRESS)
    times: dict[str, list[float]] = {kind: [] for kind in kinds}
    for n in range(pairs):
        for kind, run in kinds.items():
            times[kind].append(run(n))
    baseline = statistics.median(times[next(iter(kinds))])
    print(f"{'refused sign-in':40} {'median':>9} {'p95':>9} {'ratio':>6}   ({pairs} each)")
    for kind, runs in times.items():
        median = statistics.median(runs)
        p95 = statistics.quantiles(runs, n=20)[-1]
        print(f"{kind:40} {median * 1000:7.1f}ms {p95 * 1000:7.1f}ms {median / baseline:6.2f}")
    for failure in failures:
        print("not refused:", failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
