"""Numbers and dates typed into an address or a form, as a probe of every page found them:
nothing a person can type into the address bar or a date picker answers 500, and a note the
browser let someone type in full is kept (its line breaks counted as the browser counts them).

Before: "?page=²" passed str.isdigit() and failed int(); twenty digits in a path or a page
number overflowed the database's integer; a "to" date of 31 Dec 9999 overflowed a date; a
strategy meeting note of 1,980 letters on 20 lines was refused as over 2,000 characters (the
browser sends each break as two) and, the form answering with a redirect, lost."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from rhi import numbers
from rhi.extensions import db
from rhi.models import FollowedAction
from tests.conftest import Web

HUGE = "99999999999999999999"  # past any integer the database holds

ADDRESSES = [
    ("worker_a", "/returns?page=\u00b2"),
    ("worker_a", "/returns?waiting=\u00b2"),
    ("worker_a", f"/returns?page={HUGE}"),
    ("worker_a", "/children?after=\u00b2"),
    ("worker_a", f"/children?after={HUGE}"),
    ("worker_a", f"/children?before={HUGE}"),
    ("worker_a", f"/actions?page={HUGE}"),
    ("worker_a", f"/children/{HUGE}"),
    ("worker_a", f"/episodes/{HUGE}"),
    ("worker_a", f"/actions/{HUGE}"),
    ("worker_a", "/sync/v1/copies?episode_id=3000000000"),
    ("manager_a", f"/service/repeats?page={HUGE}"),
    ("manager_a", "/service/repeats?page=\u00b2"),
    ("manager_a", "/oversight/language?to=9999-12-31"),
    ("manager_a", "/oversight/language?from=0001-01-01&to=9999-12-31"),
]


def signed_in(app, world, who: str) -> Web:
    web = Web(app.test_client())
    web.sign_in(world.emails[who])
    return web


@pytest.mark.parametrize(("who", "address"), ADDRESSES)
def test_an_address_edited_by_hand_names_nothing_or_the_first_page_never_a_500(
    app, world, who, address
):
    answer = signed_in(app, world, who).get(address)
    assert answer.status_code in (200, 404), (address, answer.status_code)
    if "/" not in address.split("?")[0].strip("/"):  # a list: its first page, as asked
        assert answer.status_code == 200


def test_a_page_past_every_integer_is_the_first_page_and_an_id_past_them_is_not_found(app, world):
    worker = signed_in(app, world, "worker_a")
    first = worker.get("/returns").get_data(as_text=True)
    assert worker.get(f"/returns?page={HUGE}").get_data(as_text=True).count("card-title") == (
        first.count("card-title")
    )
    assert worker.get(f"/episodes/{numbers.MOST_ID}").status_code == 404
    assert worker.get(f"/episodes/{numbers.MOST_ID + 1}").status_code == 404


def test_a_note_the_browser_allowed_is_kept_with_its_line_breaks(app, world):
    manager = signed_in(app, world, "manager_a")
    note = "\r\n".join(["x" * 99] * 20)  # the browser counts 1,999; sent, it is 2,018 long
    done = manager.post(
        f"/children/{world.children['a']}/strategy-meeting",
        {"came_from": "repeats", "note": note},
        page="/service/repeats",
        follow=True,
    )
    assert "A strategy meeting is asked for" in done.get_data(as_text=True)
    with app.app_context():
        (meeting,) = db.session.scalars(select(FollowedAction)).all()
        assert meeting.note == note.replace("\r\n", "\n")


@given(st.text(max_size=25))
def test_a_whole_number_is_digits_0_to_9_within_the_limit_or_nothing(text):
    value = numbers.whole_number(text)
    if value is None:
        stripped = text.strip()
        assert not (stripped.isascii() and stripped.isdigit()) or int(stripped) > numbers.MOST_ID
    else:
        assert 0 <= value <= numbers.MOST_ID and value == int(text.strip())
    page = numbers.page_number(text)
    assert 1 <= page <= numbers.MOST_PAGE
