"""Settings a council changes in the app: the one home of which RHI_* values an administrator may
override, their ranges, where an override is kept and how every reader sees it.

The environment (rhi/config.py) stays the default. An administrator's change is a row in the
`settings` table, with a row in `setting_changes` and an audit event in the same transaction.

How the many existing readers (`current_app.config["RHI_DEADLINE_HOURS"]` in episodes, sync,
summaries...) see an override without being edited: the app's config is a `SettingsConfig`
(`RhiFlask.config_class`), whose `__getitem__` and `get` return the override for the names in
`EDITABLE` and the environment's value for everything else.

Why overrides are loaded once per request, from the database:
- gunicorn runs several worker processes; a value kept only in one process's memory would leave
  the others on the old value. The database is what they share.
- One small query (a handful of rows) on the first read of an editable setting in a request,
  kept in the request's WSGI environ, costs less than a connection round trip per read and keeps
  a request consistent with itself: a page never shows 72 hours at the top and 48 below.
  The cache lives in `request.environ` rather than `flask.g` because tests (and CLI code) may
  hold one application context across many requests, and `g` would then outlive a request.
- Outside a request (CLI commands, scheduled imports) nothing is cached: every read asks again,
  which is cheap at that rate and never stale.
- The first read in each app uses its own connection: a database not yet migrated (no
  `settings` table) falls back to the environment instead of breaking the request's
  transaction. Once the table has been found, a request reads it with its own session (without
  autoflush, so never the request's pending changes): a second connection for every request
  cost a second pool checkout with its ping, a BEGIN and a ROLLBACK, and the ROLLBACK made
  psycopg forget the statements it had prepared on that connection (rhi/read_transactions.py).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Config, Flask, current_app, has_app_context, has_request_context, request
from sqlalchemy import select
from sqlalchemy.exc import InvalidRequestError, SQLAlchemyError

log = logging.getLogger(__name__)

_CACHE_KEY = "rhi.settings.overrides"
# Set in an app once its database has been seen to have the settings table.
_TABLE_FOUND = "rhi.settings.table_found"


@dataclass(frozen=True)
class Editable:
    """One setting an administrator may change: how it is asked for and what is allowed."""

    name: str
    label: str
    hint: str
    kind: str  # "int", "text" or "duty_inbox" (the email of an active social worker)
    minimum: int = 0
    maximum: int = 0


EDITABLE: dict[str, Editable] = {
    e.name: e
    for e in (
        Editable(
            "RHI_DEADLINE_HOURS",
            "Hours to hold the interview after the child returns",
            "The clock on every new return. Statutory guidance says 72.",
            "int",
            1,
            168,
        ),
        Editable(
            "RHI_REPEAT_EPISODES",
            "Episodes that count as going missing repeatedly",
            "A child reported missing this many times within the days below is shown as "
            "missing repeatedly.",
            "int",
            2,
            50,
        ),
        Editable(
            "RHI_REPEAT_DAYS",
            "Days counted for repeat episodes",
            "How far back to count episodes for the number above.",
            "int",
            1,
            365,
        ),
        Editable(
            "RHI_LONG_EPISODE_HOURS",
            "Hours missing before an episode is marked as long",
            "A child missing longer than this is marked on the Returns page.",
            "int",
            1,
            720,
        ),
        Editable(
            "RHI_REOFFER_DAYS",
            "Days before the interview is offered again after a no",
            "When a child says no and the offer stays open.",
            "int",
            1,
            90,
        ),
        Editable(
            "RHI_INTERVIEW_NAME",
            "Your name for the interview",
            "What children and staff call it here, for example \u201cMissing Chat\u201d. "
            "Shown in the page header and on summaries.",
            "text",
            1,
            60,
        ),
        Editable(
            "RHI_DUTY_INBOX",
            "Duty inbox",
            "Who receives the summary when a child has no allocated social worker, or theirs "
            "has left. The worker finishing the interview can choose someone else.",
            "duty_inbox",
        ),
        # Changed on the retention page (rhi/retention/views.py), not the settings form.
        Editable(
            "RHI_RETAIN_LOOKED_AFTER_TO_AGE",
            "Keep the record of a looked-after child (or care leaver) until this birthday",
            "Then it is destroyed, unless a legal hold keeps it.",
            "int",
            25,
            120,
        ),
        Editable(
            "RHI_RETAIN_OTHER_TO_AGE",
            "Keep the record of any other child until this birthday",
            "Then it is destroyed, unless a legal hold keeps it.",
            "int",
            18,
            120,
        ),
    )
}


def convert(editable: Editable, raw: str) -> Any:
    """A stored value as the type its readers expect (ints for the numbers)."""
    if editable.kind == "int":
        return int(raw)
    return raw


def _load(in_request: bool = False) -> dict[str, str]:
    """Every override: in a request, once the table has been found, with the request's own
    session; otherwise on a connection of its own (see the module's docstring)."""
    from rhi.extensions import db
    from rhi.models.settings import Setting

    query = select(Setting.name, Setting.value)
    if in_request and current_app.extensions.get(_TABLE_FOUND):
        try:
            with db.session.no_autoflush:  # never the request's pending changes
                return {name: value for name, value in db.session.execute(query)}
        except InvalidRequestError:
            # The request's transaction failed earlier and was not rolled back (an error page
            # being made): read on a connection of its own, as on a first visit. A database
            # that went away is not caught here: the request is answered 503 (rhi/errors.py).
            pass
    try:
        with db.engine.connect() as conn:
            found = {name: value for name, value in conn.execute(query)}
    except SQLAlchemyError:
        # Not migrated yet, or the database is away: the environment's values still work.
        log.warning("settings could not be read; using the environment's values")
        return {}
    current_app.extensions[_TABLE_FOUND] = True
    return found


def overrides() -> Mapping[str, str]:
    """The administrator's overrides in force for this request (raw text, by name)."""
    if not has_app_context():
        return {}
    if has_request_context():
        cached = request.environ.get(_CACHE_KEY)
        if cached is None:
            cached = _load(in_request=True)
            request.environ[_CACHE_KEY] = cached
        return cached
    return _load()


def forget() -> None:
    """After a change is committed: this request's later reads see it too."""
    if has_request_context():
        request.environ.pop(_CACHE_KEY, None)


class SettingsConfig(Config):
    """Flask's config, where an editable setting's override wins over the environment."""

    def __getitem__(self, key: Any) -> Any:
        value = super().__getitem__(key)
        editable = EDITABLE.get(key) if isinstance(key, str) else None
        if editable is None:
            return value
        raw = overrides().get(key)
        if raw is None:
            return value
        try:
            return convert(editable, raw)
        except ValueError:
            log.warning("setting %s holds %r, not a value it can take; using the default", key, raw)
            return value

    def get(self, key: Any, default: Any = None) -> Any:
        # dict.get does not call __getitem__: without this, .get() would miss the override.
        if key in self:
            return self[key]
        return default


class RhiFlask(Flask):
    config_class = SettingsConfig


def check_environment(values: Mapping[str, Any]) -> None:
    """Refuse to start with a setting from the environment outside the range an administrator
    may choose on the Settings page (a probe: RHI_RETAIN_OTHER_TO_AGE=5 made every child's
    record due for destruction by the daily run)."""
    from rhi.config import ConfigError

    for editable in EDITABLE.values():
        value = values.get(editable.name)
        if editable.kind != "int" or not isinstance(value, int):
            continue
        if not editable.minimum <= value <= editable.maximum:
            raise ConfigError(
                f"{editable.name} must be from {editable.minimum} to {editable.maximum} "
                f"(as on the Settings page), not {value}"
            )


def environment_value(name: str) -> Any:
    """The environment's value (the default), without any override."""
    return dict.__getitem__(current_app.config, name)


def editable_here() -> list[Editable]:
    """The editable settings this app knows (a setting not in rhi/config.py is left out)."""
    return [e for e in EDITABLE.values() if dict.__contains__(current_app.config, e.name)]


def as_text(value: Any) -> str:
    return "" if value is None else str(value)


def change(name: str, new_value: str, user: Any) -> bool:
    """Set one setting to `new_value` (text, already validated) for every process. Writes the
    override (or removes it when the value is the environment's again), a history row and an
    audit event into the caller's transaction; the caller commits, then calls `forget()`.
    False when the value is unchanged (nothing is written)."""
    from rhi import audit
    from rhi.extensions import db
    from rhi.models.base import utcnow
    from rhi.models.settings import Setting, SettingChange

    old_value = as_text(current_app.config[name])
    if new_value == old_value:
        return False
    now = utcnow()
    row = db.session.get(Setting, name)
    if new_value == as_text(environment_value(name)):
        if row is not None:
            db.session.delete(row)  # the environment's value again: no override to keep
    elif row is None:
        db.session.add(Setting(name=name, value=new_value, changed_by_id=user.id, changed_at=now))
    else:
        row.value, row.changed_by_id, row.changed_at = new_value, user.id, now
    db.session.add(
        SettingChange(
            name=name,
            old_value=old_value,
            new_value=new_value,
            changed_by_id=user.id,
            changed_at=now,
        )
    )
    audit.record(
        "setting.change",
        user=user,
        object_type="setting",
        object_id=name,
        # Settings hold no one's record: the values themselves are the fixed description.
        detail=f"{old_value or 'none'} -> {new_value or 'none'}",
    )
    return True
