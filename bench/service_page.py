"""The service page with a council's history: 50,000 episodes and 20,000 interviews, against the
manager's Returns page in the same run (issue 15 item 7: p95 under 300 ms on this machine).

Run from the repo root:  .venv/bin/python bench/service_page.py [--episodes 50000]
    [--interviews 20000] [--requests 60]

It builds a throwaway SQLite database with the demo data, adds the history in bulk (children of
the demo manager's team, each with several past episodes; the first `--interviews` of them with
an interview, offered, some held in time, some late, some declined), serves rhi with gunicorn,
signs in as the demo manager and asks each page `--requests` times, one after another. Prints
p50 and p95 of each page and of /healthz, and the service page's figures for the year (so the
history is seen to be counted). Exits non-zero only when something broke, never for a timing.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import sys
import time
from datetime import date, datetime, timedelta

from harness import (
    COOKIE_NAME,
    HOST,
    BenchError,
    demo_database,
    gunicorn,
    run,
    session_cookie,
    sign_in,
    temp_dir,
)

MANAGER = "manager@example.org"  # the demo manager (team North)
BATCH = 5_000


def seed(env: dict[str, str], episodes: int, interviews: int) -> None:
    """Bulk-insert the history straight into the tables (the app's own models' tables)."""
    os.environ.update(env)
    from sqlalchemy import insert, select

    from rhi import create_app
    from rhi.extensions import db
    from rhi.models import Child, Episode, Interview, Team, interview_episodes

    app = create_app()
    rng = random.Random(7)
    now = datetime.utcnow().replace(microsecond=0)
    with app.app_context():
        team_id = db.session.scalar(
            select(Team.id).where(Team.name == "Missing Children Team North")
        )
        children = max(1, episodes // 10)
        first_child = (db.session.scalar(select(db.func.max(Child.id))) or 0) + 1
        rows = [
            {
                "id": first_child + i,
                "first_name": f"Bench{i}",
                "last_name": "History",
                "date_of_birth": date(2010 + i % 7, 1 + i % 12, 1 + i % 28),
                "legal_status": "looked_after" if i % 3 == 0 else "none",
                "ethnicity": ("white_british", "black_african", "asian_pakistani", "mixed_other")[
                    i % 4
                ],
                "home_authority": "Westshire Council",
                "placing_authority": "Eastshire Council" if i % 7 == 0 else None,
                "team_id": team_id,
            }
            for i in range(children)
        ]
        for start in range(0, len(rows), BATCH):
            db.session.execute(insert(Child), rows[start : start + BATCH])
        first_episode = (db.session.scalar(select(db.func.max(Episode.id))) or 0) + 1
        first_interview = (db.session.scalar(select(db.func.max(Interview.id))) or 0) + 1
        episode_rows, interview_rows, links = [], [], []
        # Episodes go to children in turn; each child's episodes, in order, are shared out
        # among its interviews (an interview may cover several returns), so every past return
        # has an interview with an outcome, as in a council's real history, and none of this
        # history is still waiting on anyone's Returns page.
        per_child = max(1, interviews // children)
        made: dict[int, datetime] = {}  # an interview's slot -> when it had its outcome
        first_back: dict[int, datetime] = {}  # an interview's slot -> its first return
        for i in range(episodes):
            returned = now - timedelta(hours=rng.randint(100, 5 * 365 * 24))
            child_index, nth = i % children, i // children
            episode_rows.append(
                {
                    "id": first_episode + i,
                    "child_id": first_child + child_index,
                    "risk_grade": rng.choice(("Low", "Medium", "High")),
                    "dfe_type": "M",
                    "started_at": returned - timedelta(hours=rng.randint(2, 90)),
                    "returned_at": returned,
                    "assigned_team_id": team_id,
                    # As rhi/episodes/holding.py keeps it (a bulk insert passes no flush).
                    "held_by_team_id": team_id,
                }
            )
            slot = child_index * per_child + nth * per_child // max(1, episodes // children)
            if slot >= interviews:
                continue
            links.append({"interview_id": first_interview + slot, "episode_id": first_episode + i})
            first_back[slot] = min(first_back.get(slot, returned), returned)
            if slot in made:
                # Closed when its interview had its outcome, as rhi/episodes/closing.py keeps
                # it (a bulk insert does not pass through the app's flush).
                episode_rows[-1]["closed_at"] = made[slot]
                continue  # made with this interview's first return
            offered = returned + timedelta(hours=rng.randint(1, 30))
            held = returned + timedelta(hours=rng.randint(5, 120))
            declined = slot % 9 == 0
            made[slot] = offered if declined else held
            episode_rows[-1]["closed_at"] = made[slot]
            late = held >= returned + timedelta(hours=72)
            interview_rows.append(
                {
                    "id": first_interview + slot,
                    "uuid": f"00000000-0000-4000-8000-{slot:012d}",
                    "child_id": first_child + child_index,
                    "status": "declined" if declined else "finished",
                    "due_at": returned + timedelta(hours=72),
                    "offered_at": offered,
                    "accepted_at": None if declined else offered,
                    "declined_at": offered if declined else None,
                    "held_at": None if declined else held,
                    "finished_at": None if declined else held,
                    "outcome": "declined" if declined else "held",
                    "delay_reason": "worker_capacity" if late else None,
                    "content": {},
                }
            )
        # An interview's deadline runs from the first return it covers, as rhi sets it
        # (rhi/episodes/service.py); the loop made it from the first one dealt to it.
        for row in interview_rows:
            row["due_at"] = first_back[row["id"] - first_interview] + timedelta(hours=72)
        for start in range(0, len(episode_rows), BATCH):
            db.session.execute(insert(Episode), episode_rows[start : start + BATCH])
        for start in range(0, len(interview_rows), BATCH):
            db.session.execute(insert(Interview), interview_rows[start : start + BATCH])
        for start in range(0, len(links), BATCH):
            db.session.execute(insert(interview_episodes), links[start : start + BATCH])
        db.session.commit()


def timed(port: int, path: str, cookie: str, count: int) -> tuple[float, float, int]:
    """p50 and p95 in ms of `count` GETs one after another, and the last body's length."""
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    times, size = [], 0
    for _ in range(count + 3):  # three to warm up, not counted
        begun = time.perf_counter()
        conn.request("GET", path, headers={"Cookie": f"{COOKIE_NAME}={cookie}"})
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise BenchError(f"{path} answered {response.status}")
        times.append((time.perf_counter() - begun) * 1000)
        size = len(body)
    conn.close()
    counted = sorted(times[3:])

    def pct(p: float) -> float:
        return counted[max(0, min(len(counted) - 1, round(p * len(counted) + 0.5) - 1))]

    return pct(0.5), pct(0.95), size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=50_000)
    parser.add_argument("--interviews", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    with temp_dir("rhi-bench-service-") as tmp:
        env = demo_database(tmp)
        began = time.perf_counter()
        seed(env, args.episodes, args.interviews)
        print(
            f"seeded {args.episodes:,} episodes and {args.interviews:,} interviews "
            f"in {time.perf_counter() - began:.1f} s"
        )
        with gunicorn("wsgi:app", env, tmp / "gunicorn.log") as port:
            cookie, status, body = sign_in(port, MANAGER, "/service?period=collection_year")
            if status != 200 or "Returns with an interview held" not in body:
                raise BenchError(f"the service page answered {status}")
            cookie = session_cookie(cookie)
            pages = [
                ("/healthz (baseline)", "/healthz"),
                ("manager's Returns", "/returns"),
                ("service page, this month", "/service"),
                ("service page, collection year", "/service?period=collection_year"),
            ]
            print(f"{'page':34} {'p50 ms':>8} {'p95 ms':>8} {'bytes':>8}")
            for label, path in pages:
                p50, p95, size = timed(port, path, cookie, args.requests)
                print(f"{label:34} {p50:8.1f} {p95:8.1f} {size:8,}")
    return 0


if __name__ == "__main__":
    sys.exit(run(main))
