"""What the tests of checks of other teams' records share (rhi/children/kept_elsewhere.py
Asking): a day's limit small enough to use up, the rows and API items that ask about a child
like Ada Alpha (born 01/05/2011, kept by the Care team), a file's preview, a token's dry run and
Ada's trail of being checked. A test module asks for the limit with
`pytestmark = pytest.mark.usefixtures("small_asking_limit")` (tests/app/conftest.py)."""

from __future__ import annotations

import html

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from rhi.extensions import db
from rhi.models import AuditEvent
from tests.app.helpers import page_text
from tests.app.test_import_notifications import batch_id, csv_bytes, save_columns, upload
from tests.conftest import Web

LIMIT = 3  # children a day another team's records may be checked for
URL = "/api/v1/notifications"


def signed_in(app: Flask, world, who: str) -> Web:
    web = Web(app.test_client())
    web.sign_in(world.emails[who])
    return web


def csv_row(reference: str, born: str, first: str = "Ada") -> str:
    """A police file's row for a child named `first` Alpha."""
    return f"{reference},,{first},Alpha,{born},15/11/2026 08:00,,Low"


def api_item(reference: str, born: str, first: str = "Ada") -> dict:
    """The API's notification for a child named `first` Alpha."""
    return {
        "police_reference": reference,
        "first_name": first,
        "last_name": "Alpha",
        "date_of_birth": born,
        "reported_missing": "15/11/2026 08:00",
        "risk_grade": "Medium",
    }


def preview(web: Web, *rows: str) -> str:
    """The words of a file's preview (uploaded, its columns saved, never applied)."""
    response = upload(web, csv_bytes(*rows))
    assert response.status_code == 302
    batch = batch_id(response)
    if response.headers["Location"].endswith("/columns"):
        assert save_columns(web, batch, f"Columns {batch}").status_code == 302
    return html.unescape(page_text(web.get(f"/imports/{batch}").get_data(as_text=True)))


def dry_run_code(client: FlaskClient, token: str, item: dict) -> str:
    """The code the API's dry run answers for one notification."""
    answer = client.post(
        URL,
        json={"dry_run": True, "notifications": [item]},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()["results"][0]["code"]


def adas_trail(app: Flask, world) -> list[str]:
    """What Ada's audit trail says of other teams checking whether they keep her."""
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditEvent.detail).where(
                    AuditEvent.child_id == world.children["a"],
                    AuditEvent.action == "child.checked_elsewhere",
                )
            )
        )
