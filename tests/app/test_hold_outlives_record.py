"""A legal hold's record (who placed it and why, who lifted it and why, and when) outlives the
child's record: a probe (sec38, finding 1) lifted a hold, let the nightly run destroy the record,
and found the hold destroyed with it, so nobody could tell what it had been for or why it ended.
It is kept (rhi/retention/held.py `KEPT`) and shown on the destroyed record's retention page.

The app tests' clock stands at 2026-11-23 12:00 UTC."""

from __future__ import annotations

from sqlalchemy import select

from rhi.extensions import db
from rhi.models import DestroyedChild, LegalHold
from tests.app.test_retention import (
    PAGE,
    as_user,
    lift_hold,
    lifted_days_ago,
    place_hold,
    schedule_children,
)


def test_why_a_hold_was_placed_and_lifted_is_readable_after_the_record_is_destroyed(app, world):
    due = schedule_children(app)["due_other"]  # Quillon Keeping: 25 today
    web = as_user(app, world, "admin")
    child_page = f"{PAGE}/children/{due}"
    web.post(f"{child_page}/holds", {"reason": "Civil claim 2026/17"}, page=child_page)
    with app.app_context():
        hold_id = db.session.scalar(select(LegalHold.id).where(LegalHold.child_id == due))
    web.post(
        f"{PAGE}/holds/{hold_id}/lift",
        {f"lift{hold_id}-reason": "The claim was settled."},
        page=child_page,
    )
    lifted_days_ago(app, hold_id, 14)  # past the days a lifted hold still keeps the record

    out = app.test_cli_runner().invoke(args=["rhi", "retention", "--apply"])  # as cron runs it
    assert out.exit_code == 0, out.output
    assert "Destroyed 2;" in out.output
    with app.app_context():
        assert db.session.get(DestroyedChild, due) is not None

    page = web.get(child_page)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert f"Record {due}: destroyed" in text
    assert "Quillon" not in text  # the child's record is gone; the hold's is not
    holds = text[text.index('id="holds"') :]
    assert "Lifted" in holds and "by Admin" in holds
    assert "Civil claim 2026/17" in holds
    assert "The claim was settled." in holds
    assert "23 Nov 2026" in holds  # when each was done


def test_a_living_childs_subject_access_export_holds_their_legal_holds(app, world):
    """Kept out of destruction, the holds were kept out of the child's export too (rev38b)."""
    from rhi.models import User
    from rhi.retention import holds
    from rhi.subject_access import export

    with app.app_context():
        admin = db.session.get(User, world.users["admin"])
        holds.place(world.children["a"], "Care proceedings LS/2026/114", admin)
        db.session.commit()
        assert "legal_holds" in export.collect(world.children["a"]).tables


def test_a_record_destroyed_before_holds_were_kept_says_a_hold_was_placed(app, world):
    """Destroyed before holds outlived the record, its page said no hold was ever placed, though
    the audit trail says one was (rev38b)."""
    from sqlalchemy import delete

    due = schedule_children(app)["due_other"]
    web = as_user(app, world, "admin")
    child_page = f"{PAGE}/children/{due}"
    hold_id = place_hold(app, web, due, "Civil claim 2026/17")
    lift_hold(web, hold_id, due, "Settled.")
    lifted_days_ago(app, hold_id, 14)
    assert app.test_cli_runner().invoke(args=["rhi", "retention", "--apply"]).exit_code == 0
    with app.app_context():
        # As destruction did before: the hold went with the record.
        db.session.execute(delete(LegalHold).where(LegalHold.child_id == due))
        db.session.commit()
    text = web.get(child_page).get_data(as_text=True)
    assert "No legal hold was placed on this record." not in text
    assert "A legal hold was placed on this record" in text
