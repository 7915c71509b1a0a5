"""The standing profile's optional photo (issue 13, item 1): JPEG or PNG only, by its bytes; a size
limit; kept in the database and shown only to those who may see the child, never cached; every
view and change audited and in the profile's history; printed on the profile for police."""

from __future__ import annotations

import io
import random
import re

from PIL import Image
from pypdf import PdfReader
from sqlalchemy import func, select

from rhi.extensions import db
from rhi.models import AuditEvent, ChildPhoto
from rhi.models.children import ProfileChange
from tests.app.helpers import prepared_file
from tests.conftest import Web


def image(kind: str, size: tuple[int, int] = (40, 50)) -> bytes:
    """A real image: speckled, so that its size grows with its width and height."""
    pixels = random.Random(size[0]).randbytes(size[0] * size[1] * 3)
    out = io.BytesIO()
    Image.frombytes("RGB", size, pixels).save(out, kind)
    return out.getvalue()


def signed_in(app, world, key: str) -> Web:
    other = Web(app.test_client())
    other.sign_in(world.emails[key])
    return other


def save(web: Web, child_id: int, *, photo: tuple[bytes, str] | None = None, **fields: str):
    page = web.get(f"/children/{child_id}/profile").get_data(as_text=True)
    base = re.search(r'name="base_change" type="hidden" value="(\d+)"', page).group(1)
    data: dict[str, object] = {"base_change": base, **fields}
    if photo is not None:
        data["photo"] = (io.BytesIO(photo[0]), photo[1])
    return web.post(f"/children/{child_id}/profile", data)


def actions(app, prefix: str) -> list[AuditEvent]:
    with app.app_context():
        found = list(
            db.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action.startswith(prefix))
                .order_by(AuditEvent.id)
            )
        )
        for event in found:
            db.session.expunge(event)
        return found


def kept_photo(app) -> tuple[str, bytes] | None:
    with app.app_context():
        found = db.session.scalar(select(ChildPhoto))
        return None if found is None else (found.content_type, found.data)


def test_a_photo_is_added_shown_to_those_who_may_see_the_child_and_replaced(app, world, web):
    child_id = world.children["a"]
    worker = signed_in(app, world, "worker_a")
    png = image("PNG")
    response = save(worker, child_id, photo=(png, "ada.png"), transport="The 42 bus.")
    assert response.status_code == 302
    assert kept_photo(app) == ("image/png", png)
    page = worker.get(f"/children/{child_id}/profile").get_data(as_text=True)
    assert f'src="/children/{child_id}/photo" alt="Photo of Ada"' in page
    assert "PNG photo, " in page and "Remove the photo" in page
    # The writing check runs on every free-text field of the profile (macros/forms.html).
    for name in ("description", "friends_and_associates", "places_known",
                 "phones_and_social_media", "transport", "medical_needs"):  # fmt: skip
        assert re.search(rf'<textarea [^>]*data-check-language="1"[^>]*name="{name}"', page), name

    # The photo itself: for everyone who may see the child, never kept by a browser.
    for key in ("worker_a", "manager_a", "social_worker"):
        shown = signed_in(app, world, key).get(f"/children/{child_id}/photo")
        assert shown.status_code == 200, key
        assert shown.data == png and shown.mimetype == "image/png"
        assert shown.headers["Cache-Control"] == "no-store"
    views = actions(app, "child.photo.view")
    assert [v.user_id for v in views] == [
        world.users[key] for key in ("worker_a", "manager_a", "social_worker")
    ]
    # Anyone else: not found, as for a child that does not exist, and the refusal audited.
    for key in ("manager_b", "worker_b", "social_worker_other", "admin"):
        refused = signed_in(app, world, key).get(f"/children/{child_id}/photo")
        assert refused.status_code == 404, key
        assert refused.data != png
    refusals = actions(app, "access.refused")
    assert len(refusals) == 4 and {e.child_id for e in refusals} == {child_id}

    # Replaced with a JPEG, whatever its name says: the history says both, by kind and size.
    jpeg = image("JPEG")
    assert save(worker, child_id, photo=(jpeg, "ada.png")).status_code == 302
    assert kept_photo(app) == ("image/jpeg", jpeg)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ChildPhoto)) == 1
        rows = db.session.scalars(
            select(ProfileChange).where(ProfileChange.field == "photo").order_by(ProfileChange.id)
        ).all()
        assert [(r.old_value is None, r.new_value.split(",")[0]) for r in rows] == [
            (True, "PNG photo"),
            (False, "JPEG photo"),
        ]
        assert rows[1].old_value == rows[0].new_value
        assert rows[1].changed_by_id == world.users["worker_a"]
    history = worker.get(f"/children/{child_id}/profile").get_data(as_text=True)
    assert '<th scope="row">Photo</th>' in history and "JPEG photo, " in history
    changes = actions(app, "child.photo.update")
    assert len(changes) == 2 and all(c.child_id == child_id for c in changes)
    assert changes[0].detail.startswith("no photo -> PNG photo")


def test_the_photo_is_removed_and_the_removal_kept_in_the_history(app, world, web):
    child_id = world.children["a"]
    manager = signed_in(app, world, "manager_a")
    assert save(manager, child_id, photo=(image("PNG"), "p.png")).status_code == 302
    assert save(manager, child_id, remove_photo="y").status_code == 302
    assert kept_photo(app) is None
    assert manager.get(f"/children/{child_id}/photo").status_code == 404
    page = manager.get(f"/children/{child_id}/profile").get_data(as_text=True)
    assert "No photo is kept yet" in page and "Remove the photo" not in page
    (removed,) = actions(app, "child.photo.remove")
    assert removed.user_id == world.users["manager_a"] and removed.child_id == child_id
    with app.app_context():
        last = db.session.scalar(
            select(ProfileChange)
            .where(ProfileChange.field == "photo")
            .order_by(ProfileChange.id.desc())
        )
        assert last.old_value.startswith("PNG photo") and last.new_value is None
    # Removing when there is none changes nothing.
    again = save(manager, child_id, remove_photo="y")
    assert again.status_code == 302
    assert len(actions(app, "child.photo.remove")) == 1


def test_a_file_that_is_not_a_photo_or_is_too_large_is_explained_and_the_words_kept(
    app, world, web
):
    child_id = world.children["a"]
    worker = signed_in(app, world, "worker_a")
    words = "Often at the skate park on Mill Road."
    for data, name, message in (
        (b"%PDF-1.7 not a photo", "photo.jpg", "This file is not a JPEG or PNG photo."),
        (b"GIF89a\x01\x00\x01\x00", "photo.png", "This file is not a JPEG or PNG photo."),
        (b"", "empty.png", "This file is empty."),
    ):
        response = save(worker, child_id, photo=(data, name), places_known=words)
        assert response.status_code == 422, name
        page = response.get_data(as_text=True)
        assert 'id="photo-error"' in page and message in page, name
        assert f"{words}</textarea>" in page  # what was typed stays
    app.config["RHI_PHOTO_MAX_BYTES"] = 1024
    big = image("PNG", (300, 300))
    assert len(big) > 1024
    response = save(worker, child_id, photo=(big, "big.png"), places_known=words)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "This photo is larger than 1 KB." in page and f"{words}</textarea>" in page
    # A phone's photo, larger than any other request may be (MAX_CONTENT_LENGTH): still said by
    # its box, with the words kept, not an error page in place of the form.
    app.config["RHI_PHOTO_MAX_BYTES"] = 2 * 1024 * 1024
    phone = b"\xff\xd8\xff\xe0" + bytes(7 * 1024 * 1024)
    response = save(worker, child_id, photo=(phone, "IMG_0001.jpg"), places_known=words)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "This photo is larger than 2 MB." in page and f"{words}</textarea>" in page
    # Past the larger limit for a form with a photo, the request is refused whole.
    huge = b"\xff\xd8\xff\xe0" + bytes(25 * 1024 * 1024)
    assert save(worker, child_id, photo=(huge, "huge.jpg"), places_known=words).status_code == 413
    # Any other form is held to MAX_CONTENT_LENGTH.
    other = worker.post(
        f"/episodes/{world.episodes['a']}/attempts", {"note": "x" * (6 * 1024 * 1024)}, page="/"
    )
    assert other.status_code == 413
    assert kept_photo(app) is None
    assert actions(app, "child.photo.update") == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ProfileChange)) == 0


def test_the_profile_for_police_prints_the_photo(app, world, web):
    child_id = world.children["a"]
    manager = signed_in(app, world, "manager_a")
    save(manager, child_id, photo=(image("JPEG", (120, 150)), "ada.jpg"), description="Tall.")
    response = prepared_file(manager, f"/children/{child_id}/profile.pdf", f"/children/{child_id}")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Tall." in text and "No photo is held" not in text
    pictures = [i for i in reader.pages[0].images if i.image.size == (120, 150)]
    assert len(pictures) == 1  # the photo, and nothing fetched from anywhere else
    assert actions(app, "child.profile.pdf")[0].child_id == child_id
