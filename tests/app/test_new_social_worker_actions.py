"""A child's new social worker gets the actions the one before closed that the child has not yet
been told about, as they get the open ones (a probe): the visit recorded as "Not done" gave the
new social worker "Page not found" and was missing from their "To tell the child" list, while the
one before no longer saw the child, so only the interviewer's side could record that the child
was told. Actions the child has been told about, and actions that are not the child's social
worker's to follow, stay where they were."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from rhi.extensions import db
from rhi.models import FollowedAction, Interview, User
from tests.app.test_children_records import ada
from tests.app.test_summary_recipient import as_user, details, finish


def _action(
    app, world, item: str, *, status: str, told: bool = False, owner: str = "social_worker"
) -> int:
    """An action for the child's social worker agreed in child a's finished interview."""
    with app.app_context():
        interview_id = db.session.scalar(select(Interview.id))
        action = FollowedAction(
            interview_id=interview_id,
            child_id=world.children["a"],
            item_id=item,
            kind="other",
            owner_kind="social_worker",
            owner_id=world.users[owner],
            due_on=date(2026, 11, 20),
            status=status,
            outcome_on=None if status == "open" else date(2026, 11, 21),
            outcome_note="" if status == "open" else "The visit could not go ahead",
            child_told_on=date(2026, 11, 22) if told else None,
            child_told_how="In person" if told else "",
        )
        db.session.add(action)
        db.session.commit()
        return action.id


def _owner(app, action_id: int) -> int | None:
    with app.app_context():
        return db.session.get(FollowedAction, action_id).owner_id


def _give_ada_to_the_other_social_worker(app, world) -> None:
    manager = as_user(app, world, "manager_care")  # the team of her social worker
    url = f"/children/{world.children['a']}/edit"
    moved = manager.post(
        url, ada(social_worker_id=str(world.users["social_worker_other"])), page=url
    )
    assert moved.status_code == 302


def test_the_new_social_worker_gets_an_action_the_child_is_not_yet_told_about(app, web, world):
    web.sign_in(world.emails["worker_a"])
    finish(web, world)
    untold = _action(app, world, "visit", status="not_done")
    told = _action(app, world, "told", status="done", told=True)
    before, after = as_user(app, world, "social_worker"), as_user(app, world, "social_worker_other")
    assert after.get(f"/actions/{untold}").status_code == 404  # not theirs yet

    _give_ada_to_the_other_social_worker(app, world)

    page = f"/actions/{untold}"
    assert after.get(page).status_code == 200
    assert f'href="{page}"' in after.get("/actions?show=untold").get_data(as_text=True)
    assert _owner(app, untold) == world.users["social_worker_other"]
    # Told already: nothing left to follow, so it stays the record of whose it was.
    assert _owner(app, told) == world.users["social_worker"]
    assert after.get(f"/actions/{told}").status_code == 404
    # Passed on as open actions are, and audited as they are.
    assert details(app, "action.hand_over") == [
        f"social worker {world.users['social_worker']} -> {world.users['social_worker_other']}"
    ]
    # The one before no longer sees the child, nor the action.
    assert before.get(page).status_code == 404

    # The new social worker records that the child was told.
    said = after.post(
        f"{page}/child-told", {"on": "2026-11-23", "how": "In person, at home"}, page=page
    )
    assert said.status_code == 302
    assert f'href="{page}"' not in after.get("/actions?show=untold").get_data(as_text=True)
    with app.app_context():
        action = db.session.get(FollowedAction, untold)
        assert action.child_told_by_id == world.users["social_worker_other"]
        # Who recorded what became of it is not changed by passing it on.
        assert action.outcome_note == "The visit could not go ahead"


def test_an_untold_action_of_someone_else_does_not_pass_to_the_social_worker(app, web, world):
    """Only what is for the child's social worker passes: the worker's own action that the
    child is not yet told about stays theirs, and the social worker still cannot open it."""
    web.sign_in(world.emails["worker_a"])
    finish(web, world)
    with app.app_context():
        interview_id = db.session.scalar(select(Interview.id))
        mine = FollowedAction(
            interview_id=interview_id,
            child_id=world.children["a"],
            item_id="helplines",
            kind="other",
            owner_kind="worker",
            owner_id=world.users["worker_a"],
            status="done",
            outcome_on=date(2026, 11, 21),
        )
        db.session.add(mine)
        db.session.commit()
        mine_id = mine.id
    _give_ada_to_the_other_social_worker(app, world)
    assert _owner(app, mine_id) == world.users["worker_a"]
    after = as_user(app, world, "social_worker_other")
    assert after.get(f"/actions/{mine_id}").status_code == 404
    assert details(app, "action.hand_over") == []


def test_handing_over_a_leavers_children_passes_their_untold_actions_too(app, web, world):
    web.sign_in(world.emails["worker_a"])
    finish(web, world)
    untold = _action(app, world, "visit", status="not_done")
    told = _action(app, world, "told", status="done", told=True)
    leaver, successor = world.users["social_worker"], world.users["social_worker_other"]
    with app.app_context():
        db.session.get(User, leaver).active = False
        db.session.commit()
    admin = as_user(app, world, "admin")
    form = {f"h{leaver}-to_id": str(successor)}
    handed = admin.post(f"/admin/users/{leaver}/hand-over", form, page="/admin/users")
    assert handed.status_code == 302
    assert _owner(app, untold) == successor
    assert _owner(app, told) == leaver
    after = as_user(app, world, "social_worker_other")
    assert f'href="/actions/{untold}"' in after.get("/actions?show=untold").get_data(as_text=True)
    assert details(app, "action.hand_over") == [f"social worker {leaver} -> {successor}"]
