"""Requests sent at once ask about no more children than the day allows (rhi/children/
kept_elsewhere.py Asking, one asker's requests one at a time): a review (rev37) sent 6 dry runs
together, each reading the day's count before any had written its own, and 12 children were
checked past a limit of 3."""

from __future__ import annotations

import json
import threading
import urllib.request

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from rhi.extensions import db
from rhi.models import AuditEvent
from tests.app.asking import LIMIT, api_item
from tests.app.test_import_api import make_token
from tests.conftest import Web

AT_ONCE = 6


pytestmark = pytest.mark.usefixtures("small_asking_limit")


@pytest.mark.parametrize("at_once", [True, False], ids=["at_once", "control_one_by_one"])
def test_requests_sent_at_once_ask_about_no_more_children_than_the_day_allows(app, world, at_once):
    token = make_token(Web(app.test_client()), world, team="RHI B")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/api/v1/notifications"
    start = threading.Barrier(AT_ONCE)
    answers: list[int] = []

    def send(n: int) -> None:
        items = [
            api_item(f"R-{n}-{k}", f"{1 + k:02d}/0{1 + n % 9}/20{10 + n}", f"Eve{n}x{k}")
            for k in range(LIMIT)
        ]
        body = json.dumps({"dry_run": True, "notifications": items}).encode()
        request = urllib.request.Request(
            url,
            data=body,
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        )
        start.wait()
        with urllib.request.urlopen(request, timeout=60) as response:
            answers.append(response.status)

    if not at_once:
        start = threading.Barrier(1)
        for n in range(AT_ONCE):
            send(n)
    else:
        threads = [threading.Thread(target=send, args=(n,)) for n in range(AT_ONCE)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    server.shutdown()
    assert answers == [200] * AT_ONCE
    with app.app_context():
        asked = db.session.scalar(
            select(func.count(func.distinct(AuditEvent.object_id))).where(
                AuditEvent.action == "child.checked_elsewhere"
            )
        )
    assert asked <= LIMIT, f"{asked} children checked in a day that allows {LIMIT}"
