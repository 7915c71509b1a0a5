"""Every return followed to an outcome (issue 13, item 6): the offer and the child's answer
before an interview starts, a "no" that keeps the offer open (the "Offer open" list, the social
worker told), one outcome for every return, overdue returns kept in sight until they have one,
and the reason an interview finished late. Each path and each bad input, as a user sees it."""

from __future__ import annotations

import html as markup
import re
from datetime import timedelta

from sqlalchemy import select

from rhi.extensions import db
from rhi.models import AuditEvent, Episode, Interview
from rhi.models.episodes import Notice
from tests.app.helpers import OFFER_AND_YES, count, figure_beside, start
from tests.conftest import Web


def _interview(app, episode_id: int) -> Interview | None:
    with app.app_context():
        episode = db.session.get(Episode, episode_id)
        found = episode.interview
        if found is not None:
            db.session.expunge(found)
        return found


def _actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def _field_error(html: str, field_id: str) -> str:
    """The message shown next to a field (macros/forms.html), or "" if none."""
    match = re.search(rf'<p class="error-message" id="{field_id}-error">(.*?)</p>', html, re.S)
    return markup.unescape(re.sub(r"<[^>]+>", "", match.group(1)).strip()) if match else ""


def _sections(html: str) -> tuple[str, str]:
    """The Returns page, split into the waiting list and the "Offer open" section."""
    before, _, after = html.partition('id="offer-open-heading"')
    return before, after


# Starting: the offer and the answer first, in one step ---------------------------------------


def test_starting_with_no_offer_asks_for_it_and_the_answer_on_the_episode_page(app, web, world):
    web.sign_in(world.emails["worker_a"])
    url = f"/episodes/{world.episodes['a']}"
    page = web.get(url).get_data(as_text=True)
    assert "Before you start: the offer and Ada" in page
    assert "When you offered the interview" in page
    assert "How you offered it" in page
    # No answer is chosen for the worker: a "yes" is never assumed.
    answer = re.search(r'<fieldset id="start_answer".*?</fieldset>', page, re.S).group(0)
    assert "checked" not in answer

    response = web.post(url + "/interview", {"offered_at": "2026-11-23T09:30"}, page=url)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert _field_error(html, "start_answer") == "Error: Choose the child's answer."
    assert _field_error(html, "start_method") == "Error: Choose how you offered it."
    assert 'value="2026-11-23T09:30"' in html  # what was typed is kept
    assert 'aria-describedby="start_answer-error"' in html
    # Nothing was recorded: no interview, no "yes".
    assert _interview(app, world.episodes["a"]) is None


def test_a_future_or_mistyped_offer_time_is_refused_next_to_the_field(app, web, world):
    web.sign_in(world.emails["worker_a"])
    url = f"/episodes/{world.episodes['a']}"
    future = {**OFFER_AND_YES, "offered_at": "2026-11-25T09:30"}
    html = web.post(url + "/interview", future, page=url).get_data(as_text=True)
    assert "This can't be in the future" in _field_error(html, "start_offered_at")
    assert 'value="2026-11-25T09:30"' in html
    mistyped = {**OFFER_AND_YES, "offered_at": "yesterday-ish"}
    response = web.post(url + "/interview", mistyped, page=url)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Enter a date and time in this form" in _field_error(html, "start_offered_at")
    assert 'value="yesterday-ish"' in html
    assert _interview(app, world.episodes["a"]) is None


def test_offer_and_yes_in_one_step_start_the_interview(app, web, world):
    uuid = start(web, world)  # the helper fills the start form as a worker would
    interview = _interview(app, world.episodes["a"])
    assert interview is not None and interview.uuid == uuid
    assert interview.status == "in_progress"
    assert interview.offer_method == "visit"
    assert interview.offered_at is not None and interview.accepted_at == interview.offered_at
    assert interview.outcome is None
    actions = _actions(app)
    assert actions.count("interview.status") == 3  # offered, accepted, in progress
    # Once under way, the episode page carries on without asking again.
    page = web.get(f"/episodes/{world.episodes['a']}").get_data(as_text=True)
    assert "Continue the interview" in page
    assert "Before you start" not in page


def test_an_offer_and_yes_recorded_earlier_start_with_one_tap(app, web, world):
    web.sign_in(world.emails["worker_a"])
    url = f"/episodes/{world.episodes['a']}"
    web.post(url + "/offer", {"offered_at": "2026-11-23T09:00", "method": "phone"}, page=url)
    web.post(url + "/accept", {"accepted_at": "2026-11-23T09:05"}, page=url)
    page = web.get(url).get_data(as_text=True)
    assert "Before you start" not in page
    response = web.post(url + "/interview", page=url)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/start")


def test_a_no_on_the_start_form_needs_the_childs_words_and_starts_nothing(app, web, world):
    web.sign_in(world.emails["worker_a"])
    url = f"/episodes/{world.episodes['a']}"
    no = {**OFFER_AND_YES, "answer": "no"}
    response = web.post(url + "/interview", no, page=url)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert _field_error(html, "start_reason") == (
        "Error: Write what the child said, even if it was short."
    )
    page = web.post(
        url + "/interview", {**no, "reason": "Not today."}, page=url, follow=True
    ).get_data(as_text=True)
    assert "The offer stays open: offer again from 30/11/2026." in page
    assert "<strong>Child said no</strong>" in page
    interview = _interview(app, world.episodes["a"])
    assert interview.status == "declined" and interview.held_at is None
    assert interview.decline_reason == "Not today."


# A "no" keeps the offer open -----------------------------------------------------------------


def test_a_decline_keeps_the_offer_open_and_tells_the_social_worker(app, web, world):
    web.sign_in(world.emails["worker_a"])
    url = f"/episodes/{world.episodes['a']}"
    page = web.post(
        url + "/decline",
        {
            "declined_at": "2026-11-23T10:00",
            "reason": "I don't want to talk about it.",
            "offer_again": "yes",
            "carer_information": "y",
            "carer_said": "She came home hungry and slept all day.",
        },
        page=url,
        follow=True,
    ).get_data(as_text=True)
    assert "The offer stays open: offer again from 30/11/2026." in page
    assert "has been told" in page
    assert "Offer again from" in page
    assert "What the carer said" in page
    assert "She came home hungry and slept all day." in page
    interview = _interview(app, world.episodes["a"])
    assert interview.reoffer_at == interview.declined_at + timedelta(days=7)
    assert interview.outcome is None

    # The worker's Returns page: under "Offer open", not among those waiting.
    waiting, offer_open = _sections(web.get("/returns").get_data(as_text=True))
    assert "Ada Alpha" not in waiting
    assert "Ada Alpha" in offer_open
    assert "30 Nov 2026" in offer_open
    # ...and their manager's.
    web.sign_out()
    web.sign_in(world.emails["manager_a"])
    waiting, offer_open = _sections(web.get("/returns").get_data(as_text=True))
    assert "Ada Alpha" in offer_open and "Ada Alpha" not in waiting

    # The allocated social worker is told on their home page, and can dismiss it.
    web.sign_out()
    web.sign_in(world.emails["social_worker"])
    home = web.get("/children").get_data(as_text=True)
    assert "Return home interviews not taken up yet" in home
    assert "said no to a return home interview" in home
    assert "The offer stays open" in home
    assert "I don&#39;t want to talk about it." not in home  # the child's words stay with the RHI
    with app.app_context():
        notice = db.session.scalar(select(Notice).where(Notice.kind == "offer_declined"))
        assert notice.user_id == world.users["social_worker"]
        notice_id = notice.id
    response = web.post(f"/notices/{notice_id}/dismiss", page="/children")
    assert response.status_code == 302 and response.headers["Location"].endswith("/children")
    assert "not taken up yet" not in web.get("/children").get_data(as_text=True)
    assert "notice.create" in _actions(app) and "notice.dismiss" in _actions(app)

    # Nobody else may dismiss it, or is told.
    web.sign_out()
    web.sign_in(world.emails["social_worker_other"])
    assert "not taken up yet" not in web.get("/children").get_data(as_text=True)
    assert web.post(f"/notices/{notice_id}/dismiss", page="/children").status_code == 404


def test_the_re_offer_date_follows_the_setting(app, web, world):
    app.config["RHI_REOFFER_DAYS"] = 3
    web.sign_in(world.emails["worker_a"])
    url = f"/episodes/{world.episodes['a']}"
    page = web.post(
        url + "/decline",
        {"declined_at": "2026-11-23T10:00", "reason": "No.", "offer_again": "yes"},
        page=url,
        follow=True,
    ).get_data(as_text=True)
    assert "offer again from 26/11/2026" in page


def test_a_no_the_child_asked_us_not_to_repeat_is_the_outcome(app, web, world):
    web.sign_in(world.emails["worker_a"])
    url = f"/episodes/{world.episodes['a']}"
    page = web.post(
        url + "/decline",
        {"declined_at": "2026-11-23T10:00", "reason": "Please stop asking.", "offer_again": "no"},
        page=url,
        follow=True,
    ).get_data(as_text=True)
    assert "asked not to be offered again" in page
    assert "<strong>Child said no</strong>" in page  # the outcome
    interview = _interview(app, world.episodes["a"])
    assert interview.outcome == "declined" and interview.reoffer_at is None
    assert interview.outcome_reason == "Please stop asking."
    returns = web.get("/returns").get_data(as_text=True)
    assert "Ada Alpha" not in returns  # over: on neither list
    # Its forms are gone: the outcome is recorded once.
    assert "Record the outcome" not in page and "Start the interview now" not in page


# Every return ends with one outcome ---------------------------------------------------------


def test_not_reached_needs_attempts_on_record(app, web, world):
    web.sign_in(world.emails["worker_a"])
    url = f"/episodes/{world.episodes['a']}"
    data = {
        "outcome": "not_reached",
        "outcome_at": "2026-11-23T11:00",
        "reason": "Three visits, two calls.",
    }
    response = web.post(url + "/outcome", data, page=url)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    refusal = "No attempt that did not reach the child is recorded yet"
    assert refusal in _field_error(html, "return_outcome")
    assert "Three visits, two calls." in html  # kept as typed
    # Speaking with the child is no attempt that failed to reach them.
    web.post(
        url + "/attempts",
        {"attempted_at": "2026-11-23T07:00", "method": "phone", "outcome": "spoke"},
        page=url,
    )
    again = web.post(url + "/outcome", data, page=url)
    assert again.status_code == 422
    assert refusal in _field_error(again.get_data(as_text=True), "return_outcome")
    web.post(
        url + "/attempts",
        {"attempted_at": "2026-11-23T08:00", "method": "visit", "outcome": "not_in"},
        page=url,
    )
    page = web.post(url + "/outcome", data, page=url, follow=True).get_data(as_text=True)
    assert "Outcome saved: not reached after attempts." in page
    assert "Not reached after attempts" in page
    assert "Ada Alpha" not in web.get("/returns").get_data(as_text=True)
    assert "interview.outcome" in _actions(app)


def test_a_decision_not_to_interview_names_who_decided(app, web, world):
    web.sign_in(world.emails["worker_a"])
    url = f"/episodes/{world.episodes['a']}"
    data = {
        "outcome": "not_interviewed",
        "outcome_at": "2026-11-23T11:00",
        "reason": "Police are interviewing her this week; a second interview would add harm.",
    }
    response = web.post(url + "/outcome", data, page=url)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert _field_error(html, "decided_by") == (
        "Error: Write who decided not to interview: their name and role."
    )
    assert "a second interview would add harm" in html
    data["decided_by"] = "Sam Lee, team manager"
    page = web.post(url + "/outcome", data, page=url, follow=True).get_data(as_text=True)
    assert "Decided not to interview" in page
    assert "Decided by" in page and "Sam Lee, team manager" in page
    interview = _interview(app, world.episodes["a"])
    assert interview.outcome == "not_interviewed"
    assert interview.outcome_recorded_by_id == world.users["worker_a"]


def test_the_outcome_form_refuses_bad_input_next_to_each_field(app, web, world):
    web.sign_in(world.emails["worker_a"])
    url = f"/episodes/{world.episodes['a']}"
    response = web.post(url + "/outcome", {"outcome_at": "2026-11-30T11:00"}, page=url)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert _field_error(html, "return_outcome") == "Error: Choose the outcome."
    assert "can't be in the future" in _field_error(html, "outcome_at")
    assert _field_error(html, "outcome_reason") == "Error: Write the reason, even if it is short."
    assert 'value="2026-11-30T11:00"' in html
    # A declined outcome is in the child's words; held is never chosen here.
    data = {"outcome": "held", "outcome_at": "2026-11-23T11:00", "reason": "x"}
    response = web.post(url + "/outcome", data, page=url)
    assert response.status_code == 422
    assert _interview(app, world.episodes["a"]) is None


def test_a_declined_outcome_keeps_the_childs_words(app, web, world):
    web.sign_in(world.emails["worker_a"])
    url = f"/episodes/{world.episodes['a']}"
    data = {"outcome": "declined", "outcome_at": "2026-11-23T11:00", "reason": "“I'm fine.”"}
    page = web.post(url + "/outcome", data, page=url, follow=True).get_data(as_text=True)
    assert "Outcome saved: child said no." in page
    assert "In the child&#39;s words" in page and "“I&#39;m fine.”" in page
    interview = _interview(app, world.episodes["a"])
    assert (interview.status, interview.outcome) == ("declined", "declined")


def test_an_overdue_return_stays_in_sight_until_it_has_an_outcome(app, web, world):
    # Ben's return (episode b) came back 80 hours ago: overdue, no interview.
    for who in ("worker_b", "manager_b"):
        web.sign_in(world.emails[who])
        page = web.get("/returns").get_data(as_text=True)
        assert "Ben Beta" in page and "Overdue" in page
        web.sign_out()
    # A "no" kept open does not take it out of sight: it moves to "Offer open", still overdue.
    web.sign_in(world.emails["worker_b"])
    url = f"/episodes/{world.episodes['b']}"
    web.post(
        url + "/decline",
        {"declined_at": "2026-11-23T10:00", "reason": "Not now.", "offer_again": "yes"},
        page=url,
    )
    waiting, offer_open = _sections(web.get("/returns").get_data(as_text=True))
    assert "Ben Beta" in offer_open and "no outcome yet" in offer_open
    web.sign_out()
    web.sign_in(world.emails["manager_b"])
    assert "Ben Beta" in _sections(web.get("/returns").get_data(as_text=True))[1]
    web.sign_out()
    # Once it has its outcome, it leaves both lists.
    web.sign_in(world.emails["worker_b"])
    web.post(
        url + "/outcome",
        {"outcome": "declined", "outcome_at": "2026-11-23T11:00", "reason": "Not now."},
        page=url,
    )
    assert "Ben Beta" not in web.get("/returns").get_data(as_text=True)


# Finishing late -----------------------------------------------------------------------------


def _start_b(web, world) -> str:
    web.sign_in(world.emails["worker_b"])
    url = f"/episodes/{world.episodes['b']}"
    response = web.post(url + "/interview", OFFER_AND_YES, page=url)
    assert response.status_code == 302
    return re.search(r"/interviews/([0-9a-f-]{36})/start", response.headers["Location"]).group(1)


def test_a_late_interview_records_why_before_it_finishes(app, web, world):
    uuid = _start_b(web, world)
    review = f"/interviews/{uuid}/review"
    page = web.get(review).get_data(as_text=True)
    assert "This interview was held after its deadline" in page
    assert "Why the interview is late" in page

    response = web.post(f"/interviews/{uuid}/finish", {"delay_note": "Half typed"}, page=review)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert _field_error(html, "delay_reason") == "Error: Choose why the interview is late."
    assert "Half typed" in html
    # Said at the top of the page too, linking to the field (the form is far down the review).
    assert "<title>Error: " in html
    summary = html.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'href="#delay_reason"' in summary and "Choose why the interview is late." in summary
    assert _interview(app, world.episodes["b"]).status == "in_progress"

    response = web.post(f"/interviews/{uuid}/finish", {"delay_reason": "interpreter"}, page=review)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert _field_error(html, "delay_note") == ("Error: Write what happened, in a sentence or two.")
    assert '<option selected value="interpreter">' in html

    data = {"delay_reason": "interpreter", "delay_note": "Tigrinya interpreter free on day 4."}
    page = web.post(f"/interviews/{uuid}/finish", data, page=review, follow=True).get_data(
        as_text=True
    )
    assert "Late: An interpreter was needed (Tigrinya interpreter free on day 4.)." in page
    # Finished again from a tab opened before: nothing changes, and the note typed there is
    # given back to copy into a correction.
    again = {"delay_reason": "worker_capacity", "delay_note": "Two of us off sick & no cover."}
    response = web.post(f"/interviews/{uuid}/finish", again, page=review)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "had already been finished" in html
    assert "Two of us off sick &amp; no cover.</blockquote>" in html
    interview = _interview(app, world.episodes["b"])
    assert (interview.status, interview.outcome) == ("shared", "held")  # summary sent
    assert interview.delay_reason == "interpreter"
    assert "Ben Beta" not in web.get("/returns").get_data(as_text=True)
    episode_page = web.get(f"/episodes/{world.episodes['b']}").get_data(as_text=True)
    assert "Interview held" in episode_page and "Why it was late" in episode_page
    assert "Tigrinya interpreter free on day 4." in episode_page
    # The child's social worker reads why it was late, not the worker's note (in no copy).
    social_worker = Web(app.test_client())
    social_worker.sign_in(world.emails["social_worker_other"])
    theirs = social_worker.get(f"/episodes/{world.episodes['b']}").get_data(as_text=True)
    assert "An interpreter was needed" in theirs
    assert "Tigrinya interpreter" not in theirs


def test_a_reason_not_on_the_list_is_refused(app, web, world):
    uuid = _start_b(web, world)
    review = f"/interviews/{uuid}/review"
    data = {"delay_reason": "the child was difficult", "delay_note": "x"}
    response = web.post(f"/interviews/{uuid}/finish", data, page=review)
    assert response.status_code == 422
    assert "Choose why the interview is late." in _field_error(
        response.get_data(as_text=True), "delay_reason"
    )


def test_an_interview_on_time_finishes_as_held_without_a_delay_reason(app, web, world):
    uuid = start(web, world)
    review = f"/interviews/{uuid}/review"
    assert "after its deadline" not in web.get(review).get_data(as_text=True)
    response = web.post(f"/interviews/{uuid}/finish", page=review)
    assert response.status_code == 302
    interview = _interview(app, world.episodes["a"])
    # Shared: the summary went to the social worker as the interview finished.
    assert (interview.status, interview.outcome, interview.delay_reason) == ("shared", "held", None)
    assert count(app, Notice) == 0  # a "yes" tells nobody of a "no"


def test_the_manager_reads_the_outcome_and_other_teams_cannot_record_one(app, web, world):
    web.sign_in(world.emails["worker_a"])
    url = f"/episodes/{world.episodes['a']}"
    data = {"outcome": "declined", "outcome_at": "2026-11-23T11:00", "reason": "Leave me be."}
    web.post(url + "/outcome", data, page=url)
    web.sign_out()
    web.sign_in(world.emails["manager_a"])
    page = web.get(url).get_data(as_text=True)
    assert "<strong>Child said no</strong>" in page and "Leave me be." in page
    # Another team's worker cannot record an outcome.
    web.sign_out()
    web.sign_in(world.emails["worker_b"])
    assert web.post(url + "/outcome", data, page="/returns").status_code in (403, 404)


def test_an_interview_held_in_time_and_written_up_later_is_not_asked_why_it_is_late(
    app, web, world
):
    """The deadline is for holding the interview: finished after it, but held before it, there
    is nothing to explain (a review found the form asking, a reason the figures then ignore)."""
    from rhi.models.base import utcnow

    uuid = start(web, world)
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        now = utcnow()
        interview.held_at, interview.due_at = now - timedelta(hours=9), now - timedelta(hours=1)
        db.session.commit()
    page = web.get(f"/interviews/{uuid}/review").get_data(as_text=True)
    assert "Why the interview is late" not in page


def test_a_return_the_child_said_no_to_is_not_finished_or_written_in_afterwards(app, web, world):
    """Begun, then "No, the child asked us not to" (the return's outcome: declined), with the
    interview still open in another tab: nothing more is saved, and finishing neither records
    it as held nor sends a summary (a probe found both)."""
    from tests.app.helpers import autosave

    uuid = start(web, world)
    url = f"/episodes/{world.episodes['a']}"
    said_no = web.post(
        url + "/decline",
        {"declined_at": "2026-11-23T11:50", "reason": "Does not want to.", "offer_again": "no"},
        page=url,
    )
    assert said_no.status_code in (302, 303)
    saved = autosave(web, uuid, "sections.away.text", "Typed in the other tab.", "")
    assert saved.status_code != 200
    review = f"/interviews/{uuid}/review"
    assert "Finish the interview" not in web.get(review).get_data(as_text=True)
    finished = web.post(f"/interviews/{uuid}/finish", page=review)
    assert finished.status_code == 409
    interview = _interview(app, world.episodes["a"])
    assert (interview.status, interview.outcome) == ("declined", "declined")
    assert interview.content.get("sections", {}).get("away", {}).get("text", "") == ""
    with app.app_context():
        from rhi.models import Summary

        assert db.session.scalar(select(Summary.id)) is None


def test_carer_information_taken_instead_ends_the_return_and_is_counted(app, web, world):
    """An outcome councils record (practice.md): the child was not interviewed, and their carer
    said what they know instead. There was no way to record it: only inside a "no"."""
    web.sign_in(world.emails["worker_a"])
    url = f"/episodes/{world.episodes['a']}"
    form = web.get(url).get_data(as_text=True)
    assert "Carer information taken instead" in form.split('id="return_outcome"')[1]
    # practice.md: every child, every time; "absent" is never a reason to skip an interview.
    assert "a low police risk grade, or being recorded as absent, is never a reason" in form
    data = {
        "outcome": "carer_info",
        "outcome_at": "2026-11-23T11:00",
        "reason": "Her foster carer said she came back tired and hungry, with a new phone.",
    }
    # Instead of the child's interview, not in place of offering it: first her no, or the
    # attempts that did not reach her.
    refused = web.post(url + "/outcome", data, page=url)
    assert refused.status_code == 422
    assert "once the child has said no or could not be reached" in _field_error(
        refused.get_data(as_text=True), "return_outcome"
    )
    web.post(
        url + "/attempts",
        {"attempted_at": "2026-11-23T08:00", "method": "visit", "outcome": "not_in"},
        page=url,
    )
    page = web.post(url + "/outcome", data, page=url, follow=True).get_data(as_text=True)
    assert "Outcome saved: carer information taken instead." in page
    assert "<strong>Carer information taken instead</strong>" in page
    said = page.split("<dt>What the carer said</dt>")[1].split("</dd>")[0]
    assert "came back tired and hungry, with a new phone" in said
    assert "Ada Alpha" not in web.get("/returns").get_data(as_text=True)  # ended
    web.sign_out()
    web.sign_in(world.emails["manager_a"])
    html = web.get("/service").get_data(as_text=True)
    assert figure_beside(html, "Carer information taken instead") == "1"
    records = web.get("/service/records?figure=carer_info&period=this_month")
    assert "Ada Alpha" in records.get_data(as_text=True)
