"""Faults (issue 16 item 6): an app instance killed with SIGKILL while tablets upload.

Run from the repo root:  .venv/bin/python bench/faults.py [--trials 40]

It starts two instances behind nginx over HTTPS, sharing a fresh PostgreSQL database with the demo
data and Redis (scripts/two_servers.py), and adds one returned episode per trial for the demo
worker's team. Each trial sends one interview written on a tablet (POST /sync/v1/interviews with
an Idempotency-Key) and, at a random moment 0-60 ms after the request leaves, kills one of the
two instances (they take turns) with SIGKILL: before the request reaches it, while it works, or
after it committed but before it answered. The "tablet" does what rhi's does: on no answer, a
502 or 503, it sends the same body with the same key again, until it gets an answer. The killed
instance is started again before the next trial.

It counts, over all trials: uploads acknowledged (a 200 naming the interview), interviews lost
(acknowledged but not in the database), duplicated (more than one row for a UUID, or two
interviews for one return), answers the tablet had to retry, and the answers by status. The
target is 0 lost and 0 duplicated. It exits non-zero when a trial lost or duplicated an
interview, or something broke (a server did not start, sign-in failed).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import threading
import time
import uuid
from collections import Counter
from contextlib import ExitStack

from harness import REPO, BenchError, run
from offline_upload import make_items, seed_episodes

sys.path.insert(0, str(REPO / "scripts"))
import two_servers  # scripts/ is not a package

from rhi.demo import DEMO_PASSWORD

ADMIN_URL = os.environ.get(
    "RHI_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = "redis://127.0.0.1:6379/8"
RETRYABLE = {502, 503, 504}


def send_until_answered(
    client: two_servers.Client, body: bytes, key: str, counts: Counter[str]
) -> dict:
    """What the tablet does: the same body and key again until the server answers."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            status, _h, session = client.request("/sync/v1/session", timeout=10)
            if status != 200:
                counts[f"session {status}"] += 1
                time.sleep(0.1)
                continue
            token = json.loads(session)["csrf_token"]
            status, _headers, answer = client.request(
                "/sync/v1/interviews",
                body,
                {
                    "Content-Type": "application/json",
                    "Idempotency-Key": key,
                    **client.change_headers(token, "/returns"),
                },
                timeout=30,
            )
        except (OSError, ValueError, KeyError) as exc:  # no answer, or not the session's JSON
            counts[f"no answer ({type(exc).__name__})"] += 1
            time.sleep(0.1)
            continue
        counts[str(status)] += 1
        if status in RETRYABLE:
            time.sleep(0.1)
            continue
        if status != 200:
            raise BenchError(f"the upload was answered {status}: {answer[:300]!r}")
        return json.loads(answer)["results"][0]
    raise BenchError("no answer for 120 s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=40)
    args = parser.parse_args()
    rng = random.Random(16)
    counts: Counter[str] = Counter()
    with ExitStack() as stack:
        database_url = stack.enter_context(two_servers.demo_database(ADMIN_URL))
        os.environ["RHI_DATABASE_URL"] = database_url  # for the seeding below
        episode_ids = seed_episodes(args.trials)
        items = make_items(episode_ids)
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
        servers = stack.enter_context(two_servers.serve(database_url, REDIS_URL))
        client = two_servers.Client(servers.url)
        status, _headers = client.sign_in("worker@example.org", DEMO_PASSWORD)
        if status != 302:
            raise BenchError(f"sign-in answered {status}")
        addresses = list(servers.instances)
        acknowledged: list[str] = []
        started = time.monotonic()
        for trial, item in enumerate(items):
            body = json.dumps({"items": [item], "device_id": "tab-faults"}).encode()
            victim = addresses[trial % 2]
            delay = rng.uniform(0, 0.06)
            killer = threading.Timer(delay, servers.kill, args=(victim,))
            killer.start()
            result = send_until_answered(client, body, uuid.uuid4().hex, counts)
            killer.join()
            if result.get("outcome") not in {"created", "unchanged"}:
                raise BenchError(f"trial {trial}: outcome {result}")
            acknowledged.append(item["uuid"])
            servers.restart(victim)
        elapsed = time.monotonic() - started

        from sqlalchemy import create_engine, text

        engine = create_engine(database_url)
        with engine.connect() as conn:
            rows = Counter(
                conn.execute(
                    text("SELECT uuid FROM interviews WHERE uuid = ANY(:uuids)"),
                    {"uuids": acknowledged},
                ).scalars()
            )
            per_return = conn.execute(
                text(
                    "SELECT count(*) FROM (SELECT episode_id FROM interview_episodes "
                    "WHERE episode_id = ANY(:ids) GROUP BY episode_id HAVING count(*) > 1) x"
                ),
                {"ids": episode_ids},
            ).scalar_one()
        engine.dispose()
    lost = sum(1 for u in acknowledged if rows[u] == 0)
    duplicated = sum(1 for n in rows.values() if n > 1) + per_return
    print(f"{args.trials} trials in {elapsed:.0f} s: one instance of two killed (SIGKILL) during")
    print("each upload, 0-60 ms after it was sent; the tablet retried as rhi's does.")
    print(f"  acknowledged: {len(acknowledged)}   lost: {lost}   duplicated: {duplicated}")
    print(
        "  answers seen by the tablet: " + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))
    )
    if lost or duplicated:
        print("FAILED: an acknowledged upload was lost or duplicated", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(run(main))
