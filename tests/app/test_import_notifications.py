"""Import of police notifications (issue 13 item 3): upload, columns kept by name, preview,
apply row by row, idempotent on the police reference, matching to known children (a weak
match waits for a person), refused rows downloadable, every bad input said per row, and the
command line. The clock stands at 2026-11-23 12:00 UTC (tests/app/conftest.py)."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from rhi.episodes import imports_csv
from rhi.extensions import db
from rhi.models import (
    AuditEvent,
    Child,
    Episode,
    ImportBatch,
    ImportMapping,
    Interview,
    PolicePerson,
    Team,
    WaitingRow,
)
from tests.conftest import Web

HEADER = "Police Ref,Person ID,Forename,Surname,DOB,Reported Missing,Returned/Found,Risk Grade"
ADA = "IMP-1,P-1,Ada,Alpha,01/05/2011,20/11/2026 10:00,21/11/2026 09:00,High"  # known to RHI A
NEW = "IMP-2,P-2,Rosa,Green,03/04/2012,21/11/2026 18:00,,Low"  # a child new to rhi
WEAK = "IMP-3,,Adah,Alpha,01/05/2011,22/11/2026 08:00,22/11/2026 10:00,Medium"  # possibly Ada


def csv_bytes(*rows: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode(encoding)


def upload(web: Web, data: bytes, *, mapping_id: int = 0, name: str = "daily.csv"):
    return web.post(
        "/imports",
        {"file": (io.BytesIO(data), name), "mapping_id": str(mapping_id)},
        page="/imports",
    )


def batch_id(response) -> int:
    return int(re.search(r"/imports/(\d+)", response.headers["Location"]).group(1))


def save_columns(web: Web, batch: int, name: str = "Police daily export", **override: str):
    page = web.get(f"/imports/{batch}/columns").get_data(as_text=True)
    data = {"name": name}
    for field in imports_csv.COLUMNS:
        selected = re.search(
            rf'<select[^>]*name="col_{field}".*?</select>', page, flags=re.S
        ).group(0)
        chosen = re.search(r'<option selected value="([^"]*)"', selected) or re.search(
            r'<option value="([^"]*)" selected', selected
        )
        data[f"col_{field}"] = chosen.group(1) if chosen else ""
    data.update({f"col_{k}": v for k, v in override.items()})
    return web.post(f"/imports/{batch}/columns", data, page=f"/imports/{batch}/columns")


def import_file(
    web: Web, data: bytes, *, mapping_id: int = 0, columns: str = "Police daily export"
) -> int:
    """Upload, confirm the guessed columns when asked (saved as `columns`), apply; the batch."""
    response = upload(web, data, mapping_id=mapping_id)
    assert response.status_code == 302, response.get_data(as_text=True)
    batch = batch_id(response)
    if response.headers["Location"].endswith("/columns"):
        assert save_columns(web, batch, columns).status_code == 302
    applied = web.post(f"/imports/{batch}/apply", page=f"/imports/{batch}")
    assert applied.status_code == 302
    return batch


def outcomes(app, batch: int) -> dict[str, str]:
    with app.app_context():
        results = db.session.get(ImportBatch, batch).results
        return {r["reference"]: r["outcome"] for r in results}


def messages(app, batch: int) -> dict[int, str]:
    with app.app_context():
        return {r["line"]: r["message"] for r in db.session.get(ImportBatch, batch).results}


@pytest.fixture
def manager(web: Web, world) -> Web:
    web.sign_in(world.emails["manager_a"])
    return web


def episodes_with(app, reference: str) -> list[Episode]:
    with app.app_context():
        found = db.session.scalars(select(Episode).where(Episode.police_reference == reference))
        episodes = list(found)
        for e in episodes:
            db.session.expunge(e)
        return episodes


# Reading a file (no database) -----------------------------------------------------------------


def test_an_episode_imported_with_no_reporter_is_corrected_without_naming_one(app, manager):
    """The file named no one: correcting the risk grade asks who reported it, and "Not known"
    is an answer (a review: the form required a choice and had none for this)."""
    from tests.app.test_corrections_keep_what_was_saved import _as_shown

    response = upload(manager, csv_bytes(ADA))
    batch = batch_id(response)
    save_columns(manager, batch)
    manager.post(f"/imports/{batch}/apply", page=f"/imports/{batch}")
    (ada,) = episodes_with(app, "IMP-1")
    page = f"/episodes/{ada.id}/notification"
    shown = _as_shown(manager.get(page).get_data(as_text=True), page)
    shown.pop("csrf_token", None)
    assert shown.get("reported_by", "") == ""  # not chosen for the person
    shown.update(risk_grade="Medium", reported_by="not_known")
    shown["missing_from"] = "Not known"  # a box: the file did not say this either
    assert manager.post(page, shown, page=page).status_code == 302
    (ada,) = episodes_with(app, "IMP-1")
    assert (ada.risk_grade, ada.reported_by) == ("Medium", "not_known")
    said = " ".join(manager.get(f"/episodes/{ada.id}").get_data(as_text=True).split())
    assert "<dt>Reported by</dt><dd>Not known" in said


def test_columns_are_guessed_from_common_header_names():
    headers = ["Police reference", "First name", "Last name", "Date of birth", "Reported missing"]
    headers += ["Found", "Risk grade", "Missing from", "Found where", "Found by", "Reported by"]
    guessed = imports_csv.guess_columns(headers)
    assert guessed["first_name"] == "First name" and guessed["returned"] == "Found"
    assert len(guessed) == len(headers)
    other = imports_csv.guess_columns(["URN", "Forename", "SURNAME", "D.O.B.", "Missing since"])
    assert other == {
        "police_reference": "URN",
        "first_name": "Forename",
        "last_name": "SURNAME",
        "date_of_birth": "D.O.B.",
        "reported_missing": "Missing since",
    }


def test_a_file_over_the_limit_is_refused_before_it_is_read_whole():
    class Endless(io.RawIOBase):
        reads = 0

        def read(self, size: int = -1) -> bytes:
            self.reads += 1
            return b"x" * size

    stream = Endless()
    with pytest.raises(imports_csv.FileTooLarge):
        imports_csv.read_capped(stream, 200_000)
    assert stream.reads <= 200_000 // imports_csv.CHUNK + 2


def test_formula_cells_are_neutralised_for_spreadsheets():
    for cell in ("=1+1", "+44", "-2", "@SUM(A1)"):
        assert imports_csv.neutralise(cell) == "'" + cell
    assert imports_csv.neutralise("Ada") == "Ada"


# The page: upload, columns, preview, apply --------------------------------------------------


def test_upload_confirm_columns_preview_and_apply(app, manager, world):
    response = upload(manager, csv_bytes(ADA, NEW, WEAK))
    assert response.headers["Location"].endswith("/columns")  # no saved columns yet
    batch = batch_id(response)
    page = manager.get(f"/imports/{batch}/columns").get_data(as_text=True)
    assert 'aria-describedby="col_police_reference-hint' not in page  # no hint: no dangling id
    assert save_columns(manager, batch).status_code == 302
    preview = manager.get(f"/imports/{batch}").get_data(as_text=True)
    assert "1 new" not in preview  # two new: Ada's episode and a new child
    assert "2 new, 0 to update, 0 unchanged, 1 waiting for a person, 0 with a problem" in preview
    assert "Possibly Ada Alpha" in preview
    assert not episodes_with(app, "IMP-1")  # the preview changes nothing
    manager.post(f"/imports/{batch}/apply", page=f"/imports/{batch}")
    assert outcomes(app, batch) == {"IMP-1": "new", "IMP-2": "new", "IMP-3": "waiting"}
    (ada,) = episodes_with(app, "IMP-1")
    assert ada.child_id == world.children["a"] and not ada.allocated
    # The file does not say who reported Ada missing: not recorded, never "Police" (a probe).
    assert ada.risk_grade == "High" and ada.reported_by is None
    episode_page = " ".join(manager.get(f"/episodes/{ada.id}").get_data(as_text=True).split())
    assert "<dt>Reported by</dt><dd>Not recorded" in episode_page
    (rosa,) = episodes_with(app, "IMP-2")
    assert rosa.returned_at is None and not rosa.allocated
    with app.app_context():
        child = db.session.get(Child, rosa.child_id)
        assert (child.first_name, child.team_id) == ("Rosa", world_team(app, "RHI A"))
        assert db.session.scalar(select(func.count(WaitingRow.id))) == 1
        mapping = db.session.scalar(select(ImportMapping))
        assert mapping.name == "Police daily export" and mapping.columns["last_name"] == "Surname"
        actions = set(db.session.scalars(select(AuditEvent.action)))
        assert {"import.upload", "import.mapping", "import.apply", "episode.create"} <= actions
        assert {"child.create", "import.waiting", "import.view"} <= actions
    # New episodes arrive unallocated, on the team's "Waiting to be allocated" list.
    returns = manager.get("/returns").get_data(as_text=True)
    assert f"/episodes/{ada.id}" in returns and "Rosa Green" in returns


def world_team(app, name: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Team.id).where(Team.name == name))


def test_saved_columns_read_the_next_file_at_once(app, manager):
    import_file(manager, csv_bytes(NEW))
    with app.app_context():
        mapping_id = db.session.scalar(select(ImportMapping.id))
    response = upload(manager, csv_bytes(ADA), mapping_id=mapping_id)
    assert re.search(r"/imports/\d+$", response.headers["Location"])  # straight to the preview


def test_the_same_file_twice_changes_nothing_and_a_corrected_file_updates(app, manager):
    first = import_file(manager, csv_bytes(ADA, NEW, WEAK))
    with app.app_context():
        before = db.session.scalar(select(func.count(Episode.id)))
    again = import_file(manager, csv_bytes(ADA, NEW, WEAK))
    assert outcomes(app, again) == {"IMP-1": "unchanged", "IMP-2": "unchanged", "IMP-3": "waiting"}
    with app.app_context():
        assert db.session.scalar(select(func.count(Episode.id))) == before
        assert db.session.scalar(select(func.count(WaitingRow.id))) == 1  # not waiting twice
        assert db.session.scalar(select(func.count(Child.id))) == 3
    corrected = NEW.replace(",,Low", ",22/11/2026 07:00,Medium")
    fixed = import_file(manager, csv_bytes(ADA, corrected))
    assert outcomes(app, fixed) == {"IMP-1": "unchanged", "IMP-2": "update"}
    assert "returned" in messages(app, fixed)[3] and "risk grade" in messages(app, fixed)[3]
    (rosa,) = episodes_with(app, "IMP-2")
    assert rosa.risk_grade == "Medium" and rosa.returned_at is not None
    assert first != again != fixed


def test_a_police_person_id_finds_the_child_whatever_the_name(app, manager):
    # Back before she goes again: a child held as still missing gets no second time away.
    import_file(manager, csv_bytes(NEW.replace(",,Low", ",22/11/2026 07:00,Low")))
    renamed = "IMP-9,P-2,Rose,Greene,04/03/2012,22/11/2026 20:00,,Low"  # the same person id
    batch = import_file(manager, csv_bytes(renamed))
    assert outcomes(app, batch) == {"IMP-9": "new"}
    (first,), (second,) = episodes_with(app, "IMP-2"), episodes_with(app, "IMP-9")
    assert first.child_id == second.child_id
    with app.app_context():
        assert db.session.scalar(select(PolicePerson.child_id)) == first.child_id


def test_a_police_person_id_on_another_name_and_birth_date_waits_for_a_person(app, manager):
    """A mistyped id, or two children: nothing is merged on the id alone."""
    import_file(manager, csv_bytes(NEW))
    other = "IMP-10,P-2,Tyrone,Zed,09/09/2014,22/11/2026 10:00,,High"
    batch = import_file(manager, csv_bytes(other))
    assert outcomes(app, batch) == {"IMP-10": "waiting"}
    assert not episodes_with(app, "IMP-10")
    page = manager.get("/imports/waiting").get_data(as_text=True)
    assert "Tyrone Zed" in page and "Rosa Green" in page
    assert "same police person id, but another name or date of birth" in page.lower()


def test_a_row_waiting_in_one_team_is_never_changed_by_another_teams_file(app, manager, world):
    """Team B's row waits as possibly Ben Beta; team A's file with the same police reference
    names another child: team A's row is its own, and B's still shows what B's file said."""
    team_b = Web(app.test_client())
    team_b.sign_in(world.emails["manager_b"])
    b_file = csv_bytes("W-1,,Benn,Beta,03/02/2009,22/11/2026 10:00,,High")  # Ben Beta's birth
    b_batch = import_file(team_b, b_file, columns="Team B's export")
    assert outcomes(app, b_batch) == {"W-1": "waiting"}
    a_batch = import_file(manager, csv_bytes("W-1,,Rosa,Green,03/04/2012,22/11/2026 10:00,,High"))
    assert outcomes(app, a_batch) == {"W-1": "new"}  # a child new to team A's rhi
    b_page = team_b.get("/imports/waiting").get_data(as_text=True)
    assert "Benn Beta" in b_page and "Rosa" not in b_page
    # In one team, a corrected row naming another child does not take the waiting row's place.
    again = import_file(
        team_b,
        csv_bytes("W-1,,Tyrone,Zed,09/09/2014,22/11/2026 10:00,,High"),
        columns="Team B's export",
    )
    assert outcomes(app, again) == {"W-1": "problem"}
    assert "Benn Beta" in team_b.get("/imports/waiting").get_data(as_text=True)


def test_a_weak_match_waits_for_a_person_same_child(app, manager, world):
    # A week before Ada's time away rhi holds (inside it, "same child" would count it twice).
    import_file(manager, csv_bytes(WEAK.replace("22/11/2026", "15/11/2026")))
    assert not episodes_with(app, "IMP-3")  # never merged silently
    page = manager.get("/imports/waiting").get_data(as_text=True)
    assert "Adah Alpha" in page and "Ada Alpha" in page
    with app.app_context():
        waiting = db.session.scalar(select(WaitingRow.id))
    url = f"/imports/waiting/{waiting}"
    bad = manager.post(url, {}, page="/imports/waiting")
    assert bad.status_code == 422
    assert "Choose whether it is the same child." in bad.get_data(as_text=True)
    assert manager.post(url, {f"w{waiting}-decision": "same_child"}).status_code == 302
    (episode,) = episodes_with(app, "IMP-3")
    assert episode.child_id == world.children["a"] and not episode.allocated
    assert "Nothing is waiting." in manager.get("/imports/waiting").get_data(as_text=True)
    # Deciding again does nothing twice.
    assert manager.post(url, {f"w{waiting}-decision": "new_child"}).status_code == 404


def test_a_corrected_file_corrects_what_waits(app, manager):
    import_file(manager, csv_bytes(WEAK))
    import_file(manager, csv_bytes(WEAK.replace("22/11/2026 08:00", "22/11/2026 07:15")))
    with app.app_context():
        (waiting,) = db.session.scalars(select(WaitingRow)).all()
        assert waiting.values["reported_missing"] == "22/11/2026 07:15"


def test_a_weak_match_waits_for_a_person_new_child(app, manager, world):
    import_file(manager, csv_bytes(WEAK))
    with app.app_context():
        waiting = db.session.scalar(select(WaitingRow.id))
    manager.post(f"/imports/waiting/{waiting}", {f"w{waiting}-decision": "new_child"})
    (episode,) = episodes_with(app, "IMP-3")
    assert episode.child_id != world.children["a"]
    with app.app_context():
        assert db.session.get(Child, episode.child_id).first_name == "Adah"
        assert db.session.get(WaitingRow, waiting).resolution == "new_child"


# Bad input -----------------------------------------------------------------------------------


def test_utf8_with_a_bom_and_windows_1252_are_both_read(app, manager):
    row = "IMP-5,,Zoë,Ó Briain,03/04/2012,21/11/2026 18:00,,Low"
    for data in (b"\xef\xbb\xbf" + csv_bytes(row), csv_bytes(row, encoding="cp1252")):
        response = upload(manager, data)
        batch = batch_id(response)
        save_columns(manager, batch)
        preview = manager.get(f"/imports/{batch}").get_data(as_text=True)
        assert "1 new" in preview, preview
    batch = import_file(manager, csv_bytes(row, encoding="cp1252"))
    (episode,) = episodes_with(app, "IMP-5")
    with app.app_context():
        child = db.session.get(Child, episode.child_id)
        assert (child.first_name, child.last_name) == ("Zoë", "Ó Briain")
    assert outcomes(app, batch) == {"IMP-5": "new"}


BAD_ROWS = {
    "IMP-11,,Ann,Lee,01/02/2012,20/11/2026 10:00,,Very high": "Risk grade “Very high” is not one",
    "IMP-12,,Ann,Lee,31/02/2012,20/11/2026 10:00,,Low": "“31/02/2012” is not a real date",
    "IMP-13,,Ann,Lee,01/02/2012,soon,,Low": "is not a date we can read",
    "IMP-14,,Ann,Lee,01/02/2012,30/11/2026 10:00,,Low": "is in the future",
    "IMP-15,,Ann,Lee,01/02/2012,20/11/2026 10:00,19/11/2026 10:00,Low": "is before Reported",
    "IMP-16,,,Lee,01/02/2012,20/11/2026 10:00,,Low": "First name is empty.",
    "IMP-17,,Ann,Lee,01/02/2012,20/11/2005 21:15,,Low": "is before the Date of birth",
    "IMP-18,,Ann,Lee,01/02/2012,20/11/2026 9:15 PM,,Low": "the time “9:15 PM” is not one",
    "IMP-19,,Ann,Lee,01/02/2012,20/11/26 21:15,,Low": "has no four-digit year",
}


def test_each_bad_row_gets_its_own_message_and_good_rows_still_go_in(app, manager):
    batch = import_file(manager, csv_bytes(*BAD_ROWS, NEW))
    said = messages(app, batch)
    for line, (row, expected) in enumerate(BAD_ROWS.items(), start=2):
        assert expected in said[line], (row, said[line])
    assert outcomes(app, batch)["IMP-2"] == "new"
    with app.app_context():
        assert db.session.scalar(select(func.count(Episode.id))) == 4  # the world's 3, and one
        refused = db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "import.refused")
        )
        assert refused == len(BAD_ROWS)


def test_a_missing_column_refuses_every_row_and_imports_nothing(app, manager):
    header = "Police Ref,Forename,Surname,Reported Missing"
    response = upload(manager, csv_bytes("IMP-20,Ann,Lee,20/11/2026 10:00", header=header))
    batch = batch_id(response)
    refused = save_columns(manager, batch)
    assert refused.status_code == 422  # the date of birth has no column to choose
    page = refused.get_data(as_text=True)
    assert 'id="col_date_of_birth-error"' in page
    assert 'aria-describedby="col_date_of_birth-error"' in page
    # The command line has no one to ask: each row says what is missing.
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == "RHI A"))
        mapping = ImportMapping(name="Old", team_id=team.id, columns={"police_reference": "X"})
        db.session.add(mapping)
        db.session.commit()
    path = app.instance_path + "/missing.csv"
    with open(path, "wb") as out:
        out.write(csv_bytes("IMP-20,Ann,Lee,20/11/2026 10:00", header=header))
    result = app.test_cli_runner().invoke(
        args=["rhi", "import-notifications", path, "--mapping", "Old"]
    )
    assert result.exit_code == 1
    assert "The file has no Police reference column." in result.output
    assert not episodes_with(app, "IMP-20")


def test_a_duplicate_row_is_counted_once_and_two_that_differ_are_both_refused(app, manager):
    other = ADA.replace("High", "Low")
    batch = import_file(manager, csv_bytes(NEW, NEW, ADA, other))
    said = messages(app, batch)
    assert said[2].startswith("New episode")
    assert said[3] == "The same as line 2: a repeat, counted once."
    assert "on lines 4 and 5 with different details" in said[4]
    assert "on lines 4 and 5 with different details" in said[5]
    assert len(episodes_with(app, "IMP-2")) == 1 and not episodes_with(app, "IMP-1")


def test_formula_cells_are_kept_as_text_and_neutralised_in_the_download(app, manager):
    header = HEADER + ",Missing From"
    formula = "IMP-30,,Ann,Lee,01/02/2012,20/11/2026 10:00,,Low,=HYPERLINK(1)"
    refused = "IMP-31,,=1+1,Lee,01/02/2012,20/11/2026 10:00,,@bad,-2"
    response = upload(manager, csv_bytes(formula, refused, header=header))
    batch = batch_id(response)
    save_columns(manager, batch)
    manager.post(f"/imports/{batch}/apply", page=f"/imports/{batch}")
    (episode,) = episodes_with(app, "IMP-30")
    assert episode.missing_from == "=HYPERLINK(1)"  # stored as the text it is
    download = manager.get(f"/imports/{batch}/refused.csv")
    assert download.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.get_data().decode("utf-8-sig"))))
    assert rows[0][:3] == ["Line", "Why it was refused", "Police Ref"]
    assert len(rows) == 2 and rows[1][0] == "3"
    assert "'=1+1" in rows[1] and "'@bad" in rows[1] and "'-2" in rows[1]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_a_file_over_the_limit_is_refused_by_its_size(app, manager):
    app.config["RHI_IMPORT_MAX_BYTES"] = 1000
    # Said by its Content-Length: refused before the body is parsed.
    big = csv_bytes(*[NEW.replace("IMP-2", f"IMP-{i}") for i in range(500)])
    response = upload(manager, big)
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "larger than 1,000 bytes" in page and 'id="file-error"' in page
    # A little over: stopped by the cap while the file is read.
    response = upload(manager, csv_bytes(*[NEW.replace("IMP-2", f"IMP-{i}") for i in range(30)]))
    assert response.status_code == 413
    assert "larger than 1,000 bytes" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Episode.id))) == 3
        assert not db.session.scalar(select(func.count(ImportBatch.id)))


def test_a_row_that_fails_to_save_leaves_nothing_behind(app, manager, monkeypatch):
    from rhi.episodes import imports_apply

    real = imports_apply._link_person

    def failing(notice, child, known):
        real(notice, child, known)
        if notice.police_reference == "IMP-2":
            raise imports_apply.RowRefused("a test failure after the child was added")

    monkeypatch.setattr(imports_apply, "_link_person", failing)
    batch = import_file(manager, csv_bytes(ADA, NEW))
    assert outcomes(app, batch) == {"IMP-1": "new", "IMP-2": "problem"}
    with app.app_context():
        assert not db.session.scalar(select(Child.id).where(Child.first_name == "Rosa"))
        assert not db.session.scalar(
            select(PolicePerson.id).where(PolicePerson.police_person_id == "P-2")
        )
    assert not episodes_with(app, "IMP-2") and episodes_with(app, "IMP-1")


# Who may import -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["worker_a", "social_worker", "admin"])
def test_only_managers_and_coordinators_import(app, web, world, role):
    web.sign_in(world.emails[role])
    assert web.get("/imports").status_code == 403
    assert upload(web, csv_bytes(NEW)).status_code == 403
    assert web.get("/imports/waiting").status_code == 403


def test_another_teams_file_is_not_found(app, manager, world):
    batch = batch_id(upload(manager, csv_bytes(NEW)))
    other = Web(app.test_client())
    other.sign_in(world.emails["manager_b"])
    assert other.get(f"/imports/{batch}").status_code == 404
    assert other.post(f"/imports/{batch}/apply", page="/imports").status_code == 404
    assert other.get(f"/imports/{batch}/refused.csv").status_code == 404


def test_a_reference_held_by_another_team_is_refused_not_changed(app, manager):
    row = "REF-B,,Ben,Beta,03/02/2009,20/11/2026 10:00,,Low"  # RHI B's episode
    batch = import_file(manager, csv_bytes(row))
    assert outcomes(app, batch) == {"REF-B": "problem"}
    assert "your team does not hold" in messages(app, batch)[2]
    (episode,) = episodes_with(app, "REF-B")
    assert episode.risk_grade == "High"


# The command line ---------------------------------------------------------------------------


def test_the_command_line_import_prints_counts_and_exits_0_when_nothing_is_refused(app, world):
    path = app.instance_path + "/daily.csv"
    with open(path, "wb") as out:
        out.write(csv_bytes(ADA, NEW, WEAK))
    runner = app.test_cli_runner()
    args = ["rhi", "import-notifications", path, "--team", "RHI A"]
    dry = runner.invoke(args=[*args, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Would import: 2 new, 0 updated, 0 unchanged, 1 waiting for a person, 0 refused." in (
        dry.output
    )
    assert not episodes_with(app, "IMP-1")
    real = runner.invoke(args=args)
    assert real.exit_code == 0
    assert "Imported: 2 new, 0 updated, 0 unchanged, 1 waiting for a person, 0 refused." in (
        real.output
    )
    again = runner.invoke(args=args)
    assert "0 new, 0 updated, 2 unchanged, 1 waiting for a person, 0 refused." in again.output
    with open(path, "ab") as out:
        out.write(b"IMP-40,,Ann,Lee,31/02/2012,20/11/2026 10:00,,Low\n")
    refused_path = app.instance_path + "/refused.csv"
    bad = runner.invoke(args=[*args, "--refused", refused_path])
    assert bad.exit_code == 1 and "1 refused." in bad.output
    assert "not a real date" in Path(refused_path).read_text(encoding="utf-8-sig")
    assert runner.invoke(args=["rhi", "import-notifications", path]).exit_code == 2


def test_the_sample_file_imports_against_the_demo(app):
    from rhi.demo import load_demo

    with app.app_context():
        load_demo()
    web = Web(app.test_client())
    web.sign_in("coordinator@example.org", "demo-password-2026")
    sample = web.get("/imports/sample.csv").get_data()
    batch = import_file(web, sample)
    assert outcomes(app, batch) == {
        "WY-2611-0101": "new",  # Amara, known
        "WY-2611-0102": "new",  # Tyler, known, still missing
        "WY-2611-0103": "waiting",  # "Jaden": possibly Jayden
        "WY-2611-0104": "new",  # a child new to rhi
        "WY-2611-0105": "new",  # Maya, the night before the time away rhi holds
        "WY-2611-0106": "problem",  # 31 November
        "WY-2611-0107": "new",  # "=Park" kept as text
    }


# Reading what a person sends -------------------------------------------------------------------


def test_utf16_and_utf8_with_a_stray_byte_are_read_and_a_picture_is_refused(app, manager):
    row = "IMP-6,,Zoë,Núñez,03/04/2012,21/11/2026 18:00,,Low"
    # Excel's "Unicode Text" (UTF-16 with its mark), and UTF-8 with one byte astray.
    utf16 = ("\n".join([HEADER, row]) + "\n").encode("utf-16")
    stray = csv_bytes(row).replace(b"IMP-6,,", b"IMP-6,\xff,", 1)  # in the police person id
    for data in (utf16, stray):
        response = upload(manager, data)
        assert response.status_code == 302, response.get_data(as_text=True)
        batch = batch_id(response)
        save_columns(manager, batch)
        preview = manager.get(f"/imports/{batch}").get_data(as_text=True)
        assert "New episode for Zoë Núñez, a child new to rhi." in preview, preview[-3000:]
        assert "Ã" not in preview
    # A picture renamed .csv: said on the file's field, nothing kept.
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    refused = upload(manager, png, name="notifications.csv")
    assert refused.status_code == 422
    assert "This is not a CSV file" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(ImportBatch.id))) == 2


def test_the_preview_says_what_the_import_does_with_a_new_child_on_several_rows(app, manager):
    rows = (
        "NEW-1,,Ruby,Hartley,09/08/2012,20/11/2026 21:15,21/11/2026 08:00,Low",
        "NEW-2,,Ruby,Hartley,09/08/2012,21/11/2026 21:15,,Low",  # the same child again
        "NEW-3,,Rubie,Hartley,09/08/2012,22/11/2026 21:15,,Low",  # possibly her
    )
    response = upload(manager, csv_bytes(*rows))
    batch = batch_id(response)
    save_columns(manager, batch)
    preview = manager.get(f"/imports/{batch}").get_data(as_text=True)
    said = "2 new, 0 to update, 0 unchanged, 1 waiting for a person, 0 with a problem"
    assert said in preview
    assert "Possibly Ruby Hartley" in preview
    with app.app_context():
        assert db.session.scalar(select(func.count(Child.id)).where(Child.id < 0)) == 0
        children_before = db.session.scalar(select(func.count(Child.id)))
    manager.post(f"/imports/{batch}/apply", page=f"/imports/{batch}")
    assert outcomes(app, batch) == {"NEW-1": "new", "NEW-2": "new", "NEW-3": "waiting"}
    with app.app_context():
        assert db.session.scalar(select(func.count(Child.id))) == children_before + 1


def test_each_new_row_with_no_found_time_says_the_child_is_listed_as_still_missing(app, manager):
    """A probe's file had its found times in a column nothing read: the preview said only "New
    episode", and the children were then listed as missing for days without a word."""
    rows = (
        "NEW-5,,Keira,Lund,09/08/2012,20/11/2026 21:15,21/11/2026 08:00,Low",  # found
        "NEW-6,,Keira,Lund,09/08/2012,22/11/2026 21:15,,Low",  # not yet
    )
    response = upload(manager, csv_bytes(*rows))
    batch = batch_id(response)
    save_columns(manager, batch)
    preview = " ".join(manager.get(f"/imports/{batch}").get_data(as_text=True).split())
    still = "No found time in this row: listed as still missing."
    assert preview.count(still) == 1
    assert "<td>New episode for Keira Lund, a child new to rhi.</td>" in preview
    assert f"<td>New episode for Keira Lund. {still}</td>" in preview


def test_a_name_too_long_for_the_columns_is_said_in_rhis_words_and_kept(app, manager):
    batch = batch_id(upload(manager, csv_bytes(NEW)))
    name = "Police daily export " * 5  # 100 characters
    refused = save_columns(manager, batch, name=name)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "This is too long: the most is 80 characters." in page
    assert "Field cannot be longer" not in page  # WTForms' own words
    assert name.strip() in page


# Found notifications ---------------------------------------------------------------------------

FOUND = "IMP-2,P-2,Rosa,Green,03/04/2012,,22/11/2026 07:00,"  # Rosa found: no missing time


def test_a_found_notification_updates_the_episode_rhi_holds(app, manager):
    import_file(manager, csv_bytes(NEW))
    batch = import_file(manager, csv_bytes(FOUND))
    assert outcomes(app, batch) == {"IMP-2": "update"}
    assert "returned" in messages(app, batch)[2]
    (rosa,) = episodes_with(app, "IMP-2")
    assert rosa.returned_at == datetime(2026, 11, 22, 7, 0)  # the app tests' zone is UTC
    assert rosa.started_at == datetime(2026, 11, 21, 18, 0)  # as the missing one said
    assert rosa.risk_grade == "Low"


def test_a_found_notification_for_no_episode_rhi_holds_says_so(app, manager):
    batch = import_file(manager, csv_bytes(FOUND))
    assert outcomes(app, batch) == {"IMP-2": "problem"}
    assert "rhi holds no episode with this police reference" in messages(app, batch)[2]
    assert not episodes_with(app, "IMP-2")


def test_a_missing_notification_and_its_found_one_in_one_file_are_one_episode(app, manager):
    batch = import_file(manager, csv_bytes(NEW, FOUND.replace(",P-2,", ",,")))
    said = messages(app, batch)
    assert said[2] == "Read together with line 3: the same episode."
    assert said[3].startswith("New episode for Rosa Green")
    (rosa,) = episodes_with(app, "IMP-2")
    assert rosa.started_at == datetime(2026, 11, 21, 18, 0)
    assert rosa.returned_at == datetime(2026, 11, 22, 7, 0)
    # Found before missing, together: neither goes in, and both say why.
    early = FOUND.replace("IMP-2", "IMP-9").replace("22/11/2026 07:00", "21/11/2026 17:00")
    late = NEW.replace("IMP-2", "IMP-9")
    refused = messages(app, import_file(manager, csv_bytes(late, early)))
    assert "Returned or found is before Reported missing" in refused[3]
    assert refused[2].startswith("Read together with line 3: Returned or found is before")
    assert not episodes_with(app, "IMP-9")


def test_a_found_notification_joins_the_one_that_waits_for_a_person(app, manager):
    import_file(manager, csv_bytes(WEAK.replace("22/11/2026 10:00", "")))
    batch = import_file(manager, csv_bytes("IMP-3,,Adah,Alpha,01/05/2011,,22/11/2026 11:30,"))
    assert outcomes(app, batch) == {"IMP-3": "waiting"}
    with app.app_context():
        (waiting,) = db.session.scalars(select(WaitingRow)).all()
        assert waiting.values["reported_missing"] == "22/11/2026 08:00"
        assert waiting.values["returned"] == "22/11/2026 11:30"
        assert waiting.values["risk_grade"] == "Medium"


def test_a_police_reference_is_one_in_any_case_and_with_stray_spaces(app, manager):
    import_file(manager, csv_bytes(NEW.replace("IMP-2", "imp-2")))
    again = import_file(manager, csv_bytes(NEW.replace("IMP-2", " IMP-2 ")))
    assert outcomes(app, again) == {"IMP-2": "unchanged"}
    found = import_file(manager, csv_bytes(FOUND.replace("IMP-2", "Imp-2")))
    assert outcomes(app, found) == {"Imp-2": "update"}
    with app.app_context():
        (rosa,) = db.session.scalars(select(Episode).where(Episode.child.has(first_name="Rosa")))
        assert rosa.police_reference == "imp-2"  # kept as it first came
        assert rosa.returned_at == datetime(2026, 11, 22, 7, 0)
    # Two rows of one file in different cases are one reference too.
    twice = import_file(manager, csv_bytes(WEAK, WEAK.replace("IMP-3", "imp-3")))
    assert messages(app, twice)[2] == "Read together with line 3: the same episode."
    with app.app_context():
        assert db.session.scalar(select(func.count(WaitingRow.id))) == 1


def test_excels_separator_line_is_not_the_header_and_lines_are_the_files(app, manager):
    """Excel in many European settings saves `sep=;` first: the header is the next line, and
    each row's line is the one the coordinator's editor shows."""
    rows = [HEADER, NEW, "", FOUND.replace("IMP-2", "IMP-404")]
    data = ("sep=;\n" + "\n".join(r.replace(",", ";") for r in rows) + "\n").encode()
    batch = import_file(manager, data)
    said = messages(app, batch)
    assert set(said) == {3, 5}
    assert said[3].startswith("New episode for Rosa Green")
    assert "rhi holds no episode with this police reference" in said[5]


def test_a_missing_notification_sent_again_keeps_the_found_time_added_to_what_waits(app, manager):
    missing = WEAK.replace("22/11/2026 10:00", "")
    import_file(manager, csv_bytes(missing))
    import_file(manager, csv_bytes("IMP-3,,Adah,Alpha,01/05/2011,,22/11/2026 11:30,"))
    again = import_file(manager, csv_bytes(missing))  # the police's next daily file
    assert outcomes(app, again) == {"IMP-3": "waiting"}
    with app.app_context():
        (waiting,) = db.session.scalars(select(WaitingRow)).all()
        assert waiting.values["returned"] == "22/11/2026 11:30"
    page = manager.get("/imports/waiting").get_data(as_text=True)
    assert "Returned or found 22/11/2026 11:30" in page  # what the person decides on


def test_a_found_time_before_the_waiting_missing_time_is_refused_not_added(app, manager):
    import_file(manager, csv_bytes(WEAK.replace("22/11/2026 10:00", "")))
    early = import_file(manager, csv_bytes("IMP-3,,Adah,Alpha,01/05/2011,,21/11/2026 07:00,"))
    assert outcomes(app, early) == {"IMP-3": "problem"}
    assert "Returned or found is before Reported missing" in messages(app, early)[2]
    with app.app_context():
        (waiting,) = db.session.scalars(select(WaitingRow)).all()
        assert not waiting.values.get("returned")


def test_a_row_read_together_with_a_refused_line_is_refused_with_it(app, manager):
    # Line 4 disagrees with lines 2 and 3 read together: nothing goes in, and the missing row
    # is among the refused rows to correct and send again.
    batch = import_file(manager, csv_bytes(NEW, FOUND, NEW.replace("Low", "High")))
    said = messages(app, batch)
    assert outcomes(app, batch) == {"IMP-2": "problem"}
    assert said[2].startswith("Read together with line 3, which was not imported:")
    assert "different details" in said[3] and "different details" in said[4]
    assert not episodes_with(app, "IMP-2")
    refused = manager.get(f"/imports/{batch}/refused.csv").get_data(as_text=True)
    assert "21/11/2026 18:00" in refused  # the missing row's time, to send again


def test_a_file_of_found_notifications_needs_no_reported_missing_column(app, manager):
    import_file(manager, csv_bytes(NEW))
    header = "Police Ref,Person ID,Forename,Surname,DOB,Returned/Found"
    found = import_file(
        manager, csv_bytes("IMP-2,P-2,Rosa,Green,03/04/2012,22/11/2026 07:00", header=header)
    )
    assert outcomes(app, found) == {"IMP-2": "update"}
    (rosa,) = episodes_with(app, "IMP-2")
    assert rosa.returned_at == datetime(2026, 11, 22, 7, 0)


def test_a_correction_moving_both_times_later_is_applied_whole(app, manager):
    import_file(manager, csv_bytes(ADA))  # missing 20/11 10:00, back 21/11 09:00
    # Not past 22/11 06:00, when Ada's next time away (REF-A) began: that would count twice.
    later = ADA.replace("20/11/2026 10:00,21/11/2026 09:00", "21/11/2026 18:00,22/11/2026 05:00")
    batch = import_file(manager, csv_bytes(later))
    assert outcomes(app, batch) == {"IMP-1": "update"}
    (ada,) = episodes_with(app, "IMP-1")
    assert (ada.started_at, ada.returned_at) == (
        datetime(2026, 11, 21, 18, 0),
        datetime(2026, 11, 22, 5, 0),
    )
    earlier = ADA.replace("20/11/2026 10:00,21/11/2026 09:00", "19/11/2026 08:00,19/11/2026 20:00")
    assert outcomes(app, import_file(manager, csv_bytes(earlier))) == {"IMP-1": "update"}
    (ada,) = episodes_with(app, "IMP-1")
    assert ada.returned_at == datetime(2026, 11, 19, 20, 0)


def test_a_found_time_before_the_missing_time_rhi_holds_is_said_as_it_is(app, manager):
    import_file(manager, csv_bytes(NEW))  # missing 21/11 18:00
    early = import_file(manager, csv_bytes(FOUND.replace("22/11/2026 07:00", "21/11/2026 08:00")))
    said = messages(app, early)[2]
    assert said.startswith("Returned or found is before the time rhi holds")
    assert "rhi holds a return" not in said


def test_new_child_for_two_notifications_of_one_police_person_makes_one_child(app, manager):
    first = WEAK.replace(",,Adah", ",P-77,Adah")
    second = "IMP-4,P-77,Adah,Alpha,01/05/2011,22/11/2026 20:00,,Medium"
    batch = import_file(manager, csv_bytes(first, second))
    assert outcomes(app, batch) == {"IMP-3": "waiting", "IMP-4": "waiting"}
    with app.app_context():
        waiting = list(db.session.scalars(select(WaitingRow.id).order_by(WaitingRow.id)))
    for row in waiting:
        manager.post(f"/imports/waiting/{row}", {f"w{row}-decision": "new_child"})
    (one,), (two,) = episodes_with(app, "IMP-3"), episodes_with(app, "IMP-4")
    assert one.child_id == two.child_id
    with app.app_context():
        adahs = select(func.count(Child.id)).where(Child.first_name == "Adah")
        assert db.session.scalar(adahs) == 1


def test_new_child_never_files_the_notification_on_the_child_it_is_not(app, manager):
    """A probe: Rosa's police person id came with another name and date of birth (a mistyped
    id), so the row waited as possibly Rosa; "a different child" put it on Rosa's record all
    the same, found again by the id the person had just said was not hers."""
    import_file(manager, csv_bytes(NEW))  # Rosa Green, P-2
    other = "IMP-10,P-2,Tyrone,Zed,09/09/2014,22/11/2026 10:00,,High"
    batch = import_file(manager, csv_bytes(other))
    assert outcomes(app, batch) == {"IMP-10": "waiting"}
    with app.app_context():
        row = db.session.scalar(select(WaitingRow.id))
    said = manager.post(
        f"/imports/waiting/{row}", {f"w{row}-decision": "new_child"}, follow=True
    ).get_data(as_text=True)
    assert "Tyrone Zed" in said and "Rosa Green" not in said
    (tyrone,) = episodes_with(app, "IMP-10")
    (rosa,) = episodes_with(app, "IMP-2")
    assert tyrone.child_id != rosa.child_id
    with app.app_context():
        child = db.session.get(Child, tyrone.child_id)
        assert (child.first_name, child.last_name) == ("Tyrone", "Zed")


def test_two_columns_with_one_name_are_told_apart(app, manager):
    header = "Police Ref,Forename,Surname,DOB,Date,Date"
    data = csv_bytes("IMP-2,Rosa,Green,03/04/2012,21/11/2026 18:00,22/11/2026 07:00", header=header)
    response = upload(manager, data)
    batch = batch_id(response)
    page = manager.get(f"/imports/{batch}/columns").get_data(as_text=True)
    assert ">Date (2)</option>" in page
    saved = save_columns(manager, batch, reported_missing="Date", returned="Date (2)")
    assert saved.status_code == 302
    manager.post(f"/imports/{batch}/apply", page=f"/imports/{batch}")
    (rosa,) = episodes_with(app, "IMP-2")
    assert (rosa.started_at, rosa.returned_at) == (
        datetime(2026, 11, 21, 18, 0),
        datetime(2026, 11, 22, 7, 0),
    )


def test_a_day_without_a_time_is_said_and_a_skipped_hour_is_refused(app, manager):
    dayonly = NEW.replace("21/11/2026 18:00,,", "21/11/2026 18:00,22/11/2026,")
    skipped = NEW.replace("IMP-2", "IMP-8").replace("21/11/2026 18:00", "29/03/2026 01:30")
    batch = import_file(manager, csv_bytes(dayonly, skipped))
    said = messages(app, batch)
    assert "Returned or found “22/11/2026” has no time: taken as midnight (00:00)." in said[2]
    (rosa,) = episodes_with(app, "IMP-2")
    assert rosa.returned_at == datetime(2026, 11, 22, 0, 0)
    assert outcomes(app, batch)["IMP-8"] == "problem"
    assert "the clocks went forward" in said[3] and not episodes_with(app, "IMP-8")


def test_an_episode_recorded_by_hand_takes_the_police_notification_of_the_same_time_away(
    app, manager, world
):
    """A carer rang first: Ada is recorded missing by hand, with no police reference yet. The
    police's file brings the same time away: it gives that episode its reference and return,
    and no second episode counts her missing twice."""
    with app.app_context():
        team_a = db.session.scalar(select(Team.id).where(Team.name == "RHI A"))
        hand = Episode(
            child_id=world.children["a"],
            risk_grade="Medium",
            dfe_type="M",
            started_at=datetime(2026, 11, 20, 8, 30),
            missing_from="Home",
            reported_by="carer",
            assigned_team_id=team_a,
        )
        db.session.add(hand)
        db.session.commit()
        hand_id = hand.id
        before = db.session.scalar(
            select(func.count(Episode.id)).where(Episode.child_id == world.children["a"])
        )
    batch = import_file(manager, csv_bytes(ADA))
    assert outcomes(app, batch) == {"IMP-1": "update"}
    said = messages(app, batch)[2]
    assert said.startswith("The police reference for Ada Alpha's episode recorded by hand")
    with app.app_context():
        episode = db.session.get(Episode, hand_id)
        assert episode.police_reference == "IMP-1"
        assert episode.returned_at == datetime(2026, 11, 21, 9, 0)
        assert before == db.session.scalar(
            select(func.count(Episode.id)).where(Episode.child_id == world.children["a"])
        )
    # The next day's file meets it by its reference.
    assert outcomes(app, import_file(manager, csv_bytes(ADA))) == {"IMP-1": "unchanged"}


def test_a_found_row_records_in_the_trail_only_what_it_changed(app, manager):
    import_file(manager, csv_bytes(NEW))  # no missing-from place, no return method
    import_file(manager, csv_bytes(FOUND))
    with app.app_context():
        details = db.session.scalars(
            select(AuditEvent.detail).where(
                AuditEvent.action.in_(["episode.update", "episode.return"])
            )
        ).all()
    assert details and all("missing_from" not in (d or "") for d in details), details
    assert all("return_method" not in (d or "") for d in details), details


def test_a_child_back_and_missing_again_that_day_is_two_times_away(app, manager, world):
    with app.app_context():
        team_a = db.session.scalar(select(Team.id).where(Team.name == "RHI A"))
        hand = Episode(
            child_id=world.children["a"],
            risk_grade="Medium",
            dfe_type="M",
            started_at=datetime(2026, 11, 20, 8, 0),
            returned_at=datetime(2026, 11, 20, 9, 30),
            assigned_team_id=team_a,
        )
        db.session.add(hand)
        db.session.commit()
        hand_id = hand.id
    # The police's notification: missing again at 10:00, back the next morning.
    batch = import_file(manager, csv_bytes(ADA))
    assert outcomes(app, batch) == {"IMP-1": "new"}
    with app.app_context():
        first = db.session.get(Episode, hand_id)
        assert first.police_reference is None
        assert first.returned_at == datetime(2026, 11, 20, 9, 30)


def test_same_child_for_a_waiting_notification_takes_the_episode_recorded_by_hand(
    app, manager, world
):
    """Adah (possibly Ada) waits; Ada's carer rang first and her episode was recorded by hand.
    "Same child" gives that episode the police's reference and return, not a second episode."""
    with app.app_context():
        team_a = db.session.scalar(select(Team.id).where(Team.name == "RHI A"))
        hand = Episode(
            child_id=world.children["a"],
            risk_grade="Medium",
            dfe_type="M",
            started_at=datetime(2026, 11, 22, 7, 0),
            assigned_team_id=team_a,
        )
        db.session.add(hand)
        db.session.commit()
        hand_id = hand.id
    import_file(manager, csv_bytes(WEAK))  # missing 22/11 08:00, back 10:00
    with app.app_context():
        waiting = db.session.scalar(select(WaitingRow.id))
        before = db.session.scalar(select(func.count(Episode.id)))
    manager.post(f"/imports/waiting/{waiting}", {f"w{waiting}-decision": "same_child"})
    with app.app_context():
        episode = db.session.get(Episode, hand_id)
        assert episode.police_reference == "IMP-3"
        assert episode.returned_at == datetime(2026, 11, 22, 10, 0)
        assert db.session.scalar(select(func.count(Episode.id))) == before


def test_three_rows_read_together_are_refused_together(app, manager):
    # Lines 2, 3 and 4 agree and are read together; line 5 disagrees with them.
    graded = NEW.replace(",Low", ",Medium").replace(",,", ",22/11/2026 07:00,")
    rows = [NEW, FOUND, FOUND.replace(",P-2,", ",,"), graded.replace("Medium", "High")]
    batch = import_file(manager, csv_bytes(*rows))
    assert set(outcomes(app, batch).values()) == {"problem"}
    said = messages(app, batch)
    assert said[2].startswith("Read together with line 3, which was not imported")
    assert said[3].startswith("Read together with line 4, which was not imported")
    assert not episodes_with(app, "IMP-2")


def offered_after_import(app, world, data: bytes) -> tuple[Web, int]:
    """Team A's manager imports `data` (police reference IMP-1) and allocates it to worker A,
    who records the interview's offer at 21/11 10:00. The manager, and the episode's id."""
    manager = Web(app.test_client())
    manager.sign_in(world.emails["manager_a"])
    import_file(manager, data)
    with app.app_context():
        episode_id = db.session.scalar(
            select(Episode.id).where(Episode.police_reference == "IMP-1")
        )
    url = f"/episodes/{episode_id}"
    manager.post(
        f"{url}/allocate", {"to": f"worker:{world.users['worker_a']}"}, page=f"{url}/allocate"
    )
    worker = Web(app.test_client())
    worker.sign_in(world.emails["worker_a"])
    offered = worker.post(
        url + "/offer", {"offered_at": "2026-11-21T10:00", "method": "phone"}, page=url
    )
    assert offered.status_code == 302
    return manager, episode_id


def test_a_found_time_after_the_interview_was_offered_is_refused_with_why(app, world):
    """As on the return's form (test_notifications): a police file correcting a return to after
    its interview was offered is refused, saying what and when; the return keeps its time."""
    from rhi.models import ImportBatch

    manager, episode_id = offered_after_import(app, world, csv_bytes(ADA))  # back 21/11 09:00
    later = "IMP-1,P-1,Ada,Alpha,01/05/2011,20/11/2026 10:00,21/11/2026 11:00,High"
    batch_id = import_file(manager, csv_bytes(later))
    with app.app_context():
        (result,) = db.session.get(ImportBatch, batch_id).results
        assert result["outcome"] == "problem"
        assert "was offered on 21 Nov 2026 10:00, before this time" in result["message"]
        assert db.session.get(Episode, episode_id).returned_at == datetime(2026, 11, 21, 9, 0)


def test_a_corrected_return_of_a_finished_interview_says_its_deadline_moves(app, manager):
    """An intake probe: a police correction of a return whose interview was finished said only
    "Changes returned", and the interview kept its old deadline (counted in time against a
    deadline nobody set). The preview says so, and the deadline moves with the return."""
    import_file(manager, csv_bytes(ADA))
    (episode,) = episodes_with(app, "IMP-1")
    with app.app_context():
        interview = Interview(
            status="finished",
            due_at=episode.returned_at + timedelta(hours=72),
            held_at=datetime(2026, 11, 23, 9, 0),
            finished_at=datetime(2026, 11, 23, 9, 0),
            outcome="held",
        )
        interview.episodes.append(db.session.get(Episode, episode.id))
        db.session.add(interview)
        db.session.commit()
        uuid = interview.uuid
    batch = import_file(manager, csv_bytes(ADA.replace("21/11/2026 09:00", "21/11/2026 07:30")))
    assert outcomes(app, batch) == {"IMP-1": "update"}
    assert messages(app, batch)[2] == (
        "Changes returned. Its return home interview is finished: its deadline moves with the "
        "return, so whether it was held in time may change."
    )
    with app.app_context():
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        assert interview.due_at == datetime(2026, 11, 24, 7, 30)


def test_a_file_imported_before_says_so_before_it_is_imported_again(app, manager, world):
    """An intake probe: yesterday's file uploaded again, after a later file corrected a return,
    put the old time back without a word. Its preview now says it was imported before."""
    first = csv_bytes(ADA, NEW)
    import_file(manager, first)
    corrected = ADA.replace("21/11/2026 09:00", "21/11/2026 08:00")
    import_file(manager, csv_bytes(corrected, NEW))
    preview = _preview_of(manager, first, "yesterday.csv")
    said = " ".join(re.sub(r"<[^>]+>", " ", preview).split())
    assert "This file was imported before , on 23 Nov 2026 12:00 by Manager A (daily.csv)" in said
    assert "a correction made since, in rhi or by a later file, would be undone" in said
    # A file not imported before says nothing of the kind.
    fresh = _preview_of(manager, csv_bytes(NEW.replace("IMP-2", "IMP-9")), "other.csv")
    assert "imported before" not in fresh


def _preview_of(web: Web, data: bytes, name: str) -> str:
    """The preview of `data` uploaded as `name`, its columns confirmed as guessed."""
    response = upload(web, data, name=name)
    batch = batch_id(response)
    if response.headers["Location"].endswith("/columns"):
        assert save_columns(web, batch).status_code == 302
    return web.get(f"/imports/{batch}").get_data(as_text=True)
