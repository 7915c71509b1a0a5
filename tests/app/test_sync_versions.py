"""Choosing between the server's version of an interview and one sent from a tablet: the page,
the defaults (no words dropped), each choice, a stale save, a finished interview, access, CSRF,
the audit trail and the banner."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from flask import render_template_string
from flask_login import login_user
from sqlalchemy import select

from rhi.extensions import db
from rhi.interviews import content as c
from rhi.language import check
from rhi.models import Addendum, AuditEvent, Interview, SyncConflict, User
from rhi.sync import compare
from tests.app.helpers import item, one, send
from tests.conftest import Web, csrf_from
from tests.world import World

SERVER_WORDS = "Server words: she stayed at a friend's."
TABLET_WORDS = "Tablet words: I went to Jay's flat."
SECRETS = ("Server words", "Tablet words", "Jay", "Corner shop")


def document(*, away: str = "", risk: str = "", places: list[dict[str, str]] = ()) -> dict:
    doc = c.empty_content()
    doc = c.set_field(doc, "sections.away.text", away)
    doc = c.set_field(doc, "risk_view", risk)
    for place in places:
        doc, item_id = c.add_item(doc, "places", place["id"])
        for key, value in place.items():
            if key != "id":
                doc = c.set_field(doc, f"places.{item_id}.{key}", value)
    return doc


SERVER_PLACE = {"id": "srv1", "name": "Corner shop"}
TABLET_PLACE = {"id": "tab1", "name": "Jay's flat", "area": "Northtown"}


def make_conflict(
    web: Web,
    world: World,
    *,
    key: str = "a",
    server: dict | None = None,
    tablet: dict | None = None,
) -> str:
    """The server moves to version 2 (one upload), then a tablet that still had version 1 sends
    its copy: kept as a conflict. Returns the interview's uuid."""
    web.sign_in(world.emails[f"worker_{key}"])
    uuid, episode = world.interviews[key], world.episodes[key]
    server = server or document(away=SERVER_WORDS, risk="low", places=[SERVER_PLACE])
    tablet = tablet or document(away=TABLET_WORDS, risk="high", places=[TABLET_PLACE])
    assert (
        one(send(web, [item([episode], server, uuid=uuid, base_version=1)]))["outcome"] == "updated"
    )
    assert (
        one(send(web, [item([episode], tablet, uuid=uuid, base_version=1)], device="tab-2"))[
            "outcome"
        ]
        == "conflict"
    )
    return uuid


def interview_of(app, uuid: str) -> Interview:
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        interview.addenda
        db.session.expunge(interview)
        return interview


def conflicts(app) -> list[SyncConflict]:
    with app.app_context():
        rows = db.session.scalars(select(SyncConflict).order_by(SyncConflict.id)).all()
        for row in rows:
            db.session.expunge(row)
        return list(rows)


class _Forms(HTMLParser):
    """The forms on a page and what a browser would send from each as it stands."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self.current: dict[str, Any] | None = None
        self.textarea: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.current = {"action": a.get("action"), "fields": {}}
            self.forms.append(self.current)
        elif self.current is not None and tag == "input" and a.get("name"):
            if a.get("type") in ("radio", "checkbox"):
                if "checked" in a:
                    self.current["fields"][a["name"]] = a.get("value") or "on"
            else:
                self.current["fields"][a["name"]] = a.get("value") or ""
        elif self.current is not None and tag == "textarea":
            self.textarea = [a["name"], ""]

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self.textarea is not None and self.current is not None:
            name, value = self.textarea
            self.current["fields"][name] = value.removeprefix("\r\n").removeprefix("\n")
            self.textarea = None
        elif tag == "form":
            self.current = None


def page_form(html: str, action: str) -> dict[str, str]:
    """The fields of the form on the page with this `action` value, as they stand."""
    parser = _Forms()
    parser.feed(html)
    found = [f["fields"] for f in parser.forms if f["fields"].get("action") == action]
    assert found, f"no {action} form on the page"
    return dict(found[0])


def resolve_url(uuid: str, conflict_id: int) -> str:
    return f"/interviews/{uuid}/versions/{conflict_id}"


def post_choices(
    web: Web,
    uuid: str,
    changes: dict[str, str] | None = None,
    action: str = "choose",
    html: str | None = None,
):
    """Post the form as the page shows it, with `changes` made by the worker."""
    html = html or web.get(f"/interviews/{uuid}/versions").get_data(as_text=True)
    fields = page_form(html, action)
    fields.update(changes or {})
    conflict_id = int(re.search(r"/versions/(\d+)", html).group(1))
    return web.client.post(resolve_url(uuid, conflict_id), data=fields)


# ---- pure rules ------------------------------------------------------------------------------


def test_keep_both_puts_the_servers_words_first_and_drops_nothing():
    assert compare.keep_both("A.", "B.") == "A.\n\nFrom the tablet:\nB."
    assert compare.keep_both("", "B.") == "B."
    assert compare.keep_both("A.", "  ") == "A."
    assert (
        compare.keep_both("She was tired.", "She was tired. Then we talked.")
        == "She was tired. Then we talked."
    )
    assert compare.keep_both("He", "Hello") == "He\n\nFrom the tablet:\nHello"  # not a prefix
    assert compare.keep_both("Park", "Shop", one_line=True) == "Park / From the tablet: Shop"


def test_compare_lists_fields_and_additions_and_leaves_server_entries(app):
    with app.app_context():
        comparison = compare.compare(
            document(away="S", risk="low", places=[SERVER_PLACE]),
            document(away="T", risk="high", places=[TABLET_PLACE]),
        )
        assert [d.path for d in comparison.fields] == ["sections.away.text", "risk_view"]
        # The catalogue's label after the page's title (rhi/interviews/fields.py).
        assert comparison.fields[0].title == "While away: What the child said"
        assert comparison.fields[0].kind == "text"
        assert comparison.fields[1].shown("tablet") == "High risk of harm"
        assert [a.key for a in comparison.additions] == ["places.tab1"]
        assert comparison.additions[0].title == "Place (Jay's flat), added on the tablet"
        # Flags show as words; a finding only the tablet has differs only where it was ticked.
        tablet = c.set_field(
            document(away="S", risk="low", places=[SERVER_PLACE]), "push.bullying.on", True
        )
        flags = compare.compare(document(away="S", risk="low", places=[SERVER_PLACE]), tablet)
        assert [(d.path, d.shown("server"), d.shown("tablet")) for d in flags.fields] == [
            ("push.bullying.on", "No", "Yes")
        ]
        assert flags.fields[0].title == "What made them want to leave (push factors): Bullying"


# ---- the page --------------------------------------------------------------------------------


def test_page_shows_both_versions_of_each_differing_field(app, web, world_i):
    uuid = make_conflict(web, world_i)
    response = web.get(f"/interviews/{uuid}/versions")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "The version on the server" in html
    assert "The version from the tablet (received " in html
    assert "Server words: she stayed at a friend&#39;s." in html
    assert "Tablet words: I went to Jay&#39;s flat." in html
    assert "<legend>While away: What the child said</legend>" in html
    assert "Your view of the risk of harm the child faces" in html
    assert "Keep the server&#39;s: Low risk of harm" in html
    assert "Place (Jay&#39;s flat), added on the tablet" in html
    assert "Or write it together" in html
    # "Keep both" is what is chosen when the page opens.
    fields = page_form(html, "choose")
    assert fields["choice:sections.away.text"] == "both"
    assert fields["choice:risk_view"] == "server"
    assert fields["add:places.tab1"] == "add"
    assert fields["version"] == "2"
    assert response.headers["Cache-Control"] == "no-store"
    with app.app_context():
        viewed = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "interview.view", AuditEvent.detail == "versions"
            )
        ).all()
        assert [e.object_id for e in viewed] == [uuid]


def test_the_pages_own_words_pass_the_writing_check(web, world_i):
    uuid = make_conflict(web, world_i)
    for url in (f"/interviews/{uuid}/versions",):
        html = web.get(url).get_data(as_text=True)
        text = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)[\s\S]*?</\1>", " ", html))
        assert [f.text for f in check(text)] == [], url


def test_by_default_both_texts_are_kept_and_the_tablets_place_added(app, web, world_i):
    uuid = make_conflict(web, world_i)
    response = post_choices(web, uuid)
    assert response.status_code == 302
    device_uuid = uuid  # the tablet's copy was of this very interview
    assert response.headers["Location"].endswith(
        f"/interviews/{uuid}/versions?resolved={device_uuid}"
    )
    saved = interview_of(app, uuid)
    assert (
        saved.content["sections"]["away"]["text"]
        == f"{SERVER_WORDS}\n\nFrom the tablet:\n{TABLET_WORDS}"
    )
    assert saved.content["risk_view"] == "low"  # a choice: the server's unless chosen
    places = {p["id"]: p for p in saved.content["places"]}
    assert places["srv1"]["name"] == "Corner shop"  # only on the server: it stays
    assert places["tab1"]["name"] == "Jay's flat" and places["tab1"]["area"] == "Northtown"
    assert saved.version == 3
    (conflict,) = conflicts(app)
    assert conflict.resolved_at is not None

    done = web.get(response.headers["Location"])
    html = done.get_data(as_text=True)
    assert "Done: nothing is left to choose" in html
    assert f'data-versions-resolved="{device_uuid}"' in html
    assert f'href="/interviews/{uuid}/review"' in html
    assert "Your choices are saved in the interview." in html
    assert TABLET_WORDS not in html


def test_choosing_the_tablets_and_the_servers(app, web, world_i):
    uuid = make_conflict(web, world_i)
    response = post_choices(
        web,
        uuid,
        {
            "choice:sections.away.text": "tablet",
            "choice:risk_view": "tablet",
            "add:places.tab1": "leave",
        },
    )
    assert response.status_code == 302
    saved = interview_of(app, uuid).content
    assert saved["sections"]["away"]["text"] == TABLET_WORDS
    assert saved["risk_view"] == "high"
    assert [p["id"] for p in saved["places"]] == ["srv1"]

    web_b = Web(app.test_client())
    other = make_conflict(web_b, world_i, key="b")
    response = post_choices(web_b, other, {"choice:sections.away.text": "server"})
    assert response.status_code == 302
    saved = interview_of(app, other).content
    assert saved["sections"]["away"]["text"] == SERVER_WORDS
    assert saved["risk_view"] == "low"


def test_words_written_together_win(app, web, world_i):
    uuid = make_conflict(web, world_i)
    together = "She stayed at a friend's, then went to Jay's flat."
    response = post_choices(
        web, uuid, {"choice:sections.away.text": "server", "merged:sections.away.text": together}
    )
    assert response.status_code == 302
    assert interview_of(app, uuid).content["sections"]["away"]["text"] == together


def test_both_texts_too_long_for_one_box_are_refused_next_to_the_field(app, web, world_i):
    long_server, long_tablet = "s" * 30_000, "t" * 30_000
    uuid = make_conflict(
        web, world_i, server=document(away=long_server), tablet=document(away=long_tablet)
    )
    response = post_choices(web, uuid)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Together these are too long for one box" in page
    assert 'id="v1-merged-sections-away-text-error"' in page
    assert interview_of(app, uuid).content["sections"]["away"]["text"] == long_server
    assert conflicts(app)[0].resolved_at is None
    # Keeping one of them works.
    assert post_choices(web, uuid, {"choice:sections.away.text": "tablet"}).status_code == 302
    assert interview_of(app, uuid).content["sections"]["away"]["text"] == long_tablet


def test_a_save_elsewhere_meanwhile_shows_the_page_again_with_nothing_lost(app, web, world_i):
    uuid = make_conflict(web, world_i)
    html = web.get(f"/interviews/{uuid}/versions").get_data(as_text=True)
    # Someone saves the same field on the server while the worker is choosing.
    later = SERVER_WORDS + " Later she came home."
    token = csrf_from(html)
    saved = web.client.post(
        f"/interviews/{uuid}/save",
        data={"f:sections.away.text": later, "o:sections.away.text": SERVER_WORDS},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    assert saved.status_code == 200
    typed = "My own joining of the two."
    response = post_choices(
        web, uuid, {"choice:risk_view": "tablet", "merged:sections.away.text": typed}, html=html
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "the interview was changed somewhere else while you were choosing" in page
    assert "Later she came home." in page  # the newest server version is shown
    fields = page_form(page, "choose")
    assert fields["merged:sections.away.text"] == typed  # what was typed is kept
    assert fields["choice:risk_view"] == "tablet"  # and what was chosen
    assert fields["version"] == "3"
    stored = interview_of(app, uuid)
    assert stored.content["sections"]["away"]["text"] == later
    assert stored.content["risk_view"] == "low"
    assert conflicts(app)[0].resolved_at is None
    # Saved again against the version now shown: applied.
    again = post_choices(web, uuid, {}, html=page)
    assert again.status_code == 302
    stored = interview_of(app, uuid)
    assert stored.content["sections"]["away"]["text"] == typed
    assert stored.content["risk_view"] == "high"


def test_a_finished_interview_takes_the_tablets_words_as_an_addendum(app, web, world_i):
    uuid = make_conflict(web, world_i)
    html = web.get(f"/interviews/{uuid}/versions").get_data(as_text=True)
    with app.app_context():  # finished on another device meanwhile
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        interview.status = "finished"
        db.session.commit()
    response = post_choices(web, uuid, {}, html=html)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "this interview has been finished" in page
    assert "Add the tablet&#39;s words as an addendum" in page
    assert interview_of(app, uuid).content["sections"]["away"]["text"] == SERVER_WORDS

    response = post_choices(web, uuid, action="addendum")
    assert response.status_code == 302
    stored = interview_of(app, uuid)
    assert stored.content["sections"]["away"]["text"] == SERVER_WORDS  # not edited
    (addendum,) = stored.addenda
    assert TABLET_WORDS in addendum.text
    assert "While away" in addendum.text and "Jay's flat" in addendum.text
    assert "High risk of harm" in addendum.text
    assert conflicts(app)[0].resolved_at is not None


def test_keeping_only_the_servers_version_asks_first(app, web, world_i):
    uuid = make_conflict(web, world_i)
    response = post_choices(web, uuid, action="server_only")
    assert response.status_code == 422
    assert "Tick the box to confirm" in response.get_data(as_text=True)
    assert conflicts(app)[0].resolved_at is None
    response = post_choices(web, uuid, {"confirm": "y"}, action="server_only")
    assert response.status_code == 302
    stored = interview_of(app, uuid)
    assert stored.content["sections"]["away"]["text"] == SERVER_WORDS
    assert stored.version == 2
    assert conflicts(app)[0].resolved_at is not None
    # The tablet's copy itself is still in the record of what was sent.
    assert conflicts(app)[0].content["sections"]["away"]["text"] == TABLET_WORDS


def banner(app, uuid: str, user_key: str, world: World) -> str:
    with app.test_request_context():
        user = db.session.get(User, world.users[user_key])
        login_user(user)
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        return render_template_string(
            '{% include "interviews/_versions_banner.html" %}', interview=interview
        )


def test_banner_shows_while_a_version_waits_and_only_to_those_who_may_act(app, web, world_i):
    uuid = make_conflict(web, world_i)
    shown = banner(app, uuid, "worker_a", world_i)
    assert "A version from a tablet is waiting: choose what to keep" in shown
    assert f'href="/interviews/{uuid}/versions"' in shown
    assert "waiting" in banner(app, uuid, "manager_a", world_i)  # the team's manager
    assert "waiting" not in banner(app, uuid, "social_worker", world_i)  # reads, never chooses
    assert "waiting" not in banner(app, uuid, "worker_b", world_i)  # another team's child
    assert "waiting" not in banner(app, world_i.interviews["b"], "worker_b", world_i)
    with app.test_request_context():
        assert (
            render_template_string(
                '{% include "interviews/_versions_banner.html" %}', interview=None
            ).strip()
            == ""
        )

    assert post_choices(web, uuid).status_code == 302
    assert "waiting" not in banner(app, uuid, "worker_a", world_i)
    html = web.get(f"/interviews/{uuid}/versions").get_data(as_text=True)
    assert "Nothing is left to choose" in html
    assert TABLET_WORDS not in html
    assert "data-versions-resolved" not in html  # only when asked about a chosen copy
    # Posting the same choice again changes nothing.
    with app.app_context():
        conflict_id = db.session.scalar(select(SyncConflict.id))
    token = csrf_from(html)
    again = web.client.post(
        resolve_url(uuid, conflict_id),
        data={"csrf_token": token, "action": "choose", "version": "3"},
    )
    assert again.status_code == 302
    assert interview_of(app, uuid).version == 3


def test_another_teams_or_a_readers_access_is_refused(app, web, world_i):
    uuid = make_conflict(web, world_i)
    conflict_id = conflicts(app)[0].id
    for key, status in (
        ("worker_b", 404),
        ("manager_b", 404),
        ("social_worker_other", 404),
        ("social_worker", 403),
        ("admin", 404),
    ):
        other = Web(app.test_client())
        other.sign_in(world_i.emails[key])
        assert other.get(f"/interviews/{uuid}/versions").status_code == status, key
        response = other.post(resolve_url(uuid, conflict_id), {"action": "choose", "version": "2"})
        assert response.status_code == status, key
    assert conflicts(app)[0].resolved_at is None
    # A conflict is reached only through its own interview.
    web_b = Web(app.test_client())
    web_b.sign_in(world_i.emails["worker_b"])
    response = web_b.post(
        resolve_url(world_i.interviews["b"], conflict_id), {"action": "choose", "version": "1"}
    )
    assert response.status_code == 404
    with app.app_context():
        refused = db.session.scalars(
            select(AuditEvent).where(AuditEvent.outcome == "refused", AuditEvent.object_id == uuid)
        ).all()
        assert {e.user_id for e in refused} >= {
            world_i.users["worker_b"],
            world_i.users["social_worker"],
        }


def test_a_post_without_its_csrf_token_is_refused(app, web, world_i):
    uuid = make_conflict(web, world_i)
    html = web.get(f"/interviews/{uuid}/versions").get_data(as_text=True)
    fields = page_form(html, "choose")
    fields.pop("csrf_token")
    response = web.client.post(resolve_url(uuid, conflicts(app)[0].id), data=fields)
    assert response.status_code == 400
    assert "The page had expired" in response.get_data(as_text=True)
    assert conflicts(app)[0].resolved_at is None
    assert interview_of(app, uuid).version == 2


def test_resolving_is_audited_with_the_device_and_no_text(app, web, world_i):
    uuid = make_conflict(web, world_i)
    assert post_choices(web, uuid, {"choice:risk_view": "tablet"}).status_code == 302
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        (resolved,) = [e for e in events if e.action == "sync.resolve"]
        assert resolved.user_id == world_i.users["worker_a"]
        assert resolved.object_type == "interview" and resolved.object_id == uuid
        assert resolved.child_id == world_i.children["a"]
        assert f"device {uuid}" in resolved.detail
        assert "1 both" in resolved.detail and "1 tablet" in resolved.detail
        for event in events:
            assert not any(s in (event.detail or "") for s in SECRETS), event.action
        # The choice and its audit row were written together.
        assert "interview.save" in [e.action for e in events]


def test_a_second_interview_started_on_a_tablet_is_chosen_into_the_servers(app, web, world_i):
    web.sign_in(world_i.emails["worker_a"])
    upload = item([world_i.episodes["a"]], document(away=TABLET_WORDS))
    assert one(send(web, [upload]))["outcome"] == "conflict"
    uuid = world_i.interviews["a"]
    response = post_choices(web, uuid)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"?resolved={upload['uuid']}")
    assert interview_of(app, uuid).content["sections"]["away"]["text"] == TABLET_WORDS
    html = web.get(response.headers["Location"]).get_data(as_text=True)
    assert f'data-versions-resolved="{upload["uuid"]}"' in html
    # A made-up or still-waiting device id is never announced as chosen.
    assert "data-versions-resolved" not in web.get(
        f"/interviews/{uuid}/versions?resolved={uuid}"
    ).get_data(as_text=True)
    assert "data-versions-resolved" not in web.get(
        f"/interviews/{uuid}/versions?resolved=<b>"
    ).get_data(as_text=True)


def test_an_addendum_is_only_for_a_finished_interview(app, web, world_i):
    uuid = make_conflict(web, world_i)
    html = web.get(f"/interviews/{uuid}/versions").get_data(as_text=True)
    token = csrf_from(html)
    response = web.client.post(
        resolve_url(uuid, conflicts(app)[0].id),
        data={"csrf_token": token, "action": "addendum", "text": "Anything."},
    )
    assert response.status_code == 409
    with app.app_context():
        assert db.session.scalar(select(Addendum.id)) is None
    assert conflicts(app)[0].resolved_at is None


def test_the_same_copy_sent_again_after_the_choice_is_not_a_new_conflict(app, web, world_i):
    """A tablet that never saw the choice being made sends its copy again: already dealt with."""
    uuid = make_conflict(web, world_i)
    assert post_choices(web, uuid).status_code == 302
    tablet = document(away=TABLET_WORDS, risk="high", places=[TABLET_PLACE])
    again = one(send(web, [item([world_i.episodes["a"]], tablet, uuid=uuid, base_version=1)]))
    assert again["outcome"] == "unchanged"
    assert [row.resolved_at is not None for row in conflicts(app)] == [True]


def test_only_what_the_tablet_changed_is_offered_so_replaced_words_do_not_return(app, web, world_i):
    """The server moved on in one box; the tablet wrote in another. Choosing must not bring the
    tablet's stale copy of the first box back."""
    web.sign_in(world_i.emails["worker_a"])
    uuid, episode = world_i.interviews["a"], world_i.episodes["a"]
    base = document(away="She went to Leeds.")
    assert (
        one(send(web, [item([episode], base, uuid=uuid, base_version=1)]))["outcome"] == "updated"
    )
    server = c.set_field(base, "sections.away.text", "She went to Bradford.")
    assert (
        one(send(web, [item([episode], server, uuid=uuid, base_version=2)]))["outcome"] == "updated"
    )
    tablet = c.set_field(base, "sections.help.text", "A mentor at school.")
    raw = item([episode], tablet, uuid=uuid, base_version=2)
    raw["changed_paths"] = ["sections.help.text"]
    assert one(send(web, [raw], device="tab-2"))["outcome"] == "conflict"
    html = web.get(f"/interviews/{uuid}/versions").get_data(as_text=True)
    assert "A mentor at school." in html
    assert "She went to Leeds." not in html
    assert post_choices(web, uuid).status_code == 302
    saved = interview_of(app, uuid).content
    assert saved["sections"]["away"]["text"] == "She went to Bradford."
    assert saved["sections"]["help"]["text"] == "A mentor at school."


def test_changed_paths_must_be_a_list_of_paths(web, world_i):
    web.sign_in(world_i.emails["worker_a"])
    raw = item(
        [world_i.episodes["a"]], document(away="x"), uuid=world_i.interviews["a"], base_version=1
    )
    raw["changed_paths"] = "sections.away.text"
    answer = one(send(web, [raw]))
    assert answer["outcome"] == "rejected"
    assert answer["messages"][0].startswith("changed_paths:")


def test_the_tablet_is_told_which_of_its_versions_still_wait(app, web, world_i):
    uuid = make_conflict(web, world_i)
    waiting = web.get("/sync/v1/copies").get_json()["waiting_versions"]
    assert waiting == [uuid]
    assert post_choices(web, uuid).status_code == 302
    assert web.get("/sync/v1/copies").get_json()["waiting_versions"] == []


def test_a_version_waiting_over_a_return_given_an_outcome_meanwhile_becomes_an_addendum(
    app, web, world_i
):
    """The review of the tablet's new rule: a version was waiting when the return was given
    an outcome (the child's no, recorded by a colleague). Choosing started the interview over
    the outcome and failed (500), and "add as an addendum" was refused as "still open": the
    tablet's words were stuck. As on the interview's pages, nothing more is written in it: the
    words go in as an addendum."""
    uuid = make_conflict(web, world_i)
    choosing = web.get(f"/interviews/{uuid}/versions").get_data(as_text=True)
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        interview.status, interview.outcome = "declined", "declined"
        interview.outcome_recorded_by_id = world_i.users["manager_a"]
        db.session.commit()
    refused = post_choices(web, uuid, html=choosing)
    assert refused.status_code == 409
    assert "as an addendum instead." in refused.get_data(as_text=True)
    assert interview_of(app, uuid).status == "declined"
    html = web.get(f"/interviews/{uuid}/versions").get_data(as_text=True)
    assert "This return has an outcome (" in html
    response = web.client.post(
        resolve_url(uuid, conflicts(app)[0].id),
        data={"csrf_token": csrf_from(html), "action": "addendum", "text": TABLET_WORDS},
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Addendum.text)) == TABLET_WORDS
    assert conflicts(app)[0].resolved_at is not None
    assert interview_of(app, uuid).outcome == "declined"


def test_a_refused_choice_for_a_place_from_the_tablet_is_tied_to_its_reason(app, web, world_i):
    """A screen reader on the place's group hears why it was refused (its reason was beside it,
    tied to nothing)."""
    uuid = make_conflict(web, world_i)
    response = post_choices(web, uuid, {"add:places.tab1": "neither"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    group = re.search(r'<fieldset class="version-field field-error"([^>]*)>\s*<legend>Place', page)
    assert group, "the place's group is not marked as refused"
    described = re.search(r'aria-describedby="([^"]+)"', group.group(1))
    assert described and f'id="{described.group(1)}"' in page
