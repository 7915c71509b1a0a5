"""Subject access (issue 16 item 7): an administrator, or a manager who may see the child,
records a request and downloads everything held about the child as a ZIP (a readable PDF and
JSON, with the photo and every summary PDF); each download is written to the disclosure log,
shown on the page, and audited.

The app tests' clock stands at 2026-11-23 12:00 UTC."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from datetime import datetime

from pypdf import PdfReader
from sqlalchemy import func, select

from rhi.extensions import db
from rhi.models import (
    AuditEvent,
    ChildPhoto,
    ContactAttempt,
    DestroyedChild,
    Disclosure,
    Episode,
    Interview,
    Job,
    Summary,
    SummarySending,
    Team,
)
from tests.conftest import Web

WHEN = datetime(2026, 11, 20, 10, 0)
REQUEST = {
    "requested_by": "Ada Alpha, the child",
    "reference": "SAR/2026/41",
    "received_on": "2026-11-20",
}


def as_user(app, world, key: str) -> Web:
    web = Web(app.test_client())
    web.sign_in(world.emails[key])
    return web


def find(web: Web, **terms: str) -> str:
    """The search, posted as its form does (a child's name never goes in the address)."""
    return web.post("/subject-access", terms, page="/subject-access").get_data(as_text=True)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def fill_record(app, world) -> int:
    """Ada (world child a) with an interview, its versions, a summary sent, and a photo."""
    child_id = world.children["a"]
    with app.app_context():
        episode = db.session.get(Episode, world.episodes["a"])
        interview = Interview(
            status="finished", due_at=WHEN, content={"own_words": "I stayed at the park."}
        )
        interview.episodes.append(episode)
        db.session.add(interview)
        db.session.flush()
        db.session.add_all(
            [
                Summary(
                    interview_id=interview.id,
                    recipient="social_worker",
                    prepared_for_name="Social Worker",
                    pdf=b"%PDF-1.7 the summary as sent",
                ),
                SummarySending(
                    interview_id=interview.id,
                    recipient="social_worker",
                    sent_to="Care team, Leeds",
                    method="secure_email",
                    sent_at=WHEN,
                    recorded_by_id=world.users["worker_a"],
                ),
                ContactAttempt(
                    interview_id=interview.id,
                    attempted_at=WHEN,
                    method="visit",
                    outcome="spoke",
                    recorded_by_id=world.users["worker_a"],
                ),
                ChildPhoto(child_id=child_id, content_type="image/png", data=b"\x89PNG\r\n\x1a\nA"),
            ]
        )
        db.session.commit()
    return child_id


def export(web: Web, child_id: int, **changes: str):
    """Record the request, as the form does; when it is taken, the ZIP prepared as a download
    job (in this process, after the request) is fetched from its waiting page."""
    page = f"/subject-access/children/{child_id}"
    asked = web.post(f"{page}/export", {**REQUEST, **changes}, page=page)
    if asked.status_code != 303:
        return asked
    waiting = web.get(asked.headers["Location"]).get_data(as_text=True)
    assert "Everything held about the child (ZIP)" in waiting and "It is ready." in waiting
    return web.get(re.search(r'href="(/downloads/\d+/file)"', waiting).group(1))


def test_an_administrator_downloads_everything_held_and_it_is_logged(app, world):
    child_id = fill_record(app, world)
    web = as_user(app, world, "admin")
    found = find(web, name="ada", born="2011-05-01")
    assert f'/subject-access/children/{child_id}"' in found and "Ada Alpha" in found
    assert "Nothing has been disclosed yet." in web.get(
        f"/subject-access/children/{child_id}"
    ).get_data(as_text=True)

    response = export(web, child_id)
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert 'filename="subject-access-SAR-2026-41.zip"' in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = set(archive.namelist())
    assert {"record.pdf", "record.json"} <= names
    photo = next(n for n in names if n.startswith("files/child_photos-"))
    summary = next(n for n in names if n.startswith("files/summaries-"))
    assert archive.read(photo) == b"\x89PNG\r\n\x1a\nA"
    assert archive.read(summary) == b"%PDF-1.7 the summary as sent"

    data = json.loads(archive.read("record.json"))
    assert data["request"] == REQUEST
    assert data["child"]["first_name"] == "Ada" and data["child"]["date_of_birth"] == "2011-05-01"
    assert data["held"]["episodes"][0]["police_reference"] == "REF-A"
    assert data["held"]["interviews"][0]["content"] == {"own_words": "I stayed at the park."}
    assert data["held"]["summary_sendings"][0]["sent_to"] == "Care team, Leeds"
    assert data["held"]["contact_attempts"][0]["outcome"] == "spoke"
    assert data["held"]["child_photos"][0]["data"] == {"file": photo}
    assert ("subject_access.view", "ok") in {(a["action"], a["outcome"]) for a in data["audit_log"]}
    assert data["people"][str(world.users["worker_a"])]["name"] == "Worker A"
    assert "held" in data and "Ben" not in json.dumps(data)  # nothing of another child

    text = pdf_text(archive.read("record.pdf"))
    assert "Child Worker A" not in text  # a child's id is not a person's
    # Each return's own legal status in words too, never its code (a review).
    assert "looked_after" not in text
    for expected in (
        "Everything held about Ada Alpha",
        "SAR/2026/41",
        "Ada Alpha, the child",
        "20 Nov 2026",
        "Return home interviews",
        "I stayed at the park.",
        "Care team, Leeds",
        "Method Secure email",
        "Legal status Looked after",
        "Worker A (Return home interview worker)",
        "Social worker Social Worker (Social worker)",
        "Attempted at 20 Nov 2026 10:00",
        "Method Visit",  # an attempt's codes in words, as the pages say them
        "Outcome Spoke with the child",
        "Who read or changed the record",
        "subject_access.view",
    ):
        assert expected in text, expected

    with app.app_context():
        (row,) = db.session.scalars(select(Disclosure)).all()
        assert (row.child_id, row.requested_by, row.reference) == (
            child_id,
            "Ada Alpha, the child",
            "SAR/2026/41",
        )
        assert row.sha256 == hashlib.sha256(response.data).hexdigest()
        assert row.exported_by_id == world.users["admin"]
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "subject_access.export")
        ).all()
        assert [(e.child_id, e.object_id) for e in events] == [(child_id, str(row.id))]
    log = web.get(f"/subject-access/children/{child_id}").get_data(as_text=True)
    assert "SAR/2026/41" in log and row.sha256 in log and "Admin" in log
    with app.app_context():  # what the request said is on the log now, not on the job
        (job,) = db.session.scalars(select(Job)).all()
        assert job.arguments == {"maker": "subject_access", "child_id": child_id}


def test_the_request_is_recorded_before_anything_is_downloaded(app, world):
    child_id = world.children["a"]
    web = as_user(app, world, "admin")
    response = export(web, child_id, reference="", received_on="2026-12-25")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Enter your reference for the request." in page
    assert "cannot be in the future" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Disclosure)) == 0
        assert (
            db.session.scalar(
                select(func.count()).where(AuditEvent.action == "subject_access.export")
            )
            == 0
        )


def test_what_is_typed_is_shown_escaped_in_the_log(app, world):
    child_id = world.children["a"]
    web = as_user(app, world, "admin")
    assert export(web, child_id, requested_by="<script>alert(1)</script>").status_code == 200
    page = web.get(f"/subject-access/children/{child_id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page


def test_a_manager_exports_only_children_they_may_see(app, world):
    child_id = world.children["a"]  # allocated to a social worker in the care team
    care = as_user(app, world, "manager_care")
    link = f'href="/subject-access/children/{child_id}"'
    assert link in care.get(f"/children/{child_id}").get_data(as_text=True)  # from the child's page
    assert "Ada Alpha" in find(care, name="alpha")
    assert export(care, child_id).status_code == 200
    other = as_user(app, world, "manager_b")
    assert "Ada Alpha" not in find(other, name="alpha")
    assert other.get(f"/subject-access/children/{child_id}").status_code == 404
    assert export(other, child_id).status_code == 404
    worker = as_user(app, world, "worker_a")
    assert link not in worker.get(f"/children/{child_id}").get_data(as_text=True)
    assert worker.get("/subject-access").status_code == 403
    assert export(worker, child_id).status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Disclosure)) == 1
        refused = db.session.scalars(
            select(AuditEvent.user_id).where(AuditEvent.outcome == "refused")
        ).all()
        assert world.users["manager_b"] in refused and world.users["worker_a"] in refused


def test_a_destroyed_record_cannot_be_exported(app, world):
    child_id = world.children["a"]
    with app.app_context():
        db.session.add(DestroyedChild(child_id=child_id, rule="test"))
        db.session.commit()
    web = as_user(app, world, "admin")
    assert web.get(f"/subject-access/children/{child_id}").status_code == 404
    assert "Ada" not in find(web, name="ada").split('id="found-heading"')[1]


def test_the_export_calls_the_interviews_by_the_councils_own_name(app, world):
    """Issue 17 item 5: the readable copy names the interviews as the council does."""
    child_id = fill_record(app, world)
    web = as_user(app, world, "admin")
    settings = {
        "deadline_hours": "72",
        "repeat_episodes": "3",
        "repeat_days": "30",
        "long_episode_hours": "48",
        "reoffer_days": "7",
        "interview_name": "Missing Chat",
        "duty_inbox": "",
    }
    assert web.post("/admin/settings", settings, page="/admin/settings").status_code == 302
    response = export(web, child_id)
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    text = pdf_text(archive.read("record.pdf"))
    assert "Missing Chats" in text  # the interviews' section
    assert "Worker A (Missing Chat worker)" in text
    assert "return home interview" not in text.lower()


def test_the_social_workers_manager_does_not_export_interviews_they_read_only_in_part(app, world):
    """The export holds each interview whole, with what the child kept from their social worker:
    the social worker's manager reads only the social worker's copy, so an administrator makes
    it; the manager of the team that held the interview makes it as before."""
    child_id = fill_record(app, world)  # an interview held by team A
    page = f"/subject-access/children/{child_id}"
    care = as_user(app, world, "manager_care")
    shown = care.get(page).get_data(as_text=True)
    assert "An administrator makes this download" in shown
    assert "Record the request and download</button>" not in shown
    assert export(care, child_id).status_code == 403
    team_a = as_user(app, world, "manager_a")
    assert "An administrator makes this download" not in team_a.get(page).get_data(as_text=True)
    archive = zipfile.ZipFile(io.BytesIO(export(team_a, child_id).data))
    assert "I stayed at the park." in archive.read("record.json").decode()
    with app.app_context():
        assert [d.exported_by_id for d in db.session.scalars(select(Disclosure))] == [
            world.users["manager_a"]
        ]
        assert db.session.scalar(
            select(AuditEvent.id).where(
                AuditEvent.user_id == world.users["manager_care"],
                AuditEvent.outcome == "refused",
                AuditEvent.object_type == "subject_access",
            )
        )


def test_a_return_another_team_holds_keeps_the_export_with_an_administrator(app, world):
    """Every interview read whole is not enough: the export also holds the child's other
    returns (another team's, with its safe and well notes), which the manager does not see."""
    child_id = fill_record(app, world)  # the interview team A held
    with app.app_context():
        team_b = db.session.scalar(select(Team.id).where(Team.name == "RHI B"))
        db.session.add(
            Episode(
                child_id=child_id,
                risk_grade="Low",
                dfe_type="M",
                started_at=datetime(2026, 10, 1, 9, 0),
                returned_at=datetime(2026, 10, 2, 9, 0),
                safe_and_well_notes="TEAMBNOTES",
                assigned_team_id=team_b,
            )
        )
        db.session.commit()
    team_a = as_user(app, world, "manager_a")
    page = f"/subject-access/children/{child_id}"
    assert "An administrator makes this download" in team_a.get(page).get_data(as_text=True)
    assert export(team_a, child_id).status_code == 403
    # Nor is it offered from the child's page, to them or to the social worker's manager.
    link = f'href="/subject-access/children/{child_id}"'
    for key in ("manager_a", "manager_care"):
        shown = as_user(app, world, key).get(f"/children/{child_id}").get_data(as_text=True)
        assert link not in shown, key
    admin = as_user(app, world, "admin")
    archive = zipfile.ZipFile(io.BytesIO(export(admin, child_id).data))
    assert "TEAMBNOTES" in archive.read("record.json").decode()


def test_a_notification_is_in_the_export_of_the_child_it_waits_for_until_it_is_decided(app, world):
    """A police notification of "Adah Alpha" waited as possibly Ada. While it waits it is
    about Ada as far as rhi can tell (its line in the file is hers, and it is destroyed with
    her record): its cells are in her export (a probe found them left out). Once decided to be
    a different child, it is that child's: in Adah's export, not Ada's."""
    from rhi.models import WaitingRow
    from tests.app.test_import_notifications import WEAK, csv_bytes, import_file

    manager = as_user(app, world, "manager_a")
    import_file(manager, csv_bytes(WEAK))
    with app.app_context():
        waiting_id = db.session.scalar(select(WaitingRow.id))
    admin = as_user(app, world, "admin")

    def held(child_id: int) -> dict:
        archive = zipfile.ZipFile(io.BytesIO(export(admin, child_id).data))
        return json.loads(archive.read("record.json"))["held"]

    (waiting,) = held(world.children["a"])["import_waiting_rows"]
    assert waiting["values"]["first_name"] == "Adah" and waiting["police_reference"] == "IMP-3"
    decided = manager.post(
        f"/imports/waiting/{waiting_id}",
        {f"w{waiting_id}-decision": "new_child"},
        page="/imports/waiting",
    )
    assert decided.status_code == 302
    assert "import_waiting_rows" not in held(world.children["a"])
    with app.app_context():
        adah = db.session.scalar(
            select(Episode.child_id).where(Episode.police_reference == "IMP-3")
        )
    (row,) = held(adah)["import_waiting_rows"]
    assert row["values"]["first_name"] == "Adah" and row["resolution"] == "new_child"


def test_rows_of_police_files_about_the_child_are_in_their_export(app, world):
    """A probe: a police file's row about Ada, refused (found before she was reported missing)
    and kept with its cells to put right, named her and where she was found; her export held
    none of it, though the retention run blanks it with her record. It is in her export (the
    JSON and the readable PDF), found by the same rule; another child's rows are not."""
    from tests.app.test_import_notifications import ADA, csv_bytes, import_file

    found_before = "IMP-1,P-1,Ada,Alpha,01/05/2011,20/11/2026 10:00,19/11/2026 09:00,High"
    someone_else = "IMP-9,,Bea,Lee,31/02/2012,20/11/2026 10:00,,Low"
    manager = as_user(app, world, "manager_a")
    import_file(manager, csv_bytes(ADA))  # her episode IMP-1, which the next file meets
    import_file(manager, csv_bytes(found_before, someone_else))
    archive = zipfile.ZipFile(
        io.BytesIO(export(as_user(app, world, "admin"), world.children["a"]).data)
    )
    rows = json.loads(archive.read("record.json"))["police_file_rows"]
    assert ("IMP-1", "problem") in [(r["reference"], r["outcome"]) for r in rows]
    refused = next(r for r in rows if r["outcome"] == "problem")
    assert "Ada" in str(refused["cells"]) and "Bea" not in json.dumps(rows)
    readable = " ".join(pdf_text(archive.read("record.pdf")).split())
    assert "Rows of police files about the child" in readable
    assert "IMP-1" in readable and "IMP-9" not in readable


def test_rows_of_a_police_file_not_imported_are_in_the_childs_export(app, world):
    """A probe: a police file uploaded and not imported (kept up to 14 days) held Ada's name,
    date of birth and police reference, and her export left it out. Its rows about her are in
    it, matched as the import's preview meets a row with a child (by her episodes' police
    references, her police person id, or her name and date of birth); another child's are
    not."""
    from tests.app.test_import_notifications import (
        NEW,
        batch_id,
        csv_bytes,
        save_columns,
        upload,
    )

    by_name = "PRB-9911,,Ada,Alpha,01/05/2011,20/11/2026 10:00,,High"
    by_reference = "REF-A,,A.,Alpha,02/06/2011,20/11/2026 10:00,21/11/2026 09:00,High"
    manager = as_user(app, world, "manager_a")
    sent = upload(manager, csv_bytes(by_name, NEW, by_reference))
    batch = batch_id(sent)
    if sent.headers["Location"].endswith("/columns"):
        assert save_columns(manager, batch).status_code == 302
    archive = zipfile.ZipFile(
        io.BytesIO(export(as_user(app, world, "admin"), world.children["a"]).data)
    )
    rows = json.loads(archive.read("record.json"))["police_file_rows"]
    assert [(r["line"], r["reference"], r["outcome"]) for r in rows] == [
        (2, "PRB-9911", "not imported"),
        (4, "REF-A", "not imported"),
    ]
    assert rows[0]["cells"]["Forename"] == "Ada" and rows[0]["cells"]["DOB"] == "01/05/2011"
    assert "Rosa" not in json.dumps(rows)
    readable = " ".join(pdf_text(archive.read("record.pdf")).split())
    assert "PRB-9911" in readable and "not imported" in readable
