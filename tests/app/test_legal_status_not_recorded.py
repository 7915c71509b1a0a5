"""The service page's returns by legal status count "None known" (what rhi holds until a person
records the status) as not recorded, never as living at home: an oversight probe saw "Returns of
children living at home (not looked after): 13, 100%" where no child's status was recorded."""

from __future__ import annotations

import html
import re
from datetime import date, datetime

from sqlalchemy import select

from rhi.extensions import db
from rhi.models import AuditEvent, Child, Episode, Team
from tests.conftest import Web

PERIOD = "/service?period=custom&start=2026-11-01&end=2026-11-20"


def _legal_rows(web: Web) -> dict[str, tuple[int, int]]:
    """The page's "by legal status" table: words -> (children, returns)."""
    page = web.get(PERIOD).get_data(as_text=True)
    table = page[page.index("Children and returns by legal status") :]
    table = table[: table.index("</table>")]
    rows = {}
    for words, children, returns in re.findall(
        r'<th scope="row">([^<]+)</th><td>(\d+)</td><td><a[^>]*>(\d+)<', table
    ):
        rows[html.unescape(words)] = (int(children), int(returns))
    return rows


def _child_back(team: Team, first_name: str, legal_status: str | None, day: int) -> None:
    child = Child(
        first_name=first_name,
        last_name="Legal",
        date_of_birth=date(2012, 3, 3),
        team=team,
        **({"legal_status": legal_status} if legal_status else {}),
    )
    db.session.add(
        Episode(
            child=child,
            risk_grade="Low",
            dfe_type="M",
            started_at=datetime(2026, 11, day, 9, 0),
            returned_at=datetime(2026, 11, day, 21, 0),
            assigned_team=team,
        )
    )


def test_none_known_is_counted_as_not_recorded_not_as_at_home(app, world):
    manager = Web(app.test_client())
    manager.sign_in(world.emails["manager_a"])
    before = _legal_rows(manager)
    assert "Not recorded" in before
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == "RHI A"))
        _child_back(team, "Lowri", "looked_after", 3)
        _child_back(team, "Hamid", "not_looked_after", 4)
        _child_back(team, "Tegan", "child_in_need", 5)
        _child_back(team, "Pawel", None, 6)  # made from the police's notification: "None known"
        _child_back(team, "Iris", "none", 7)
        db.session.commit()
    after = _legal_rows(manager)
    added = {k: (after[k][0] - before[k][0], after[k][1] - before[k][1]) for k in after}
    assert added["Looked after"] == (1, 1)
    assert added["Living at home (not looked after)"] == (2, 2)
    assert added["Not recorded"] == (2, 2)
    # The figure above the table says the same, and every return is in one group of three.
    page = html.unescape(manager.get(PERIOD).get_data(as_text=True))
    assert "Returns where the child's legal status was not recorded" in page


def _as_shown(page: str) -> dict[str, str]:
    """What a form sends as shown: its text boxes, its ticked radios, its chosen options."""
    sent: dict[str, str] = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if not name or (
            ('type="radio"' in tag or 'type="checkbox"' in tag) and "checked" not in tag
        ):
            continue
        sent[name.group(1)] = html.unescape(value.group(1)) if value else ""
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = [o for o in re.findall(r"<option[^>]*>", options) if "selected" in o]
        sent[name] = re.search(r'value="([^"]*)"', chosen[0]).group(1) if chosen else ""
    return sent


def test_a_closed_returns_legal_status_then_is_put_right_on_its_episode(app, world):
    """A closed return keeps its legal status whatever the child's record says now, so one
    wrongly left "None known" stayed "Not recorded" in the statutory figures for good. The
    episode's own form corrects it, audited with what it was."""
    manager = Web(app.test_client())
    manager.sign_in(world.emails["manager_a"])
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == "RHI A"))
        _child_back(team, "Oksana", None, 8)
        episode = db.session.scalar(select(Episode).join(Child).where(Child.first_name == "Oksana"))
        episode.missing_from = "Her foster home"
        episode.closed_at = datetime(2026, 11, 12, 9, 0)
        db.session.commit()
        episode.child.legal_status = "looked_after"  # her record now: closed returns keep theirs
        db.session.commit()
        assert episode.legal_status == "none"
        episode_id = episode.id
    before = _legal_rows(manager)
    page = f"/episodes/{episode_id}/notification"
    form = manager.get(page).get_data(as_text=True)
    assert "Their legal status then (for the statutory return)" in form
    sent = {**_as_shown(form), "legal_status": "looked_after", "reported_by": "carer"}
    assert manager.post(page, sent, page=page).status_code == 302
    after = _legal_rows(manager)
    assert after["Looked after"][1] == before["Looked after"][1] + 1
    assert after["Not recorded"][1] == before["Not recorded"][1] - 1
    with app.app_context():
        assert db.session.get(Episode, episode_id).legal_status == "looked_after"
        audited = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "episode.update", AuditEvent.object_id == str(episode_id)
            )
        ).all()
        assert any(
            "legal status, from None known to Looked after" in (e.detail or "") for e in audited
        )


def test_a_return_the_child_is_missing_in_now_takes_the_status_from_their_record(app, world):
    """A review: the status then of the time away the child is in now follows their record (a
    change to it reaches that return, rhi/episodes/legal_status.py), so a correction on its form
    would be overwritten without a word: it is not offered there."""
    manager = Web(app.test_client())
    manager.sign_in(world.emails["manager_a"])
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == "RHI A"))
        child = Child(
            first_name="Ines", last_name="Legal", date_of_birth=date(2012, 3, 3), team=team
        )
        missing = Episode(
            child=child,
            risk_grade="Low",
            dfe_type="M",
            started_at=datetime(2026, 11, 22, 9, 0),
            missing_from="Home",
            assigned_team=team,
        )
        db.session.add(missing)
        db.session.commit()
        episode_id = missing.id
    form = manager.get(f"/episodes/{episode_id}/notification").get_data(as_text=True)
    assert "Their legal status then" not in form
    sent = {**_as_shown(form), "reported_by": "parent", "legal_status": "looked_after"}
    page = f"/episodes/{episode_id}/notification"
    assert manager.post(page, sent, page=page).status_code == 302
    with app.app_context():
        assert db.session.get(Episode, episode_id).legal_status == "none"
