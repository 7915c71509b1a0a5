"""Settings a council changes, for administrators (rhi/settings.py says which, their ranges and
how every worker process sees a change). Every look and every change is audited; anyone else is
refused (403, audited)."""

from __future__ import annotations

from functools import wraps
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from rhi import access, audit, settings
from rhi.auth import fresh
from rhi.extensions import db
from rhi.forms.admin import SETTING_FIELDS, SettingsForm
from rhi.models import SettingChange
from rhi.summaries.service import possible_readers

bp = Blueprint("settings", __name__, url_prefix="/admin/settings")

HISTORY_SHOWN = 50


def settings_required(view: Any) -> Any:
    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        access.require_settings_change(current_user)
        return view(*args, **kwargs)

    return wrapped


def _form(formdata: Any = None) -> SettingsForm:
    """The form holding the values in force, with labels and hints from rhi/settings.py and a
    field only for the settings this app has."""
    kwargs = {"formdata": None} if formdata is None else {}
    values = {
        field: settings.as_text(current_app.config.get(name))
        for name, field in SETTING_FIELDS.items()
    }
    form = SettingsForm(**kwargs, data=values)
    here = {e.name for e in settings.editable_here()}
    for name, field in SETTING_FIELDS.items():
        if name not in here:
            delattr(form, field)  # RHI_REOFFER_DAYS, say, in an app without it
            continue
        editable = settings.EDITABLE[name]
        default = settings.as_text(settings.environment_value(name)) or "nobody"
        bound = form[field]
        bound.label.text = editable.label
        bound.description = f"{editable.hint} Default: {default}."
    if "duty_inbox" in form:
        form.duty_inbox.choices = [("", "Nobody: the worker chooses on finishing")] + [
            (u.email, f"{u.name} ({u.email})") for u in possible_readers()
        ]
        current = values["duty_inbox"]  # in force now, never what was posted
        if current and current not in {c[0] for c in form.duty_inbox.choices}:
            # The duty inbox is no longer an active social worker: say so, and let it be changed.
            form.duty_inbox.choices.insert(1, (current, f"{current} (no longer active)"))
    return form


def _page(form: SettingsForm, status: int = 200) -> tuple[str, int]:
    history = db.session.scalars(
        select(SettingChange)
        .options(selectinload(SettingChange.changed_by))
        .order_by(SettingChange.changed_at.desc(), SettingChange.id.desc())
        .limit(HISTORY_SHOWN)
    ).all()
    labels = {name: e.label for name, e in settings.EDITABLE.items()}
    return render_template("admin/settings.html", form=form, history=history, labels=labels), status


@bp.route("")
@settings_required
@fresh.required()  # asked on opening: its form asks when sent, and what was typed was lost
def show() -> tuple[str, int]:
    audit.record("setting.view", object_type="setting", object_id="all")
    db.session.commit()
    return _page(_form())


def _settings_page() -> str:
    return url_for("settings.show")


@bp.route("", methods=["POST"])
@settings_required
# Settings decide who is sent what about a child (the duty inbox, say) and how long things are
# kept: never changed from a session left open (rhi/auth/fresh.py).
@fresh.required(back=_settings_page)
def save() -> tuple[str, int] | Response:
    form = _form(formdata=True)
    if not form.validate_on_submit():
        return _page(form, 422)
    changed = []
    for editable in settings.editable_here():
        if editable.name not in SETTING_FIELDS:
            continue  # changed on a page of its own (retention: rhi/retention/views.py)
        field = form[SETTING_FIELDS[editable.name]]
        if settings.change(editable.name, (field.data or "").strip(), current_user):
            changed.append(editable.label)
    db.session.commit()
    settings.forget()
    if changed:
        flash("Saved: " + "; ".join(changed) + ". Every page uses it from now on.", "success")
    else:
        flash("Nothing was changed.", "info")
    return redirect(url_for("settings.show"))
