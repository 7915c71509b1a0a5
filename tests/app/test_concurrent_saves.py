"""Issue 16 item 2: saves of one interview that meet all land, field by field, never a 500.

Each save runs in its own thread with its own test client (so its own request, application
context and database connection), as gunicorn's threads would.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

import pytest
from sqlalchemy import text

from rhi.extensions import db
from rhi.interviews import service
from tests.app.helpers import content, start, statements
from tests.conftest import Web, csrf_from


def signed_in(app, world) -> tuple[Web, str]:
    web = Web(app.test_client())
    web.sign_in(world.emails["worker_a"])
    return web, web.get("/returns").get_data(as_text=True)


def save(web: Web, token: str, uuid: str, path: str, value: str):
    return web.client.post(
        f"/interviews/{uuid}/save",
        data={f"f:{path}": value, f"o:{path}": ""},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )


def in_thread(call: Callable[[], object]) -> tuple[threading.Thread, list[object]]:
    out: list[object] = []
    thread = threading.Thread(target=lambda: out.append(call()), daemon=True)
    thread.start()
    return thread, out


def waiting_on_a_lock(app) -> int:
    """How many of the app's connections are waiting for a row lock right now."""
    with app.app_context():
        return int(
            db.session.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            )
            or 0
        )


def until_waiting_on_a_lock(app, what: str) -> None:
    """Until one of the app's connections waits for a row lock (`what` did not, else): up to
    30 s on a busy machine; a few milliseconds usually."""
    for _ in range(600):
        if waiting_on_a_lock(app):
            return
        threading.Event().wait(0.05)
    pytest.fail(f"{what} never waited")


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_two_saves_of_different_fields_meeting_both_land(app, web, world, monkeypatch):
    uuid = start(web, world)
    first, first_page = signed_in(app, world)
    second, second_page = signed_in(app, world)
    first_token, second_token = csrf_from(first_page), csrf_from(second_page)

    # The first save stops inside its change, after reading the interview, until the second
    # save has read it too (or is waiting to): the two really overlap.
    inside = threading.Event()
    go_on = threading.Event()
    real_save_fields = service.save_fields

    def slow_first(interview, user, changes, *args, **kwargs):
        if changes[0][0] == "sections.before.text" and not inside.is_set():
            inside.set()
            assert go_on.wait(60)
        return real_save_fields(interview, user, changes, *args, **kwargs)

    monkeypatch.setattr(service, "save_fields", slow_first)
    a, a_out = in_thread(
        lambda: save(first, first_token, uuid, "sections.before.text", "We talked about school.")
    )
    assert inside.wait(60)  # the first save in a process compiles the rules
    b, b_out = in_thread(
        lambda: save(second, second_token, uuid, "sections.away.text", "She stayed with a friend.")
    )
    # The second save waits for the interview's row while the first one holds it.
    until_waiting_on_a_lock(app, "the second save (for the first)")
    go_on.set()
    a.join(60)
    b.join(60)

    assert [r.status_code for r in a_out + b_out] == [200, 200]  # never a 500, nor a 503
    for response in a_out + b_out:
        assert "Saved" in response.get_data(as_text=True)
    saved, _, _ = content(app, uuid)
    assert saved["sections"]["before"]["text"] == "We talked about school."
    assert saved["sections"]["away"]["text"] == "She stayed with a friend."


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_ten_connections_saving_fields_of_one_interview_all_land(app, web, world):
    uuid = start(web, world)
    fields = [
        "sections.before.text",
        "sections.away.text",
        "sections.after.text",
        "sections.help.text",
        "sections.own_words.text",
        "sections.analysis.text",
        "findings_other.push",
        "findings_other.pull",
        "child_message",
        "protective_factors",
    ]
    clients = [signed_in(app, world) for _ in fields]
    start_together = threading.Barrier(len(fields))
    statuses: list[int] = []

    def saves(n: int) -> None:
        client, page = clients[n]
        token = csrf_from(page)
        start_together.wait(60)
        for round_ in range(3):
            response = client.client.post(
                f"/interviews/{uuid}/save",
                data={
                    f"f:{fields[n]}": f"Words {round_} for {fields[n]}.",
                    f"o:{fields[n]}": f"Words {round_ - 1} for {fields[n]}." if round_ else "",
                },
                headers={"HX-Request": "true", "X-CSRFToken": token},
            )
            statuses.append(response.status_code)

    threads = [in_thread(lambda n=n: saves(n))[0] for n in range(len(fields))]
    for thread in threads:
        thread.join(120)
    assert statuses == [200] * (3 * len(fields))
    saved, _, _ = content(app, uuid)
    from rhi.interviews import content as c

    for path in fields:
        assert c.get_field(c.normalise(saved), path) == f"Words 2 for {path}."


def test_an_autosave_reads_the_interview_once_and_the_user_once(app, web, world, backend):
    """What one save costs the database (issue 16 item 2): the session with its user (one
    query), the interview once (whether it is theirs, read afresh and, on PostgreSQL, locked,
    all in one query; no separate question first for work held when a return has moved), the
    audit row and the update. The user is not read again, neither by Flask-Login's loader nor
    after the commit (the response's headers ask only whether someone is signed in), and the
    page still carries the mark that keeps it off the tablet."""
    uuid = start(web, world)
    page = web.get(f"/interviews/{uuid}/start").get_data(as_text=True)
    token = csrf_from(page)
    assert save(web, token, uuid, "sections.before.text", "First words.").status_code == 200
    with statements(app) as sent:
        response = web.client.post(
            f"/interviews/{uuid}/save",
            data={
                "f:sections.before.text": "Second words.",
                "o:sections.before.text": "First words.",
            },
            headers={"HX-Request": "true", "X-CSRFToken": token},
        )
    assert response.status_code == 200
    assert response.headers["X-RHI-Personal-Data"] == "1"
    assert content(app, uuid)[0]["sections"]["before"]["text"] == "Second words."
    reads = [s for s in sent if s.lstrip().upper().startswith("SELECT")]
    read_from = [re.search(r"\bFROM (\w+)", s).group(1) for s in reads]  # type: ignore[union-attr]
    assert read_from == ["user_sessions", "interviews"], reads
    assert re.search(r"\bJOIN users\b", reads[0]), reads[0]
    user_reads = [s for s in reads if re.search(r"\b(FROM|JOIN) users\b", s)]
    interview_reads = [
        s for s in reads if re.search(r"^SELECT interviews\.id, interviews\.uuid", s)
    ]
    assert len(user_reads) == 1, user_reads
    assert len(interview_reads) == 1, interview_reads
    if backend == "postgresql":
        assert "FOR UPDATE OF interviews" in interview_reads[0]
    # The session row is written only when it changed, or once a while to say it was used.
    writes = [
        " ".join(m.groups())
        for m in (re.match(r"\s*(INSERT INTO|UPDATE) (\w+)", s) for s in sent)
        if m and m.group(2) != "user_sessions"
    ]
    assert sorted(writes) == ["INSERT INTO audit_events", "UPDATE interviews"], writes
