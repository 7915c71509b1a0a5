"""A tap on a wording suggestion is saved and counted in one request (issue 14 item 4).

The browser sends the rule of each suggestion taken in a field (t:<path>) with the save of the
words it changed, so the replacement and its count are one write: never two writes racing, never
a count without its words. Two saves of the same worker landing together are made one after the
other, or tried again: never a 500.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from rhi.extensions import db
from rhi.interviews import service
from rhi.interviews import views as interview_views
from rhi.models import LanguageEvent
from tests.app.helpers import content, start
from tests.conftest import Web, csrf_from

PATH = "sections.away.text"
BEFORE = "She absconded from the placement at 9pm."
AFTER = "She went missing from the placement at 9pm."


def save(web: Web, uuid: str, path: str, value: str, original: str | None, taps=()):
    token = csrf_from(web.get(f"/interviews/{uuid}/start").get_data(as_text=True))
    data: dict[str, object] = {f"f:{path}": value}
    if original is not None:
        data[f"o:{path}"] = original
    if taps:
        data[f"t:{path}"] = list(taps)
    return web.client.post(
        f"/interviews/{uuid}/save", data=data, headers={"HX-Request": "true", "X-CSRFToken": token}
    )


def replaced_events(app) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count())
            .select_from(LanguageEvent)
            .where(LanguageEvent.action == "replaced")
        )


def test_a_tap_goes_with_the_save_of_its_words_and_is_counted_once(app, web, world):
    uuid = start(web, world)
    assert save(web, uuid, PATH, BEFORE, "").status_code == 200
    saved = save(web, uuid, PATH, AFTER, BEFORE, taps=["absconding"])
    assert saved.status_code == 200
    assert "Saved" in saved.get_data(as_text=True)
    document = content(app, uuid)[0]
    assert document["sections"]["away"]["text"] == AFTER
    assert document["language"]["replaced"] == 1
    assert replaced_events(app) == 1
    # The same save sent again (its answer was lost on the way): the words are already there,
    # so the tap is not counted twice.
    again = save(web, uuid, PATH, AFTER, BEFORE, taps=["absconding"])
    assert again.status_code == 200
    assert content(app, uuid)[0]["language"]["replaced"] == 1
    assert replaced_events(app) == 1


def test_a_tap_is_not_counted_when_its_words_are_not_saved(app, web, world):
    uuid = start(web, world)
    assert save(web, uuid, PATH, BEFORE, "").status_code == 200
    # The field changed somewhere else meanwhile: both texts are shown, nothing is saved, and
    # the tap waits in the browser for the save the worker chooses.
    refused = save(web, uuid, PATH, AFTER, "An older text.", taps=["absconding"])
    assert refused.status_code == 409
    assert "this changed somewhere else" in refused.get_data(as_text=True)
    assert content(app, uuid)[0]["language"]["replaced"] == 0
    assert replaced_events(app) == 0
    # The worker keeps their version: that save carries the tap, and it is counted then.
    kept = save(web, uuid, PATH, AFTER, BEFORE, taps=["absconding"])
    assert kept.status_code == 200
    assert content(app, uuid)[0]["language"]["replaced"] == 1


def test_many_taps_in_one_save_are_each_counted_and_unknown_rules_are_not(app, web, world):
    uuid = start(web, world)
    taps = ["absconding"] * 5 + ["refused-to-engage"] * 3 + ["no-such-rule"]
    assert save(web, uuid, PATH, AFTER, "", taps=taps).status_code == 200
    assert content(app, uuid)[0]["language"]["replaced"] == 8
    assert replaced_events(app) == 8


@pytest.mark.parametrize("where", ["apply", "commit"])
def test_a_refused_write_is_tried_again_wherever_it_is_refused(app, web, world, monkeypatch, where):
    uuid = start(web, world)
    assert save(web, uuid, PATH, BEFORE, "").status_code == 200
    refusals = [StaleDataError("another save landed first")]
    if where == "apply":
        real = service.save_fields

        def refused_once(*args, **kwargs):
            if refusals:
                raise refusals.pop()
            return real(*args, **kwargs)

        monkeypatch.setattr(service, "save_fields", refused_once)
    else:
        with app.app_context():
            real_commit = db.session.commit

        def commit_refused_once():
            if refusals:
                db.session.flush()
                raise refusals.pop()
            return real_commit()

        monkeypatch.setattr(db.session, "commit", commit_refused_once)
    saved = save(web, uuid, PATH, AFTER, BEFORE, taps=["absconding"])
    assert not refusals  # the refusal happened
    assert saved.status_code == 200
    document = content(app, uuid)[0]
    assert document["sections"]["away"]["text"] == AFTER
    assert document["language"]["replaced"] == 1  # applied once, not once per try
    assert replaced_events(app) == 1


def test_a_write_refused_every_time_asks_to_try_again_never_a_500(app, web, world, monkeypatch):
    uuid = start(web, world)
    assert save(web, uuid, PATH, BEFORE, "").status_code == 200

    def always_refused(*args, **kwargs):
        raise StaleDataError("another save landed first")

    monkeypatch.setattr(service, "save_fields", always_refused)
    monkeypatch.setattr(interview_views.time, "sleep", lambda _seconds: None)
    busy = save(web, uuid, PATH, AFTER, BEFORE, taps=["absconding"])
    # 503: the same save can succeed in a moment, so the page tries it again (autosave.js).
    assert busy.status_code == 503
    assert content(app, uuid)[0]["sections"]["away"]["text"] == BEFORE


def test_saves_of_the_same_worker_at_once_are_all_made_never_a_500(app, web, world):
    """Two tabs of the same worker, each saving its own field and taking suggestions, at the
    same moment: every save is made and every tap counted once."""
    uuid = start(web, world)
    second = Web(app.test_client())
    second.sign_in(world.emails["worker_a"])
    fields = {web: "sections.before.text", second: "sections.after.text"}
    tokens = {
        w: csrf_from(w.get(f"/interviews/{uuid}/start").get_data(as_text=True)) for w in fields
    }
    rounds = 8
    answers: list[int] = []
    start_together = threading.Barrier(2)

    def worker(w: Web) -> None:
        path = fields[w]
        original = ""
        start_together.wait()
        for n in range(rounds):
            value = f"Round {n}: she absconded again." * (n + 1)
            response = w.client.post(
                f"/interviews/{uuid}/save",
                data={f"f:{path}": value, f"o:{path}": original, f"t:{path}": "absconding"},
                headers={"HX-Request": "true", "X-CSRFToken": tokens[w]},
            )
            answers.append(response.status_code)
            if response.status_code == 200:
                original = value

    threads = [threading.Thread(target=worker, args=(w,)) for w in fields]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert answers == [200] * (2 * rounds)
    document = content(app, uuid)[0]
    last = f"Round {rounds - 1}: she absconded again." * rounds
    assert document["sections"]["before"]["text"] == last
    assert document["sections"]["after"]["text"] == last
    assert document["language"]["replaced"] == 2 * rounds
    assert replaced_events(app) == 2 * rounds
