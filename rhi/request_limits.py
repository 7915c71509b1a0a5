"""How large a request may be, by what it is for.

Every request is held to MAX_CONTENT_LENGTH (5 MiB): past it Werkzeug answers 413 before any
view runs, with an error page in place of the form. That is right for everything but a form
that carries a photo: phones take photos of 6 to 12 MB, and a worker who chose one lost the
profile they had typed to "That was too large to save". Such a form is read up to a larger
limit, so the form itself says the photo is too large, by its box, keeping the words; the
photo is still never kept over RHI_PHOTO_MAX_BYTES (rhi/forms/children.py)."""

from __future__ import annotations

from flask import current_app
from htmx_flask.requests import HtmxAwareRequest

# The endpoints whose form carries a photo.
PHOTO_FORMS = frozenset({"children.save_profile"})


class LimitedRequest(HtmxAwareRequest):
    """htmx-flask's request (request.htmx), read to the limit of what it is for. Set by
    create_app after htmx-flask, which sets its own class."""

    @property
    def max_content_length(self) -> int | None:  # type: ignore[override]
        # The rule is matched when the request context is pushed, before CSRFProtect's
        # before_request reads the form: the endpoint is known by the time this is asked.
        if self.endpoint in PHOTO_FORMS:
            return int(current_app.config["RHI_PHOTO_REQUEST_MAX_BYTES"])
        return super().max_content_length
