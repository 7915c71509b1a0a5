"""Settings a council changes (issue 13 item 8): the administrator changes them in the app, the
environment stays the default, every change is kept and audited, and every later request (in
any worker process: they read the database) uses the new value.

The app tests' clock stands at 2026-11-23 12:00 UTC; London is on UTC in November."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from rhi.extensions import db
from rhi.models import AuditEvent, Setting, SettingChange, Team
from tests.app.helpers import ADMIN_SETTINGS
from tests.conftest import Web

PAGE = "/admin/settings"
DEFAULTS = ADMIN_SETTINGS
MISSING = {  # after the shared world's return of Ada's (back at 02:00): a time away of its own
    "started_at": "2026-11-23T03:30",
    "reported_at": "2026-11-23T04:00",
    "reported_by": "carer",
    "reported_to_police": "yes",
    "police_reference": "WY-2211",
    "missing_from": "Oak House children's home",
    "risk_grade": "Medium",
    "dfe_type": "M",
}
BACK = {
    "returned_at": "2026-11-23T08:00",
    "return_method": "police",
    "found_where": "Leeds bus station",
    "found_by": "PC Shah",
    "safe_and_well_by": "PC Shah",
    "safe_and_well_at": "2026-11-23T09:00",
    "safe_and_well_notes": "Cold and hungry.",
    "safe_and_well_new": "",
}


def as_user(app, world, key: str) -> Web:
    web = Web(app.test_client())
    web.sign_in(world.emails[key])
    return web


def save(web: Web, **changes: str):
    return web.post(PAGE, {**DEFAULTS, **changes}, page=PAGE)


def events(app, action: str) -> list[tuple[int | None, str | None, str | None, str]]:
    with app.app_context():
        return [
            (e.user_id, e.object_id, e.detail, e.outcome)
            for e in db.session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        ]


def add_coordinator(app, world) -> str:
    from tests.world import add_user

    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == "RHI A"))
        user = add_user("coordinator_a", "coordinator", team)
        db.session.commit()
        world.users["coordinator_a"] = user.id
        world.emails["coordinator_a"] = user.email
    return "coordinator_a"


def test_the_page_shows_each_setting_with_its_default_and_is_audited(app, world):
    admin = as_user(app, world, "admin")
    page = admin.get(PAGE).get_data(as_text=True)
    assert "Hours to hold the interview after the child returns" in page
    assert "Default: 72." in page and 'value="72"' in page
    assert "Days before the interview is offered again after a no" in page
    assert "No changes yet" in page
    assert events(app, "setting.view") == [(world.users["admin"], "all", None, "ok")]
    # Found from the users page.
    assert 'href="/admin/settings"' in admin.get("/admin/users").get_data(as_text=True)


def test_a_new_deadline_applies_to_the_next_request_and_a_new_return(app, world):
    worker = as_user(app, world, "worker_a")
    # Episode a came back 10 hours ago: 62 hours of 72 are left.
    assert "61 hours left" in worker.get("/returns").get_data(as_text=True)

    admin = as_user(app, world, "admin")
    response = save(admin, deadline_hours="48")
    assert response.status_code == 302
    assert "Saved: Hours to hold the interview" in admin.get(PAGE).get_data(as_text=True)
    with app.app_context():
        row = db.session.get(Setting, "RHI_DEADLINE_HOURS")
        assert (row.value, row.changed_by_id) == ("48", world.users["admin"])
        (change,) = db.session.scalars(select(SettingChange)).all()
        assert (change.name, change.old_value, change.new_value) == (
            "RHI_DEADLINE_HOURS",
            "72",
            "48",
        )
        assert app.config["RHI_DEADLINE_HOURS"] == 48  # outside a request too (CLI, imports)
        # The environment is still the default, untouched.
        assert dict.__getitem__(app.config, "RHI_DEADLINE_HOURS") == 72
    assert events(app, "setting.change") == [
        (world.users["admin"], "RHI_DEADLINE_HOURS", "72 -> 48", "ok")
    ]

    # Another person's next request (another client, as another worker process would serve it).
    assert "37 hours left" in worker.get("/returns").get_data(as_text=True)

    # A return recorded now: its clock is 48 hours.
    coordinator = as_user(app, world, add_coordinator(app, world))
    new = f"/children/{world.children['a']}/episodes/new"
    assert coordinator.post(new, MISSING, page=new).status_code == 302
    with app.app_context():
        from rhi.models import Episode

        episode_id = db.session.scalar(select(Episode.id).order_by(Episode.id.desc()))
    back = f"/episodes/{episode_id}/return"
    done = coordinator.post(back, BACK, page=back, follow=True).get_data(as_text=True)
    assert "within 48 hours" in done
    returns = coordinator.get("/returns").get_data(as_text=True)
    assert "(due 25 Nov 2026 08:00)" in returns

    # Back to the environment's value: the override row goes, the history keeps both changes.
    save(admin, deadline_hours="72")
    with app.app_context():
        assert db.session.get(Setting, "RHI_DEADLINE_HOURS") is None
        assert len(db.session.scalars(select(SettingChange)).all()) == 2
    page = admin.get(PAGE).get_data(as_text=True)
    assert page.count("Hours to hold the interview after the child returns") >= 3  # field, 2 rows
    assert "61 hours left" in worker.get("/returns").get_data(as_text=True)


def _version(script: str) -> str:
    return re.search(r'^const VERSION = "([0-9a-f]+)";', script, re.M).group(1)


def test_the_councils_name_for_the_interview_and_the_duty_inbox(app, world):
    admin = as_user(app, world, "admin")
    duty = world.emails["social_worker_other"]
    before = _version(admin.get("/sw.js").get_data(as_text=True))
    response = save(admin, interview_name="Missing Chat", duty_inbox=duty)
    assert response.status_code == 302
    worker = as_user(app, world, "worker_a")
    assert "Missing Chats</span>" in worker.get("/returns").get_data(as_text=True)
    # Everywhere the interview is named: the episode page, a return, the actions, the manifest.
    episode = worker.get(f"/episodes/{world.episodes['a']}").get_data(as_text=True)
    assert '<h2 id="interview-heading">Missing Chat</h2>' in episode
    assert "return home interview" not in episode.lower()
    assert "Actions agreed in Missing Chats" in worker.get("/actions").get_data(as_text=True)
    assert worker.get("/manifest.webmanifest").get_json()["name"] == "rhi: Missing Chats"
    # The offline pages say it too: the service worker is a new version, so each tablet keeps
    # the pages again, and they name the interview as the server does now.
    assert _version(worker.get("/sw.js").get_data(as_text=True)) != before
    assert "Missing Chat" in worker.get("/shell/episode").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Setting, "RHI_DUTY_INBOX").value == duty
    details = [e[2] for e in events(app, "setting.change")]
    assert "return home interview -> Missing Chat" in details and f"none -> {duty}" in details
    page = admin.get(PAGE).get_data(as_text=True)
    assert f'<option selected value="{duty}">' in page or f'value="{duty}" selected' in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("deadline_hours", "0", "Enter a whole number of hours from 1 to 168."),
        ("deadline_hours", "169", "Enter a whole number of hours from 1 to 168."),
        ("deadline_hours", "48.5", "Enter a whole number of hours from 1 to 168."),
        ("repeat_episodes", "1", "Enter a whole number of episodes from 2 to 50."),
        ("repeat_days", "abc", "Enter a whole number of days from 1 to 365."),
        ("long_episode_hours", "", "Enter a whole number of hours from 1 to 720."),
        ("reoffer_days", "91", "Enter a whole number of days from 1 to 90."),
        ("interview_name", "", "Enter what the interview is called here."),
        ("duty_inbox", "someone@elsewhere.example", "Not a valid choice."),
    ],
)
def test_bad_values_are_refused_next_to_the_field_and_kept(app, world, field, value, message):
    admin = as_user(app, world, "admin")
    response = save(admin, **{field: value})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'<p class="error-message" id="{field}-error">' in page
    error = page[page.index(f'id="{field}-error"') :]
    assert message in error[:300]
    assert f'href="#{field}"' in page  # the summary links to the field
    if field != "duty_inbox":
        assert f'value="{value}"' in page or value == ""  # what was typed is kept
    with app.app_context():
        assert db.session.scalars(select(Setting)).all() == []
        assert db.session.scalars(select(SettingChange)).all() == []
    assert events(app, "setting.change") == []


@pytest.mark.parametrize("role", ["worker_a", "social_worker", "manager_a"])
def test_only_the_administrator_changes_settings(app, world, role):
    web = as_user(app, world, role)
    assert web.get(PAGE).status_code == 403
    assert save(web, deadline_hours="48").status_code == 403
    with app.app_context():
        assert db.session.get(Setting, "RHI_DEADLINE_HOURS") is None
    refused = events(app, "change.refused")
    # The look and the attempt are each recorded.
    assert len(refused) == 2
    assert set(refused) == {(world.users[role], "settings", None, "refused")}


def test_a_change_needs_the_forms_token(app, world):
    admin = as_user(app, world, "admin")
    response = admin.client.post(PAGE, data={**DEFAULTS, "deadline_hours": "48"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(Setting, "RHI_DEADLINE_HOURS") is None


def test_a_database_without_the_settings_table_uses_the_environment(app, world):
    with app.app_context():
        Setting.__table__.drop(db.engine)
        try:
            assert app.config["RHI_DEADLINE_HOURS"] == 72
            assert app.config.get("RHI_INTERVIEW_NAME") == "return home interview"
        finally:
            Setting.__table__.create(db.engine)
