"""A summary always has somewhere to go (issue 13 item 7): a child with no allocated social worker,
or whose social worker has left, has their summary sent to the duty inbox (a setting) or a person
chosen on finishing; a child placed by another authority has that authority offered as the
recipient of a copy sent outside rhi; and the administrator hands a social worker's children,
with their unread summaries, to another social worker in one step."""

from __future__ import annotations

from sqlalchemy import select

from rhi.extensions import db
from rhi.models import (
    AuditEvent,
    Child,
    FollowedAction,
    Setting,
    Summary,
    SummaryAddressee,
    User,
)
from tests.app.helpers import autosave, start
from tests.conftest import Web


def as_user(app, world, key: str) -> Web:
    web = Web(app.test_client())
    web.sign_in(world.emails[key])
    return web


def set_duty_inbox(app, world, key: str | None) -> None:
    with app.app_context():
        if key is not None:
            db.session.add(Setting(name="RHI_DUTY_INBOX", value=world.emails[key]))
        db.session.commit()


def unallocate(app, world, child: str = "a") -> None:
    with app.app_context():
        db.session.get(Child, world.children[child]).social_worker_id = None
        db.session.commit()


def finish(web: Web, world, **form: str) -> tuple[str, str]:
    """worker_a finishes an interview for child a; (uuid, the review page after)."""
    uuid = start(web, world)
    autosave(web, uuid, "consent.social_worker.answer", "yes", None)
    review = f"/interviews/{uuid}/review"
    response = web.post(f"/interviews/{uuid}/finish", form, page=review, follow=True)
    return uuid, response.get_data(as_text=True)


def summaries(app) -> list[tuple[int | None, str, str | None]]:
    """(prepared for, their name, addressed as) of every summary."""
    with app.app_context():
        rows = []
        for s in db.session.scalars(select(Summary).order_by(Summary.id)):
            addressee = db.session.scalar(
                select(SummaryAddressee).where(SummaryAddressee.summary_id == s.id)
            )
            rows.append(
                (s.prepared_for_id, s.prepared_for_name, addressee and addressee.addressed_as)
            )
        return rows


def details(app, action: str) -> list[str | None]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditEvent.detail).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        )


def test_with_no_social_worker_the_summary_goes_to_the_duty_inbox(app, web, world):
    set_duty_inbox(app, world, "social_worker_other")
    unallocate(app, world)
    web.sign_in(world.emails["worker_a"])
    uuid = start(web, world)
    review = web.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    assert "Who should receive the summary" in review
    assert "No social worker is allocated to Ada" in review
    assert "Social Worker Other (duty inbox)</option>" in review
    autosave(web, uuid, "consent.social_worker.answer", "yes", None)
    page = web.post(
        f"/interviews/{uuid}/finish", page=f"/interviews/{uuid}/review", follow=True
    ).get_data(as_text=True)
    assert "The summary is in Social Worker Other&#39;s inbox." in page
    duty = world.users["social_worker_other"]
    assert summaries(app) == [(duty, "Social Worker Other", "duty_inbox")]
    assert details(app, "summary.share") == [f"to the duty inbox {duty}"]
    # The duty inbox reads it although the child is not allocated to them.
    reader = as_user(app, world, "social_worker_other")
    inbox = reader.get("/inbox").get_data(as_text=True)
    with app.app_context():
        summary_id = db.session.scalar(select(Summary.id))
    assert f"/summaries/{summary_id}" in inbox
    assert reader.get(f"/summaries/{summary_id}").status_code == 200
    assert reader.get(f"/summaries/{summary_id}/pdf").status_code == 200
    # Still nobody else's: the child's record stays closed to the duty inbox.
    assert reader.get(f"/children/{world.children['a']}").status_code == 404
    other = as_user(app, world, "social_worker")
    assert other.get(f"/summaries/{summary_id}").status_code == 404


def test_the_worker_can_choose_someone_else(app, web, world):
    set_duty_inbox(app, world, "social_worker_other")
    unallocate(app, world)
    web.sign_in(world.emails["worker_a"])
    chosen = world.users["social_worker"]
    _uuid, page = finish(web, world, summary_to=str(chosen))
    assert "The summary is in Social Worker&#39;s inbox." in page
    assert summaries(app) == [(chosen, "Social Worker", "chosen")]
    reader = as_user(app, world, "social_worker")
    with app.app_context():
        summary_id = db.session.scalar(select(Summary.id))
    assert reader.get(f"/summaries/{summary_id}").status_code == 200


def test_a_choice_that_cannot_receive_falls_back_to_the_duty_inbox(app, web, world):
    set_duty_inbox(app, world, "social_worker_other")
    unallocate(app, world)
    web.sign_in(world.emails["worker_a"])
    finish(web, world, summary_to=str(world.users["manager_b"]))  # not someone with an inbox
    assert summaries(app) == [
        (world.users["social_worker_other"], "Social Worker Other", "duty_inbox")
    ]


def test_a_social_worker_who_has_left_is_passed_over(app, web, world):
    set_duty_inbox(app, world, "social_worker_other")
    with app.app_context():
        db.session.get(User, world.users["social_worker"]).active = False
        db.session.commit()
    web.sign_in(world.emails["worker_a"])
    uuid = start(web, world)
    review = web.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    assert "Social Worker, the allocated social worker, no longer works here." in review
    autosave(web, uuid, "consent.social_worker.answer", "yes", None)
    web.post(f"/interviews/{uuid}/finish", page=f"/interviews/{uuid}/review")
    assert summaries(app) == [
        (world.users["social_worker_other"], "Social Worker Other", "duty_inbox")
    ]


def test_with_nobody_to_send_to_the_worker_is_told(app, web, world):
    unallocate(app, world)
    web.sign_in(world.emails["worker_a"])
    uuid = start(web, world)
    review = web.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    assert "No duty inbox is set: choose who receives it" in review
    assert '<option value="" selected>Choose someone</option>' in review
    _uuid, page = finish(web, world)
    assert "no summary was sent: tell the child&#39;s team" in page
    assert summaries(app) == []


def test_an_allocated_social_worker_still_gets_it_as_before(app, web, world):
    set_duty_inbox(app, world, "social_worker_other")
    web.sign_in(world.emails["worker_a"])
    uuid = start(web, world)
    review = web.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    assert "sends the summary to Social Worker." in review
    assert "Who should receive the summary" not in review
    _uuid, page = finish(web, world, summary_to=str(world.users["social_worker_other"]))
    assert "The summary is in the social worker&#39;s inbox." in page
    assert summaries(app) == [(world.users["social_worker"], "Social Worker", None)]


def test_a_placing_authority_is_offered_for_a_copy_sent_outside_rhi(app, web, world):
    with app.app_context():
        db.session.get(Child, world.children["a"]).placing_authority = "Kirklees Council"
        db.session.commit()
    unallocate(app, world)
    set_duty_inbox(app, world, "social_worker_other")
    web.sign_in(world.emails["worker_a"])
    uuid = start(web, world)
    review = web.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    assert "was placed here by Kirklees Council" in review
    _uuid, page = finish(web, world)
    assert 'value="Kirklees Council (placing authority)"' in page


def test_handing_over_moves_children_and_unread_summaries(app, web, world):
    # Child a's summary reaches their social worker, who then leaves unread, with two actions
    # of theirs for the child: one open, one done.
    web.sign_in(world.emails["worker_a"])
    finish(web, world)
    with app.app_context():
        summary_id = db.session.scalar(select(Summary.id))
        db.session.get(User, world.users["social_worker"]).active = False
        actions = {
            status: FollowedAction(
                child_id=world.children["a"],
                item_id=f"page-{status}",
                kind="strategy_meeting",
                owner_kind="social_worker",
                owner_id=world.users["social_worker"],
                status=status,
            )
            for status in ("open", "held")
        }
        db.session.add_all(actions.values())
        db.session.commit()
        action_ids = {status: a.id for status, a in actions.items()}
    admin = as_user(app, world, "admin")
    users_page = admin.get("/admin/users").get_data(as_text=True)
    assert "Hand over their children" in users_page
    leaver, successor = world.users["social_worker"], world.users["social_worker_other"]
    response = admin.post(
        f"/admin/users/{leaver}/hand-over",
        {f"h{leaver}-to_id": str(successor)},
        page="/admin/users",
    )
    assert response.status_code == 302
    flashed = admin.get("/admin/users").get_data(as_text=True)
    assert (
        "1 child handed over from Social Worker to Social Worker Other, with 1 unread summary "
        "and 1 open action." in (flashed)
    )
    with app.app_context():
        assert db.session.get(Child, world.children["a"]).social_worker_id == successor
        summary = db.session.get(Summary, summary_id)
        assert (summary.prepared_for_id, summary.prepared_for_name) == (
            successor,
            "Social Worker Other",
        )
        # The open action is the successor's to follow; the one done stays as it was.
        assert db.session.get(FollowedAction, action_ids["open"]).owner_id == successor
        assert db.session.get(FollowedAction, action_ids["held"]).owner_id == leaver
    assert details(app, "action.hand_over") == [f"social worker {leaver} -> {successor}"]
    assert details(app, "child.hand_over") == [f"social worker {leaver} -> {successor}"]
    assert details(app, "summary.hand_over") == [f"social worker {leaver} -> {successor}"]
    reader = as_user(app, world, "social_worker_other")
    assert f"/summaries/{summary_id}" in reader.get("/inbox").get_data(as_text=True)
    assert reader.get(f"/children/{world.children['a']}").status_code == 200


def test_a_read_summary_stays_with_the_person_who_read_it(app, web, world):
    web.sign_in(world.emails["worker_a"])
    finish(web, world)
    with app.app_context():
        summary = db.session.scalar(select(Summary))
        summary.opened_at = summary.acknowledged_at = summary.created_at
        summary.opened_by_id = summary.acknowledged_by_id = world.users["social_worker"]
        db.session.commit()
    admin = as_user(app, world, "admin")
    leaver, successor = world.users["social_worker"], world.users["social_worker_other"]
    admin.post(
        f"/admin/users/{leaver}/hand-over",
        {f"h{leaver}-to_id": str(successor)},
        page="/admin/users",
    )
    assert summaries(app) == [(leaver, "Social Worker", None)]
    with app.app_context():
        assert db.session.get(Child, world.children["a"]).social_worker_id == successor


def test_hand_over_refuses_a_choice_that_is_not_an_active_social_worker(app, world):
    admin = as_user(app, world, "admin")
    leaver = world.users["social_worker"]
    response = admin.post(
        f"/admin/users/{leaver}/hand-over",
        {f"h{leaver}-to_id": str(world.users["manager_a"])},
        page="/admin/users",
        follow=True,
    )
    assert "Choose an active social worker" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Child, world.children["a"]).social_worker_id == leaver
    # Only social workers' children are handed over.
    not_one = admin.post(
        f"/admin/users/{world.users['worker_a']}/hand-over",
        {f"h{world.users['worker_a']}-to_id": str(leaver)},
        page="/admin/users",
    )
    assert not_one.status_code == 404


def test_a_social_worker_whose_role_changed_can_still_have_their_children_handed_over(app, world):
    """A probe: a social worker made a manager kept their children (still named as theirs), and
    hand-over then refused them as "not a social worker": the children could be moved by no
    one. Hand-over is offered, and works, for anyone still named as a child's social worker."""
    admin = as_user(app, world, "admin")
    leaver, successor = world.users["social_worker"], world.users["social_worker_other"]
    changed = admin.post(
        f"/admin/users/{leaver}/role",
        {f"u{leaver}-role": "manager", f"u{leaver}-team_id": "0"},
        page="/admin/users",
    )
    assert changed.status_code == 302
    page = admin.get("/admin/users").get_data(as_text=True)
    assert f'action="/admin/users/{leaver}/hand-over"' in page
    moved = admin.post(
        f"/admin/users/{leaver}/hand-over",
        {f"h{leaver}-to_id": str(successor)},
        page="/admin/users",
    )
    assert moved.status_code == 302
    with app.app_context():
        assert db.session.get(Child, world.children["a"]).social_worker_id == successor
    # Nothing left of theirs: the form goes.
    page = admin.get("/admin/users").get_data(as_text=True)
    assert f'action="/admin/users/{leaver}/hand-over"' not in page


def test_unread_summaries_of_one_made_a_manager_can_still_be_handed_over(app, web, world):
    """The review: the duty inbox, with no children of their own but unread summaries, made a
    manager, was offered no hand-over, and the summaries sat in an inbox nobody reads."""
    set_duty_inbox(app, world, "social_worker_other")
    unallocate(app, world)
    web.sign_in(world.emails["worker_a"])
    finish(web, world)
    duty, successor = world.users["social_worker_other"], world.users["social_worker"]
    assert summaries(app) == [(duty, "Social Worker Other", "duty_inbox")]
    admin = as_user(app, world, "admin")
    admin.post(
        f"/admin/users/{duty}/role",
        {f"u{duty}-role": "manager", f"u{duty}-team_id": "0"},
        page="/admin/users",
    )
    page = admin.get("/admin/users").get_data(as_text=True)
    assert f'action="/admin/users/{duty}/hand-over"' in page
    moved = admin.post(
        f"/admin/users/{duty}/hand-over", {f"h{duty}-to_id": str(successor)}, page="/admin/users"
    )
    assert moved.status_code == 302
    assert summaries(app)[0][:2] == (successor, "Social Worker")


def test_the_summary_carries_the_councils_name_for_the_interview(app, web, world):
    import io

    from pypdf import PdfReader

    with app.app_context():
        db.session.add(Setting(name="RHI_INTERVIEW_NAME", value="Missing Chat"))
        db.session.commit()
    web.sign_in(world.emails["worker_a"])
    finish(web, world)
    with app.app_context():
        pdf = db.session.scalar(select(Summary)).pdf
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata.title == "Missing Chat summary: Ada Alpha"
    assert "Missing Chat summary" in reader.pages[0].extract_text()
