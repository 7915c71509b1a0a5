"""Every role x every route that shows or changes a child's data x a record they may see and one
they may not. Refusal of an unseen record is 404 (its existence is itself sensitive).

The coordinator (`coordinator_a`, in team RHI A beside `manager_a`) sees the team's children and
episodes as its manager does, and refuses to open every interview, even the team's own."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from rhi.extensions import db
from rhi.interviews import content as c
from rhi.models import AuditEvent, Interview, SyncConflict, Team
from tests.app.helpers import prepared_file

COORDINATOR = "coordinator_a"

# role key -> (episode they may see, episode they may not see)
EPISODE_ACCESS = {
    "worker_a": ("a", "b"),
    "worker_b": ("b", "a"),
    "worker_solo": ("solo", "a"),
    "social_worker": ("a", "b"),
    "social_worker_other": ("b", "a"),
    "manager_a": ("a", "b"),
    "manager_b": ("b", "a"),
    COORDINATOR: ("a", "b"),
    "admin": (None, "a"),
}
# role key -> (child they may see, child they may not see)
CHILD_ACCESS = {
    "worker_a": ("a", "b"),
    "worker_b": ("b", "a"),
    "worker_solo": ("b", "a"),
    "social_worker": ("a", "b"),
    "social_worker_other": ("b", "a"),
    "manager_a": ("a", "b"),
    "manager_b": ("b", "a"),
    COORDINATOR: ("a", "b"),
    "admin": (None, "a"),
}

EPISODE_READS = ["/episodes/{id}"]
EPISODE_CHANGES = [
    (
        "/episodes/{id}/attempts",
        {"attempted_at": "2026-11-23T11:00", "method": "phone", "outcome": "no_answer"},
    ),
    ("/episodes/{id}/offer", {"offered_at": "2026-11-23T11:00", "method": "phone"}),
    ("/episodes/{id}/accept", {"accepted_at": "2026-11-23T11:00"}),
    (
        "/episodes/{id}/decline",
        {"declined_at": "2026-11-23T11:00", "reason": "Not now.", "offer_again": "yes"},
    ),
    # Last: an outcome ends the return (issue 13, item 6).
    (
        "/episodes/{id}/outcome",
        {
            "outcome": "not_interviewed",
            "outcome_at": "2026-11-23T11:00",  # after the child came back
            "reason": "Police interviewing this week.",
            "decided_by": "Team manager",
        },
    ),
]
CHILD_READS = ["/children/{id}"]
INTERVIEW_READS = ["/interviews/{id}/start", "/interviews/{id}/review"]
DECIDER = {"a": "manager_a", "b": "manager_b"}  # who may decide to share, by interview
INTERVIEW_CHANGES = [
    ("/interviews/{id}/save", {"f:sections.before.text": "Hello", "o:sections.before.text": ""}),
    ("/interviews/{id}/items/people", {}),
    (
        "/interviews/{id}/overrides",
        {
            "recipient": "police",
            "parts": "away",
            "reason": "Risk of harm.",
            "decider": "{decider}",  # the manager of the team holding the interview's return
            "child_told": "told",
        },
    ),
    ("/interviews/{id}/addenda", {"text": "A later note."}),
    # Interview b is past its deadline: finishing it late asks why (issue 13, item 6).
    ("/interviews/{id}/finish", {"delay_reason": "worker_capacity", "delay_note": "Two off sick."}),
]
INTERVIEW_COPIES = ["/interviews/{id}/copies/police.pdf"]
# Versions sent from a tablet: reading them is for those who may choose (recording roles).
VERSIONS_READS = ["/interviews/{id}/versions"]
VERSIONS_CHANGES = [("/interviews/{id}/versions/{conflict}", {"action": "choose", "version": "1"})]


def add_coordinator(world) -> None:
    """A coordinator in team RHI A, added to the world's users (tests/world.py has none)."""
    from tests.world import add_user

    team = db.session.scalar(select(Team).where(Team.name == "RHI A"))
    user = add_user(COORDINATOR, "coordinator", team)
    db.session.commit()
    world.users[COORDINATOR] = user.id
    world.emails[COORDINATOR] = user.email


@pytest.fixture
def world(app):
    """The shared world, plus an interview in progress for episodes a and b, and a
    coordinator."""
    from tests.world import build_world

    with app.app_context():
        built = build_world(with_interviews=True)
        add_coordinator(built)
        return built


CAN_CHANGE = {"worker_a", "worker_b", "worker_solo", "manager_a", "manager_b"}


@pytest.mark.parametrize("role", sorted(EPISODE_ACCESS))
def test_episode_routes(role, web, world):
    web.sign_in(world.emails[role])
    allowed, forbidden = EPISODE_ACCESS[role]
    for url in EPISODE_READS:
        if allowed:
            assert web.get(url.format(id=world.episodes[allowed])).status_code == 200
        assert web.get(url.format(id=world.episodes[forbidden])).status_code == 404
    for url, data in EPISODE_CHANGES:
        if allowed:
            status = web.post(url.format(id=world.episodes[allowed]), data).status_code
            assert status == (302 if role in CAN_CHANGE else 403), (role, url)
        status = web.post(url.format(id=world.episodes[forbidden]), data).status_code
        assert status == 404, (role, url)


# The world's interviews cover episodes a and b. The coordinator sees episode a, and is refused
# its interview as if it did not exist.
INTERVIEW_ACCESS = {
    role: (allowed if allowed in ("a", "b") else None, forbidden)
    for role, (allowed, forbidden) in EPISODE_ACCESS.items()
}
INTERVIEW_ACCESS[COORDINATOR] = (None, "a")


@pytest.mark.parametrize("role", sorted(INTERVIEW_ACCESS))
def test_interview_routes(role, web, world):
    web.sign_in(world.emails[role])
    allowed, forbidden = INTERVIEW_ACCESS[role]
    for url in INTERVIEW_READS:
        if allowed:
            assert web.get(url.format(id=world.interviews[allowed])).status_code == 200
        assert web.get(url.format(id=world.interviews[forbidden])).status_code == 404
    for url in INTERVIEW_COPIES:
        if allowed:
            expected = 200 if role in CAN_CHANGE else 403
            assert web.get(url.format(id=world.interviews[allowed])).status_code == expected
        assert web.get(url.format(id=world.interviews[forbidden])).status_code == 404
    for url, data in INTERVIEW_CHANGES:
        if allowed:
            decider = str(world.users[DECIDER[allowed]])
            data = {k: decider if v == "{decider}" else v for k, v in data.items()}
            status = web.post(url.format(id=world.interviews[allowed]), data).status_code
            # Let through, an addendum to an interview still open is refused for that (409).
            done = 409 if url.endswith("/addenda") else 302
            assert status in ((done,) if role in CAN_CHANGE else (403,)), (role, url, status)
        status = web.post(url.format(id=world.interviews[forbidden]), data).status_code
        assert status == 404, (role, url)


def _tablet_versions(app, world) -> dict[str, int]:
    """A version from a tablet waiting for each of the world's interviews: key -> its id."""
    with app.app_context():
        ids = {}
        for key, uuid in world.interviews.items():
            interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
            conflict = SyncConflict(
                interview_id=interview.id,
                device_uuid=uuid,
                base_version=None,
                content=c.set_field(c.empty_content(), "sections.away.text", "From a tablet."),
                content_hash="0" * 64,
            )
            db.session.add(conflict)
            db.session.flush()
            ids[key] = conflict.id
        db.session.commit()
        return ids


@pytest.mark.parametrize("role", sorted(INTERVIEW_ACCESS))
def test_versions_routes(role, app, web, world):
    conflicts = _tablet_versions(app, world)
    web.sign_in(world.emails[role])
    allowed, forbidden = INTERVIEW_ACCESS[role]
    for url in VERSIONS_READS:
        if allowed:
            expected = 200 if role in CAN_CHANGE else 403
            assert web.get(url.format(id=world.interviews[allowed])).status_code == expected
        assert web.get(url.format(id=world.interviews[forbidden])).status_code == 404
    for url, data in VERSIONS_CHANGES:
        if allowed:
            status = web.post(
                url.format(id=world.interviews[allowed], conflict=conflicts[allowed]), data
            ).status_code
            assert status == (302 if role in CAN_CHANGE else 403), (role, url, status)
        status = web.post(
            url.format(id=world.interviews[forbidden], conflict=conflicts[forbidden]), data
        ).status_code
        assert status == 404, (role, url)


@pytest.mark.parametrize("role", sorted(CHILD_ACCESS))
def test_child_routes(role, web, world):
    web.sign_in(world.emails[role])
    allowed, forbidden = CHILD_ACCESS[role]
    for url in CHILD_READS:
        if allowed:
            page = web.get(url.format(id=world.children[allowed]))
            assert page.status_code == 200
        assert web.get(url.format(id=world.children[forbidden])).status_code == 404
    audit_url = "/children/{id}/audit"
    if allowed:
        expected = 200 if role.startswith("manager") else 403
        assert web.get(audit_url.format(id=world.children[allowed])).status_code == expected
    assert web.get(audit_url.format(id=world.children[forbidden])).status_code == 404


@pytest.mark.parametrize("role", sorted(CHILD_ACCESS))
def test_child_photo_route(role, app, web, world):
    """A standing profile's photo is served to whoever may see the child, and to nobody else
    (404, as for the child's other records)."""
    from rhi.models import ChildPhoto

    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
    with app.app_context():
        for key in ("a", "b"):
            db.session.add(
                ChildPhoto(child_id=world.children[key], content_type="image/png", data=png)
            )
        db.session.commit()
    web.sign_in(world.emails[role])
    allowed, forbidden = CHILD_ACCESS[role]
    if allowed:
        shown = web.get(f"/children/{world.children[allowed]}/photo")
        assert shown.status_code == 200 and shown.data == png, role
        assert shown.headers["Cache-Control"] == "no-store"
    assert web.get(f"/children/{world.children[forbidden]}/photo").status_code == 404, role


CHILD_RECORDERS = {"manager_a", "manager_b", COORDINATOR}


def _child_details(world, key: str) -> dict[str, str]:
    """The world's child `key` as the edit form posts it, with a school added."""
    if key == "a":
        details = {"first_name": "Ada", "last_name": "Alpha", "date_of_birth": "01/05/2011"}
        details |= {"ethnicity": "black_caribbean", "legal_status": "looked_after"}
        social_worker = world.users["social_worker"]
    else:
        details = {"first_name": "Ben", "last_name": "Beta", "date_of_birth": "03/02/2009"}
        details |= {"ethnicity": "white_british", "legal_status": "child_in_need"}
        social_worker = world.users["social_worker_other"]
    return details | {"social_worker_id": str(social_worker), "school": "Hillside Academy"}


PROFILE = {"description": "Tall, short dark hair.", "base_change": "0"}
# Rendering a PDF takes half a second: these roles print one; every role is refused another's.
PRINTS = {"social_worker", "worker_solo", COORDINATOR}


@pytest.mark.parametrize("role", sorted(CHILD_ACCESS))
def test_child_record_routes(role, web, world):
    """Adding and editing a child is for managers and coordinators; the standing profile for
    everyone around the child; the PDF for anyone who may see the child."""
    web.sign_in(world.emails[role])
    allowed, forbidden = CHILD_ACCESS[role]
    recorder = role in CHILD_RECORDERS
    assert web.get("/children/new").status_code == (200 if recorder else 403), role
    new_child = web.post("/children/new", {"first_name": ""}).status_code
    assert new_child == (422 if recorder else 403), role
    if allowed:
        child = world.children[allowed]
        assert web.get(f"/children/{child}/edit").status_code == (200 if recorder else 403)
        status = web.post(f"/children/{child}/edit", _child_details(world, allowed)).status_code
        assert status == (302 if recorder else 403), role
        assert web.get(f"/children/{child}/profile").status_code == 200, role
        assert web.post(f"/children/{child}/profile", PROFILE).status_code == 302, role
        if role in PRINTS:
            response = prepared_file(web, f"/children/{child}/profile.pdf", f"/children/{child}")
            assert response.status_code == 200
            assert response.mimetype == "application/pdf"
    other = world.children[forbidden]
    assert web.get(f"/children/{other}/edit").status_code == 404, role
    assert web.post(f"/children/{other}/edit", _child_details(world, forbidden)).status_code == 404
    assert web.get(f"/children/{other}/profile").status_code == 404, role
    assert web.post(f"/children/{other}/profile", PROFILE).status_code == 404, role
    asked = web.post(f"/children/{other}/profile.pdf", page="/children")
    assert asked.status_code == 404, role


def test_the_coordinator_opens_no_interview_content(app, web, world):
    """The team's own interview, its copies, versions and summaries, the record trail and the
    Wording page are all refused; the child's and the episode's pages show only the status."""
    conflicts = _tablet_versions(app, world)
    web.sign_in(world.emails[COORDINATOR])
    uuid = world.interviews["a"]
    for url in (
        f"/interviews/{uuid}",
        f"/interviews/{uuid}/start",
        f"/interviews/{uuid}/review",
        f"/interviews/{uuid}/copies/police.pdf",
        f"/interviews/{uuid}/copies/social_worker.pdf",
        f"/interviews/{uuid}/versions",
    ):
        assert web.get(url).status_code == 404, url
    for url, data in [
        *INTERVIEW_CHANGES,
        ("/interviews/{id}/send-summary", {}),
        (f"/interviews/{{id}}/versions/{conflicts['a']}", {"action": "choose", "version": "1"}),
    ]:
        assert web.post(url.format(id=uuid), data).status_code == 404, url
    assert web.post(f"/episodes/{world.episodes['a']}/interview").status_code == 403
    assert web.get(f"/children/{world.children['a']}/audit").status_code == 403
    assert web.get("/oversight/language").status_code == 403
    assert web.get("/inbox").status_code == 403
    copies = web.get("/sync/v1/copies").get_json()
    assert copies["copies"] == []
    page = web.get(f"/children/{world.children['a']}").get_data(as_text=True)
    assert "In progress" in page
    assert f"/interviews/{uuid}" not in page
    with app.app_context():
        refused = db.session.scalars(
            select(AuditEvent.object_id).where(
                AuditEvent.user_id == world.users[COORDINATOR], AuditEvent.outcome == "refused"
            )
        ).all()
        assert uuid in refused


@pytest.mark.parametrize("role", sorted(CHILD_ACCESS))
def test_lists_show_only_what_the_role_may_see(role, web, world):
    web.sign_in(world.emails[role])
    names = {"a": "Ada Alpha", "b": "Ben Beta"}
    allowed, forbidden = CHILD_ACCESS[role]
    for url in ("/children", "/returns"):
        response = web.get(url)
        if role == "admin" or (url == "/returns" and role.startswith("social")):
            assert response.status_code == 403
            continue
        assert response.status_code == 200, (role, url)  # coordinators too (can_see_returns)
        html = response.get_data(as_text=True)
        assert names[forbidden] not in html, (role, url)
        if allowed and url == "/children":
            assert names[allowed] in html


def test_signed_out_visitors_are_sent_to_sign_in(client, world):
    for url in (
        "/returns",
        "/children",
        f"/children/{world.children['a']}",
        f"/episodes/{world.episodes['a']}",
        "/admin/users",
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("role", ["worker_a", "social_worker", "manager_a", COORDINATOR])
def test_admin_pages_are_for_admins_only(role, web, world):
    web.sign_in(world.emails[role])
    assert web.get("/admin/users").status_code == 403


def test_refused_access_is_audited(app, web, world):
    web.sign_in(world.emails["worker_a"])
    web.get(f"/episodes/{world.episodes['b']}")
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.outcome == "refused"))
        assert event.action == "access.refused"
        assert event.user_id == world.users["worker_a"]
        assert event.object_id == str(world.episodes["b"])
        assert event.child_id == world.children["b"]


def test_a_manager_sees_the_returns_of_each_worker_in_their_team(app, web, world):
    """Issue 13: a return assigned to a named worker, not to the team, is their manager's too;
    another team's manager still gets 404."""
    from datetime import timedelta

    from rhi.models import Episode
    from rhi.models.base import utcnow
    from tests.conftest import Web

    with app.app_context():
        now = utcnow()
        episode = Episode(
            child_id=world.children["a"],
            police_reference="REF-W",
            risk_grade="Low",
            dfe_type="M",
            started_at=now - timedelta(hours=8),
            returned_at=now - timedelta(hours=2),
            assigned_worker_id=world.users["worker_a"],
        )
        db.session.add(episode)
        db.session.commit()
        episode_id = episode.id
    manager = Web(app.test_client())
    manager.sign_in(world.emails["manager_a"])
    assert manager.get(f"/episodes/{episode_id}").status_code == 200
    assert f"/episodes/{episode_id}" in manager.get("/returns").get_data(as_text=True)
    other = Web(app.test_client())
    other.sign_in(world.emails["manager_b"])
    assert other.get(f"/episodes/{episode_id}").status_code == 404


# Missing and found notifications, and allocation (issue 13 items 2 and 4) ---------------------

NOTIFICATION_RECORDERS = {"manager_a", "manager_b", COORDINATOR}
MISSING = {
    "started_at": "2026-11-19T10:00",  # before each world episode's return
    "reported_by": "police",
    "reported_to_police": "yes",
    "missing_from": "Home",
    "risk_grade": "Low",
    "dfe_type": "M",
}
# A new time away, after each world episode's return: one begun before a time away the child
# is back from since is refused (rhi/episodes/overlaps.py).
NEW_MISSING = {**MISSING, "started_at": "2026-11-23T11:00"}
FOUND = {"returned_at": "2026-11-23T08:00", "return_method": "self"}
# Who may allocate the return they see: the managers and coordinator of the team holding it.
ALLOCATORS = {"manager_a", "manager_b", COORDINATOR}


@pytest.mark.parametrize("role", sorted(EPISODE_ACCESS))
def test_notification_and_allocation_routes(role, app, web, world):
    """Recording a missing episode (on a child), its notification and its return, and
    allocating it: 403 for roles that may not, 404 for records they cannot see, every refusal
    audited."""
    web.sign_in(world.emails[role])
    allowed_child, forbidden_child = CHILD_ACCESS[role]
    allowed, forbidden = EPISODE_ACCESS[role]
    recorder = role in NOTIFICATION_RECORDERS
    if allowed_child:
        url = f"/children/{world.children[allowed_child]}/episodes/new"
        assert web.get(url).status_code == (200 if recorder else 403), role
        assert web.post(url, NEW_MISSING).status_code == (302 if recorder else 403), role
    url = f"/children/{world.children[forbidden_child]}/episodes/new"
    assert web.get(url).status_code == 404, role
    assert web.post(url, NEW_MISSING).status_code == 404, role
    if allowed:
        episode = world.episodes[allowed]
        for path, data in (("notification", MISSING), ("return", FOUND)):
            assert web.get(f"/episodes/{episode}/{path}").status_code == (
                200 if recorder else 403
            ), (role, path)
            status = web.post(f"/episodes/{episode}/{path}", data).status_code
            assert status == (302 if recorder else 403), (role, path)
        assert web.get(f"/episodes/{episode}/allocate").status_code == (
            200 if role in ALLOCATORS else 403
        ), role
    for path in ("notification", "return", "allocate"):
        assert web.get(f"/episodes/{world.episodes[forbidden]}/{path}").status_code == 404
        assert web.post(f"/episodes/{world.episodes[forbidden]}/{path}", {}).status_code == 404
    assert web.post("/notices/999/dismiss").status_code == 404
    with app.app_context():
        refused = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.user_id == world.users[role], AuditEvent.outcome == "refused"
            )
        ).all()
        # Each 404 above, and each 403, left a row (two per POST: Web.post opens "/" first).
        assert len(refused) >= 9, role


def test_allocating_moves_a_return_between_the_matrix_roles(app, web, world):
    """Allocated by RHI A's coordinator to worker_a, the return is worker_a's (and still the
    team's manager's), and not worker_b's or RHI B's manager's."""
    from rhi.models import Episode

    with app.app_context():
        episode = db.session.get(Episode, world.episodes["a"])
        episode.assigned_team_id = None  # a return nobody holds yet, of a child RHI A keeps
        episode.child.team_id = db.session.scalar(select(Team.id).where(Team.name == "RHI A"))
        db.session.commit()
    web.sign_in(world.emails[COORDINATOR])
    assert web.get(f"/episodes/{world.episodes['a']}").status_code == 200
    page = f"/episodes/{world.episodes['a']}/allocate"
    to = f"worker:{world.users['worker_a']}"
    assert web.post(page, {"to": to}, page=page).status_code == 302
    from tests.conftest import Web

    for role, expected in (
        ("worker_a", 200),
        ("manager_a", 200),
        ("worker_b", 404),
        ("manager_b", 404),
        ("worker_solo", 404),
    ):
        other = Web(app.test_client())
        other.sign_in(world.emails[role])
        assert other.get(f"/episodes/{world.episodes['a']}").status_code == expected, role


# Import of police notifications and service tokens (issue 13 item 3) -------------------------

IMPORTERS = {"manager_a", "manager_b", COORDINATOR}
IMPORT_READS = ["/imports", "/imports/waiting", "/imports/sample.csv"]


def _batch_of(app, team_name: str) -> int:
    from rhi.models import ImportBatch

    with app.app_context():
        team_id = db.session.scalar(select(Team.id).where(Team.name == team_name))
        batch = ImportBatch(
            filename="x.csv", content="Police Ref\nA-1", columns={}, team_id=team_id
        )
        db.session.add(batch)
        db.session.commit()
        return batch.id


@pytest.mark.parametrize("role", sorted(EPISODE_ACCESS))
def test_import_routes(role, app, web, world):
    """Importing is for a team's managers and coordinators (403 for everyone else, audited);
    a file another team uploaded is 404 even to them; tokens are the administrator's."""
    import io

    web.sign_in(world.emails[role])
    importer = role in IMPORTERS
    for url in IMPORT_READS:
        assert web.get(url).status_code == (200 if importer else 403), (role, url)
    empty = web.post("/imports", {"mapping_id": "0"}, page="/imports")
    assert empty.status_code == (422 if importer else 403), role
    upload = {"file": (io.BytesIO(b"Police Ref\nA-1\n"), "x.csv"), "mapping_id": "0"}
    assert web.post("/imports", upload).status_code == (302 if importer else 403), role
    assert web.post("/imports/waiting/999", {}).status_code == (404 if importer else 403)
    own = _batch_of(app, "RHI A")
    theirs = _batch_of(app, "RHI B")
    for path in ("", "/columns", "/refused.csv"):
        mine = role in {"manager_a", COORDINATOR}
        expected = (200 if mine else 404) if importer else 403
        assert web.get(f"/imports/{own}{path}").status_code == expected, (role, path)
        expected = (404 if role in {"manager_a", COORDINATOR} else 200) if importer else 403
        assert web.get(f"/imports/{theirs}{path}").status_code == expected, (role, path)
    assert web.post(f"/imports/{own}/apply").status_code in ((302, 404) if importer else (403,))
    admin = role == "admin"
    assert web.get("/admin/tokens").status_code == (200 if admin else 403), role
    assert web.post("/admin/tokens/1/revoke").status_code == (302 if admin else 403), role
    # The API takes a service token, never a session.
    assert web.client.post("/api/v1/notifications", json={"notifications": []}).status_code == 401
    with app.app_context():
        refused = db.session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.user_id == world.users[role], AuditEvent.outcome == "refused"
            )
        )
        assert refused >= (2 if importer else 5), role


# Who follows an action agreed in interview a: the interviewer's side (worker_a, manager_a) and,
# for a strategy meeting, the child's social worker too. Nobody else may read or change one.
ACTION_FOLLOWERS = {
    "safety_plan": {"worker_a", "manager_a"},
    "strategy_meeting": {"worker_a", "manager_a", "social_worker"},
}


def _action_on(app, world, interview_key: str, kind: str) -> int:
    from rhi.models import FollowedAction

    with app.app_context():
        interview = db.session.scalar(
            select(Interview).where(Interview.uuid == world.interviews[interview_key])
        )
        action = FollowedAction(
            interview_id=interview.id,
            item_id=f"{kind}-{interview_key}",
            kind=kind,
            owner_kind="worker",
            owner_id=world.users["worker_a" if interview_key == "a" else "worker_b"],
        )
        db.session.add(action)
        db.session.commit()
        return action.id


@pytest.mark.parametrize("role", sorted(EPISODE_ACCESS))
def test_action_routes(role, app, web, world):
    """The Actions list is for those who read interviews (403 for a coordinator and the admin);
    one action is 404 to anyone who does not follow it, to read or to change, audited."""
    web.sign_in(world.emails[role])
    reads = role not in {COORDINATOR, "admin"}
    assert web.get("/actions").status_code == (200 if reads else 403), role
    for kind, followers in ACTION_FOLLOWERS.items():
        action_id = _action_on(app, world, "a", kind)
        follows = role in followers
        assert web.get(f"/actions/{action_id}").status_code == (200 if follows else 404), (
            role,
            kind,
        )
        status = "held" if kind == "strategy_meeting" else "done"
        changed = web.post(
            f"/actions/{action_id}",
            {"status": status, "on": "2026-11-23", "version": "1", "note": "Agreed a plan."},
            page="/",
        )
        assert changed.status_code == (302 if follows else 404), (role, kind)
    # Another team's action is never listed.
    theirs = _action_on(app, world, "b", "safety_plan")
    listing = web.get("/actions").get_data(as_text=True)
    assert (f"/actions/{theirs}" in listing) == (role in {"worker_b", "manager_b"}), role


@pytest.mark.parametrize("role", sorted(EPISODE_ACCESS))
def test_statutory_export_routes(role, app, web, world):
    """The statutory exports (rhi/oversight/export_views.py) are for managers and coordinators,
    over the episodes they may see; everyone else: 403, audited."""
    import csv
    import io

    web.sign_in(world.emails[role])
    oversees = role in {"manager_a", "manager_b", COORDINATOR}
    urls = [
        "/service/exports",
        "/service/exports?export=ssd&year=2026",
        "/service/exports/download?export=ssd&year=2026&anyway=1",
        "/service/exports/problems?export=ssd&year=2026",
        "/service/exports/download?export=episodes&start=2026-11-01&end=2026-11-30&anyway=1",
    ]
    for url in urls:
        assert web.get(url).status_code == (200 if oversees else 403), (role, url)
    if not oversees:
        with app.app_context():
            refused = db.session.scalar(
                select(func.count(AuditEvent.id)).where(
                    AuditEvent.user_id == world.users[role], AuditEvent.action == "export.view"
                )
            )
        assert refused == len(urls), role
        return
    seen, unseen = EPISODE_ACCESS[role]
    body = web.get(urls[2]).get_data().decode("utf-8-sig")
    episode_ids = {row[0] for row in list(csv.reader(io.StringIO(body)))[1:]}
    assert str(world.episodes[seen]) in episode_ids, role
    assert str(world.episodes[unseen]) not in episode_ids, role


@pytest.mark.parametrize("role", sorted(EPISODE_ACCESS))
def test_settings_and_hand_over_routes(role, app, web, world):
    """Settings a council changes, and handing a social worker's children over: the
    administrator's only. Everyone else is refused (403: the pages are not for them), audited."""
    web.sign_in(world.emails[role])
    admin = role == "admin"
    assert web.get("/admin/settings").status_code == (200 if admin else 403), role
    posted = web.post("/admin/settings", {"deadline_hours": "48"}, page="/")
    assert posted.status_code == (302 if admin else 403), role  # fields not sent stay as they are
    leaver, successor = world.users["social_worker"], world.users["social_worker_other"]
    moved = web.post(f"/admin/users/{leaver}/hand-over", {f"h{leaver}-to_id": successor}, page="/")
    assert moved.status_code == (302 if admin else 403), role
    with app.app_context():
        from rhi.models import Child

        allocated = db.session.scalar(
            select(Child.social_worker_id).where(Child.id == world.children["a"])
        )
        assert allocated == (successor if admin else leaver), role
        refused = db.session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.user_id == world.users[role],
                AuditEvent.object_type == "settings",
                AuditEvent.outcome == "refused",
            )
        )
        assert refused == (0 if admin else 3), role


@pytest.mark.parametrize("role", sorted(EPISODE_ACCESS))
def test_oversight_routes(role, app, web, world):
    """The service's figures, its PDF and survey answers, disparities and repeat episodes are
    for managers and coordinators; the register of places and people (built from interview
    notes) for managers only. Everyone else: 403, audited."""
    web.sign_in(world.emails[role])
    oversees = role in {"manager_a", "manager_b", COORDINATOR}
    reads_notes = role in {"manager_a", "manager_b"}
    urls = {
        "/service": oversees,
        "/service/survey": oversees,
        "/service/survey.csv": oversees,
        "/service/disparities": oversees,
        "/service/repeats": oversees,
        "/service/register": reads_notes,
    }
    for url, allowed in urls.items():
        assert web.get(url).status_code == (200 if allowed else 403), (role, url)
    # The one-page PDF is prepared as a job (a change: posted), then waited for.
    prepared = web.post("/service.pdf", page="/")
    assert prepared.status_code == (303 if oversees else 403), role
    urls["/service.pdf"] = oversees
    with app.app_context():
        refused = db.session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.user_id == world.users[role], AuditEvent.outcome == "refused"
            )
        )
    assert refused == sum(1 for allowed in urls.values() if not allowed), role
