"""A child takes back their agreement to share after the interview was finished (a probe: the
save was refused, no decision could be added, and copies went on holding what they no longer
agreed to). Through the test client, reading each copy back from its PDF."""

from __future__ import annotations

import html

from sqlalchemy import select

from rhi.extensions import db
from rhi.models import AuditEvent, ConsentChange, FollowedAction
from tests.app.helpers import autosave, page_text, start
from tests.app.test_addenda_reach_readers import _copy
from tests.app.test_addenda_reach_readers import _finished_with as _finished
from tests.conftest import Web


def _change(web: Web, uuid: str, **data):
    review = f"/interviews/{uuid}/review"
    form = {"said_on": "2026-11-23", "words": "", **data}
    return web.post(f"/interviews/{uuid}/consent-changes", form, page=review)


def test_a_child_who_changes_their_mind_is_heard_in_every_copy_made_after(app, web, world):
    uuid = _finished(
        app,
        web,
        world,
        ("sections.away.text", "AWAYX she stayed with Kay"),
        ("sections.help.text", "HELPX someone to talk to"),
        ("consent.parents_carers.answer", "yes"),
        ("consent.social_worker.answer", "yes"),
    )
    assert "AWAYX" in _copy(web, uuid, "parents_carers")
    sent = web.post(
        f"/interviews/{uuid}/copies/sent",
        {
            "recipient": "parents_carers",
            "sent_to": "Ms Alpha, her mum",
            "method": "secure_email",
            "sent_at": "2026-11-23T12:00",
        },
        page=f"/interviews/{uuid}/review",
    )
    assert sent.status_code == 302
    done = _change(
        web,
        uuid,
        recipient="parents_carers",
        keep=["help"],
        words="I don't want mum to know where I was",
    )
    assert done.status_code == 302
    review = html.unescape(page_text(web.get(f"/interviews/{uuid}/review").get_data(as_text=True)))
    assert (
        "Saved: copies for parents or carers made from now hold only what Ada still agrees to "
        "share. Copies that already went to Ms Alpha, her mum (23 Nov 2026 12:00) hold what Ada "
        "no longer agrees to share, and rhi cannot call them back: tell them." in review
    )
    assert "Sent before Ada took back their agreement to share" in review
    assert "Tell Ms Alpha, her mum." in review
    parents = _copy(web, uuid, "parents_carers")
    assert "AWAYX" not in parents and "HELPX" in parents
    assert "AWAYX" in _copy(web, uuid, "social_worker")  # another reader: unchanged
    with app.app_context():
        (row,) = db.session.scalars(select(ConsentChange)).all()
        assert (row.recipient, row.before["answer"], row.after["answer"]) == (
            "parents_carers",
            "yes",
            "some",
        )
        assert row.child_words == "I don't want mum to know where I was"
        detail = db.session.scalar(
            select(AuditEvent.detail).where(AuditEvent.action == "consent.narrow")
        )
    assert detail.startswith("parents_carers: no longer before, away, after")


def test_a_change_may_only_take_away_and_only_once_finished(app, web, world):
    uuid = start(web, world)
    assert autosave(web, uuid, "consent.police.answer", "some", None).status_code == 200
    assert autosave(web, uuid, "consent.police.part_away", "y", None).status_code == 200
    early = _change(web, uuid, recipient="police", keep=[])
    assert early.status_code == 422
    assert "The interview is not finished" in early.get_data(as_text=True)
    review = f"/interviews/{uuid}/review"
    assert web.post(f"/interviews/{uuid}/finish", page=review).status_code in (302, 303)
    wider = _change(web, uuid, recipient="police", keep=["away", "before"])
    assert wider.status_code == 422
    assert "This can only take parts away." in wider.get_data(as_text=True)
    same = _change(web, uuid, recipient="police", keep=["away"])
    assert "Untick the parts they no longer agree to share." in same.get_data(as_text=True)
    nothing = _change(web, uuid, recipient="school", keep=[])
    assert "nothing to take back" in nothing.get_data(as_text=True)
    ahead = _change(web, uuid, recipient="police", keep=[], said_on="2026-12-01")
    assert "This can&#39;t be in the future." in ahead.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(ConsentChange)).all() == []
    no_token = web.client.post(
        f"/interviews/{uuid}/consent-changes", data={"recipient": "police", "said_on": "2026-11-23"}
    )
    assert no_token.status_code == 400
    assert _change(web, uuid, recipient="police", keep=[]).status_code == 302


def test_the_actions_followed_lose_the_notes_the_social_worker_may_no_longer_read(app, web, world):
    from tests.app.test_actions import _add_action

    uuid = start(web, world)
    _add_action(web, uuid, kind="safety_plan", owner_kind="social_worker", note="NOTEX at Kay's")
    assert autosave(web, uuid, "consent.social_worker.answer", "yes", None).status_code == 200
    review = f"/interviews/{uuid}/review"
    assert web.post(f"/interviews/{uuid}/finish", page=review).status_code in (302, 303)
    with app.app_context():
        assert db.session.scalar(select(FollowedAction.note)) == "NOTEX at Kay's"
    keep = ["before", "away", "after", "help", "own_words", "findings", "places_people"]
    assert _change(web, uuid, recipient="social_worker", keep=keep).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(FollowedAction.note)) == ""


def test_the_social_workers_summary_that_held_it_is_withdrawn_and_a_new_one_sent(app, web, world):
    """A review: the summary kept in rhi went on opening with what the child took back, and
    would pass so to a new social worker."""
    from tests.app.test_addenda_reach_readers import _summaries

    uuid = _finished(
        app,
        web,
        world,
        ("sections.away.text", "AWAYX she stayed with Kay"),
        ("sections.help.text", "HELPX someone to talk to"),
        ("consent.social_worker.answer", "yes"),
    )
    (first,) = _summaries(app)
    assert "AWAYX" in first
    keep = ["help"]
    done = _change(web, uuid, recipient="social_worker", keep=keep)
    assert done.status_code == 302
    review = html.unescape(page_text(web.get(f"/interviews/{uuid}/review").get_data(as_text=True)))
    assert "The social worker's summary that held it is withdrawn: a new one is in" in review
    old, new = _summaries(app)
    assert old == first and "AWAYX" not in new and "HELPX" in new
    social_worker = Web(app.test_client())
    social_worker.sign_in(world.emails["social_worker"])
    with app.app_context():
        from rhi.models import Summary

        ids = db.session.scalars(select(Summary.id).order_by(Summary.id)).all()
    refused = social_worker.get(f"/summaries/{ids[0]}/pdf")
    assert refused.status_code == 410
    assert "This summary was withdrawn" in refused.get_data(as_text=True)
    inbox = social_worker.get("/inbox").get_data(as_text=True)
    assert f"/summaries/{ids[1]}" in inbox and f'/summaries/{ids[0]}"' not in inbox
    assert social_worker.get(f"/summaries/{ids[1]}/pdf").status_code == 200
