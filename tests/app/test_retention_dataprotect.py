"""The data-protection probe of the retention schedule (dataprotect): a child once placed in
care was destroyed at 25 once their placement was changed to home; a police file uploaded and
not imported kept a destroyed child's row, and its preview offered to recreate them; a tablet's
remembered upload answer kept a destroyed child's interview; and a child still missing, or with
a return open, was destroyed with no word. (A notification waiting as possibly the child:
tests/app/test_retention.py; the subject access export: tests/app/test_subject_access.py.)

The app tests' clock stands at 2026-11-23 12:00 UTC."""

from __future__ import annotations

from datetime import date, datetime

from flask_migrate import upgrade
from sqlalchemy import func, select, text

from rhi import migration_commands
from rhi.extensions import db
from rhi.models import Child, DestroyedChild, Episode, Interview, SyncRequest
from tests.app.test_retention import (
    PAGE,
    as_user,
    close_returns,
    fill_record,
    holding,
    table,
)
from tests.app.test_retention_probe_fixes import words
from tests.conftest import make_test_app

TODAY_25 = date(2001, 11, 23)  # 25 today


def add_child(first: str, **more: object) -> int:
    child = Child(
        first_name=first,
        last_name="Keeping",
        date_of_birth=TODAY_25,
        legal_status="child_in_need",
        **more,
    )
    db.session.add(child)
    db.session.commit()
    return child.id


# -- 1. a care placement is remembered -------------------------------------------------------


def test_a_child_once_placed_in_care_keeps_the_looked_after_rule_after_going_home(app, world):
    with app.app_context():
        fenella = add_child("Fenella", placement_type="foster", placing_authority="Eastmoor")
        pia = add_child("Pia", placing_authority="Leeds City Council")
        ned = add_child("Ned", placement_type="home")
        db.session.add(  # a return recorded as placed here by another council
            Episode(
                child_id=ned,
                risk_grade="Low",
                started_at=datetime(2026, 11, 1, 10, 0),
                returned_at=datetime(2026, 11, 1, 20, 0),
                placed_from_elsewhere=True,
            )
        )
        db.session.commit()
        close_returns(app, ned)
        home = add_child("Hal", placement_type="home")
        for child_id in (fenella, pia):  # they go home
            child = db.session.get(Child, child_id)
            child.placement_type, child.placing_authority = "home", None
        db.session.commit()
    admin = as_user(app, world, "admin")
    page = admin.get(PAGE).get_data(as_text=True)
    for name in ("Fenella", "Pia", "Ned"):
        assert name not in table(page, "due")
    assert "Hal Keeping" in table(page, "due")
    said = words(admin.get(f"{PAGE}/children/{fenella}"))
    assert "Looked after before: kept until the 75th birthday" in said and "23 Nov 2076" in said
    out = app.test_cli_runner().invoke(args=["rhi", "retention", "--apply"])
    assert "Destroyed 1;" in out.output
    with app.app_context():
        assert set(db.session.scalars(select(DestroyedChild.child_id))) == {home}
        assert db.session.get(Child, fenella).was_looked_after


def test_the_upgrade_marks_children_placed_in_care_and_drops_orphaned_waiting_rows(
    backend, tmp_path, request
):
    from tests.conftest import database_url

    app = make_test_app(database_url(backend, tmp_path, request), tmp_path)
    migration_commands.enable(app)
    now = "2026-11-01 10:00:00"
    children = {1: ("foster", None), 2: ("home", " "), 3: ("home", None), 4: (None, "Leeds")}
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade(revision="e9f0a1b2c3d4")
        with db.engine.begin() as conn:
            for child_id, (placement, placing) in {**children, 5: ("home", None)}.items():
                conn.execute(
                    text(
                        "INSERT INTO children (id, first_name, last_name, sort_name, "
                        "date_of_birth, ethnicity, interpreter_needed, legal_status, "
                        "placement_type, placing_authority, created_at) VALUES (:id, 'A', 'B', "
                        "'b', '2001-01-01', 'not_known', false, 'child_in_need', :placement, "
                        ":placing, :now)"
                    ),
                    {"id": child_id, "placement": placement, "placing": placing, "now": now},
                )
            conn.execute(
                text(
                    "INSERT INTO episodes (id, child_id, risk_grade, dfe_type, started_at, "
                    "created_at, placed_from_elsewhere) VALUES (1, 3, 'Low', 'M', :now, :now, "
                    "true)"
                ),
                {"now": now},
            )
            conn.execute(
                text(
                    "INSERT INTO destroyed_children (child_id, destroyed_at, rule) "
                    "VALUES (5, :now, 'Not looked after')"
                ),
                {"now": now},
            )
            for row_id, candidate in ((1, 5), (2, 2)):
                conn.execute(
                    text(
                        'INSERT INTO import_waiting_rows (id, police_reference, "values", '
                        "candidate_child_id, reason, source, created_at) VALUES (:id, 'R', "
                        "'{}', :candidate, 'same name', 'file', :now)"
                    ),
                    {"id": row_id, "candidate": candidate, "now": now},
                )
        upgrade()
        with db.engine.connect() as conn:
            marked = conn.execute(
                text("SELECT id FROM children WHERE was_looked_after ORDER BY id")
            ).all()
            waiting = conn.execute(text("SELECT id FROM import_waiting_rows")).all()
        assert [r for (r,) in marked] == [1, 3, 4]
        assert [r for (r,) in waiting] == [2]
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        db.engine.dispose()


# -- 2. a police file not imported forgets the child -----------------------------------------


def test_a_police_file_not_imported_forgets_the_child_with_their_record(app, world):
    from tests.app.test_import_notifications import (
        NEW,
        batch_id,
        csv_bytes,
        save_columns,
        upload,
    )

    hers = "PRB-9911,P-QV-555,Ada,Alpha,01/05/1940,20/11/2026 10:00,21/11/2026 09:00,High"
    near = "PRB-8802,,Adah,Alpha,01/05/1940,20/11/2026 10:00,,High"
    manager = as_user(app, world, "manager_a")
    sent = upload(manager, csv_bytes(hers, NEW, near))
    batch = batch_id(sent)
    if sent.headers["Location"].endswith("/columns"):
        assert save_columns(manager, batch).status_code == 302
    child_id = fill_record(app, world)  # Ada, born 1 May 1940
    preview = manager.get(f"/imports/{batch}").get_data(as_text=True)
    assert "PRB-9911" in preview and "IMP-2" in preview

    admin = as_user(app, world, "admin")
    admin.post(f"{PAGE}/run", {"child_ids": str(child_id), "confirm": "y"}, page=PAGE)
    with app.app_context():
        assert db.session.get(DestroyedChild, child_id) is not None
    assert holding(app, "PRB-9911", "P-QV-555", "PRB-8802", "Adah") == []
    # The preview offers no child new to rhi in her place; the other rows keep their lines.
    preview = manager.get(f"/imports/{batch}").get_data(as_text=True)
    assert "PRB-9911" not in preview and "Ada" not in preview
    assert "IMP-2" in preview and "<td>3</td>" in preview
    applied = manager.post(f"/imports/{batch}/apply", page=f"/imports/{batch}")
    assert applied.status_code == 302
    with app.app_context():
        names = set(db.session.scalars(select(Child.first_name)))
    assert "Ada" not in names and "Adah" not in names and "Rosa" in names


# -- 3. a tablet's remembered answer forgets the child ---------------------------------------


def test_a_remembered_upload_answer_goes_with_the_childs_record(app, web, world_i):
    from tests.app.helpers import doc, item, one, send

    web.sign_in(world_i.emails["worker_a"])
    uuid, episode = world_i.interviews["a"], world_i.episodes["a"]
    server = doc(sections__away__text="Server words: saffron octopus marmalade")
    one(send(web, [item([episode], server, uuid=uuid, base_version=1)]))
    stale = doc(sections__away__text="Tablet words: teal gondola")
    answer = one(send(web, [item([episode], stale, uuid=uuid, base_version=1)], device="tab-2"))
    assert answer["outcome"] == "conflict"
    # Ben's upload answer stays: it is not hers.
    one(send(web, [item([world_i.episodes["b"]], doc(), uuid=world_i.interviews["b"])]))
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SyncRequest)) == 3
        ada = world_i.children["a"]
        db.session.get(Child, ada).date_of_birth = date(1940, 5, 1)
        interview = db.session.scalar(select(Interview).where(Interview.uuid == uuid))
        interview.status, interview.outcome = "finished", "held"
        interview.outcome_at = datetime(2026, 11, 22, 10, 0)
        db.session.commit()
    assert "sync_requests.response" in holding(app, "saffron octopus")
    out = app.test_cli_runner().invoke(args=["rhi", "retention", "--apply"])
    assert "Destroyed 1;" in out.output
    assert holding(app, "saffron octopus", "teal gondola") == []
    assert holding(app, uuid) == ["audit_events.object_id"]  # the audit trail, which stays
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SyncRequest)) == 1


# -- 5. a child still missing, or with a return open, is kept back ----------------------------


def test_a_child_still_missing_or_with_a_return_open_is_kept_back(app, world):
    with app.app_context():
        missing = add_child("Hcollis")
        back = add_child("Oona")
        done = add_child("Dora")
        for child_id, returned in ((missing, None), (back, datetime(2026, 11, 21, 9, 0))):
            db.session.add(
                Episode(
                    child_id=child_id,
                    risk_grade="Low",
                    started_at=datetime(2026, 11, 20, 10, 0),
                    returned_at=returned,
                )
            )
        db.session.commit()
    admin = as_user(app, world, "admin")
    page = admin.get(PAGE).get_data(as_text=True)
    due, kept = table(page, "due"), table(page, "kept-back")
    assert "Dora Keeping" in due
    assert "Hcollis" not in due and "Oona" not in due
    assert "Hcollis Keeping" in kept and "Still missing" in kept
    assert "Oona Keeping" in kept and "A return is open" in kept
    # Even sent their ids, the run keeps them, and says so.
    ids = f"{missing},{back},{done}"
    ran = admin.post(f"{PAGE}/run", {"child_ids": ids, "confirm": "y"}, page=PAGE, follow=True)
    said = words(ran)
    assert "1 record destroyed." in said and "2 kept back" in said
    listed = app.test_cli_runner().invoke(args=["rhi", "retention", "--dry-run"]).output
    assert "Kept back, still missing or a return open: 2" in listed
    assert f"child {missing}: due " in listed and "Still missing" in listed
    out = app.test_cli_runner().invoke(args=["rhi", "retention", "--apply"])
    assert "Destroyed 0;" in out.output
    with app.app_context():
        assert set(db.session.scalars(select(DestroyedChild.child_id))) == {done}
    # Once the return is closed, the record is destroyed.
    close_returns(app, back)
    out = app.test_cli_runner().invoke(args=["rhi", "retention", "--apply"])
    assert "Destroyed 1;" in out.output
    with app.app_context():
        assert set(db.session.scalars(select(DestroyedChild.child_id))) == {done, back}
