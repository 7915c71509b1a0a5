"""Consent by part and proportionate safeguarding decisions (issue 11, items 2-4), through the
test client, reading each copy back from its PDF: a decision names its parts, the kept-back
items it releases and its decider (a user of rhi, who confirms it); a copy is released on
confirmation, or at once when urgent; bad input is refused with the field named."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from rhi.extensions import db
from rhi.models import AuditEvent, Child, Episode, SharingDecision, Summary
from tests.app.helpers import autosave, content, count, start
from tests.conftest import Web


def _pdf(web: Web, uuid: str, recipient: str) -> str:
    response = web.get(f"/interviews/{uuid}/copies/{recipient}.pdf?draft=1")
    assert response.status_code == 200
    pages = PdfReader(io.BytesIO(response.data)).pages
    return " ".join(" ".join(p.extract_text().split()) for p in pages)


def _write(web: Web, uuid: str, **fields: object) -> None:
    for path, value in fields.items():
        path = path.replace("__", ".")
        value = "y" if value is True else value
        assert autosave(web, uuid, path, str(value), None).status_code == 200, path


def _interview(web: Web, world) -> str:
    uuid = start(web, world)
    _write(
        web,
        uuid,
        sections__away__text="AWAYWORDS stayed with a man called Kay",
        sections__after__text="AFTERWORDS worried about the pill",
        sections__after__kept_back="KEPTPHOTOS a man photographed her",
        sections__before__kept_back="KEPTSISTER her sister's address",
        consent__police__answer="no",
        consent__police__words="POLICEWORDS not the police",
        consent__health__answer="some",
        consent__health__part_after=True,
        consent__health__words="HEALTHWORDS only the pill stuff",
    )
    return uuid


def _decision(world, **changes: object) -> dict[str, object]:
    decision: dict[str, object] = {
        "recipient": "police",
        "parts": ["away"],
        "releases": ["sections.after.kept_back"],
        "reason": "REASONWORDS adults are exploiting her",
        "decider": str(world.users["social_worker"]),
        "child_told": "told",
        "child_told_how": "In person, at the end of the chat",
        "child_said": "CHILDSAID ok but not my mum",
    }
    decision.update(changes)
    return decision


def _record(web: Web, uuid: str, decision: dict[str, object]):
    return web.post(f"/interviews/{uuid}/overrides", decision, page=f"/interviews/{uuid}/consent")


def test_consent_to_some_parts_gives_that_reader_exactly_those_parts(app, web, world):
    uuid = _interview(web, world)
    health = _pdf(web, uuid, "health")
    assert "AFTERWORDS" in health and "HEALTHWORDS" in health
    assert "AWAYWORDS" not in health and "KEPTPHOTOS" not in health
    assert "POLICEWORDS" not in health  # never another reader's answer
    assert "Yes, to the parts ticked below (How you feel now)" in health
    # The police were refused and no decision is recorded: that an interview took place only.
    police = _pdf(web, uuid, "police")
    assert "AWAYWORDS" not in police and "POLICEWORDS" not in police
    assert "A return home interview took place" in police


def test_a_decision_is_released_when_the_named_decider_confirms_it(app, web, world):
    uuid = _interview(web, world)
    response = _record(web, uuid, _decision(world))
    assert response.status_code == 302
    (entry,) = content(app, uuid)[0]["overrides"]
    assert entry["decided_by"] == "Social Worker, social worker"
    assert entry["parts"] == ["away"] and entry["releases"] == ["sections.after.kept_back"]
    # Recorded, not confirmed: nothing reaches the police yet, and the worker is told so.
    assert "AWAYWORDS" not in _pdf(web, uuid, "police")
    consent_page = web.get(f"/interviews/{uuid}/consent").get_data(as_text=True)
    assert "Waiting for Social Worker to confirm: not shared yet." in consent_page

    social_worker = Web(app.test_client())
    social_worker.sign_in(world.emails["social_worker"])
    home = social_worker.get("/inbox").get_data(as_text=True)
    assert "Decisions to confirm" in home and "(1)" in home
    listing = social_worker.get("/decisions").get_data(as_text=True)
    assert "Ada Alpha" in listing and "Not shared until you confirm" in listing
    page = social_worker.get(f"/decisions/{entry['id']}").get_data(as_text=True)
    assert "REASONWORDS" in page and "KEPTPHOTOS" in page  # what the decider confirms
    assert "KEPTSISTER" not in page  # a kept-back item the decision does not name
    confirmed = social_worker.post(
        f"/decisions/{entry['id']}/confirm", page=f"/decisions/{entry['id']}", follow=True
    )
    assert "Confirmed." in confirmed.get_data(as_text=True)
    assert "Decisions to confirm" not in social_worker.get("/inbox").get_data(as_text=True)

    police = _pdf(web, uuid, "police")
    assert "AWAYWORDS" in police and "KEPTPHOTOS" in police
    assert (
        "Reason (decided by Social Worker, social worker): REASONWORDS adults are exploiting her."
        in police
    )
    assert "CHILDSAID" in police
    for never in ("AFTERWORDS", "KEPTSISTER", "HEALTHWORDS", "Urgent"):
        assert never not in police, never
    # The decision opens nothing for anyone else, and no other copy mentions it.
    school = _pdf(web, uuid, "school")
    assert "REASONWORDS" not in school and "KEPTPHOTOS" not in school
    health = _pdf(web, uuid, "health")
    assert "REASONWORDS" not in health and "KEPTPHOTOS" not in health
    # The social worker reads on screen what their own copy holds: not the kept-back words.
    record = social_worker.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    assert "KEPTPHOTOS" not in record and "REASONWORDS" not in record


def test_confirming_twice_or_by_someone_else_changes_nothing_and_is_audited(app, web, world):
    uuid = _interview(web, world)
    _record(web, uuid, _decision(world))
    (entry,) = content(app, uuid)[0]["overrides"]
    manager = Web(app.test_client())
    manager.sign_in(world.emails["manager_a"])  # sees the child, is not the decider
    refused = manager.post(f"/decisions/{entry['id']}/confirm", page=f"/decisions/{entry['id']}")
    assert refused.status_code == 403
    assert "AWAYWORDS" not in _pdf(web, uuid, "police")
    social_worker = Web(app.test_client())
    social_worker.sign_in(world.emails["social_worker"])
    for _ in range(2):
        social_worker.post(f"/decisions/{entry['id']}/confirm", page=f"/decisions/{entry['id']}")
    again = social_worker.get(f"/decisions/{entry['id']}").get_data(as_text=True)
    assert "Confirmed by Social Worker" in again
    with app.app_context():
        row = db.session.scalar(select(SharingDecision))
        assert row.confirmed_by_id == world.users["social_worker"]
        outcomes = list(
            db.session.execute(
                select(AuditEvent.user_id, AuditEvent.outcome, AuditEvent.detail)
                .where(AuditEvent.action == "sharing.confirm")
                .order_by(AuditEvent.id)
            )
        )
    assert outcomes == [
        (world.users["manager_a"], "refused", "not the decider"),
        (world.users["social_worker"], "ok", "share with police without consent"),
        (world.users["social_worker"], "refused", "already confirmed"),
    ]
    # Someone who may not see the child cannot even read the decision.
    other = Web(app.test_client())
    other.sign_in(world.emails["manager_b"])
    assert other.get(f"/decisions/{entry['id']}").status_code == 404
    assert other.post(f"/decisions/{entry['id']}/confirm", page="/").status_code == 404


def test_an_urgent_decision_is_released_at_once_and_says_why(app, web, world):
    uuid = _interview(web, world)
    response = _record(
        web,
        uuid,
        _decision(world, urgent="y", urgent_reason="URGENTWHY he is meeting her tonight."),
    )
    assert response.status_code == 302
    police = _pdf(web, uuid, "police")
    assert "AWAYWORDS" in police
    # The worker's own full stop, never a second one after it (a probe saw "tonight..").
    assert (
        "Urgent, so released before confirmation: URGENTWHY he is meeting her tonight. " in police
    )
    assert "tonight.." not in police
    social_worker = Web(app.test_client())
    social_worker.sign_in(world.emails["social_worker"])
    listing = social_worker.get("/decisions").get_data(as_text=True)
    assert "Urgent: already shared" in listing


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"reason": "  "}, "reason", "Write the reason"),
        # What the list sends when it is left at "Choose one" (a review: it started at the
        # social worker, and left alone shared with them).
        ({"recipient": ""}, "recipient", "Choose who the information will be shared with."),
        ({"decider": ""}, "decider", "Choose who made the decision."),
        ({"parts": [], "releases": []}, "parts", "Choose at least one part to share."),
        ({"decider": "manager_b"}, "decider", "Manager B cannot decide for this child"),
        ({"decider": "worker_a"}, "decider", "Worker A cannot decide for this child"),
        ({"child_told": ""}, "child_told", "Say whether the child was told."),
        ({"parts": ["away", "diary"]}, "parts", "Choose the parts from the list."),
        ({"urgent": "y", "urgent_reason": ""}, "urgent_reason", "Write why it cannot wait"),
        (
            {"releases": ["sections.away.kept_back"]},
            "releases",
            "Choose kept-back items from the list.",
        ),
    ],
)
def test_a_decision_with_bad_input_is_refused_with_the_field_named(
    app, web, world, changes, field, message
):
    uuid = _interview(web, world)
    if changes.get("decider") in world.users:
        changes["decider"] = str(world.users[changes["decider"]])
    response = _record(web, uuid, _decision(world, **changes))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html
    error = html.split(f'id="{field}-error"', 1)[1].split("</p>", 1)[0]
    assert message in error.replace("&#39;", "'")
    assert "REASONWORDS" in html or changes.get("reason")  # what was typed is kept
    assert content(app, uuid)[0]["overrides"] == []
    assert count(app, SharingDecision) == 0


def test_a_decision_confirmed_after_finishing_reaches_the_social_worker_in_a_new_summary(
    app, web, world
):
    """The social worker's copy is made once, on finishing. A decision to pass on to them what
    the child kept back, confirmed after that, would never reach them: a new summary that
    holds it goes to the same inbox, and the first is left as it was sent."""
    uuid = _interview(web, world)
    _write(web, uuid, consent__social_worker__answer="yes")
    decision = _decision(world, recipient="social_worker", decider=str(world.users["manager_a"]))
    assert _record(web, uuid, decision).status_code == 302
    review = f"/interviews/{uuid}/review"
    assert web.post(f"/interviews/{uuid}/finish", page=review).status_code in (302, 303)

    def sent() -> list[tuple[int | None, str]]:
        """(prepared for, the PDF's text) of each social worker's summary, oldest first."""
        with app.app_context():
            rows = db.session.scalars(
                select(Summary).where(Summary.recipient == "social_worker").order_by(Summary.id)
            )
            return [
                (
                    s.prepared_for_id,
                    " ".join(
                        " ".join(p.extract_text().split())
                        for p in PdfReader(io.BytesIO(s.pdf)).pages
                    ),
                )
                for s in rows
            ]

    ((reader, first),) = sent()
    assert reader == world.users["social_worker"] and "AWAYWORDS" in first
    assert "KEPTPHOTOS" not in first  # not in force when the copy was made
    (entry,) = content(app, uuid)[0]["overrides"]
    manager = Web(app.test_client())
    manager.sign_in(world.emails["manager_a"])
    confirmed = manager.post(
        f"/decisions/{entry['id']}/confirm", page=f"/decisions/{entry['id']}", follow=True
    ).get_data(as_text=True)
    assert "a new one that holds what it shares is in Social Worker&#39;s inbox" in confirmed
    (_, again), (reader, newest) = sent()
    assert again == first  # the first, as it was sent
    assert reader == world.users["social_worker"]
    assert "KEPTPHOTOS" in newest and "REASONWORDS" in newest
    assert "KEPTSISTER" not in newest  # a kept-back item the decision does not name


def _finished_with_decision(app, web, world, **changes):
    uuid = _interview(web, world)
    _write(web, uuid, consent__social_worker__answer="yes")
    decision = _decision(
        world, recipient="social_worker", decider=str(world.users["manager_a"]), **changes
    )
    assert _record(web, uuid, decision).status_code == 302
    finished = web.post(f"/interviews/{uuid}/finish", page=f"/interviews/{uuid}/review")
    assert finished.status_code in (302, 303)
    (entry,) = content(app, uuid)[0]["overrides"]
    manager = Web(app.test_client())
    manager.sign_in(world.emails["manager_a"])
    return uuid, entry["id"], manager


def _summaries(app) -> list[int | None]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(Summary.prepared_for_id)
                .where(Summary.recipient == "social_worker")
                .order_by(Summary.id)
            )
        )


def test_an_urgent_decision_confirmed_after_finishing_sends_no_second_summary(app, web, world):
    """An urgent decision is in force at once: the copy made on finishing already holds it."""
    _uuid, decision_id, manager = _finished_with_decision(
        app, web, world, urgent="y", urgent_reason="She is with him tonight"
    )
    assert len(_summaries(app)) == 1
    page = f"/decisions/{decision_id}"
    said = manager.post(f"{page}/confirm", page=page, follow=True).get_data(as_text=True)
    assert "Confirmed." in said and "a new one" not in said
    assert len(_summaries(app)) == 1


def test_a_new_summary_that_cannot_be_made_leaves_the_decision_to_confirm_again(
    app, web, world, monkeypatch
):
    _uuid, decision_id, manager = _finished_with_decision(app, web, world)
    from rhi.summaries import service

    def broken(*args, **kwargs):
        raise RuntimeError("the renderer is down")

    monkeypatch.setattr(service, "render_for", broken)
    page = f"/decisions/{decision_id}"
    said = manager.post(f"{page}/confirm", page=page, follow=True).get_data(as_text=True)
    assert "Not confirmed yet" in said
    with app.app_context():
        row = db.session.scalar(
            select(SharingDecision).where(SharingDecision.decision_id == decision_id)
        )
        assert row.confirmed_at is None
    monkeypatch.undo()
    said = manager.post(f"{page}/confirm", page=page, follow=True).get_data(as_text=True)
    assert "a new one that holds what it shares" in said
    assert len(_summaries(app)) == 2


def test_a_social_worker_since_de_allocated_is_not_sent_the_new_summary(app, web, world):
    _uuid, decision_id, manager = _finished_with_decision(app, web, world)
    with app.app_context():
        db.session.get(Child, world.children["a"]).social_worker_id = None
        db.session.commit()
    page = f"/decisions/{decision_id}"
    said = manager.post(f"{page}/confirm", page=page, follow=True).get_data(as_text=True)
    assert _summaries(app) == [world.users["social_worker"]]  # only the first, as sent
    assert "Confirmed, but no summary was sent" in said  # never "holds what it shares"


def test_share_with_starts_at_choose_one(app, web, world):
    uuid = _interview(web, world)
    page = web.get(f"/interviews/{uuid}/consent").get_data(as_text=True)
    found = re.search(r'<select[^>]*id="recipient"[^>]*>(.*?)</select>', page, re.S)
    assert found
    options = re.findall(r"<option([^>]*)>([^<]*)<", found.group(1))
    assert options[0] == (' value=""', "Choose one")
    assert not any("selected" in attributes for attributes, _ in options)


def test_a_copy_leaves_out_the_parts_it_does_not_share_rather_than_saying_none(app, web, world):
    """A police copy given the places and people only, for a child with a harm recorded: no
    "Harms and risk indicators: None recorded" (read as no harm found) and no "No actions
    recorded"; a copy given the findings with none recorded still says so (a probe)."""
    uuid = start(web, world)
    _write(
        web,
        uuid,
        harms__criminal_exploitation__on=True,
        harms__criminal_exploitation__note="HARMNOTE",
        consent__police__answer="some",
        consent__police__part_places_people=True,
        consent__school__answer="some",
        consent__school__part_findings=True,
    )
    police = _pdf(web, uuid, "police")
    assert "HARMNOTE" not in police
    for never in ("Push and pull factors", "What made them want to leave", "No actions"):
        assert never not in police, never
    school = _pdf(web, uuid, "school")
    assert "Push and pull factors, harms and risk indicators" in school
    assert "HARMNOTE" in school
    # A group with nothing this reader may read is left out, never said to hold nothing: that
    # would be untrue of one whose entries the child kept private (a sharing probe).
    assert "(push factors)" not in school and "What made them want to leave" not in school


def test_the_named_decider_may_decline_a_decision_and_it_opens_no_copy(app, web, world):
    """A decision could only be confirmed: one recorded by mistake stayed waiting for good, and
    an urgent one in force (a probe). The named decider declines it, saying why."""
    uuid = _interview(web, world)
    _record(web, uuid, _decision(world))
    (entry,) = content(app, uuid)[0]["overrides"]
    page = f"/decisions/{entry['id']}"
    manager = Web(app.test_client())
    manager.sign_in(world.emails["manager_a"])  # sees the child, is not the decider
    refused = manager.post(f"{page}/decline", {"reason": "No"}, page=page)
    assert refused.status_code == 403
    social_worker = Web(app.test_client())
    social_worker.sign_in(world.emails["social_worker"])
    assert "Decline this decision" in social_worker.get(page).get_data(as_text=True)
    empty = social_worker.post(f"{page}/decline", {"reason": "  "}, page=page)
    assert empty.status_code == 422
    assert "Write why it is not to stand." in empty.get_data(as_text=True)
    declined = social_worker.post(
        f"{page}/decline", {"reason": "DECLINEWHY not what we agreed"}, page=page, follow=True
    ).get_data(as_text=True)
    assert "Declined. No copy for police made from now holds what it would have shared." in (
        declined
    )
    assert "Declined by Social Worker" in declined and "DECLINEWHY not what we agreed" in declined
    assert "Decisions to confirm" not in social_worker.get("/inbox").get_data(as_text=True)
    # Confirming it after is refused; the police copy holds nothing it would have shared.
    social_worker.post(f"{page}/confirm", page=page)
    assert "AWAYWORDS" not in _pdf(web, uuid, "police")
    consent_page = web.get(f"/interviews/{uuid}/consent").get_data(as_text=True)
    assert "Declined by Social Worker: not shared." in consent_page
    review = web.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    assert "Declined: not shared." in review and "waiting for confirmation" not in review
    with app.app_context():
        audited = list(
            db.session.execute(
                select(AuditEvent.action, AuditEvent.outcome, AuditEvent.detail)
                .where(AuditEvent.action.in_(["sharing.decline", "sharing.confirm"]))
                .order_by(AuditEvent.id)
            )
        )
    assert audited == [
        ("sharing.decline", "refused", "not the decider"),
        ("sharing.decline", "ok", "not to share with police"),
        ("sharing.confirm", "refused", "declined"),
    ]


def test_an_urgent_decision_declined_stops_and_the_copies_sent_meanwhile_are_named(app, web, world):
    uuid = _interview(web, world)
    _record(web, uuid, _decision(world, urgent="y", urgent_reason="He is meeting her tonight"))
    assert "AWAYWORDS" in _pdf(web, uuid, "police")  # in force at once
    sent = web.post(
        f"/interviews/{uuid}/copies/sent",
        {
            "recipient": "police",
            "sent_to": "PC Jo Reed, Humber Police",
            "method": "secure_email",
            "sent_at": "2026-11-23T12:00",
        },
        page=f"/interviews/{uuid}/review",
    )
    assert sent.status_code == 302, sent.get_data(as_text=True)
    (entry,) = content(app, uuid)[0]["overrides"]
    page = f"/decisions/{entry['id']}"
    social_worker = Web(app.test_client())
    social_worker.sign_in(world.emails["social_worker"])
    declined = social_worker.post(
        f"{page}/decline",
        {"reason": "Not needed: she is safe with her aunt"},
        page=page,
        follow=True,
    ).get_data(as_text=True)
    assert (
        "copies that hold what it shared went out meanwhile (to PC Jo Reed, Humber Police, "
        "23 Nov 2026 12:00). rhi cannot call them back"
    ) in declined
    assert "AWAYWORDS" not in _pdf(web, uuid, "police")


def test_parents_and_carers_are_not_told_where_the_chat_was_held_or_who_was_there(app, web, world):
    """A probe: the parents' copy named where the chat was held (a child may be spoken with at
    a refuge or a friend's home) and who else was there; rule 5 keeps them for professionals."""
    uuid = start(web, world)
    _write(
        web,
        uuid,
        start__location="WHEREX at her aunt's house in Chapeltown",
        start__present="PRESENTX her aunt, in the kitchen",
        sections__away__text="AWAYWORDS",
        consent__parents_carers__answer="yes",
        consent__social_worker__answer="yes",
    )
    with app.app_context():
        for episode in db.session.scalars(select(Episode)):
            episode.found_where = "FOUNDX a flat on Hill Street"
        db.session.commit()
    parents = _pdf(web, uuid, "parents_carers")
    assert "AWAYWORDS" in parents
    assert "WHEREX" not in parents and "PRESENTX" not in parents
    assert "Where the chat was held" not in parents
    assert "FOUNDX" in parents  # where she was found: the police tell those who collect her
    social_worker = _pdf(web, uuid, "social_worker")
    assert "WHEREX at her aunt" in social_worker and "PRESENTX her aunt" in social_worker
    assert "FOUNDX a flat on Hill Street" in social_worker


def test_the_badge_counts_only_the_decisions_the_list_shows(app, web, world):
    """A review: a decider no longer allocated to the child saw "Decisions to confirm (1)"
    while the list, rightly, showed none."""
    uuid = _interview(web, world)
    _record(web, uuid, _decision(world))
    social_worker = Web(app.test_client())
    social_worker.sign_in(world.emails["social_worker"])
    assert "Decisions to confirm" in social_worker.get("/inbox").get_data(as_text=True)
    with app.app_context():
        child = db.session.scalar(select(Child).where(Child.first_name == "Ada"))
        child.social_worker_id = None
        db.session.commit()
    assert "Ada Alpha" not in social_worker.get("/decisions").get_data(as_text=True)
    assert "Decisions to confirm" not in social_worker.get("/inbox").get_data(as_text=True)


def test_an_urgent_decision_for_the_social_worker_declined_withdraws_their_summary(app, web, world):
    """A review: declined, the summary kept in rhi still opened with what it had shared."""
    uuid, decision_id, _manager = _finished_with_decision(
        app, web, world, urgent="y", urgent_reason="She is with him tonight"
    )
    (first,) = [t for t in _summary_texts(app)]
    assert "KEPTPHOTOS" in first  # in force at once: the copy made on finishing holds it
    manager = Web(app.test_client())
    manager.sign_in(world.emails["manager_a"])
    page = f"/decisions/{decision_id}"
    declined = manager.post(
        f"{page}/decline", {"reason": "Not needed after all"}, page=page, follow=True
    ).get_data(as_text=True)
    assert "The social worker&#39;s summary, which held it, is withdrawn" in declined
    old, new = _summary_texts(app)
    assert old == first and "KEPTPHOTOS" not in new


def _summary_texts(app) -> list[str]:
    with app.app_context():
        rows = db.session.scalars(
            select(Summary).where(Summary.recipient == "social_worker").order_by(Summary.id)
        )
        return [
            " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(s.pdf)).pages)
            for s in rows
        ]


def test_a_decision_whose_decider_can_no_longer_decide_can_be_put_to_someone_else(app, web, world):
    """An urgent decision named the child's social worker, who was then no longer allocated:
    no one could confirm or decline it, so it stayed in force for good. The worker now asks
    someone who can, who may decline it."""
    uuid = _interview(web, world)
    _record(web, uuid, _decision(world, urgent="y", urgent_reason="He is meeting her tonight"))
    (entry,) = content(app, uuid)[0]["overrides"]
    consent = f"/interviews/{uuid}/consent"
    ask = f"/interviews/{uuid}/decisions/{entry['id']}/decider"
    assert "can no longer confirm or decline" not in web.get(consent).get_data(as_text=True)
    manager = str(world.users["manager_a"])
    # While the social worker can still decide, no one else is asked instead.
    still = web.post(
        ask,
        {f"ask-{entry['id']}-decider": manager},
        page=consent,
    )
    assert still.status_code == 422
    assert "can still confirm or decline it: nothing has changed." in still.get_data(as_text=True)
    with app.app_context():
        child = db.session.scalar(select(Child).where(Child.first_name == "Ada"))
        child.social_worker_id = None
        db.session.commit()
    page = web.get(consent).get_data(as_text=True)
    assert "can no longer confirm or decline this decision for Ada" in page
    assert "Until then it stays in force." in page
    social_worker = Web(app.test_client())
    social_worker.sign_in(world.emails["social_worker"])
    refused = social_worker.post(
        ask,
        {f"ask-{entry['id']}-decider": manager},
        page="/inbox",
    )
    assert refused.status_code in (403, 404)
    asked = web.post(
        ask,
        {f"ask-{entry['id']}-decider": manager},
        page=consent,
        follow=True,
    ).get_data(as_text=True)
    assert "is asked to confirm or decline the decision in rhi." in asked
    assert "can no longer confirm or decline" not in asked
    with app.app_context():
        row = db.session.scalar(select(SharingDecision))
        assert row.decider_id == world.users["manager_a"]
        (event,) = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "sharing.decider")
        )
        assert event.detail == (
            f"asked user {world.users['manager_a']} instead of user {world.users['social_worker']}"
        )
    deciding = Web(app.test_client())
    deciding.sign_in(world.emails["manager_a"])
    assert "Ada" in deciding.get("/decisions").get_data(as_text=True)
    decision_page = f"/decisions/{entry['id']}"
    deciding.post(
        f"{decision_page}/decline",
        {"reason": "Not needed: she is safe with her aunt"},
        page=decision_page,
    )
    assert "AWAYWORDS" not in _pdf(web, uuid, "police")
