"""The child's profile for police is prepared as a download job (issue 16 item 3): the render
never holds a request; the file is for the person who asked, while they may still see the
child, and fetching it is on the child's record trail."""

from __future__ import annotations

import re

from sqlalchemy import select

from rhi.extensions import db
from rhi.models import AuditEvent, Episode, Team
from tests.app.helpers import prepared_file
from tests.conftest import Web


def test_the_profile_is_prepared_then_downloaded_and_on_the_childs_trail(app, web, world):
    child_id = world.children["a"]
    web.sign_in(world.emails["worker_a"])
    page = web.get(f"/children/{child_id}").get_data(as_text=True)
    assert f'action="/children/{child_id}/profile.pdf"' in page  # a button, not a link
    assert web.get(f"/children/{child_id}/profile.pdf").status_code == 405
    response = prepared_file(web, f"/children/{child_id}/profile.pdf", f"/children/{child_id}")
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    assert re.search(r"rhi-profile-\d+-\d{8}-\d{4}\.pdf", response.headers["Content-Disposition"])
    with app.app_context():
        trail = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.child_id == child_id)
        ).all()
    assert "child.profile.pdf" in trail and "download.file" in trail


def test_a_prepared_profile_is_not_handed_over_once_the_child_has_moved(app, web, world):
    child_id = world.children["a"]
    web.sign_in(world.emails["worker_a"])
    asked = web.post(f"/children/{child_id}/profile.pdf", page=f"/children/{child_id}")
    waiting = asked.headers["Location"]
    assert "It is ready." in web.get(waiting).get_data(as_text=True)
    with app.app_context():  # the return moves to team B: child a is no longer worker_a's
        episode = db.session.get(Episode, world.episodes["a"])
        episode.assigned_team = db.session.scalar(select(Team).where(Team.name == "RHI B"))
        db.session.commit()
    assert web.get(waiting).status_code == 404
    assert web.get(f"{waiting}/file").status_code == 404
    # Nor may anyone else have it, even while the child is theirs to see.
    other = Web(app.test_client())
    other.sign_in(world.emails["worker_b"])
    assert other.get(f"{waiting}/file").status_code == 404
