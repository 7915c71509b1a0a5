"""The council's own name for the interview: one home, for pages, PDFs, the manifest and the
worker's role. No rhi imports, so models can use it too."""

from __future__ import annotations

from flask import current_app, has_app_context

DEFAULT = "return home interview"


def interview_name(*, plural: bool = False, capital: bool = False) -> str:
    """RHI_INTERVIEW_NAME ("return home interview", "Missing Chat"), which an administrator may
    change on Settings (rhi/settings.py); the default outside an app."""
    name = (
        str(current_app.config.get("RHI_INTERVIEW_NAME") or DEFAULT)
        if has_app_context()
        else DEFAULT
    )
    if plural:
        name += "s"
    return name[:1].upper() + name[1:] if capital else name
