"""Benchmark the import of police notifications.

Run from the repo root:  .venv/bin/python bench/import_notifications.py [ROWS]

One run, in process, on throwaway SQLite databases: a generated file of 10,000 notifications
(by default; fictional children, each new to rhi, a third of them back already) is imported as
`flask rhi import-notifications` does it (read with the size cap, decoded, columns guessed,
every row checked, matched and applied in its own SAVEPOINT, every change audited). Its time and
peak Python memory (tracemalloc) are printed beside:

- the same file imported again (every row unchanged: the idempotent path);
- the baseline: the same children and episodes inserted directly with SQLAlchemy into a fresh
  database of the same schema (one add_all and one commit: no checks, no matching, no audit).

Peak memory is measured in a second pass of each (tracemalloc slows allocation, so the times
come from a pass without it).

It prints a table; there are no timing thresholds. It exits non-zero only when something broke
(a count is not the one expected).
"""

from __future__ import annotations

import io
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rhi import create_app
from rhi.episodes import imports
from rhi.episodes import imports_apply as apply
from rhi.episodes.imports_csv import guess_columns
from rhi.extensions import db
from rhi.models import Child, Episode, Team

FIRST = ["Amy", "Ben", "Cara", "Dev", "Ella", "Finn", "Gita", "Hari", "Isla", "Jon", "Kira", "Liam"]
LAST = ["Ames", "Bell", "Cole", "Dunn", "Ellis", "Frost", "Grant", "Hale", "Ives", "Jakes"]
HEADER = "Police Ref,Forename,Surname,DOB,Reported Missing,Returned/Found,Risk Grade,Missing From"
START = datetime(2026, 10, 1, 8, 0)


def rows(count: int) -> list[dict[str, Any]]:
    """Fictional notifications, each for a different child (unique name and date of birth)."""
    rng = random.Random(13)
    made = []
    for i in range(count):
        started = START + timedelta(minutes=7 * i)
        made.append(
            {
                "ref": f"BENCH-{i:06d}",
                "first": rng.choice(FIRST),
                "last": f"{rng.choice(LAST)}{i}",
                "dob": date(2008, 1, 1) + timedelta(days=i % 3000),
                "started": started,
                "returned": started + timedelta(hours=9) if i % 3 == 0 else None,
                "grade": rng.choice(["Low", "Medium", "High"]),
            }
        )
    return made


def csv_bytes(notifications: list[dict[str, Any]]) -> bytes:
    lines = [HEADER]
    for n in notifications:
        back = n["returned"].strftime("%d/%m/%Y %H:%M") if n["returned"] else ""
        lines.append(
            f"{n['ref']},{n['first']},{n['last']},{n['dob']:%d/%m/%Y},"
            f"{n['started']:%d/%m/%Y %H:%M},{back},{n['grade']},Home"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def app_on(folder: Path, name: str) -> Any:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / name}",
            "SECRET_KEY": "bench-" + "k" * 30,
            "RHI_TIMEZONE": "UTC",  # the file's times are the stored ones (no DST to convert)
        }
    )
    with app.app_context():
        db.create_all()
        db.session.add(Team(name="Bench team"))
        db.session.commit()
    return app


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    began = time.perf_counter()
    result = work()
    return time.perf_counter() - began, result


def peak(work: Callable[[], Any]) -> int:
    """Peak Python memory while `work` runs. A pass of its own: tracemalloc slows every
    allocation several times over, so its times would not be the import's."""
    tracemalloc.start()
    work()
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return top


def import_file(app: Any, data: bytes) -> dict[str, int]:
    with app.app_context():
        team_id = db.session.query(Team.id).scalar()
        table = imports.read_file(io.BytesIO(data), limit=len(data))
        actor = apply.Actor(None, team_id, "bench")
        plans = imports.run(
            imports.rows_of(table, guess_columns(table.headers)), actor, "bench", dry_run=False
        )
        db.session.commit()
        return apply.counts(plans)


def insert_directly(app: Any, notifications: list[dict[str, Any]]) -> int:
    with app.app_context():
        team_id = db.session.query(Team.id).scalar()
        for n in notifications:
            child = Child(
                first_name=n["first"], last_name=n["last"], date_of_birth=n["dob"], team_id=team_id
            )
            db.session.add(
                Episode(
                    child=child,
                    police_reference=n["ref"],
                    risk_grade=n["grade"],
                    dfe_type="M",
                    started_at=n["started"],
                    returned_at=n["returned"],
                    missing_from="Home",
                    reported_by="police",
                )
            )
        db.session.commit()
        return db.session.query(Episode).count()


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    notifications = rows(count)
    data = csv_bytes(notifications)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        importing, direct = app_on(folder, "import.sqlite3"), app_on(folder, "direct.sqlite3")
        first = timed(lambda: import_file(importing, data))
        again = timed(lambda: import_file(importing, data))
        baseline = timed(lambda: insert_directly(direct, notifications))
        memory = {
            "first": peak(lambda: import_file(app_on(folder, "m1.sqlite3"), data)),
            "again": peak(lambda: import_file(importing, data)),
            "baseline": peak(lambda: insert_directly(app_on(folder, "m2.sqlite3"), notifications)),
        }
    # A few generated names come close to another's with the same birthday ("Amy Ames12" and
    # "Amy Ames120"): those wait for a person, as they would in a real file.
    waiting = first[1][apply.WAITING]
    if first[1][apply.NEW] + waiting != count or again[1][apply.UNCHANGED] + waiting != count:
        print(f"Unexpected outcomes: first {first[1]}, again {again[1]}", file=sys.stderr)
        return 1
    if baseline[1] != count:  # the baseline makes every row, with no check
        print(f"Direct insert made {baseline[1]} episodes, not {count}", file=sys.stderr)
        return 1
    print(f"Importing {count:,} notifications ({len(data) / 1e6:.2f} MB CSV), SQLite, one process")
    print(f"{'':38} {'seconds':>8} {'ms/row':>7} {'peak MiB':>9}")
    for label, (seconds, _), key in (
        ("import (all new)", first, "first"),
        ("import again (all unchanged)", again, "again"),
        ("baseline: direct SQLAlchemy insert", baseline, "baseline"),
    ):
        mib = memory[key] / 2**20
        print(f"{label:38} {seconds:8.2f} {1000 * seconds / count:7.3f} {mib:9.1f}")
    print(f"import / baseline: {first[0] / baseline[0]:.1f}x ({waiting} rows wait for a person)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
