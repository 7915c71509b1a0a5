"""Benchmark the Returns page against a bare Flask app, both under the same gunicorn.

Run from the repo root:  .venv/bin/python bench/returns_page.py [--seconds 5] [--concurrency 4]

It builds a throwaway SQLite database with the demo data, starts gunicorn for a bare Flask app
(bench/bare_app.py) and then for rhi, signs in as the demo worker, and hammers each with a small
keep-alive load generator. It prints requests per second and p50/p99 latency for both, and the
ratios. It exits non-zero only when something broke (a server did not start, sign-in failed,
a request failed), never because of a timing.
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from harness import (
    COOKIE_NAME,
    GUNICORN_ARGS,
    HOST,
    BenchError,
    demo_database,
    gunicorn,
    run,
    sign_in_worker,
    temp_dir,
)


@dataclass
class Result:
    target: str
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def load(
    target: str,
    port: int,
    path: str,
    headers: dict[str, str],
    concurrency: int,
    warmup: float,
    seconds: float,
) -> Result:
    """Keep-alive GETs from `concurrency` threads; count only those started after the warm-up."""
    start = time.perf_counter() + warmup
    end = start + seconds
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors = [0] * concurrency

    def worker(i: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=10)
        while True:
            t0 = time.perf_counter()
            if t0 >= end:
                break
            ok = False
            try:
                conn.request("GET", path, headers=headers)
                resp = conn.getresponse()
                resp.read()  # drain the body so the connection can be reused
                ok = resp.status == 200
            except (OSError, http.client.HTTPException):
                conn.close()  # reconnects on the next request
            if t0 >= start:
                latencies[i].append(time.perf_counter() - t0)
                errors[i] += not ok
        conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    times = sorted(x for per_thread in latencies for x in per_thread)
    if not times:
        raise BenchError(f"{target}: no requests completed")

    def pct(p: float) -> float:  # nearest-rank percentile, in ms
        return times[min(len(times) - 1, int(p * len(times)))] * 1000

    return Result(
        target, len(times), seconds, len(times) / seconds, pct(0.50), pct(0.99), sum(errors)
    )


def report(results: list[Result]) -> dict[str, float]:
    print(f"{'target':<14}{'requests':>10}{'rps':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}")
    for r in results:
        print(
            f"{r.target:<14}{r.requests:>10}{r.rps:>10.1f}{r.p50_ms:>10.2f}{r.p99_ms:>10.2f}"
            f"{r.errors:>8}"
        )
    base, page = results
    ratios = {
        "rps": page.rps / base.rps,
        "p50": page.p50_ms / base.p50_ms,
        "p99": page.p99_ms / base.p99_ms,
    }
    print(
        f"Returns page / baseline: rps x{ratios['rps']:.2f}, p50 x{ratios['p50']:.1f}, "
        f"p99 x{ratios['p99']:.1f}"
    )
    return ratios


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="measured seconds per target")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads")
    parser.add_argument("--warmup", type=float, default=1.0, help="unmeasured seconds first")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    with temp_dir("rhi-bench-") as tmp:
        env = demo_database(tmp)
        print(
            f"gunicorn {' '.join(GUNICORN_ARGS)}; {args.concurrency} clients, "
            f"{args.warmup:g} s warm-up + {args.seconds:g} s each"
        )

        results: list[Result] = []
        # (target name, gunicorn app, readiness path, measured path)
        targets = [
            ("baseline", "bench.bare_app:app", "/", "/"),
            ("returns page", "wsgi:app", "/healthz", "/returns"),
        ]
        for name, app, ready_path, path in targets:
            log = tmp / f"{name.replace(' ', '_')}.log"
            with gunicorn(app, env, log, ready_path) as port:
                headers = {}
                if path == "/returns":
                    headers["Cookie"] = f"{COOKIE_NAME}={sign_in_worker(port)}"
                results.append(
                    load(name, port, path, headers, args.concurrency, args.warmup, args.seconds)
                )

        ratios = report(results)
        if args.json:
            args.json.write_text(
                json.dumps({"results": [asdict(r) for r in results], "ratios": ratios}, indent=2)
                + "\n"
            )
        failed = [r.target for r in results if r.errors]
        if failed:
            print(f"FAILED: requests errored for {', '.join(failed)}", file=sys.stderr)
            return 1
        return 0


if __name__ == "__main__":
    sys.exit(run(main))
