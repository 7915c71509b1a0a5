"""Issue 17 item 2: the read-back, and the child's agreement.

The read-back page tells the child, per recipient, what rhi/sharing.py puts in that recipient's
copy; a Hypothesis test checks it over generated documents (what the read-back says will reach
the police is what the police copy holds), and a page test checks it against the police PDF
read back with pypdf. The three answers are recorded with when, audited, shown on the review
and printed in the copies; finishing without a read-back is allowed and listed as a gap.
"""

from __future__ import annotations

import io
import re
from html import unescape
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from sqlalchemy import select

from rhi.extensions import db
from rhi.interviews import content as c
from rhi.interviews import read_back
from rhi.interviews.fields import ACTION_KINDS, ACTION_OWNERS
from rhi.models import AuditEvent, Child, Interview, User
from rhi.models.base import utcnow
from rhi.prompts import SECTION_IDS
from rhi.sharing import CHILD_TOLD, actions_reaching, view_for, withheld_items
from rhi.summaries.service import render_for
from tests.app.helpers import autosave, blocks, marks, prepared_file, start, store
from tests.app.helpers import stored_document as stored
from tests.conftest import Web

TALKED = [s for s in SECTION_IDS if s != "analysis"]
SHARED_PARTS = list(c.SHARED_PARTS)


# ---- what the read-back says is what each copy holds (Hypothesis) ---------------------------


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    """A document with a word of its own in every place the child's words can be, random
    sharing answers (parts, "not to be shared", decisions in force or not)."""
    d = c.empty_content()
    for s in TALKED:
        if draw(st.booleans()):
            d["sections"][s]["text"] = f"SEC{s.upper()}X"
        d["sections"][s]["private"] = draw(st.booleans())
        if draw(st.booleans()):
            d["sections"][s]["kept_back"] = f"KEPT{s.upper()}X"
        if draw(st.booleans()):
            choice = draw(st.sampled_from([k for k in c.FEELINGS if k]))
            d["feelings"][s] = {"choice": choice, "at": "2026-11-23 11:00"}
    if draw(st.booleans()):
        d["sections"]["analysis"]["text"] = "ANALYSISX"
    d["child_message"] = draw(st.sampled_from(["", "MESSAGEX"]))
    d["police_contact"] = draw(st.sampled_from(["", "POLICECONTACTX"]))
    d["protective_factors"] = draw(st.sampled_from(["", "PROTECTIVEX"]))
    d["risk_view"] = draw(st.sampled_from(list(c.RISK_VIEWS)))
    for group, factors in c.FINDING_GROUPS.items():
        for key in draw(st.lists(st.sampled_from(list(factors)), max_size=2, unique=True)):
            d[group][key] = {"on": True, "note": "", "private": draw(st.booleans())}
        if draw(st.booleans()):
            d["findings_other"][group] = f"OTHER{group.upper()}X"
    for kind in ("places", "people"):
        for n in range(draw(st.integers(0, 2))):
            d, item_id = c.add_item(d, kind, f"{kind}{n}")
            entry = next(e for e in d[kind] if e["id"] == item_id)
            entry["name"] = f"{kind.upper()}{n}X"
            entry["private"] = draw(st.booleans())
    if draw(st.booleans()):
        d, _ = c.add_item(d, "actions", "a1")
        d["actions"][0]["kind"] = draw(st.sampled_from(list(c.ACTION_KINDS)))
        d["actions"][0]["owner_kind"] = draw(st.sampled_from(list(ACTION_OWNERS)))
    for recipient in c.RECIPIENTS:
        answer = draw(st.sampled_from(list(c.CONSENT_ANSWERS)))
        d["consent"][recipient]["answer"] = answer
        d["consent"][recipient]["words"] = draw(st.sampled_from(["", f"WORDS{recipient}X"]))
        for part in draw(st.lists(st.sampled_from(SHARED_PARTS), max_size=4, unique=True)):
            d["consent"][recipient][f"part_{part}"] = True
    if draw(st.booleans()):
        d["overrides"] = [
            {
                "id": "d1",
                "recipient": draw(st.sampled_from(list(c.RECIPIENTS))),
                "reason": "Risk of serious harm",
                "child_told": draw(st.sampled_from(list(CHILD_TOLD))),
                "parts": draw(st.lists(st.sampled_from(SHARED_PARTS), max_size=3, unique=True)),
                "releases": draw(
                    st.lists(
                        st.sampled_from(
                            [
                                "sections.away",
                                "sections.help.kept_back",
                                "people.people0",
                                "places.places0",
                            ]
                        ),
                        max_size=2,
                        unique=True,
                    )
                ),
            }
        ]
    return d


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents(), st.sampled_from([(), ("d1",)]))
def test_the_read_back_tells_each_recipients_copy_exactly(document, in_force):
    """Exactly each copy, as the child may be told it: a decision recorded as "telling the
    child would put them at risk" passes on what it passes on, and the child's pages say
    nothing of it (the letter may be found by the person harming them)."""
    told = {r.key: r for r in read_back.recipients(document, in_force)}
    assert list(told) == list(c.RECIPIENTS)
    not_told = any(d.get("child_told") == "not_told" for d in document["overrides"])
    may_know = read_back.told_to_the_child(document, in_force)
    assert may_know == (set() if not_told else set(in_force))
    for recipient in c.RECIPIENTS:
        view = view_for(document, recipient, in_force=may_know)
        things = told[recipient].things
        # The child's own words each copy holds are read back, word for word, and nothing else.
        said = marks(" ".join(t.words for t in things))
        workers = {"ANALYSISX", "PROTECTIVEX", *(f"OTHER{g.upper()}X" for g in c.FINDING_GROUPS)}
        holds = marks(repr(view)) - workers
        assert said == holds, recipient
        # The worker's notes (their analysis, what keeps the child safe, their own words for a
        # reason or a harm) and view of risk are named, not read out.
        keys = {t.key for t in things}
        assert ("protective_factors" in keys) == bool(view.protective_factors.strip())
        for group in c.FINDING_GROUPS:
            assert (f"findings_other.{group}" in keys) == (group in view.findings_other)
        assert ("sections.analysis" in keys) == ("analysis" in view.sections)
        assert ("risk_view" in keys) == bool(view.risk_view)
        # The actions: in the copy, or asked of them (a strategy meeting: told to the social
        # worker), which they will know of whatever the copy holds.
        reaching = actions_reaching(document, recipient)
        assert ("actions" in keys) == bool(view.actions or reaching)
        assert told[recipient].only_that_we_talked == (not things)
        if not view.shares_content:
            assert [t.key for t in things] == (["actions"] if reaching else [])


@settings(max_examples=60, deadline=None)
@given(documents(), st.sampled_from([(), ("d1",)]))
def test_kept_between_us_is_what_no_one_is_told(document, in_force):
    kept = read_back.kept_between_us(document, in_force)
    every_copy = " ".join(repr(view_for(document, r, in_force=in_force)) for r in c.RECIPIENTS)
    for thing in kept:
        for mark in marks(f"{thing.label} {thing.words}"):
            assert mark not in every_copy


def _words_at(document: dict[str, Any], path: str) -> str:
    """The words a withheld item holds (its name, for a place or person)."""
    parts = path.split(".")
    if parts[0] == "sections":
        section = document["sections"][parts[1]]
        return section.get("kept_back" if len(parts) == 3 else "text", "")
    if parts[0] in ("places", "people"):
        return next(e["name"] for e in document[parts[0]] if e["id"] == parts[1])
    return ""  # a ticked factor: a label, not words of its own


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents(), st.sampled_from([(), ("d1",)]))
def test_what_no_copy_holds_is_said_to_be_kept_between_us(document, in_force):
    """The converse: nothing the child asked to keep is dropped from "Kept between us" while
    no copy holds it (a decision for parents named a person, which their copy never holds)."""
    kept = {thing.key for thing in read_back.kept_between_us(document, in_force)}
    every_copy = " ".join(repr(view_for(document, r, in_force=in_force)) for r in c.RECIPIENTS)
    for path, title in withheld_items(document).items():
        words = _words_at(c.normalise(document), path)
        if words.strip() and words not in every_copy:
            assert path in kept, (path, title)


def read_back_changes_typed() -> str:
    from rhi.interviews.views import CHANGES_TYPED

    return CHANGES_TYPED


def test_the_workers_own_words_and_checklist_labels_are_not_read_to_the_child(app, web, world):
    """A probe found the read-back reading the worker's "Other" notes and protective factors
    to the child word for word ("Putting herself at risk by choosing..."), and "Kept between
    us" giving the checklist's labels ("Suspected offending, which may be...")."""
    uuid = start(web, world)
    d = shared_document()
    d["findings_other"]["harms"] = "WORKERWORDSX choosing to hang around with older males"
    d["protective_factors"] = "PROTECTIVEX mum has poor boundaries"
    d["harms"]["suspected_offending"] = {"on": True, "note": "", "private": True}
    d["consent"]["social_worker"]["answer"] = "yes"
    store(app, uuid, d)
    html = web.get(f"/interviews/{uuid}/read_back").get_data(as_text=True)
    said = blocks(html)
    assert "Something your worker is worried about" in said["social_worker"]
    assert "What helps keep you safe" in said["social_worker"]
    for words in ("WORKERWORDSX", "older males", "PROTECTIVEX", "poor boundaries"):
        assert words not in html
    kept_words = read_back.CHILD_FINDINGS["harms"]["suspected_offending"]
    assert kept_words in said["kept"]
    assert c.FINDING_GROUPS["harms"]["suspected_offending"] not in html
    # The social worker's copy still holds what the worker wrote.
    copy = pdf_text(app, uuid, "social_worker")
    assert "WORKERWORDSX" in copy and "PROTECTIVEX" in copy


def test_whoever_is_asked_to_do_an_action_is_said_to_know_of_it(app, web, world):
    """A probe: the child said no to their social worker, and was told "Your social worker
    will only know that we talked", while the social worker's Actions list named the drugs
    referral and the NRM referral asked of them. The child is told now; and a strategy
    meeting, always told to the social worker, is said too."""
    uuid = start(web, world)
    d = shared_document()
    d["consent"]["social_worker"]["answer"] = "no"
    for n, (kind, owner) in enumerate(
        (("substance_service", "social_worker"), ("nrm", "social_worker"), ("school", "school"))
    ):
        d, _ = c.add_item(d, "actions", f"a{n}")
        d["actions"][n].update(kind=kind, owner_kind=owner, note=f"NOTE{n}X", due="2026-12-08")
    store(app, uuid, d)
    said = blocks(web.get(f"/interviews/{uuid}/read_back").get_data(as_text=True))
    assert "will only know that we talked" not in said["social_worker"]
    # Their copies say so too (a probe: "Actions agreed: No actions recorded"), without the
    # actions' notes, which the child did not agree to share.
    copy = " ".join(pdf_text(app, uuid, "social_worker").split())
    assert "No actions recorded" not in copy
    assert "Asked of you, as agreed in the" in copy
    for n, kind in enumerate(("substance_service", "nrm")):
        assert f"{ACTION_KINDS[kind]}: The child's social worker" in copy
        assert f"NOTE{n}X" not in copy
    assert ACTION_KINDS["school"] not in copy
    school = " ".join(pdf_text(app, uuid, "school").split())
    assert "Asked of you" in school and "NOTE2X" not in school
    # And the social worker's page of the finished interview (a review: only the PDF had it).
    with app.app_context():
        held = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        held.status, held.held_at = "finished", utcnow()
        db.session.commit()
    social_worker = Web(app.test_client())
    social_worker.sign_in(world.emails["social_worker"])
    seen = " ".join(social_worker.get(f"/interviews/{uuid}/review").get_data(as_text=True).split())
    assert "Asked of you, as agreed in the" in seen
    assert f"{ACTION_KINDS['nrm']}: The child&#39;s social worker" in seen
    assert "NOTE0X" not in seen and "NOTE1X" not in seen
    assert "What we agreed will happen next" in said["social_worker"]
    assert read_back.CHILD_ACTIONS["substance_service"] in said["social_worker"]
    assert read_back.CHILD_ACTIONS["nrm"] in said["social_worker"]
    assert read_back.CHILD_ACTIONS["school"] not in said["social_worker"]
    assert read_back.CHILD_ACTIONS["school"] in said["school"]
    # Nothing reaches health workers, whom nobody asked about: the child is not told they
    # "will only know that we talked" (a probe); the school, asked to act, is there.
    assert "health" not in said and "other" not in said

    meeting = c.empty_content()
    meeting, _ = c.add_item(meeting, "actions", "m1")
    meeting["actions"][0]["kind"] = "strategy_meeting"
    (social_worker,) = [r for r in read_back.recipients(meeting, ()) if r.key == "social_worker"]
    assert [t.words for t in social_worker.things] == [read_back.CHILD_ACTIONS["strategy_meeting"]]


def test_a_strategy_meeting_the_manager_will_ask_for_is_told_not_asked_of_the_social_worker(
    app, web, world
):
    """A probe: with a no to the social worker, their copy said "Asked of you ...: Strategy
    meeting request: The team manager". They are told of the meeting; it is asked of the
    manager. What is asked of them is said apart."""
    uuid = start(web, world)
    d = shared_document()
    d["consent"]["social_worker"]["answer"] = "no"
    for n, (kind, owner) in enumerate(
        (("strategy_meeting", "manager"), ("substance_service", "social_worker"))
    ):
        d, _ = c.add_item(d, "actions", f"m{n}")
        d["actions"][n].update(kind=kind, owner_kind=owner, note=f"NOTE{n}X", due="2026-12-08")
    store(app, uuid, d)
    copy = " ".join(pdf_text(app, uuid, "social_worker").split())
    asked = copy.index("Asked of you, as agreed in the")
    told = copy.index("Also agreed in the return home interview, for you to know:")
    meeting = copy.index(f"{ACTION_KINDS['strategy_meeting']}: The team manager")
    substance = copy.index(f"{ACTION_KINDS['substance_service']}: The child's social worker")
    assert asked < substance < told < meeting
    assert "NOTE0X" not in copy and "NOTE1X" not in copy
    # Only the meeting: nothing is said to be asked of them.
    d["actions"] = d["actions"][:1]
    store(app, uuid, d)
    copy = " ".join(pdf_text(app, uuid, "social_worker").split())
    assert "Asked of you" not in copy
    assert "Agreed in the return home interview, for you to know:" in copy


def test_a_message_to_the_social_worker_their_copy_will_not_hold_is_kept_between_us():
    """The message goes with "In your own words": with that part private (or a no to the social
    worker), it reached no one, and the child was told "Nothing you asked me to keep"."""
    d = c.empty_content()
    d["child_message"] = "MESSAGEX please help me move"
    d["consent"]["social_worker"]["answer"] = "yes"
    d["sections"]["own_words"]["private"] = True

    def kept() -> list[str]:
        return [thing.label for thing in read_back.kept_between_us(d, ())]

    assert read_back.MESSAGE in kept()
    d["sections"]["own_words"]["private"] = False
    assert read_back.MESSAGE not in kept()
    d["consent"]["social_worker"]["answer"] = "no"
    assert read_back.MESSAGE in kept()
    d["child_message"] = ""
    assert kept() == []


def test_a_person_a_decision_for_parents_names_is_still_kept_between_us():
    """Parents' copies never hold places or people (rhi/sharing.py rule 5): a decision for them
    naming a person passes nothing of them on, so the child is still told it is kept."""
    d = c.empty_content()
    d, person = c.add_item(d, "people", "p1")
    entry = next(e for e in d["people"] if e["id"] == person)
    entry.update(name="KAYX", private=True)
    releases = [f"people.{person}"]
    d["overrides"] = [
        {"id": "d1", "recipient": "parents_carers", "parts": ["away"], "releases": releases}
    ]
    kept = read_back.kept_between_us(d, {"d1"})
    assert read_back.Thing(f"people.{person}", read_back.PERSON, "KAYX") in kept
    assert "KAYX" not in repr(view_for(d, "parents_carers", in_force={"d1"}))


# ---- the page, the PDF and the answers -------------------------------------------------------


def pdf_text(app, uuid: str, recipient: str) -> str:
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        data = render_for(interview, recipient, "A reader", utcnow(), draft=True)
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


def shared_document() -> dict[str, Any]:
    d = c.empty_content()
    d["sections"]["before"]["text"] = "BEFOREX I had a row at home"
    d["sections"]["away"]["text"] = "AWAYX I stayed at a friend's"
    d["sections"]["help"]["text"] = "HELPX someone to talk to"
    d["sections"]["help"]["private"] = True
    d["sections"]["own_words"]["kept_back"] = "SECRETX"
    d["child_message"] = "MESSAGEX"
    d["police_contact"] = "POLICECONTACTX"
    d["feelings"]["away"] = {"choice": "not_good", "at": "2026-11-23 11:20"}
    d["consent"]["social_worker"]["answer"] = "yes"
    d["consent"]["police"] = {**d["consent"]["police"], "answer": "some", "part_away": True}
    return d


def test_the_read_back_page_says_per_recipient_what_their_copy_holds(app, web, world):
    uuid = start(web, world)
    store(app, uuid, shared_document())
    html = web.get(f"/interviews/{uuid}/read_back").get_data(as_text=True)
    said = blocks(html)
    assert said["police"].startswith("The police will know:")
    assert said["social_worker"].startswith("Your social worker will know:")
    assert (
        said["parents_carers"] == "Your parents or carers will only know that we talked, and when."
    )
    # The worker's note of what the child said, not in quotation marks: not the child's speech.
    assert "What you told me about while you were away: AWAYX I stayed" in said["police"]
    assert "How you said you felt: \u201cNot so good\u201d" in said["police"]
    # The worker's note of the police too: named as written, not quoted as the child's words.
    assert "What is written about the police: POLICECONTACTX" in said["police"]
    assert "What you said about the police" not in html
    assert marks(said["police"]) == {"AWAYX", "POLICECONTACTX"}
    assert marks(said["social_worker"]) == {"BEFOREX", "AWAYX", "MESSAGEX", "POLICECONTACTX"}
    assert "What you want your social worker to know: \u201cMESSAGEX\u201d" in said["social_worker"]
    # Kept between us: the part not to be shared, and what was told and kept back, in the
    # child's words (never the worker's page titles).
    assert "Kept between us:" in said["kept"]
    assert read_back.SECTION_WORDS["help"] in said["kept"]
    assert read_back.KEPT_BACK_WORDS["own_words"] in said["kept"]
    assert "The section" not in said["kept"] and "Told and kept back" not in said["kept"]
    assert "SECRETX" not in html and "HELPX" not in said["kept"]
    # The police copy holds what the page said would reach the police, and nothing more.
    police_pdf = pdf_text(app, uuid, "police")
    assert marks(police_pdf) & {"BEFOREX", "AWAYX", "HELPX", "MESSAGEX", "POLICECONTACTX"} == {
        "AWAYX",
        "POLICECONTACTX",
    }
    with app.app_context():
        assert db.session.scalar(
            select(AuditEvent).where(
                AuditEvent.action == "interview.view", AuditEvent.detail == "read_back"
            )
        )


def test_the_child_reads_their_own_words_in_quotes_and_the_rest_in_words_for_them(app, web, world):
    uuid = start(web, world)
    d = shared_document()
    d["sections"]["own_words"]["text"] = "OWNX I just wanted to see my brother"
    d["pull"]["exploiting_adults"] = {"on": True, "note": "", "private": False}
    d["harms"]["suspected_offending"] = {"on": True, "note": "", "private": False}
    d, action_id = c.add_item(d, "actions", "a1")
    next(a for a in d["actions"] if a["id"] == action_id)["kind"] = "strategy_meeting"
    store(app, uuid, d)
    html = web.get(f"/interviews/{uuid}/read_back").get_data(as_text=True)
    said = blocks(html)["social_worker"]
    own = "What you said in your own words: \u201cOWNX I just wanted to see my brother\u201d"
    assert own in said
    assert "What you told me about before you left: BEFOREX I had a row at home What" in said
    assert "What you want your social worker to know: \u201cMESSAGEX\u201d" in said
    # What the worker ticked, as a child would say it, and never the checklist's words.
    assert "What drew you away: Adults who may be taking advantage of you" in said
    assert (
        "Something your worker is worried about: That someone may have made you do something "
        "against the law" in said
    )
    assert "What we agreed will happen next: A meeting of the people who help keep you safe" in said
    for professional in ("exploiting them", "break the law", "Strategy meeting request"):
        assert professional not in said
    # The social worker's copy still says it in the professionals' words.
    pdf = pdf_text(app, uuid, "social_worker")
    assert "Adults who may be exploiting them" in pdf and "Strategy meeting request" in pdf


def test_every_factor_harm_and_action_has_words_for_the_child():
    assert {g: set(words) for g, words in read_back.CHILD_FINDINGS.items()} == {
        g: set(factors) for g, factors in c.FINDING_GROUPS.items()
    }
    assert set(read_back.CHILD_ACTIONS) == set(c.ACTION_KINDS)


def answer(web, uuid: str, choice: str, changes: str = ""):
    return web.post(
        f"/interviews/{uuid}/read-back",
        {"f:read_back.answer": choice, "f:read_back.changes": changes},
        page=f"/interviews/{uuid}/read_back",
    )


def read_back_events(app, uuid: str) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditEvent.detail)
                .where(AuditEvent.action == "interview.read_back", AuditEvent.object_id == uuid)
                .order_by(AuditEvent.id)
            )
        )


GAP = "What will be shared was not read back to the child."


def test_the_three_answers_are_recorded_with_when_audited_and_shown(app, web, world):
    uuid = start(web, world)
    store(app, uuid, shared_document())
    assert GAP in web.get(f"/interviews/{uuid}/review").get_data(as_text=True)

    response = answer(web, uuid, "changes", "I don't want the police to know about my friend")
    assert response.status_code == 302
    document = stored(app, uuid)
    assert document["read_back"] == {
        "answer": "changes",
        "changes": "I don't want the police to know about my friend",
        "at": "2026-11-23 12:00",  # the frozen clock, in London
    }
    # With what was read, beside the document: a fingerprint of the page's lists.
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        assert interview.read_back_of.partition(":")[0] == read_back.what_was_read(document, set())
    review = web.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    assert GAP not in review
    said = '<dt>When it was read back, Ada said</dt><dd class="prose" dir="auto">'
    assert f"{said}I want changes</dd>" in review
    assert "I don&#39;t want the police to know about my friend" in review
    assert '<dt>When</dt><dd class="prose" dir="auto">23 Nov 2026 12:00</dd>' in review

    # Changes left in the box with another answer are not cleared without a word.
    refused = answer(web, uuid, "not_read", "left over words")
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert read_back_changes_typed() in page.replace("&#8220;", "\u201c").replace(
        "&#8221;", "\u201d"
    )
    assert ">left over words</textarea>" in page
    assert stored(app, uuid)["read_back"]["answer"] == "changes"
    # Read again once the changes were made: the box still shows what the child asked for, and
    # another answer keeps it in the record as it was.
    answer(web, uuid, "not_read", "I don't want the police to know about my friend")
    assert stored(app, uuid)["read_back"]["answer"] == "not_read"
    assert stored(app, uuid)["read_back"]["changes"] == (
        "I don't want the police to know about my friend"
    )
    page = web.get(f"/interviews/{uuid}/read_back").get_data(as_text=True)
    assert re.search(r'value="not_read" checked', page)

    answer(web, uuid, "agreed")
    assert read_back_events(app, uuid) == ["changes", "not_read", "agreed"]
    review = web.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    said = '<dt>When it was read back, Ada said</dt><dd class="prose" dir="auto">'
    assert f"{said}Yes, that\u2019s right</dd>" in review
    # Printed in the copies that share anything; the changes asked for stay in the record.
    social_worker = pdf_text(app, uuid, "social_worker")
    assert (
        "Read back to Ada on 23 Nov 2026 12:00: who will know what, in plain words, not these "
        "notes word for word. Ada said: \u201cYes, that\u2019s right\u201d"
    ) in social_worker
    assert "Read back to Ada" not in pdf_text(app, uuid, "parents_carers")  # shares nothing


CHANGED = "What is shared changed after that, and was not read back again."


def test_an_answer_is_not_shown_as_agreeing_to_what_changed_after_it(app, web, world):
    """The child said "Yes, that's right" to what the police would know; the worker then
    shares "Before you left" with the police too. The copy must not say the child agreed to
    that: the answer stands, with "changed after that", until it is read back again."""
    uuid = start(web, world)
    store(app, uuid, shared_document())
    answer(web, uuid, "agreed")
    page = web.get(f"/interviews/{uuid}/read_back").get_data(as_text=True)
    assert "data-read-back-changed" not in page
    assert CHANGED not in pdf_text(app, uuid, "social_worker")

    # A change that alters nothing anyone is told (words in a part no one is to know) leaves
    # the answer as it was given.
    assert autosave(web, uuid, "sections.help.text", "HELPX more", None).status_code == 200
    assert "data-read-back-changed" not in web.get(f"/interviews/{uuid}/read_back").get_data(
        as_text=True
    )

    response = autosave(web, uuid, "consent.police.part_before", "1", None)
    assert response.status_code == 200
    page = web.get(f"/interviews/{uuid}/read_back").get_data(as_text=True)
    assert "data-read-back-changed" in page
    assert "What will be shared has changed since it was read back to Ada (23 Nov 2026 12:00)" in (
        " ".join(page.split())
    )
    assert re.search(r'value="agreed" checked', page)  # the answer given stays in the record
    review = web.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    assert "What will be shared has changed since it was read back to Ada: read it again." in review
    said = (
        "Read back to Ada on 23 Nov 2026 12:00: who will know what, in plain words, not these "
        "notes word for word. Ada said: \u201cYes, that\u2019s right\u201d"
    )
    for recipient in ("social_worker", "police"):
        assert f"{said} {CHANGED}" in pdf_text(app, uuid, recipient)

    # Read back again: the new answer is to what is shared now.
    answer(web, uuid, "agreed")
    assert "data-read-back-changed" not in web.get(f"/interviews/{uuid}/read_back").get_data(
        as_text=True
    )
    assert CHANGED not in pdf_text(app, uuid, "police")

    # Changed again, and finished so: the social worker's copy on screen says so too.
    assert autosave(web, uuid, "consent.police.part_before", "", "1").status_code == 200
    _finish(app, uuid)
    web.sign_out()
    web.sign_in(world.emails["social_worker"])
    copy = " ".join(web.get(f"/interviews/{uuid}/review").get_data(as_text=True).split())
    assert f"Ada said: &#8220;Yes, that\u2019s right&#8221; {CHANGED}" in copy


def test_a_tablet_sends_an_interview_read_back_online_and_a_change_it_makes_is_seen(
    app, web, world
):
    """The review of the fingerprint found it first kept inside the document, which tablets
    send back whole: every upload of an interview read back online was refused ("rhi does not
    know the field"). Beside the document, the upload goes, and what it changes in what is
    shared shows the answer was to what was read before."""
    from tests.app.helpers import item, one, send

    uuid = start(web, world)
    store(app, uuid, shared_document())
    answer(web, uuid, "agreed")
    copy = web.get("/sync/v1/copies").get_json()
    held = next(i for i in copy["copies"] if i["uuid"] == uuid)
    document = held["content"]
    document["consent"]["police"]["part_before"] = True  # shared with the police too
    result = one(
        send(web, [item(held["episode_ids"], document, uuid=uuid, base_version=held["version"])])
    )
    assert result["outcome"] == "updated", result
    assert stored(app, uuid)["consent"]["police"]["part_before"] is True
    page = web.get(f"/interviews/{uuid}/read_back").get_data(as_text=True)
    assert "data-read-back-changed" in page


def _finish(app, uuid: str) -> None:
    """Finished as the finishing page would leave it, for the social worker to read."""
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        interview.status = "finished"
        db.session.commit()


def test_an_answer_recorded_before_what_was_read_was_kept_stands_as_given(app, web, world):
    uuid = start(web, world)
    d = shared_document()
    d["read_back"] = {"answer": "agreed", "changes": "", "at": "2026-11-22 10:00"}
    store(app, uuid, d)
    assert "data-read-back-changed" not in web.get(f"/interviews/{uuid}/read_back").get_data(
        as_text=True
    )
    assert CHANGED not in pdf_text(app, uuid, "social_worker")


def test_an_answer_must_be_one_of_the_three(app, web, world):
    uuid = start(web, world)
    for bad in ("", "maybe"):
        assert (
            answer(web, uuid, bad).status_code == 422
        )  # said beside it: test_save_without_javascript
    assert stored(app, uuid)["read_back"]["answer"] == ""
    assert read_back_events(app, uuid) == []
    no_token = web.client.post(
        f"/interviews/{uuid}/read-back", data={"f:read_back.answer": "agreed"}
    )
    assert no_token.status_code == 400
    assert stored(app, uuid)["read_back"]["answer"] == ""


def test_not_read_back_is_said_in_the_copy(app, web, world):
    uuid = start(web, world)
    store(app, uuid, shared_document())
    assert "What is shared was not read back to Ada." in pdf_text(app, uuid, "social_worker")


def test_a_draft_after_the_read_back_does_not_say_it_was_not_read_back(app, web, world):
    """A probe: the draft to check with the child opened with "what Ada said has not been read
    back and agreed" above "Ada said: 'Yes, that's right'"."""
    uuid = start(web, world)
    store(app, uuid, shared_document())
    before = pdf_text(app, uuid, "social_worker")
    assert "so what Ada said has not been read back and agreed" in before
    assert answer(web, uuid, "agreed").status_code == 302
    after = pdf_text(app, uuid, "social_worker")
    assert "has not been read back" not in after
    assert "what Ada said when it was read back is under" in after
    assert "Ada said: \u201cYes, that\u2019s right" in after
    # A copy that shares nothing holds no read-back, and does not say it was not (a review).
    nothing = pdf_text(app, uuid, "parents_carers")
    assert "read back" not in nothing
    assert "This is what the copy will hold as things stand" in nothing


def test_i_want_changes_with_nothing_said_of_what_is_refused_next_to_the_box(app, web, world):
    """An accessibility probe: "I want changes" was recorded with the box empty, and the copies
    said the child wanted changes no one could make."""
    uuid = start(web, world)
    store(app, uuid, shared_document())
    refused = answer(web, uuid, "changes", "   ")
    assert refused.status_code == 422
    assert "Write what they would like to change, in their words" in refused.get_data(as_text=True)
    assert stored(app, uuid)["read_back"]["answer"] == ""
    assert read_back_events(app, uuid) == []
    assert answer(web, uuid, "changes", "Take out the bit about my sister").status_code == 302
    assert stored(app, uuid)["read_back"]["answer"] == "changes"


def test_the_review_page_does_not_say_it_was_not_read_back_once_it_was(app, web, world):
    """A probe: the review page's copies panel said "what the child said has not been read back
    and agreed" beside "Yes, that's right"; the copies wait for finishing, not the read-back."""
    uuid = start(web, world)
    store(app, uuid, shared_document())
    assert answer(web, uuid, "agreed").status_code == 302
    review = " ".join(web.get(f"/interviews/{uuid}/review").get_data(as_text=True).split())
    assert "has not been read back" not in review
    assert (
        "This interview is not finished, so a copy to send now holds only what a safeguarding "
        "decision in force shares. What Ada agreed to share goes into the copies when the "
        "interview is finished." in review
    )


def test_the_childs_copy_is_a_plain_letter_with_where_to_get_help(app, web, world):
    uuid = start(web, world)
    d = shared_document()
    d, _ = c.add_item(d, "actions", "a1")
    d["actions"][0]["kind"] = "safety_plan"
    store(app, uuid, d)
    read_back_page = web.get(f"/interviews/{uuid}/read_back").get_data(as_text=True)
    assert f"/interviews/{uuid}/child-copy" in read_back_page
    html = web.get(f"/interviews/{uuid}/child-copy").get_data(as_text=True)
    data = prepared_file(web, f"/interviews/{uuid}/child-copy.pdf", "/")
    assert data.status_code == 200 and data.mimetype == "application/pdf"
    pdf = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data.data)).pages
    )
    with app.app_context():
        worker = db.session.scalar(select(Interview).where(Interview.uuid == uuid)).worker.name
    for text in (" ".join(html.split()), pdf):
        assert "Dear Ada" in text
        assert "Childline: 0800 1111" in text and "Missing People: 116 000" in text
        assert "call or text" in text and worker in text
        assert "A plan to keep you safe" in text  # read_back.CHILD_ACTIONS
        assert "The police will know: What you told me about while you were away" in text
        assert "Your parents or carers will only know that we talked, and when." in text
        # Nobody asked about the school, health workers or anyone else, and nothing goes to
        # them: the child is not told they "will only know that we talked" (a probe).
        for who in ("Your school", "Health workers", "Someone else"):
            assert f"{who} will only know" not in text and f"{who} will know" not in text
        # Labels only: none of the child's words, nothing kept between them.
        for words in ("AWAYX", "MESSAGEX", "SECRETX", "HELPX", "What would help"):
            assert words not in text
    # Theirs to keep: no security marking stamped on the child's own letter.
    assert "OFFICIAL" not in pdf and "Page 1 of" in pdf
    with app.app_context():
        looks = db.session.scalars(
            select(AuditEvent.detail)
            .where(AuditEvent.action == "interview.child_copy")
            .order_by(AuditEvent.id)
        ).all()
    assert looks == ["page", "pdf"]
    with app.app_context():  # the letter's download is on the child's own trail
        child_ids = db.session.scalars(
            select(AuditEvent.child_id).where(AuditEvent.action == "download.file")
        ).all()
    assert child_ids == [world.children["a"]]
    web.sign_out()
    web.sign_in(world.emails["social_worker"])
    assert web.get(f"/interviews/{uuid}/child-copy").status_code in (403, 404)


ASKED_FOR_CHANGES = (
    "You asked me to change some of what I wrote. I will change what I can, and tell you if "
    "there is anything I cannot change."
)


def test_once_the_child_asks_for_changes_the_page_and_the_letter_say_what_happens(app, web, world):
    """A probe of the child's view: after "I want changes" the page went on saying only "This
    is what we will write down", and the letter said nothing of it. Both now say the worker will
    change what they can and say what they cannot; the letter never in the child's words. Read
    again and agreed, it is said no more."""
    uuid = start(web, world)
    store(app, uuid, shared_document())

    def read_back_page() -> str:
        return " ".join(web.get(f"/interviews/{uuid}/read_back").get_data(as_text=True).split())

    def letter() -> str:
        return " ".join(web.get(f"/interviews/{uuid}/child-copy").get_data(as_text=True).split())

    assert ASKED_FOR_CHANGES not in read_back_page() and ASKED_FOR_CHANGES not in letter()
    answer(web, uuid, "changes", "Please leave out CHANGEX about my friend")
    page = read_back_page()
    assert ASKED_FOR_CHANGES in page
    assert "Make the changes Ada asked for, then read it back again" in page
    written = letter()
    assert ASKED_FOR_CHANGES in written and "CHANGEX" not in written
    data = prepared_file(web, f"/interviews/{uuid}/child-copy.pdf", "/")
    pdf = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data.data)).pages
    )
    assert "You asked me to change some of what I wrote." in pdf and "CHANGEX" not in pdf
    # Read again once the changes are made, and agreed: said no more.
    answer(web, uuid, "agreed", "Please leave out CHANGEX about my friend")
    assert ASKED_FOR_CHANGES not in read_back_page() and ASKED_FOR_CHANGES not in letter()


def test_before_the_child_reads_it_the_worker_is_told_of_wording_to_look_at(app, web, world):
    """A probe: the child read "absconded" and a suggestion's "[person or place]" as what they
    had said, and the worker was told only on the review page, after. The read-back now says
    so first, to the worker alone, for the words the child will read: not for a phrase the
    worker chose to keep, nor for words no one is told."""
    uuid = start(web, world)
    d = shared_document()
    d["sections"]["before"]["text"] = (
        "Ada absconded after a row. She was being exposed to risk by [person or place]."
    )
    d["sections"]["away"]["text"] = "AWAYX She absconded again."
    # The worker's own, never read back: neither its own phrase nor one shown elsewhere.
    d["sections"]["analysis"]["text"] = "Ada is promiscuous. She absconded."
    d["language"]["dismissed"] = [
        {
            "path": "sections.away.text",
            "rule_id": read_back_rule(app, "absconded"),
            "text": "absconded",
        }
    ]
    store(app, uuid, d)
    page = web.get(f"/interviews/{uuid}/read_back").get_data(as_text=True)
    notice = re.search(
        r"<div class=\"notice\" data-worker-only data-read-back-wording>(.*?)</div>", page, re.S
    )
    assert notice, "no notice"
    said = " ".join(unescape(re.sub(r"<[^>]+>", " ", notice.group(1))).split())
    assert "Before you read this with Ada: Ada will read these words as written." in said
    assert "your words \u201cabsconded\u201d" in said
    assert said.count("absconded") == 1  # the kept one is not asked about again
    assert "[person or place] is still to fill in." in said
    assert "promiscuous" not in said and "Your notes" not in said
    # Nothing to look at: no notice.
    d["sections"]["before"]["text"] = "BEFOREX I had a row at home"
    store(app, uuid, d)
    assert "data-read-back-wording" not in web.get(f"/interviews/{uuid}/read_back").get_data(
        as_text=True
    )


def read_back_rule(app, phrase: str) -> str:
    from rhi.writing import matcher

    with app.app_context():
        (flag,) = matcher().check(phrase)
        return flag.rule_id


def test_the_tablets_read_back_page_asks_for_a_connection(client):
    html = client.get("/shell/interviews/read_back").get_data(as_text=True)
    assert "Reading back needs a connection" in html
    assert "will know:" not in html and "only know that we talked" not in html
    assert "Save what" not in html  # nothing to send from here


def test_what_the_child_is_not_to_be_told_is_on_none_of_their_pages(app, web, world):
    """An urgent decision to pass on something the child asked to keep between us, recorded as
    "telling the child would put them or someone else at risk": the police copy holds it, and
    the read-back page and the child's letter say nothing of it, neither as passed on nor as
    kept (the letter may be found by the person harming them)."""
    uuid = start(web, world)
    document = c.empty_content()
    document["sections"]["away"]["kept_back"] = "KEPTPHOTOSX"
    store(app, uuid, document)
    decision = {
        "recipient": "police",
        "releases": ["sections.away.kept_back"],
        "reason": "Photos are being used to threaten her.",
        "decider": str(world.users["manager_a"]),
        "child_told": "not_told",
        "urgent": "y",
        "urgent_reason": "She is at risk tonight.",
    }
    response = web.post(
        f"/interviews/{uuid}/overrides", decision, page=f"/interviews/{uuid}/consent"
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert "KEPTPHOTOSX" in pdf_text(app, uuid, "police")
    read_back_page = web.get(f"/interviews/{uuid}/read_back").get_data(as_text=True)
    letter = web.get(f"/interviews/{uuid}/child-copy").get_data(as_text=True)
    for page in (read_back_page, letter):
        assert "KEPTPHOTOSX" not in page
        assert "which we have to pass on to keep you safe" not in page


def test_no_view_of_risk_given_is_not_something_anyone_will_know():
    document = c.empty_content()
    document["consent"]["social_worker"]["answer"] = "yes"  # every part, the analysis too
    document["sections"]["analysis"]["text"] = "ANALYSISX"
    assert view_for(document, "social_worker", in_force=()).risk_view == ""
    told = {r.key: r for r in read_back.recipients(document, ())}["social_worker"]
    assert "risk_view" not in {t.key for t in told.things}
    document["risk_view"] = "medium"
    assert view_for(document, "social_worker", in_force=()).risk_view == "Medium risk of harm"


def test_a_child_with_no_social_worker_of_their_own_is_not_told_theirs_will_know(app, web, world):
    """The copy goes to a social worker chosen on finishing or the duty inbox: the read-back and
    the letter say "A social worker", never "Your social worker"."""
    uuid = start(web, world)
    store(app, uuid, shared_document())
    with app.app_context():
        db.session.get(Child, world.children["a"]).social_worker_id = None
        db.session.commit()
    said = blocks(web.get(f"/interviews/{uuid}/read_back").get_data(as_text=True))
    assert said["social_worker"].startswith("A social worker will know:")
    letter = " ".join(web.get(f"/interviews/{uuid}/child-copy").get_data(as_text=True).split())
    assert "A social worker will know:" in letter and "Your social worker" not in letter
    with app.app_context():  # a social worker who has left counts as none
        child = db.session.get(Child, world.children["a"])
        child.social_worker_id = world.users["social_worker"]
        db.session.get(User, world.users["social_worker"]).active = False
        db.session.commit()
    said = blocks(web.get(f"/interviews/{uuid}/read_back").get_data(as_text=True))
    assert said["social_worker"].startswith("A social worker will know:")


def test_a_read_back_sent_after_the_interview_was_finished_gives_the_childs_words_back(
    app, web, world
):
    uuid = start(web, world)
    review = f"/interviews/{uuid}/review"
    assert web.post(f"/interviews/{uuid}/finish", page=review).status_code in (302, 303)
    page = f"/interviews/{uuid}/read_back"
    sent = web.post(
        f"/interviews/{uuid}/read-back",
        {"f:read_back.answer": "changes", "f:read_back.changes": "Take out the bit about my mum."},
        page=page,
    )
    assert sent.status_code == 409
    html = sent.get_data(as_text=True)
    assert "Take out the bit about my mum." in html and "as a correction" in html


def test_what_the_child_types_or_reads_follows_its_own_direction(app, web, world):
    """A probe: Arabic, Pashto or Tigrinya typed in a box or read back was laid out left to
    right, and the changes box was described by the worker's hint, read out to the child."""
    uuid = start(web, world)
    d = shared_document()
    d["sections"]["away"]["text"] = (
        "\u0630\u0647\u0628\u062a \u0625\u0644\u0649 \u0635\u062f\u064a\u0642\u064a"
    )
    store(app, uuid, d)
    page = web.get(f"/interviews/{uuid}/read_back").get_data(as_text=True)
    box = re.search(r'<textarea id="in-read_back-changes"[^>]*>', page).group(0)
    assert 'dir="auto"' in box and "hint-read_back-changes" not in box
    assert '<span class="read-back-words typed" dir="auto">' in page
    away = web.get(f"/interviews/{uuid}/away").get_data(as_text=True)
    assert re.search(r'<textarea autocomplete="off" dir="auto" id="in-sections-away-text"', away)


def test_rewriting_what_a_copy_holds_but_the_child_only_heard_named_shows_it_changed(
    app, web, world
):
    """The child hears the worker's notes, a person, the actions named only; their copies hold
    the words. Rewritten after "Yes, that's right" (a probe: the analysis turned into
    "troublemaker... went willingly", the copy still said they agreed), the answer is shown as
    given to what was read then; an answer kept before the fingerprint took in those words is
    judged as it was given."""
    uuid = start(web, world)
    d = shared_document()
    d["sections"]["analysis"]["text"] = "ANALYSISX she was scared"
    d["risk_view"] = "low"
    d["harms"]["criminal_exploitation"] = {"on": True, "note": "HARMNOTEX"}
    d["people"] = [{"id": "p1", "name": "Kay", "concern": "CONCERNX", "phone": "07700 900123"}]
    d["actions"] = [{"id": "a1", "kind": "safety_plan", "owner_kind": "worker", "note": "NOTEX"}]
    d["protective_factors"] = "SAFEX her aunt"
    store(app, uuid, d)
    answer(web, uuid, "agreed")

    def changed() -> bool:
        page = web.get(f"/interviews/{uuid}/read_back").get_data(as_text=True)
        return "data-read-back-changed" in page

    assert not changed()
    for path, value, was in (
        ("sections.analysis.text", "ANALYSISX she went willingly", "ANALYSISX she was scared"),
        ("risk_view", "medium", "low"),
        ("harms.criminal_exploitation.note", "HARMNOTEX he ran drugs", "HARMNOTEX"),
        ("people.p1.concern", "CONCERNX her boyfriend", "CONCERNX"),
        ("people.p1.phone", "07700 900999", "07700 900123"),
        ("actions.a1.note", "NOTEX and tell her mum", "NOTEX"),
        ("protective_factors", "SAFEX nobody", "SAFEX her aunt"),
    ):
        assert autosave(web, uuid, path, value, was).status_code == 200, path
        assert changed(), path
        assert CHANGED in pdf_text(app, uuid, "social_worker"), path
        answer(web, uuid, "agreed")  # read back again: the answer is to what is shared now
        assert not changed(), path

    # An answer kept before: judged by what the child was shown, as it was given.
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        earlier = (
            read_back.what_was_read(interview.content, set(), whole=False)
            + interview.read_back_of[interview.read_back_of.index(":") :]
        )
        interview.read_back_of = earlier
        db.session.commit()
    assert not changed()
    autosave(web, uuid, "sections.analysis.text", "ANALYSISX again", "ANALYSISX she went willingly")
    assert not changed()
    autosave(web, uuid, "consent.police.part_before", "1", None)
    assert changed()
