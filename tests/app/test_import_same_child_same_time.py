"""Police notifications that are a child rhi already holds, or a time away rhi already holds.

A: a name with a middle name, a second surname or a hyphenated surname part more (or fewer)
than rhi's, with the same date of birth, is possibly the same child: the row waits for a person,
never a second record silently, and never an automatic match on that alone. Adding a child by
hand warns the same way; a reference's own episode accepts the fuller name.

B: a police notification whose start lies inside an episode recorded by hand (no reference)
is that time away, however long after rhi's start it began.

The clock stands at 2026-11-23 12:00 UTC (tests/app/conftest.py); the zone is UTC."""

from __future__ import annotations

import html
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from rhi.children import matching
from rhi.extensions import db
from rhi.models import Child, Episode, Team, WaitingRow
from tests.app.test_children_records import details
from tests.app.test_import_notifications import (
    batch_id,
    episodes_with,
    import_file,
    messages,
    outcomes,
    save_columns,
    upload,
)
from tests.conftest import Web

HEADER = "Police Ref,Forename,Surname,DOB,Reported Missing,Returned/Found,Risk Grade"
AMARA_GRACE = "WY-OKO-7,Amara Grace,Okoye,14/03/2010,21/11/2026 18:00,,Medium"
MOHAMED = "WY-ABD-7,Mohamed,Abdi Hassan,07/04/2009,21/11/2026 19:00,,Low"
AMARA_SMITH = "WY-OKO-8,Amara,Okoye-Smith,14/03/2010,22/11/2026 18:00,,Medium"


def csv_bytes(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


@pytest.fixture
def manager(web: Web, world) -> Web:
    web.sign_in(world.emails["manager_a"])
    return web


def add_child(
    app, first: str, last: str, born: date, *episodes: tuple[str | None, datetime, datetime]
) -> int:
    """A child team A keeps, with episodes (reference, missing, returned) assigned to team A."""
    with app.app_context():
        team_a = db.session.scalar(select(Team.id).where(Team.name == "RHI A"))
        child = Child(first_name=first, last_name=last, date_of_birth=born, team_id=team_a)
        db.session.add(child)
        for reference, started, returned in episodes:
            db.session.add(
                Episode(
                    child=child,
                    police_reference=reference,
                    risk_grade="Medium",
                    dfe_type="M",
                    started_at=started,
                    returned_at=returned,
                    assigned_team_id=team_a,
                )
            )
        db.session.commit()
        return child.id


def preview(web: Web, data: bytes) -> tuple[int, str]:
    batch = batch_id(upload(web, data))
    save_columns(web, batch)
    return batch, html.unescape(web.get(f"/imports/{batch}").get_data(as_text=True))


def count(app, column) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(column)))


# A: the same child under a longer or shorter name --------------------------------------------


@pytest.fixture
def amara_and_mohamed(app, world) -> tuple[int, int]:
    amara = add_child(
        app,
        "Amara",
        "Okoye",
        date(2010, 3, 14),
        ("WY-OKO-01", datetime(2026, 11, 10, 9, 0), datetime(2026, 11, 11, 9, 0)),
    )
    mohamed = add_child(
        app,
        "Mohamed",
        "Abdi",
        date(2009, 4, 7),
        ("WY-ABD-01", datetime(2026, 11, 12, 9, 0), datetime(2026, 11, 12, 20, 0)),
    )
    return amara, mohamed


def test_a_name_holding_rhis_name_waits_for_a_person_not_a_new_child(
    app, manager, amara_and_mohamed
):
    amara, mohamed = amara_and_mohamed
    children_before = count(app, Child.id)
    batch, page = preview(manager, csv_bytes(AMARA_GRACE, MOHAMED, AMARA_SMITH))
    assert "a child new to rhi" not in page
    assert "0 new, 0 to update, 0 unchanged, 3 waiting for a person, 0 with a problem" in page
    assert page.count("Possibly Amara Okoye") == 2 and "Possibly Mohamed Abdi" in page
    assert "Waits for a person to confirm." in page
    manager.post(f"/imports/{batch}/apply", page=f"/imports/{batch}")
    assert outcomes(app, batch) == {
        "WY-OKO-7": "waiting",
        "WY-ABD-7": "waiting",
        "WY-OKO-8": "waiting",
    }
    said = messages(app, batch)
    assert said[2].startswith("Possibly Amara Okoye") and said[4].startswith("Possibly Amara")
    assert count(app, Child.id) == children_before  # no second record
    for reference in ("WY-OKO-7", "WY-ABD-7", "WY-OKO-8"):
        assert not episodes_with(app, reference)  # never matched automatically
    with app.app_context():
        waiting = {w.police_reference: w for w in db.session.scalars(select(WaitingRow))}
        assert {r: w.candidate_child_id for r, w in waiting.items()} == {
            "WY-OKO-7": amara,
            "WY-ABD-7": mohamed,
            "WY-OKO-8": amara,
        }
        waiting_id = waiting["WY-OKO-7"].id
    # A person says "same child": the episode is Amara's, on her one record.
    manager.post(f"/imports/waiting/{waiting_id}", {f"w{waiting_id}-decision": "same_child"})
    (episode,) = episodes_with(app, "WY-OKO-7")
    assert episode.child_id == amara
    assert count(app, Child.id) == children_before


def test_twins_and_other_names_are_still_new_children(app, manager, amara_and_mohamed):
    """Sharing only a surname (twins), or only a first name, is not "one name in the other"."""
    rows = (
        "WY-OKO-9,Adaeze,Okoye,14/03/2010,21/11/2026 18:00,,Low",
        "WY-XYZ-9,Amara,Smith,14/03/2010,21/11/2026 18:00,,Low",
    )
    _, page = preview(manager, csv_bytes(*rows))
    assert "2 new, 0 to update, 0 unchanged, 0 waiting for a person, 0 with a problem" in page


def test_names_the_other_way_round_wait_for_a_person(app, manager, amara_and_mohamed):
    """ "Okoye Amara" on Amara's date of birth is most likely Amara with her names swapped, but
    two people at times: the row waits for a person, as a fuller name does, and is not joined
    to her record on its own (intake probe: it was, without a word)."""
    amara, _ = amara_and_mohamed
    row = "WY-OKO-11,Okoye,Amara,14/03/2010,21/11/2026 18:00,,Medium"
    batch, page = preview(manager, csv_bytes(row))
    assert "0 new, 0 to update, 0 unchanged, 1 waiting for a person, 0 with a problem" in page
    assert "Possibly Amara Okoye: same names the other way round" in page
    manager.post(f"/imports/{batch}/apply", page=f"/imports/{batch}")
    assert outcomes(app, batch) == {"WY-OKO-11": "waiting"}
    assert "same names the other way round" in messages(app, batch)[2]
    assert not episodes_with(app, "WY-OKO-11")
    with app.app_context():
        (waiting,) = db.session.scalars(select(WaitingRow))
        assert waiting.candidate_child_id == amara


def test_a_date_of_birth_a_slip_away_waits_for_a_person(app, manager, amara_and_mohamed):
    """Amara born a day, a month or a year from her date of birth, or Mohamed a year away with
    his name spelt another way: each the commonest slip in keying a date, and each had made a
    second child with none of the first one's history (a probe). The rows wait for a person."""
    amara, mohamed = amara_and_mohamed
    children_before = count(app, Child.id)
    rows = (
        "WY-OKO-21,Amara,Okoye,15/03/2010,21/11/2026 18:00,,Low",
        "WY-OKO-22,Amara,Okoye,14/04/2010,21/11/2026 18:00,,Low",
        "WY-OKO-23,Amara,Okoye,14/03/2011,21/11/2026 18:00,,Low",
        "WY-ABD-21,Mohammed,Abdi,07/04/2010,21/11/2026 18:00,,Low",
    )
    batch, page = preview(manager, csv_bytes(*rows))
    assert "0 new, 0 to update, 0 unchanged, 4 waiting for a person, 0 with a problem" in page
    assert "Possibly Amara Okoye: same or similar name; date of birth a day, a month" in page
    manager.post(f"/imports/{batch}/apply", page=f"/imports/{batch}")
    assert set(outcomes(app, batch).values()) == {"waiting"}
    assert count(app, Child.id) == children_before
    with app.app_context():
        waiting = {
            w.police_reference: w.candidate_child_id for w in db.session.scalars(select(WaitingRow))
        }
    assert waiting == {
        "WY-OKO-21": amara,
        "WY-OKO-22": amara,
        "WY-OKO-23": amara,
        "WY-ABD-21": mohamed,
    }


def test_a_reference_pointing_at_a_child_born_a_slip_away_is_not_taken_as_theirs(
    app, manager, amara_and_mohamed
):
    """A police reference or person id decides without a person: a date of birth a slip away
    is not enough for it (a review: Amara's reference with a date a year out was applied as an
    update, and her person id joined a row born a year later to her record, where a sibling
    with a like name can be the child the police mean)."""
    amara, _ = amara_and_mohamed
    batch, page = preview(
        manager, csv_bytes("WY-OKO-01,Amara,Okoye,14/03/2011,10/11/2026 09:00,,Medium")
    )
    assert "0 to update" in page and "1 with a problem" in page
    said = " ".join(page.split())
    assert "rhi holds this police reference for a child with another name or date of birth" in said


def test_one_name_within_the_other_is_possible_never_sure():
    class Known:
        id, first_name, last_name, preferred_name = 1, "Amara", "Okoye", None
        date_of_birth = date(2010, 3, 14)

    for first, last in (("Amara Grace", "Okoye"), ("Amara", "Okoye-Smith")):
        (found,) = matching.possible_matches(first, last, date(2010, 3, 14), [Known()])
        assert found.reason == matching.WITHIN  # a person confirms: never SAME
    # Only with the same date of birth: with a day and month swapped as well, it is too far.
    swapped = Known()
    swapped.date_of_birth = date(2010, 4, 3)
    assert not matching.possible_matches("Amara Grace", "Okoye", date(2010, 3, 4), [swapped])
    assert not matching.possible_matches("Amara Grace", "Okoye", date(2010, 3, 15), [Known()])


def test_adding_by_hand_warns_of_the_same_child_as_the_import_does(app, manager, amara_and_mohamed):
    amara, _ = amara_and_mohamed
    typed = details(
        first_name="Amara Grace", last_name="Okoye", preferred_name="", date_of_birth="14/03/2010"
    )
    response = manager.post("/children/new", typed)
    assert response.status_code == 409
    page = html.unescape(response.get_data(as_text=True))
    assert "Possibly the same child" in page and f'href="/children/{amara}"' in page


def test_a_reference_held_for_the_child_takes_their_fuller_name(app, manager, amara_and_mohamed):
    amara, _ = amara_and_mohamed
    found = "WY-OKO-01,Amara Grace,Okoye,14/03/2010,,11/11/2026 10:30,"
    _, page = preview(manager, csv_bytes(found))
    assert "another name" not in page
    batch = import_file(manager, csv_bytes(found))
    assert outcomes(app, batch) == {"WY-OKO-01": "update"}
    (episode,) = episodes_with(app, "WY-OKO-01")
    assert episode.child_id == amara and episode.returned_at == datetime(2026, 11, 11, 10, 30)
    # Another child's name on the reference is still refused.
    other = "WY-OKO-01,Adaeze,Okoye,14/03/2010,,11/11/2026 11:00,"
    refused = import_file(manager, csv_bytes(other))
    assert outcomes(app, refused) == {"WY-OKO-01": "problem"}
    assert "another name or date of birth" in messages(app, refused)[2]


# B: a notification inside an episode recorded by hand ---------------------------------------

KAI = "WY-KAI-9,Kai,Chen,25/05/2014,19/11/2026 10:00,20/11/2026 06:10,Medium"


def test_a_notification_begun_inside_an_episode_recorded_by_hand_is_that_time_away(app, manager):
    """Recorded by hand from 18/11 08:00 to 20/11 06:00; the police's notification began 26
    hours later and ended 10 minutes after: one time away, not two."""
    kai = add_child(
        app,
        "Kai",
        "Chen",
        date(2014, 5, 25),
        (None, datetime(2026, 11, 18, 8), datetime(2026, 11, 20, 6)),
    )
    with app.app_context():
        (hand_id,) = db.session.scalars(select(Episode.id).where(Episode.child_id == kai))
    batch, page = preview(manager, csv_bytes(KAI))
    assert "New episode" not in page
    assert "The police reference for Kai Chen's episode recorded by hand" in page
    manager.post(f"/imports/{batch}/apply", page=f"/imports/{batch}")
    assert outcomes(app, batch) == {"WY-KAI-9": "update"}
    with app.app_context():
        assert db.session.scalar(select(func.count(Episode.id)).where(Episode.child_id == kai)) == 1
        episode = db.session.get(Episode, hand_id)
        assert episode.police_reference == "WY-KAI-9"
        assert episode.returned_at == datetime(2026, 11, 20, 6, 10)


def test_an_episode_with_another_police_reference_is_not_taken(app, manager):
    kai = add_child(
        app,
        "Kai",
        "Chen",
        date(2014, 5, 25),
        ("WY-KAI-1", datetime(2026, 11, 18, 8), datetime(2026, 11, 20, 6)),
    )
    """Not taken as that time away (it has its own reference), and not a second episode
    inside it either: one time away counted twice, as the hand form refuses it (a probe)."""
    batch = import_file(manager, csv_bytes(KAI))
    assert outcomes(app, batch) == {"WY-KAI-9": "problem"}
    assert messages(app, batch)[2] == (
        "This missing time falls inside Kai Chen's time away from 18 Nov 2026 08:00 until "
        "they came back 20 Nov 2026 06:00 (police reference WY-KAI-1), which rhi already "
        "holds: check the times. If it is the same time away, nothing needs adding."
    )
    (first,) = episodes_with(app, "WY-KAI-1")
    assert first.child_id == kai and not episodes_with(app, "WY-KAI-9")


def test_a_second_missing_while_rhi_holds_the_child_still_missing_is_new_with_a_note(app, manager):
    """Sam was missing from 20/11 18:00 under one reference, not yet back in rhi; a second
    reference from 22/11. A found notification often never arrives, so refusing would keep
    every later one (a child missing now) out of rhi: the new episode is made, and the
    coordinator told to record the first one's return. A found row for the first in the same
    file, in whatever order, is read as its return: nothing to say."""
    add_child(app, "Sam", "Lee", date(2012, 2, 2))
    first = "E-1,Sam,Lee,02/02/2012,20/11/2026 18:00,,Low"
    again = "E-2,Sam,Lee,02/02/2012,22/11/2026 09:00,,Low"
    assert outcomes(app, import_file(manager, csv_bytes(first))) == {"E-1": "new"}
    batch, page = preview(manager, csv_bytes(again))
    note = (
        "Sam Lee is also held as missing since 20 Nov 2026 18:00 (police reference E-1) and "
        "not yet back: if they came back in between, record it on that episode."
    )
    assert note in page
    manager.post(f"/imports/{batch}/apply", page=f"/imports/{batch}")
    assert outcomes(app, batch) == {"E-2": "new"} and note in messages(app, batch)[2]
    found = "E-1,Sam,Lee,02/02/2012,20/11/2026 18:00,22/11/2026 07:00,Low"
    again_later = "E-3,Sam,Lee,02/02/2012,23/11/2026 01:00,,Low"
    batch = import_file(manager, csv_bytes(again_later, found))
    assert outcomes(app, batch) == {"E-3": "new", "E-1": "update"}
    assert "also held as missing since 20 Nov" not in messages(app, batch)[2]


def test_a_time_away_holding_one_rhi_holds_is_refused_in_either_order(app, manager):
    """The converse of a missing time inside another: this row's time away, with its return,
    holds the start of one rhi (or the file) already has. One of the two is refused, whatever
    order the file gives them in; never both made."""
    kai = add_child(
        app,
        "Kai",
        "Chen",
        date(2014, 5, 25),
        ("WY-KAI-1", datetime(2026, 11, 19, 10), datetime(2026, 11, 19, 20)),
    )
    holding = "WY-KAI-9,Kai,Chen,25/05/2014,19/11/2026 08:00,20/11/2026 06:00,Medium"
    batch = import_file(manager, csv_bytes(holding))
    assert outcomes(app, batch) == {"WY-KAI-9": "problem"}
    assert messages(app, batch)[2].startswith(
        "This time away, until 20 Nov 2026 06:00, holds Kai Chen's time away from "
        "19 Nov 2026 10:00 (police reference WY-KAI-1), which rhi already holds"
    )
    # Two new rows of the file, each order: the second met is refused.
    for rows in (("A-1", "A-2"), ("A-2", "A-1")):
        times = {
            "A-1": "A-1,Kai,Chen,25/05/2014,21/11/2026 08:00,22/11/2026 06:00,Low",
            "A-2": "A-2,Kai,Chen,25/05/2014,21/11/2026 10:00,21/11/2026 12:00,Low",
        }
        _, page = preview(manager, csv_bytes(*(times[r] for r in rows)))
        assert "1 new, 0 to update, 0 unchanged, 0 waiting for a person, 1 with a problem" in page
    # One still missing, inside one with its return: the same, in either order, imported (a
    # child each: Kai's open one would meet the second file's rows as well).
    tom = add_child(app, "Tom", "Wu", date(2013, 3, 3))
    for name, who, rows in (
        ("B", "Kai,Chen,25/05/2014", ("open", "back")),
        ("C", "Tom,Wu,03/03/2013", ("back", "open")),
    ):
        times = {
            "back": f"{name}-1,{who},22/11/2026 10:00,23/11/2026 09:00,Low",
            "open": f"{name}-2,{who},22/11/2026 19:00,,Low",
        }
        batch = import_file(manager, csv_bytes(*(times[r] for r in rows)))
        assert sorted(outcomes(app, batch).values()) == ["new", "problem"], rows
    with app.app_context():
        for child, held in ((kai, 2), (tom, 1)):
            count = select(func.count(Episode.id)).where(Episode.child_id == child)
            assert db.session.scalar(count) == held


def test_a_notification_begun_after_rhis_return_is_another_time_away(app, manager):
    add_child(
        app,
        "Kai",
        "Chen",
        date(2014, 5, 25),
        (None, datetime(2026, 11, 17, 8), datetime(2026, 11, 19, 9)),
    )
    batch = import_file(manager, csv_bytes(KAI))
    assert outcomes(app, batch) == {"WY-KAI-9": "new"}


def test_a_found_time_added_while_a_person_decided_is_in_the_episode_made(
    app, manager, amara_and_mohamed, world
):
    """A person opened the waiting row; meanwhile the next file added the found time to it
    (and said so). Their "same child" makes the episode from the row as it is then, with the
    found time, not from what they had read."""
    from rhi.episodes import imports
    from rhi.episodes import imports_apply as apply
    from rhi.models import User

    amara, _ = amara_and_mohamed
    import_file(manager, csv_bytes(AMARA_GRACE))
    with app.app_context():
        waiting = db.session.scalar(select(WaitingRow))
        stale = dict(waiting.values)  # what the person read
        user = db.session.get(User, world.users["manager_a"])
        # The next file, on its own connection: the found time joins the row that waits.
        with db.engine.begin() as other:
            fresh = {**stale, "returned": "22/11/2026 09:30"}
            other.execute(
                WaitingRow.__table__.update()
                .where(WaitingRow.__table__.c.id == waiting.id)
                .values(values=fresh)
            )
        assert waiting.values == stale  # the person's page still holds what they read
        episode = apply.resolve(waiting, imports.reread, user, apply.SAME_CHILD)
        db.session.commit()
        assert episode is not None and episode.child_id == amara
        assert episode.returned_at == datetime(2026, 11, 22, 9, 30)


def test_a_waiting_row_decided_meanwhile_by_someone_else_is_not_decided_twice(
    app, manager, amara_and_mohamed, world
):
    from rhi.episodes import imports
    from rhi.episodes import imports_apply as apply
    from rhi.models import User

    import_file(manager, csv_bytes(AMARA_GRACE))
    with app.app_context():
        waiting = db.session.scalar(select(WaitingRow))
        user = db.session.get(User, world.users["manager_a"])
        first = apply.resolve(waiting, imports.reread, user, apply.SAME_CHILD)
        db.session.commit()
        assert first is not None
        waiting_id, first_id = waiting.id, first.id
    # The second person's page still offers the row: their "new child" does nothing.
    before = count(app, Child.id)
    with app.app_context():
        waiting = db.session.get(WaitingRow, waiting_id)
        user = db.session.get(User, world.users["manager_a"])
        assert apply.resolve(waiting, imports.reread, user, apply.NEW_CHILD) is None
        db.session.commit()
    assert count(app, Child.id) == before
    with app.app_context():
        assert db.session.get(WaitingRow, waiting_id).episode_id == first_id


def test_same_child_decided_inside_a_time_away_rhi_holds_is_refused_in_words(app, manager):
    """The person's decision meets the same rule as the import: a waiting row confirmed as a
    child whose missing time falls inside a time away rhi holds would count it twice."""
    amara = add_child(
        app,
        "Amara",
        "Okoye",
        date(2010, 3, 14),
        ("WY-OKO-01", datetime(2026, 11, 21, 9, 0), datetime(2026, 11, 22, 20, 0)),
    )
    import_file(manager, csv_bytes(AMARA_GRACE))  # possibly Amara: waits
    with app.app_context():
        row = db.session.scalar(select(WaitingRow.id))
    page = html.unescape(
        manager.post(
            f"/imports/waiting/{row}", {f"w{row}-decision": "same_child"}, follow=True
        ).get_data(as_text=True)
    )
    assert (
        "This notification cannot be added as it stands: This missing time falls inside "
        "Amara Okoye's time away from 21 Nov 2026 09:00 until they came back 22 Nov 2026 "
        "20:00 (police reference WY-OKO-01)" in page
    )
    assert not episodes_with(app, "WY-OKO-7") and amara
    with app.app_context():
        assert db.session.get(WaitingRow, row).resolved_at is None  # still waits
