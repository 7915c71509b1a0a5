"""The demo data (`make run`) has a duty inbox, so finishing an interview for a child with no
allocated social worker shows where the summary goes (issue 13, item 7)."""

from __future__ import annotations

from sqlalchemy import select

from rhi.extensions import db
from rhi.models import Child, Episode, User
from tests.app.helpers import OFFER_AND_YES
from tests.conftest import Web

DEMO_PASSWORD = "demo-password-2026"  # README: the demo accounts' password


def test_the_demo_sends_a_summary_with_no_social_worker_to_its_duty_inbox(app):
    from rhi.demo import load_demo

    with app.app_context():
        load_demo()
        episode_id, first_name = db.session.execute(
            select(Episode.id, Child.first_name)
            .join(Episode.child)
            .where(
                Episode.returned_at.is_not(None),
                ~Episode.interviews.any(),
                Child.social_worker_id.is_(None),
                Episode.assigned_worker.has(User.email == "worker@example.org"),
            )
            .order_by(Episode.id)
            .limit(1)
        ).one()
    web = Web(app.test_client())
    web.sign_in("worker@example.org", DEMO_PASSWORD)
    started = web.post(
        f"/episodes/{episode_id}/interview", OFFER_AND_YES, page=f"/episodes/{episode_id}"
    )
    review = web.get(started.headers["Location"].replace("/start", "/review"))
    review = review.get_data(as_text=True)
    assert f"No social worker is allocated to {first_name}" in review
    assert "The team&#8217;s duty inbox is chosen unless you choose someone else." in review
    assert "No duty inbox is set" not in review
    assert "Children&#39;s duty inbox (duty inbox)</option>" in review

    # Loading the demo again keeps the duty inbox an administrator chose meanwhile.
    from rhi.models.settings import Setting

    with app.app_context():
        db.session.get(Setting, "RHI_DUTY_INBOX").value = "social.worker2@example.org"
        db.session.commit()
        load_demo()
        assert db.session.get(Setting, "RHI_DUTY_INBOX").value == "social.worker2@example.org"
