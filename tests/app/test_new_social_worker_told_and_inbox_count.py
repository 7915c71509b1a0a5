"""Two probe findings (readers probe, findings 2 and 5).

A strategy meeting already asked for passed, with the child, to a new social worker (the
administrator's hand-over, or a change of social worker on the child's page), but only those told
when it was asked for had a notice: the new social worker's My children page said nothing of it.
They, and their manager, are now told as when it was asked for, once.

Nothing on a social worker's pages said a summary was waiting to be read or that a question they
asked was answered: the Inbox link now says how many summaries are not yet read, and the "For you"
box says so too, and that a question was answered."""

from __future__ import annotations

import html
import re
from datetime import datetime

from sqlalchemy import select

from rhi.extensions import db
from rhi.models import FollowedAction, Summary, SummaryQuestion, User
from rhi.models.episodes import Notice
from tests.app.helpers import statements
from tests.app.test_actions import _agreed
from tests.app.test_children_records import ada
from tests.app.test_summary_recipient import as_user, finish
from tests.conftest import Web


def _text(response) -> str:
    """The page's words, as a person reads them (tags dropped, entities decoded)."""
    page = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", html.unescape(page))


def _my_children(reader: Web) -> str:
    return _text(reader.get("/", follow_redirects=True))


def _told(app) -> list[int]:
    """Who has a notice of the strategy meeting, one entry a notice."""
    with app.app_context():
        meeting = db.session.scalar(
            select(FollowedAction.id).where(FollowedAction.kind == "strategy_meeting")
        )
        return sorted(db.session.scalars(select(Notice.user_id).where(Notice.action_id == meeting)))


def _give_the_other_social_worker_a_manager(app, world) -> None:
    """Social Worker Other joins the team Manager B manages: the manager is told with them."""
    with app.app_context():
        manager = db.session.get(User, world.users["manager_b"])
        db.session.get(User, world.users["social_worker_other"]).team_id = manager.team_id
        db.session.commit()


def _hand_over(admin: Web, from_id: int, to_id: int) -> None:
    response = admin.post(
        f"/admin/users/{from_id}/hand-over", {f"h{from_id}-to_id": str(to_id)}, page="/admin/users"
    )
    assert response.status_code == 302


def test_a_hand_over_tells_the_new_social_worker_and_their_manager_of_the_open_meeting_once(
    app, web, world
):
    web.sign_in(world.emails["worker_a"])
    _agreed(web, world)  # a strategy meeting for Ada, asked for of her social worker
    _give_the_other_social_worker_a_manager(app, world)
    old, new = world.users["social_worker"], world.users["social_worker_other"]
    assert _told(app) == sorted([old, world.users["manager_care"]])
    newcomer = as_user(app, world, "social_worker_other")
    assert "Strategy meetings asked for" not in _my_children(newcomer)

    admin = as_user(app, world, "admin")
    _hand_over(admin, old, new)
    page = _my_children(newcomer)
    assert "Strategy meetings asked for" in page
    assert "A strategy meeting for Ada Alpha was asked for" in page
    assert _told(app) == sorted([old, new, world.users["manager_care"], world.users["manager_b"]])

    # Handed back and over again: nobody is told a second time.
    _hand_over(admin, new, old)
    _hand_over(admin, old, new)
    assert _told(app) == sorted([old, new, world.users["manager_care"], world.users["manager_b"]])
    assert _my_children(newcomer).count("A strategy meeting for Ada Alpha") == 1


def test_a_new_social_worker_given_on_the_childs_page_is_told_of_the_open_meeting(app, web, world):
    web.sign_in(world.emails["worker_a"])
    _agreed(web, world)
    manager = as_user(app, world, "manager_care")  # the team of her social worker
    url = f"/children/{world.children['a']}/edit"
    moved = manager.post(
        url, ada(social_worker_id=str(world.users["social_worker_other"])), page=url
    )
    assert moved.status_code == 302
    assert world.users["social_worker_other"] in _told(app)
    assert _told(app).count(world.users["social_worker_other"]) == 1
    newcomer = as_user(app, world, "social_worker_other")
    assert "A strategy meeting for Ada Alpha was asked for" in _my_children(newcomer)


def test_the_inbox_link_says_how_many_summaries_are_not_yet_read(app, web, world):
    web.sign_in(world.emails["worker_a"])
    finish(web, world)  # the summary goes to Ada's social worker, unread
    social_worker = as_user(app, world, "social_worker")
    page = _my_children(social_worker)
    assert "Inbox (1 to read)" in page  # in words, not a colour
    assert "1 summary in your inbox is not yet read" in page
    with app.app_context():
        summary_id = db.session.scalar(select(Summary.id))

    # Opened is not read: the count stays until "I have read this".
    assert social_worker.get(f"/summaries/{summary_id}/pdf").status_code == 200
    assert "Inbox (1 to read)" in _text(social_worker.get("/inbox"))
    social_worker.post(
        f"/summaries/{summary_id}/acknowledge",
        {"next_step": "no_further_action"},
        page=f"/summaries/{summary_id}",
    )
    page = _my_children(social_worker)
    assert "to read)" not in page and "not yet read" not in page
    assert "Inbox" in page
    # Someone else's inbox is not counted in theirs.
    assert "to read)" not in _my_children(as_user(app, world, "social_worker_other"))


def test_an_answer_to_the_social_workers_question_is_said_on_their_page(app, web, world):
    web.sign_in(world.emails["worker_a"])
    uuid, _ = finish(web, world)
    social_worker = as_user(app, world, "social_worker")
    with app.app_context():
        summary_id = db.session.scalar(select(Summary.id))
    social_worker.post(
        f"/summaries/{summary_id}/questions",
        {"question": "Who is the adult she met online?"},
        page=f"/summaries/{summary_id}",
    )
    assert "was answered" not in _my_children(social_worker)
    with app.app_context():
        question = db.session.scalar(select(SummaryQuestion.id))
    answered = web.post(
        f"/summaries/{summary_id}/questions/{question}/answer",
        {f"q{question}-answer": "Known to police by a first name only."},
        page=f"/interviews/{uuid}/review",
    )
    assert answered.status_code == 302
    home = social_worker.get("/", follow_redirects=True)
    assert "Your question about a summary was answered in the last 7 days." in _text(home)
    # It leads to the answer: the summary's questions.
    assert f'href="/summaries/{summary_id}#questions"' in home.get_data(as_text=True)


def _unread(app, world, how_many: int) -> None:
    """More unread summaries of Ada's interview in her social worker's inbox."""
    with app.app_context():
        first = db.session.scalar(select(Summary))
        for _ in range(how_many):
            db.session.add(
                Summary(
                    interview_id=first.interview_id,
                    recipient="social_worker",
                    prepared_for_id=world.users["social_worker"],
                    prepared_for_name="Social Worker",
                    pdf=b"",
                )
            )
        db.session.commit()


def test_the_count_is_one_query_a_page_however_many_summaries_wait(app, web, world):
    """The menu and the "For you" box say it from one aggregate query, asked once a page, that
    loads no summary: the same number of statements with ten more waiting."""
    web.sign_in(world.emails["worker_a"])
    finish(web, world)
    social_worker = as_user(app, world, "social_worker")
    url = social_worker.get("/").headers["Location"]  # their home page: My children

    def asked() -> tuple[int, list[str], str]:
        social_worker.get(url)
        with statements(app) as sent:
            page = _text(social_worker.get(url))
        counting = [s for s in sent if "summary_questions" in s and "acknowledged_at IS NULL" in s]
        return len(sent), counting, page

    one, counting, page = asked()
    assert "Inbox (1 to read)" in page and "1 summary in your inbox is not yet read" in page
    assert len(counting) == 1 and counting[0].startswith("SELECT count(")
    _unread(app, world, 10)
    eleven, counting, page = asked()
    assert "Inbox (11 to read)" in page and "11 summaries in your inbox are not yet read" in page
    assert len(counting) == 1
    assert eleven == one


def test_the_inbox_shows_fifty_summaries_a_page_the_unread_first(app, web, world):
    """A social worker's summaries grow with every year of their children's interviews, and the
    inbox drew them all on one page. Now 50 a page, the unread first, with how many in all."""
    web.sign_in(world.emails["worker_a"])
    finish(web, world)
    with app.app_context():  # the one finished, read long ago: it belongs on the last page
        db.session.scalar(select(Summary)).acknowledged_at = datetime(2026, 1, 5, 9, 0)
        db.session.commit()
    _unread(app, world, 60)
    social_worker = as_user(app, world, "social_worker")

    first = social_worker.get("/inbox")
    page = _text(first)
    assert "61 summaries, 60 not yet marked as read." in page
    assert "Page 1 of 2: summaries 1 to 50." in page
    assert page.count("Not yet read") == 50 and "Read 5 Jan 2026" not in page
    assert 'rel="next" href="/inbox?page=2"' in first.get_data(as_text=True)

    second = _text(social_worker.get("/inbox?page=2"))
    assert "Page 2 of 2: summaries 51 to 61." in second
    assert second.count("Not yet read") == 10 and "Read 5 Jan 2026" in second
    # A page past the end, or not a page, shows the nearest there is.
    assert "Page 2 of 2" in _text(social_worker.get("/inbox?page=9"))
    assert "Page 1 of 2" in _text(social_worker.get("/inbox?page=x"))
