"""A small world of teams, people, children and episodes for tests, with known access."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from flask import current_app

from rhi.extensions import db
from rhi.models import Child, Episode, Interview, Team, User
from rhi.models.base import utcnow
from rhi.passwords import hash_password

PASSWORD = "correct horse battery staple"


def password_hash() -> str:
    """PASSWORD's hash at the app's cost (tests run argon2 at its lowest unless marked)."""
    return _password_hash(bool(current_app.config.get("RHI_FAST_PASSWORD_HASHING")))


@cache
def _password_hash(fast: bool) -> str:
    return hash_password(PASSWORD)  # once per run and cost: argon2 is slow on purpose


@dataclass(frozen=True)
class World:
    users: dict[str, int]  # key -> id
    emails: dict[str, str]  # key -> email
    children: dict[str, int]
    episodes: dict[str, int]
    interviews: dict[str, str]  # key -> uuid, an interview in progress for episodes a and b


def add_user(key: str, role: str, team: Team | None) -> User:
    user = User(
        email=f"{key}@test.example.org",
        name=key.replace("_", " ").title(),
        role=role,
        team=team,
        password_hash=password_hash(),
    )
    db.session.add(user)
    return user


def build_world(with_interviews: bool = False) -> World:
    rhi_a, rhi_b, care = Team(name="RHI A"), Team(name="RHI B"), Team(name="Care team")
    db.session.add_all([rhi_a, rhi_b, care])
    users = {
        "worker_a": add_user("worker_a", "worker", rhi_a),
        "worker_b": add_user("worker_b", "worker", rhi_b),
        "worker_solo": add_user("worker_solo", "worker", None),
        "social_worker": add_user("social_worker", "social_worker", care),
        "social_worker_other": add_user("social_worker_other", "social_worker", None),
        "manager_a": add_user("manager_a", "manager", rhi_a),
        "manager_b": add_user("manager_b", "manager", rhi_b),
        "manager_care": add_user("manager_care", "manager", care),
        "admin": add_user("admin", "admin", None),
    }
    child_a = Child(
        first_name="Ada",
        last_name="Alpha",
        date_of_birth=date(2011, 5, 1),
        ethnicity="black_caribbean",
        legal_status="looked_after",
        social_worker=users["social_worker"],
    )
    child_b = Child(
        first_name="Ben",
        last_name="Beta",
        date_of_birth=date(2009, 2, 3),
        ethnicity="white_british",
        legal_status="child_in_need",
        social_worker=users["social_worker_other"],
    )
    now = utcnow()
    ep_a = Episode(
        child=child_a,
        police_reference="REF-A",
        risk_grade="Medium",
        dfe_type="M",
        started_at=now - timedelta(hours=30),
        returned_at=now - timedelta(hours=10),
        assigned_team=rhi_a,
        safe_and_well_notes="Tired and hungry.",
    )
    ep_b = Episode(
        child=child_b,
        police_reference="REF-B",
        risk_grade="High",
        dfe_type="M",
        started_at=now - timedelta(hours=90),
        returned_at=now - timedelta(hours=80),
        assigned_team=rhi_b,
    )
    ep_solo = Episode(
        child=child_b,
        police_reference="REF-S",
        risk_grade="Low",
        dfe_type="A",
        started_at=now - timedelta(hours=20),
        returned_at=now - timedelta(hours=2),
        assigned_worker=users["worker_solo"],
    )
    db.session.add_all([child_a, child_b, ep_a, ep_b, ep_solo])
    interviews = {}
    for key, episode in (("a", ep_a), ("b", ep_b)) if with_interviews else ():
        interview = Interview(
            status="in_progress", due_at=episode.returned_at + timedelta(hours=72), content={}
        )
        interview.episodes.append(episode)
        db.session.add(interview)
        interviews[key] = interview
    # Read back before the commit, which expires every object: read after it, each would be
    # loaded again, a query apiece (on PostgreSQL about half the time of making the world).
    db.session.flush()
    world = World(
        users={k: u.id for k, u in users.items()},
        emails={k: u.email for k, u in users.items()},
        children={"a": child_a.id, "b": child_b.id},
        episodes={"a": ep_a.id, "b": ep_b.id, "solo": ep_solo.id},
        interviews={k: i.uuid for k, i in interviews.items()},
    )
    db.session.commit()
    return world
