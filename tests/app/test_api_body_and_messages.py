"""POST /api/v1/notifications: a body is read no further than its limit however it is sent,
every refusal of the body says what to put right, and an item read together with another names
the episode it went in on (an API probe, api34 items 3 to 5)."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select

from rhi.extensions import db
from rhi.models import AuditEvent, Episode
from tests.app.test_import_api import NEW, URL, make_token, send


@pytest.fixture
def token(web, world) -> str:
    return make_token(web, world)


class CountedStream(io.BytesIO):
    """A request body that knows how much of it was read."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.most = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.most = max(self.most, self.tell())
        return chunk


def send_chunked(client, token: str, stream: io.BytesIO):
    """As a server hands on a chunked body: no Content-Length, the stream ended by the server
    (`wsgi.input_terminated`, which gunicorn and Werkzeug's server set)."""
    return client.post(
        URL,
        input_stream=stream,
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Transfer-Encoding": "chunked",
        },
        environ_overrides={"wsgi.input_terminated": True},
    )


def padded(size: int) -> bytes:
    """A JSON body of `size` bytes: one item whose name is long."""
    start = b'{"notifications": [{"police_reference": "BIG-1", "first_name": "'
    end = b'"}]}'
    return start + b"a" * (size - len(start) - len(end)) + end


def refusals(app) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditEvent.detail).where(AuditEvent.action == "api.refused")
            ).all()
        )


def test_a_chunked_body_over_the_limit_is_refused_413_reading_one_byte_past_it(
    app, client, world, token
):
    app.config["RHI_IMPORT_MAX_BYTES"] = 1_000
    stream = CountedStream(padded(3_000))
    response = send_chunked(client, token, stream)
    assert response.status_code == 413, response.get_data(as_text=True)
    assert response.get_json() == {
        "error": "too_large",
        "message": "This request is larger than 1,000 bytes, the most rhi reads in one request "
        "(RHI_IMPORT_MAX_BYTES). Nothing was saved: send the notifications in smaller requests.",
    }
    assert stream.most <= 1_001
    assert refusals(app)[-1].endswith(": too large")
    with app.app_context():
        assert not db.session.scalar(select(Episode.id).where(Episode.police_reference == "BIG-1"))


def test_a_chunked_body_past_max_content_length_is_413_not_unreadable_json(
    app, client, world, token
):
    """The probe's 6 MB body: past MAX_CONTENT_LENGTH, it was answered "Send JSON"."""
    app.config["RHI_IMPORT_MAX_BYTES"] = 1_000
    app.config["MAX_CONTENT_LENGTH"] = 2_000
    stream = CountedStream(padded(6_000))
    response = send_chunked(client, token, stream)
    assert response.status_code == 413
    assert response.get_json()["error"] == "too_large"
    assert stream.most <= 1_001


def test_a_body_past_a_max_content_length_under_the_limit_is_413_in_json(app, client, world, token):
    """Should MAX_CONTENT_LENGTH be set under RHI_IMPORT_MAX_BYTES, Werkzeug's refusal is
    answered in the API's JSON, not the council's HTML error page."""
    app.config["MAX_CONTENT_LENGTH"] = 100
    for response in (
        send(client, token, {"notifications": [NEW]}),
        send_chunked(client, token, io.BytesIO(padded(300))),
    ):
        assert response.status_code == 413
        assert response.get_json()["error"] == "too_large"


def test_a_chunked_body_within_the_limit_is_read(app, client, world, token):
    data = json.dumps({"notifications": [NEW]}).encode()
    response = send_chunked(client, token, io.BytesIO(data))
    assert response.status_code == 200
    assert response.get_json()["counts"]["created"] == 1


def test_a_body_with_a_content_length_over_the_limit_speaks_of_requests_not_files(
    app, client, world, token
):
    app.config["RHI_IMPORT_MAX_BYTES"] = 100
    response = send(client, token, {"notifications": [NEW, NEW]})
    assert response.status_code == 413
    message = response.get_json()["message"]
    assert "larger than 100 bytes" in message and "smaller requests" in message
    assert "file" not in message


def raw(client, token: str, data: bytes, content_type: str | None = "application/json"):
    headers = {"Authorization": f"Bearer {token}"}
    if content_type is not None:
        headers["Content-Type"] = content_type
    return client.post(URL, data=data, headers=headers)


@pytest.mark.parametrize(
    ("data", "content_type", "said", "audited"),
    [
        (
            b'{"notifications":[{"police_reference":',
            "application/json",
            "The body is not valid JSON: it ends before the JSON does (was it cut short?). "
            'Send {"notifications": [...]}.',
            "not valid JSON",
        ),
        (
            b'{"notifications": [{"police_reference": "A-1",}]}',
            "application/json",
            "The body is not valid JSON: Expecting property name enclosed in double quotes at "
            'line 1, column 47 (character 47). Send {"notifications": [...]}.',
            "not valid JSON",
        ),
        (
            b'{"notifications": []}',
            "text/plain",
            "The body was sent as text/plain: send it with Content-Type: application/json, as "
            'JSON: {"notifications": [...]}.',
            "not sent as JSON",
        ),
        (
            b'{"notifications": []}',
            None,
            "The body was sent with no Content-Type: send it with Content-Type: "
            'application/json, as JSON: {"notifications": [...]}.',
            "not sent as JSON",
        ),
        (
            '{"notifications": [{"first_name": "Zoë"}]}'.encode("latin-1"),
            "application/json",
            "The body is not UTF-8: byte 38 (0xEB) is not UTF-8 text, as in Latin-1 or "
            "Windows-1252. Send the body encoded as UTF-8.",
            "not UTF-8",
        ),
        (
            b"",
            "application/json",
            'The body is empty: send JSON, {"notifications": [...]}.',
            "empty body",
        ),
        (
            b'{"rows": []}',
            "application/json",
            'The body holds no "notifications" list: send {"notifications": [...]}, at most '
            "1,000 in one request.",
            "not a list of notifications",
        ),
    ],
    ids=["cut-short", "malformed", "text-plain", "no-content-type", "latin-1", "empty", "no-list"],
)
def test_a_body_that_cannot_be_read_says_what_to_put_right(
    app, client, world, token, data, content_type, said, audited
):
    response = raw(client, token, data, content_type)
    assert response.status_code == 422
    assert response.get_json() == {"error": "bad_request", "message": said}
    assert refusals(app)[-1].endswith(f": {audited}")


def test_a_utf8_body_with_a_byte_order_mark_is_read(app, client, world, token):
    data = json.dumps({"notifications": [NEW]}, ensure_ascii=False).encode("utf-8-sig")
    assert raw(client, token, data).status_code == 200


def test_more_than_1000_items_says_how_many_and_to_send_the_rest_in_another_request(
    app, client, world, token
):
    response = send(client, token, {"notifications": [{}] * 1001})
    assert response.status_code == 422
    assert response.get_json() == {
        "error": "bad_request",
        "message": "At most 1,000 notifications in one request: this one has 1,001. Nothing "
        "was saved: send 1,000 in one request and the rest in another.",
    }


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_another_method_is_refused_in_json_with_405_and_allow(client, world, token, method):
    response = getattr(client, method)(URL, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"
    assert response.get_json() == {
        "error": "method_not_allowed",
        "message": f"{method.upper()} is not taken here: send the notifications with POST.",
    }


FOUND = {key: NEW[key] for key in ("police_reference", "first_name", "last_name")}
FOUND |= {"date_of_birth": NEW["date_of_birth"], "returned": "22/11/2026 01:00"}


def test_a_found_item_read_together_with_a_new_missing_one_names_its_episode(
    app, client, world, token
):
    body = send(client, token, {"notifications": [FOUND, NEW]}).get_json()
    found, missing = body["results"]
    assert missing["outcome"] == "created" and missing["episode_id"] is not None
    assert found["outcome"] == "unchanged"
    assert found["message"] == "Read together with item 2: the same episode."
    assert found["episode_id"] == missing["episode_id"]
    with app.app_context():
        episode = db.session.get(Episode, missing["episode_id"])
        assert episode.returned_at is not None  # the found time went in on it


def test_a_found_item_read_together_with_a_known_missing_one_names_its_episode(
    app, client, world, token
):
    """The probe's case: rhi holds the episode; the found notification comes first, the
    missing one after another item. The found time was saved, its answer said no episode."""
    first = send(client, token, {"notifications": [NEW]}).get_json()["results"][0]
    other = {**NEW, "police_reference": "API-9", "first_name": "Lena"}
    body = send(client, token, {"notifications": [FOUND, other, NEW]}).get_json()
    found, _, missing = body["results"]
    assert missing["outcome"] == "updated" and missing["episode_id"] == first["episode_id"]
    assert found["episode_id"] == first["episode_id"]
    with app.app_context():
        assert db.session.get(Episode, first["episode_id"]).returned_at is not None


def test_a_repeat_names_the_episode_of_the_item_it_repeats(app, client, world, token):
    body = send(client, token, {"notifications": [NEW, NEW]}).get_json()
    one, repeat = body["results"]
    assert repeat["message"] == "The same as item 1: a repeat, counted once."
    assert repeat["episode_id"] == one["episode_id"] is not None


def test_a_refused_item_read_together_names_no_episode(app, client, world, token):
    late = {**NEW, "returned": "20/11/2026 01:00"}  # found before reported missing
    body = send(client, token, {"notifications": [FOUND, late]}).get_json()
    assert [r["outcome"] for r in body["results"]] == ["refused", "refused"]
    assert [r["episode_id"] for r in body["results"]] == [None, None]
