"""An upload's words never begin an interview the rule would not let begin (probe F4), and the
tablet keeps the status the server holds after an upload, never one of its own (probe F5).

F4: the rule (`rhi.episodes.service.may_start`: the offer and the child's yes on record) was
checked only for a "start" event: content with none began an offered interview, recording a yes
nobody recorded, and a new interview was made in progress with no offer or yes at all.

F5: after an upload, rhi/static/js/upload.js kept the tablet's copy as "in_progress" whatever the
server held, so offline the episode page offered "Continue the interview" for an interview the
server says is declined or finished. The answer now carries the interview's state, worked out as
GET /sync/v1/copies does, and the tablet keeps that. upload.js is run here under Node on the
server's own answer, with a stand-in for the tablet's sealed store.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid as uuidlib
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from rhi.extensions import db
from rhi.models import Addendum, SyncConflict
from rhi.models.base import utcnow
from rhi.sync.apply import NOT_BEGUN_MESSAGE
from rhi.timefmt import to_local
from tests.app.helpers import doc, item, one, send, start, stored

WORDS = "We went to the park and I felt safe there."
JS = Path(__file__).resolve().parents[2] / "rhi" / "static" / "js"
NODE = shutil.which("node")


def ago(app, **delta: float) -> str:
    """A local wall-clock time, as a tablet sends it."""
    with app.app_context():
        return to_local(utcnow() - timedelta(**delta)).strftime("%Y-%m-%d %H:%M")


def event(kind: str, at: str, **fields: Any) -> dict[str, Any]:
    return {"id": str(uuidlib.uuid4()), "kind": kind, "at": at, **fields}


def offer(app, hours: float = 3) -> dict[str, Any]:
    return event("offer", ago(app, hours=hours), method="visit")


def stopped(app) -> list[dict[str, Any]]:
    """Offered, yes, begun, then the child stopped part way (their no, kept open)."""
    return [
        offer(app),
        event("accept", ago(app, hours=3)),
        event("start", ago(app, hours=2.9)),
        event("decline", ago(app, hours=2), reason="Wants to stop.", offer_again=True),
    ]


def offered_by_tablet(app, web, world) -> dict[str, Any]:
    """An events-only upload recording the offer: the interview is "offered"."""
    web.sign_in(world.emails["worker_a"])
    first = {
        "uuid": str(uuidlib.uuid4()),
        "episode_ids": [world.episodes["a"]],
        "base_version": None,
        "content_hash": None,
        "content": None,
        "events": [offer(app)],
    }
    result = one(send(web, [first]))
    assert result["outcome"] == "created"
    assert stored(app, first["uuid"]).status == "offered"
    return {"uuid": first["uuid"], "version": result["version"]}


def words(world, uuid: str | None = None, **kw: Any) -> dict[str, Any]:
    return item([world.episodes["a"]], doc(sections__before__text=WORDS), uuid=uuid, **kw)


def conflicts(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(SyncConflict))


# ---- F4: content never begins an interview without the offer and the child's yes ----------


def test_words_without_a_start_do_not_begin_an_offered_interview_or_invent_a_yes(app, web, world):
    offered = offered_by_tablet(app, web, world)
    result = one(send(web, [words(world, offered["uuid"], base_version=offered["version"])]))
    # Refused in words; the tablet keeps the item (and its words) and does not send it again
    # until the worker records the yes.
    assert result["outcome"] == "rejected" and result["drop"] is False
    assert result["try_again"] is False
    assert result["messages"] == [NOT_BEGUN_MESSAGE]
    assert "the child's yes" in result["messages"][0]
    interview = stored(app, offered["uuid"])
    assert interview.status == "offered"
    assert interview.accepted_at is None  # no yes nobody recorded
    assert interview.version == offered["version"]
    assert "sections" not in (interview.content or {})  # nothing of the item is kept


def test_nor_on_a_stale_version_where_choosing_it_would_begin_it(app, web, world):
    """A version kept beside the server's begins the interview when chosen: refused instead."""
    offered = offered_by_tablet(app, web, world)
    stale = words(world, offered["uuid"])  # a tablet that never had the server's version
    result = one(send(web, [stale]))
    assert result["outcome"] == "rejected" and result["messages"] == [NOT_BEGUN_MESSAGE]
    assert conflicts(app) == 0
    assert stored(app, offered["uuid"]).status == "offered"


@pytest.mark.parametrize(
    "events",
    [
        [],  # an older shell, or any client that sends no events
        ["offer"],  # offered, no yes
        ["attempt"],  # only a try to reach the child
    ],
)
def test_a_new_interview_is_not_made_from_words_alone(app, web, world, events):
    web.sign_in(world.emails["worker_a"])
    made = {
        "offer": lambda: offer(app),
        "attempt": lambda: event("attempt", ago(app, hours=4), method="phone", outcome="no_answer"),
    }
    upload = {**words(world), "events": [made[kind]() for kind in events]}
    result = one(send(web, [upload]))
    assert result["outcome"] == "rejected" and result["drop"] is False
    assert result["messages"] == [NOT_BEGUN_MESSAGE]
    assert stored(app, upload["uuid"]) is None  # nothing made, no "in progress" without a yes


def test_once_the_yes_is_recorded_the_same_words_arrive_with_its_time(app, web, world):
    offered = offered_by_tablet(app, web, world)
    refused = words(world, offered["uuid"], base_version=offered["version"])
    assert one(send(web, [refused]))["outcome"] == "rejected"
    yes = event("accept", ago(app, hours=2))
    result = one(send(web, [{**refused, "events": [yes]}]))  # the worker recorded the yes
    assert result["outcome"] == "updated", result
    interview = stored(app, offered["uuid"])
    assert interview.status == "in_progress"
    assert interview.content["sections"]["before"]["text"] == WORDS
    with app.app_context():
        assert to_local(interview.accepted_at).strftime("%Y-%m-%d %H:%M") == yes["at"]


def test_an_interview_with_its_offer_and_yes_on_record_carries_on_from_words_alone(app, web, world):
    uuid = start(web, world)  # offered and yes on the episode page, then begun
    version = stored(app, uuid).version
    result = one(send(web, [words(world, uuid, base_version=version)]))
    assert result["outcome"] == "updated"
    assert stored(app, uuid).content["sections"]["before"]["text"] == WORDS


def test_offer_yes_and_start_with_the_words_make_it_in_progress(app, web, world):
    web.sign_in(world.emails["worker_a"])
    events = [offer(app), event("accept", ago(app, hours=3)), event("start", ago(app, hours=2))]
    upload = {**words(world), "events": events}
    result = one(send(web, [upload]))
    assert result["outcome"] == "created"
    assert (result["status"], result["offer_recorded"]) == ("in_progress", True)
    interview = stored(app, upload["uuid"])
    assert interview.status == "in_progress" and interview.accepted_at is not None


def test_words_with_the_childs_no_are_kept_and_begin_nothing(app, web, world):
    web.sign_in(world.emails["worker_a"])
    no = event("decline", ago(app, hours=2), reason="Not today.", offer_again=True)
    upload = {**words(world), "events": [offer(app), no]}
    result = one(send(web, [upload]))
    assert result["outcome"] == "created"
    interview = stored(app, upload["uuid"])
    assert interview.status == "declined" and interview.accepted_at is None
    assert interview.content["sections"]["before"]["text"] == WORDS
    # More notes after the sender's own no, in a later upload with no events: kept, not begun.
    more = item(
        [world.episodes["a"]],
        doc(sections__before__text=WORDS, sections__away__text="At a friend's."),
        uuid=upload["uuid"],
        base_version=result["version"],
    )
    again = one(send(web, [more]))
    assert again["outcome"] == "updated"
    assert stored(app, upload["uuid"]).status == "declined"
    assert again["status"] == "declined"


# ---- F5: the answer says the interview's state, and the tablet keeps it ---------------------


def test_the_answer_carries_the_state_the_copies_would_hand_the_tablet(app, web, world):
    web.sign_in(world.emails["worker_a"])
    upload = {**words(world), "events": stopped(app)}
    result = one(send(web, [upload]))
    assert result["outcome"] == "created"
    assert stored(app, upload["uuid"]).status == "declined"
    (copy,) = web.get(f"/sync/v1/copies?episode_id={world.episodes['a']}").get_json()["copies"]
    assert copy["uuid"] == upload["uuid"]
    assert (result["status"], result["offer_recorded"]) == (copy["status"], copy["offer_recorded"])
    assert (result["status"], result["offer_recorded"], result["keep_copy"]) == (
        "declined",
        True,
        True,
    )


def test_a_final_no_is_not_kept_on_the_tablet_as_the_copies_hold_none(app, web, world):
    """A review: keep_copy said keep for a return ended by the child's final no, which the
    copies never hold (they hold open returns only)."""
    web.sign_in(world.emails["worker_a"])
    no = event("decline", ago(app, hours=2), reason="Does not want one.", offer_again=False)
    upload = {**words(world), "events": [offer(app), no]}
    result = one(send(web, [upload]))
    assert result["outcome"] == "created" and stored(app, upload["uuid"]).outcome == "declined"
    copies = web.get("/sync/v1/copies").get_json()["copies"]
    assert not any(c["uuid"] == upload["uuid"] for c in copies)
    assert result["keep_copy"] is False


def test_an_events_only_answer_says_the_state_and_a_refusal_says_none(app, web, world):
    offered = offered_by_tablet(app, web, world)
    refused = one(send(web, [words(world, offered["uuid"], base_version=offered["version"])]))
    assert refused["outcome"] == "rejected"
    assert not {"status", "offer_recorded", "keep_copy"} & set(refused)  # nothing applied
    yes = {
        "uuid": offered["uuid"],
        "episode_ids": [world.episodes["a"]],
        "base_version": offered["version"],
        "content_hash": None,
        "content": None,
        "events": [event("accept", ago(app, hours=1))],
    }
    result = one(send(web, [yes]))
    assert (result["status"], result["offer_recorded"], result["keep_copy"]) == (
        "accepted",
        True,
        True,
    )


def test_words_for_a_finished_interview_say_it_is_finished_and_not_to_be_kept(app, web, world):
    uuid = start(web, world)
    version = stored(app, uuid).version
    finished = web.post(f"/interviews/{uuid}/finish", page=f"/interviews/{uuid}/review")
    assert finished.status_code in (302, 303)
    result = one(send(web, [words(world, uuid, base_version=version)]))
    assert result["outcome"] == "updated"  # an addendum
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Addendum)) == 1
    assert result["status"] == stored(app, uuid).status != "in_progress"
    assert result["keep_copy"] is False


# upload.js, run under Node on an answer: the tablet's store is a Map, the network one answer.
STORE = """
export const db = new Map();
export async function all() {
  return { records: [...db.entries()].map(([id, v]) => ({ id, record: v.record, rev: v.rev })),
           damaged: [] };
}
export async function get(id) { return db.get(id)?.record; }
export async function removeIf(id, rev) {
  const v = db.get(id);
  if (v && v.rev === rev) { db.delete(id); return true; }
  return false;
}
export async function remove(id) { db.delete(id); }
export async function forget(id) { db.delete(id); }
export async function seal(id, record) { db.set(id, { record, rev: crypto.randomUUID() }); }
"""
SESSION = 'export async function session() { return { csrf_token: "t", limits: {} }; }\n'
DRAFTS = "export async function changeDraft() {}\n"
# What upload.js asks of changes.js when a send of a kept change gets no answer: none here.
CHANGES = "export async function sendGotNoAnswer() {}\n"
RUN = """
import * as store from "./store.js";
const [kept, answer] = JSON.parse(process.argv[2]);
const local = new Map();
globalThis.window = { localStorage: {
  getItem: (k) => local.get(k) ?? null, setItem: (k, v) => local.set(k, v) } };
for (const [id, record] of Object.entries(kept)) store.db.set(id, { record, rev: "r1" });
const json = async () => ({ results: [answer] });
globalThis.fetch = async () => ({ ok: true, status: 200, json });
const { upload } = await import("./upload.js");
const outcome = await upload({ report: () => undefined });
console.log(JSON.stringify({ outcome, kept: Object.fromEntries(
  [...store.db].map(([id, v]) => [id, v.record])) }));
"""


def tablet_after(tmp_path: Path, kept: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
    """What the tablet holds after upload.js settles `answer` for what it `kept`."""
    assert NODE is not None
    for name in ("upload.js", "records.js", "plural.js"):
        shutil.copy(JS / name, tmp_path / name)
    (tmp_path / "store.js").write_text(STORE, encoding="utf-8")
    (tmp_path / "session.js").write_text(SESSION, encoding="utf-8")
    (tmp_path / "drafts.js").write_text(DRAFTS, encoding="utf-8")
    (tmp_path / "changes.js").write_text(CHANGES, encoding="utf-8")
    (tmp_path / "package.json").write_text('{"type": "module"}', encoding="utf-8")
    (tmp_path / "run.mjs").write_text(RUN, encoding="utf-8")
    done = subprocess.run(  # this machine's node, on files written here
        [NODE, "run.mjs", json.dumps([kept, answer])],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["kept"]


def draft_of(upload: dict[str, Any], **more: Any) -> dict[str, Any]:
    """The tablet's draft of `upload`, in the state the tablet worked out while offline."""
    return {
        **upload,
        "child": {"display_name": "Ada Alpha"},
        "status": "in_progress",
        "offer_recorded": False,
        **more,
    }


@pytest.mark.skipif(NODE is None, reason="node is not on PATH")
def test_the_tablet_keeps_the_status_the_server_holds_after_an_upload(app, web, world, tmp_path):
    """A child who stopped part way: offline, the episode page must not offer to carry on."""
    web.sign_in(world.emails["worker_a"])
    upload = {**words(world), "events": stopped(app)}
    answer = one(send(web, [upload]))
    uuid = upload["uuid"]
    kept = tablet_after(tmp_path, {f"draft:{uuid}": draft_of(upload)}, answer)
    assert f"draft:{uuid}" not in kept  # the server has it
    copy = kept[f"copy:{uuid}"]
    assert (copy["status"], copy["offer_recorded"]) == ("declined", True)
    assert copy["version"] == answer["version"]
    assert copy["content"]["sections"]["before"]["text"] == WORDS


@pytest.mark.skipif(NODE is None, reason="node is not on PATH")
def test_the_tablet_forgets_its_copy_of_an_interview_the_server_says_is_finished(
    app, web, world, tmp_path
):
    uuid = start(web, world)
    version = stored(app, uuid).version
    web.post(f"/interviews/{uuid}/finish", page=f"/interviews/{uuid}/review")
    upload = words(world, uuid, base_version=version)
    answer = one(send(web, [upload]))
    assert answer["outcome"] == "updated"
    copy = {"uuid": uuid, "version": version, "status": "in_progress", "offer_recorded": True}
    kept = tablet_after(tmp_path, {f"draft:{uuid}": draft_of(upload), f"copy:{uuid}": copy}, answer)
    assert kept == {}  # no copy left to "Continue"


@pytest.mark.skipif(NODE is None, reason="node is not on PATH")
def test_an_events_only_upload_updates_the_state_of_the_copy_the_tablet_has(
    app, web, world, tmp_path
):
    offered = offered_by_tablet(app, web, world)
    uuid = offered["uuid"]
    no = event("decline", ago(app, hours=1), reason="Not today.", offer_again=True)
    upload = {
        "uuid": uuid,
        "episode_ids": [world.episodes["a"]],
        "base_version": offered["version"],
        "content_hash": None,
        "content": None,
        "events": [no],
    }
    answer = one(send(web, [upload]))
    copy = {"uuid": uuid, "version": offered["version"], "status": "offered", "content": {}}
    kept = tablet_after(tmp_path, {f"draft:{uuid}": draft_of(upload), f"copy:{uuid}": copy}, answer)
    assert kept[f"copy:{uuid}"]["status"] == "declined" == stored(app, uuid).status
    assert kept[f"copy:{uuid}"]["version"] == offered["version"]  # its words are as they were


@pytest.mark.skipif(NODE is None, reason="node is not on PATH")
def test_a_yes_sent_alone_moves_the_copys_version_on_when_its_words_are_the_servers(
    app, web, world, tmp_path
):
    """A review: after the child's yes went alone, the tablet's copy kept its old version, and
    the next words from it came back as "changed somewhere else" (only the tablet had)."""
    offered = offered_by_tablet(app, web, world)
    uuid = offered["uuid"]
    (server_copy,) = [
        c
        for c in web.get(f"/sync/v1/copies?episode_id={world.episodes['a']}").get_json()["copies"]
        if c["uuid"] == uuid
    ]
    yes = {
        "uuid": uuid,
        "episode_ids": [world.episodes["a"]],
        "base_version": offered["version"],
        "content_hash": None,
        "content": None,
        "events": [event("accept", ago(app, hours=1))],
    }
    answer = one(send(web, [yes]))
    assert answer["version"] > offered["version"]
    kept = tablet_after(
        tmp_path, {f"draft:{uuid}": draft_of(yes), f"copy:{uuid}": server_copy}, answer
    )
    assert kept[f"copy:{uuid}"]["version"] == answer["version"]
    # Its next words are not a clash with itself.
    sent = one(send(web, [words(world, uuid, base_version=kept[f"copy:{uuid}"]["version"])]))
    assert sent["outcome"] == "updated", sent


@pytest.mark.skipif(NODE is None, reason="node is not on PATH")
def test_an_answer_without_a_state_keeps_what_the_tablet_had(app, web, world, tmp_path):
    """From a server from before the answer said the state: never a status made up here."""
    web.sign_in(world.emails["worker_a"])
    upload = {**words(world), "events": stopped(app)}
    answer = {
        k: v
        for k, v in one(send(web, [upload])).items()
        if k not in ("status", "offer_recorded", "keep_copy")
    }
    uuid = upload["uuid"]
    draft = draft_of(upload, status="declined", offer_recorded=True)
    kept = tablet_after(tmp_path, {f"draft:{uuid}": draft}, answer)
    assert (kept[f"copy:{uuid}"]["status"], kept[f"copy:{uuid}"]["offer_recorded"]) == (
        "declined",
        True,
    )


def test_choosing_a_kept_version_never_begins_over_the_childs_no(app, web, world):
    """A review: notes sent with the child's no, from a copy older than the server's, kept as
    a version; choosing them began the interview and filled in a yes nobody recorded."""
    from tests.app.test_sync_versions import post_choices

    web.sign_in(world.emails["worker_a"])
    uuid = str(uuidlib.uuid4())
    no = event("decline", ago(app, hours=2), reason="Not today.", offer_again=True)
    told_no = {
        "uuid": uuid,
        "episode_ids": [world.episodes["a"]],
        "base_version": None,
        "content_hash": None,
        "content": None,
        "events": [offer(app), no],
    }
    assert one(send(web, [told_no]))["outcome"] == "created"
    assert one(send(web, [words(world, uuid, base_version=None)]))["outcome"] == "conflict"
    assert post_choices(web, uuid).status_code in {200, 302, 303}
    interview = stored(app, uuid)
    assert interview.status == "declined" and interview.accepted_at is None
    assert interview.content["sections"]["before"]["text"] == WORDS  # the words are kept
