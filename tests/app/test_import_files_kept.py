"""A police file uploaded and never imported holds every row the police sent (names, dates of
birth, where each child went missing from): it is removed 14 days after it was uploaded, when
the import page is next opened. An imported file keeps only its header row already, and stays
with its results; one being imported now is never removed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from rhi.extensions import db
from rhi.models import AuditEvent, ImportBatch
from tests.app.test_import_notifications import ADA, NEW, batch_id, csv_bytes, import_file, upload
from tests.conftest import Web


@pytest.fixture
def manager(web: Web, world) -> Web:
    web.sign_in(world.emails["manager_a"])
    return web


def _uploaded(app, batch: int, days_ago: float) -> None:
    with app.app_context():
        row = db.session.get(ImportBatch, batch)
        row.uploaded_at = row.uploaded_at - timedelta(days=days_ago)
        db.session.commit()


def test_a_file_never_imported_is_removed_after_14_days(app, manager):
    old = batch_id(upload(manager, csv_bytes(NEW)))
    recent = batch_id(upload(manager, csv_bytes(NEW)))
    imported = import_file(manager, csv_bytes(ADA))
    _uploaded(app, old, 14.01)
    _uploaded(app, recent, 13.9)
    _uploaded(app, imported, 30)
    page = manager.get("/imports").get_data(as_text=True)
    assert "A file not imported within 14 days is removed" in page
    assert manager.get(f"/imports/{old}").status_code == 404
    assert manager.get(f"/imports/{recent}").status_code == 200
    assert manager.get(f"/imports/{imported}").status_code == 200
    with app.app_context():
        assert db.session.get(ImportBatch, old) is None
        (forgot,) = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "import.forget")
        ).all()
        assert forgot.object_id == str(old)
        assert forgot.detail == "1 file(s) never imported, uploaded over 14 days ago, removed"
