"""The worker's Returns list and the episode page: offer, answer and contact attempts."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from jinja2_fragments.flask import render_block
from werkzeug.wrappers import Response

from rhi import access, audit, shells
from rhi.episodes import service
from rhi.episodes.queries import waiting_returns
from rhi.extensions import db
from rhi.forms.episodes import AcceptForm, ContactAttemptForm, DeclineForm, OfferForm
from rhi.interviews.service import LockedError
from rhi.models import Episode
from rhi.models.base import utcnow
from rhi.models.interviews import status_label
from rhi.timefmt import from_local, to_local

bp = Blueprint("episodes", __name__)

PAGE = "episodes/episode.html"


@bp.route("/returns")
@login_required
def returns() -> str:
    if not access.can_record_interview_work(current_user):
        abort(403)
    rows = waiting_returns(current_user, utcnow())
    if request.htmx:
        return render_block("episodes/returns.html", "returns_list", rows=rows)
    return render_template("episodes/returns.html", rows=rows)


def _forms(*, csrf: bool = True, **bound: FlaskForm) -> dict[str, FlaskForm]:
    now_local = to_local(utcnow()).replace(tzinfo=None, second=0, microsecond=0)
    meta = {"csrf": csrf}
    forms: dict[str, FlaskForm] = {
        "attempt_form": ContactAttemptForm(formdata=None, attempted_at=now_local, meta=meta),
        "offer_form": OfferForm(formdata=None, offered_at=now_local, meta=meta),
        "accept_form": AcceptForm(formdata=None, accepted_at=now_local, meta=meta),
        "decline_form": DeclineForm(formdata=None, declined_at=now_local, meta=meta),
    }
    forms.update(bound)
    return forms


def _render_page(episode: Episode, status: int = 200, **context: Any) -> tuple[str, int]:
    ctx = {"episode": episode, "child": episode.child, "now": utcnow(), **_forms(), **context}
    if request.htmx:
        return render_block(PAGE, "interview_panel", **ctx), status
    return render_template(PAGE, **ctx), status


@bp.route("/shell/returns")
def shell_returns() -> str:
    """The Returns list with no one on it, for the service worker to keep (rhi/shells.py)."""
    child = shells.StandInChild()
    stand_in = SimpleNamespace(
        episode=shells.StandInEpisode(child=child),
        clock=SimpleNamespace(
            urgency="ok",
            overdue=False,
            tag="",
            phrase=shells.blank("phrase"),
            due=shells.blank("due"),
        ),
        status=shells.blank("status", status_label(None)),
    )
    return render_template("episodes/returns.html", **shells.shell_context(), stand_in=stand_in)


@bp.route("/shell/episode")
def shell_episode() -> str:
    """The episode page with no one in it, for the service worker to keep. Its forms record an
    attempt, the offer or the child's answer on the tablet (shell.js) when there is no signal."""
    child = shells.StandInChild()
    episode = shells.StandInEpisode(child=child)
    episode.interview = SimpleNamespace(  # type: ignore[assignment]
        uuid=shells.PLACEHOLDER_UUID,
        status=shells.blank("status", status_label(None)),
        due_at=shells.blank("due"),
        offered_at=None,
        accepted_at=None,
        declined_at=None,
        contact_attempts=[],
        locked=False,
    )
    return render_template(
        PAGE,
        **shells.shell_context(),
        episode=episode,
        child=child,
        now=utcnow(),
        **_forms(csrf=False),
    )


@bp.route("/episodes/<int:episode_id>")
@login_required
def show(episode_id: int) -> tuple[str, int]:
    episode = access.get_episode(current_user, episode_id)
    audit.record(
        "episode.view", object_type="episode", object_id=episode.id, child_id=episode.child_id
    )
    db.session.commit()
    return _render_page(episode)


def _change(
    episode_id: int, form_name: str, form: FlaskForm, apply: Callable[[Episode, FlaskForm], str]
) -> tuple[str, int] | Response:
    """Validate, apply and commit one change; on bad input show the form again, as typed."""
    episode = access.get_episode(current_user, episode_id)
    access.require_change(current_user, episode)
    if episode.returned_at is None:
        flash("This child has not been reported as returned yet.", "error")
        return redirect(url_for("episodes.show", episode_id=episode.id))
    if not form.validate_on_submit():
        return _render_page(episode, 422, **{form_name: form})
    try:
        message = apply(episode, form)
    except LockedError:
        db.session.rollback()
        flash(
            "This interview is finished, so its offer and the child's answer stay as they "
            "are. Add a correction on the interview's review page.",
            "error",
        )
        return redirect(url_for("episodes.show", episode_id=episode.id))
    db.session.commit()
    if request.htmx:
        return _render_page(episode, done=message)
    flash(message, "success")
    return redirect(url_for("episodes.show", episode_id=episode.id) + "#interview")


@bp.route("/episodes/<int:episode_id>/attempts", methods=["POST"])
@login_required
def add_attempt(episode_id: int) -> tuple[str, int] | Response:
    def apply(episode: Episode, form: FlaskForm) -> str:
        service.record_attempt(
            episode,
            current_user,
            at=from_local(form.attempted_at.data),
            method=form.method.data,
            outcome=form.outcome.data,
            note=form.note.data,
        )
        return "Contact attempt saved."

    return _change(episode_id, "attempt_form", ContactAttemptForm(), apply)


@bp.route("/episodes/<int:episode_id>/offer", methods=["POST"])
@login_required
def offer(episode_id: int) -> tuple[str, int] | Response:
    def apply(episode: Episode, form: FlaskForm) -> str:
        service.record_offer(
            episode, current_user, at=from_local(form.offered_at.data), method=form.method.data
        )
        return "Offer saved."

    return _change(episode_id, "offer_form", OfferForm(), apply)


@bp.route("/episodes/<int:episode_id>/accept", methods=["POST"])
@login_required
def accept(episode_id: int) -> tuple[str, int] | Response:
    def apply(episode: Episode, form: FlaskForm) -> str:
        service.record_accept(episode, current_user, at=from_local(form.accepted_at.data))
        return "Saved: the child would like an interview."

    return _change(episode_id, "accept_form", AcceptForm(), apply)


@bp.route("/episodes/<int:episode_id>/decline", methods=["POST"])
@login_required
def decline(episode_id: int) -> tuple[str, int] | Response:
    def apply(episode: Episode, form: FlaskForm) -> str:
        service.record_decline(
            episode,
            current_user,
            at=from_local(form.declined_at.data),
            reason=form.reason.data.strip(),
            offer_again=form.offer_again.data == "yes",
            carer_information=bool(form.carer_information.data),
        )
        return "Saved: the child does not want an interview now."

    return _change(episode_id, "decline_form", DeclineForm(), apply)
