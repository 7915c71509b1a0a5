"""A child's record trail reads in words a manager understands: what was done, to which record,
and who did it, named; never the audit's codes, database numbers or interview ids. A probe: the
trail showed "episode.allocate (to team 2)", "summary.share (to social worker 4)", "child_profile
19" and an interview's uuid, and changes sent by the police's system showed Who "Unknown"."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from sqlalchemy import select

from rhi import audit
from rhi.extensions import db
from rhi.models import Episode, Team, User
from rhi.timefmt import format_date, to_local
from tests.app.helpers import start
from tests.app.test_import_api import make_token, send
from tests.conftest import Web

TAGS = re.compile(r"<[^>]+>")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _trail(app, world, key: str) -> str:
    web = Web(app.test_client())
    web.sign_in(world.emails[key])
    response = web.get(f"/children/{world.children['a']}/audit")
    assert response.status_code == 200
    return " ".join(html.unescape(TAGS.sub(" ", response.get_data(as_text=True))).split())


def test_a_manager_reads_each_row_of_the_trail_in_words(app, web, world):
    # The police's system corrects when Ada came back, through the API (no person signed in).
    token = make_token(web, world)
    with app.app_context():
        episode = db.session.get(Episode, world.episodes["a"])
        started = to_local(episode.started_at).strftime("%Y-%m-%d %H:%M")
        back = episode.returned_at - timedelta(hours=1)
        back_words = format_date(to_local(back).date())
        returned = to_local(back).strftime("%Y-%m-%d %H:%M")
    web.sign_out()
    sent = send(
        app.test_client(),
        token,
        {
            "notifications": [
                {
                    "police_reference": "REF-A",
                    "first_name": "Ada",
                    "last_name": "Alpha",
                    "date_of_birth": "2011-05-01",
                    "reported_missing": started,
                    "returned": returned,
                    "risk_grade": "medium",
                }
            ]
        },
    )
    assert sent.status_code == 200, sent.get_json()

    uuid = start(web, world)  # worker_a offers the interview; Ada says yes
    web.get(f"/children/{world.children['a']}/profile")  # worker_a looks at the profile
    with app.app_context():
        episode = db.session.get(Episode, world.episodes["a"])
        manager = db.session.get(User, world.users["manager_a"])
        worker = db.session.get(User, world.users["worker_a"])
        social_worker = db.session.get(User, world.users["social_worker"])
        team_a = db.session.scalar(select(Team).where(Team.name == "RHI A"))
        from rhi.episodes import allocation

        allocation.allocate(episode, manager, worker=worker)
        waiting = Episode(  # a second return, waiting to be allocated
            child_id=world.children["a"],
            risk_grade="Low",
            dfe_type="M",
            started_at=episode.started_at - timedelta(days=20),
            returned_at=episode.started_at - timedelta(days=19),
        )
        db.session.add(waiting)
        db.session.flush()
        allocation.allocate(waiting, manager, team=team_a)
        # As rhi/summaries/service.py and the profile's form write them (making a summary's
        # PDF and filling the profile's form are tested where they are made).
        audit.record(
            "summary.share",
            user=worker,
            object_type="interview",
            object_id=uuid,
            child_id=world.children["a"],
            detail=f"to social worker {social_worker.id}",
        )
        audit.record(
            "child.profile.update",
            user=worker,
            object_type="child_profile",
            object_id=world.children["a"],
            child_id=world.children["a"],
            detail="changed: places_known, transport",
        )
        db.session.commit()
        team_a_id, social_worker_id = team_a.id, social_worker.id

    trail = _trail(app, world, "manager_a")

    assert "Allocated the return" in trail
    assert "to Worker A" in trail and "to RHI A" in trail
    assert "Shared the summary" in trail
    assert "Social Worker (social worker)" in trail
    assert "Looked at the profile" in trail
    # The offer, audited as "offered -> offered", is not a change that changed nothing.
    assert "Recorded an offer or the child's answer" in trail and "still Offered" not in trail
    assert "Changed the profile" in trail
    assert "places the child goes, transport" in trail
    assert "Changed the return" in trail and "when they came back" in trail
    assert "The child's profile" in trail
    assert f"The return on {back_words}" in trail
    assert "The interview" in trail
    # The police's system's change is theirs, by the name the administrator gave its token.
    assert "Case system (a system sending police notifications)" in trail
    assert "from a police notification sent by Case system" in trail
    assert "Unknown" not in trail

    # No code, database number or interview id.
    for code in (
        "episode.allocate",
        "summary.share",
        "child.profile",
        "child_profile",
        "episode.return",
        "returned_at",
        "interview.status",
        "interview.create",
        "episode.view",
        "offered -> ",
        f"team {team_a_id}",
        f"social worker {social_worker_id}",
        "token ",
    ):
        assert code not in trail, code
    assert not UUID.search(trail)
    assert not re.search(r"\b(?:team|user|worker|token) \d+\b", trail)
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", trail), re.search(r"\b[a-z]+_[a-z_]+\b", trail)


def test_a_row_made_by_an_import_names_its_file(app, web, world):
    """The trail's rows from an import said "in an uploaded file": which one was on the import's
    own row, which has no child (intake probe). They name the file now, escaped as any text."""
    from tests.app.test_import_notifications import ADA, batch_id, csv_bytes, upload

    web.sign_in(world.emails["manager_a"])
    response = upload(web, csv_bytes(ADA), name="police <21 Nov>.csv")
    batch = batch_id(response)
    if response.headers["Location"].endswith("/columns"):
        from tests.app.test_import_notifications import save_columns

        assert save_columns(web, batch).status_code == 302
    assert web.post(f"/imports/{batch}/apply", page=f"/imports/{batch}").status_code == 302
    raw = web.get(f"/children/{world.children['a']}/audit").get_data(as_text=True)
    assert "<21 Nov>" not in raw  # escaped
    said = _trail(app, world, "manager_a")
    assert "in the uploaded file \u201cpolice <21 Nov>.csv\u201d" in said
    assert "in an uploaded file" not in said
