"""A child moved to another social worker on their details page takes with them what the social
worker before held for them (a probe): the unread summary was left in nobody's inbox (the one
before no longer sees the child, the new one was never sent it), and the open actions for "the
child's social worker" stayed on no one's list, overdue. Only the administrator's hand-over moved
them. An action agreed while the child had no social worker reaches the one allocated later."""

from __future__ import annotations

from datetime import date
from html import unescape

from sqlalchemy import select

from rhi.extensions import db
from rhi.models import FollowedAction, Summary
from tests.app.test_children_records import ada
from tests.app.test_summary_recipient import as_user, finish, unallocate


def _action(app, world, status: str, owner: str | None, item: str) -> int:
    with app.app_context():
        action = FollowedAction(
            child_id=world.children["a"],
            item_id=item,
            kind="safety_plan",
            owner_kind="social_worker",
            owner_id=world.users[owner] if owner else None,
            due_on=date(2026, 11, 20),  # overdue on the test's clock (23 November)
            status=status,
        )
        db.session.add(action)
        db.session.commit()
        return action.id


def test_moving_a_child_passes_their_unread_summary_and_open_actions_on(app, web, world):
    web.sign_in(world.emails["worker_a"])
    finish(web, world)  # the summary goes to Ada's social worker, unread
    open_id = _action(app, world, "open", "social_worker", "plan-open")
    done_id = _action(app, world, "done", "social_worker", "plan-done")
    before, after = as_user(app, world, "social_worker"), as_user(app, world, "social_worker_other")
    assert "Ada Alpha" in before.get("/inbox").get_data(as_text=True)
    assert "Ada Alpha" not in after.get("/inbox").get_data(as_text=True)

    manager = as_user(app, world, "manager_care")  # the team of her social worker
    moved = manager.post(
        f"/children/{world.children['a']}/edit",
        ada(social_worker_id=str(world.users["social_worker_other"])),
        page=f"/children/{world.children['a']}/edit",
        follow=True,
    )
    said = " ".join(unescape(moved.get_data(as_text=True)).split())
    assert (
        "Saved the changes to this child's details. 1 unread summary and 1 open action "
        "passed to Social Worker Other."
    ) in said

    inbox = after.get("/inbox").get_data(as_text=True)
    assert "Ada Alpha" in inbox
    overdue = after.get("/actions?show=overdue").get_data(as_text=True)
    assert "Ada Alpha" in overdue and "Safety plan" in overdue
    assert "Ada Alpha" not in before.get("/inbox").get_data(as_text=True)
    with app.app_context():
        summary = db.session.scalar(select(Summary))
        assert summary.prepared_for_id == world.users["social_worker_other"]
        assert summary.opened_at is None  # the new reader opens it before saying it is read
        assert (
            db.session.get(FollowedAction, open_id).owner_id == world.users["social_worker_other"]
        )
        # Done is the record of who did it: it stays theirs.
        assert db.session.get(FollowedAction, done_id).owner_id == world.users["social_worker"]


def test_an_action_agreed_while_the_child_had_no_social_worker_reaches_the_one_given_later(
    app, world
):
    unallocate(app, world)
    waiting = _action(app, world, "open", None, "plan-nobody")
    social_worker = as_user(app, world, "social_worker_other")
    manager = as_user(app, world, "manager_a")  # the team holding her return keeps her record
    response = manager.post(
        f"/children/{world.children['a']}/edit",
        ada(social_worker_id=str(world.users["social_worker_other"])),
        page=f"/children/{world.children['a']}/edit",
        follow=True,
    )
    assert "1 open action passed to Social Worker Other." in " ".join(
        response.get_data(as_text=True).split()
    )
    overdue = social_worker.get("/actions?show=overdue").get_data(as_text=True)
    assert "Ada Alpha" in overdue and "Safety plan" in overdue
    with app.app_context():
        assert (
            db.session.get(FollowedAction, waiting).owner_id == world.users["social_worker_other"]
        )


def test_the_review_says_when_actions_are_for_a_social_worker_the_child_does_not_have(
    app, web, world
):
    """A probe: an action for "the child's social worker" of a child with none was followed by
    nobody on the social work side, and nothing said so before finishing."""
    from rhi.interviews import content as c
    from tests.app.helpers import start, store, stored_document

    unallocate(app, world)
    web.sign_in(world.emails["worker_a"])
    uuid = start(web, world)
    document = stored_document(app, uuid)
    document, _ = c.add_item(document, "actions", "plan")
    document = c.set_field(document, "actions.plan.kind", "safety_plan")
    document = c.set_field(document, "actions.plan.owner_kind", "social_worker")
    store(app, uuid, document)
    review = " ".join(
        unescape(web.get(f"/interviews/{uuid}/review").get_data(as_text=True)).split()
    )
    assert (
        "1 of the actions agreed is for the child\u2019s social worker. Until Ada has one, only "
        "your team follows it; the social worker given to Ada later gets it."
    ) in review
    # With a social worker, nothing to say.
    with app.app_context():
        from rhi.models import Child

        db.session.get(Child, world.children["a"]).social_worker_id = world.users["social_worker"]
        db.session.commit()
    review = web.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    assert 'id="actions-waiting"' not in review


def test_taking_a_social_worker_off_says_what_waits_and_the_next_one_gets_it(app, web, world):
    """A review: taking the social worker off with no one after them moved nothing and said
    nothing; the one before no longer sees the child."""
    web.sign_in(world.emails["worker_a"])
    finish(web, world)
    _action(app, world, "open", "social_worker", "plan-open")
    manager = as_user(app, world, "manager_care")
    url = f"/children/{world.children['a']}/edit"
    off = manager.post(url, ada(social_worker_id=""), page=url, follow=True)
    assert (
        "1 unread summary and 1 open action for Ada Alpha's social worker will wait for the "
        "social worker given to Ada Alpha next: nobody reads or follows them until then."
    ) in " ".join(unescape(off.get_data(as_text=True)).split())

    admin = as_user(app, world, "manager_a")  # the team holding her return keeps her record
    given = admin.post(
        url, ada(social_worker_id=str(world.users["social_worker_other"])), page=url, follow=True
    )
    assert "1 unread summary and 1 open action passed to Social Worker Other." in " ".join(
        unescape(given.get_data(as_text=True)).split()
    )
    after = as_user(app, world, "social_worker_other")
    assert "Ada Alpha" in after.get("/inbox").get_data(as_text=True)
