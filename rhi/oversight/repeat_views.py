"""The repeat and long episodes page (issue 15 item 2), and asking for a strategy meeting from it
or from the episode page.

The page is for managers and coordinators (as the service page: anyone else 403, audited), over
the episodes rhi/access.py lets them see. Asking for a meeting is open to anyone who may see the
child (the episode page's readers): the request is the same kind of followed action as one
agreed in an interview (rhi/actions/tracking.py). Every view and change is audited in the same
transaction as what it records.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms import HiddenField

from rhi import access, audit, deadlines, numbers
from rhi.actions import rules, tracking
from rhi.episodes.queries import still_missing, waiting_notifications
from rhi.episodes.views import render_episode_page
from rhi.extensions import db
from rhi.forms.base import Form
from rhi.forms.fields import NotSaved, TextArea, too_long, typed_words
from rhi.models import Episode, FollowedAction
from rhi.models.base import utcnow
from rhi.oversight import figures, periods, repeats
from rhi.timefmt import format_date, to_local

bp = Blueprint("oversight_repeats", __name__)

# Where a request may come from, and so where the asker goes back to.
FROM_PAGES = {"repeats": "repeat episodes page", "episode": "episode page"}


class MeetingRequestForm(Form):
    note = TextArea(
        "What the meeting should consider (optional)",
        id="meeting-note",  # the episode page's box
        validators=[too_long(2000)],
        render_kw={"rows": 2},
    )
    episode_id = HiddenField()
    came_from = HiddenField()


def _require() -> None:
    if not access.can_oversee(current_user):
        audit.record("repeats.view", user=current_user, outcome="refused")
        db.session.commit()
        abort(403)


def _chosen() -> tuple[figures.Period, str | None]:
    """The service page's periods, and why the dates asked for cannot be used (ending before
    starting, or over five years), in which case this month is shown, with the reason."""
    return periods.asked(request.args, utcnow())


def _page_number(name: str) -> int:
    return numbers.page_number(request.args.get(name))


def duration_words(episode: Episode) -> str:
    """How long the child was missing, plainly ("19 hours", "3 days 2 hours"), with the minutes
    past the hour ("48 hours 1 minute"): an episode in "longer than 48 hours" must be seen to
    be longer, not shown as "48 hours"."""
    if episode.returned_at is None:
        return "still missing"
    return deadlines.plain_duration(episode.returned_at - episode.started_at, with_minutes=True)


def meeting_words(meeting: FollowedAction) -> str:
    """Where a strategy meeting request has got to, in words, with its date."""
    asked = f"asked for {format_date(to_local(meeting.created_at).date())}"
    if meeting.status == rules.OPEN:
        return f"Strategy meeting {asked}, not yet held"
    words = rules.status_words(meeting)
    when = f" on {format_date(meeting.outcome_on)}" if meeting.outcome_on else ""
    return f"Strategy meeting {asked}: {words.lower()}{when}"


@bp.route("/service/repeats")
@login_required
def page() -> str:
    _require()
    cfg = current_app.config
    now = utcnow()
    chosen, problem = _chosen()
    threshold = {"episodes": cfg["RHI_REPEAT_EPISODES"], "days": cfg["RHI_REPEAT_DAYS"]}
    hours = cfg["RHI_LONG_EPISODE_HOURS"]
    children = repeats.repeat_children(current_user, now, page=_page_number("page"), **threshold)
    long = repeats.long_episodes(current_user, chosen, hours=hours, page=_page_number("long_page"))
    missing = still_missing(current_user, now)
    audit.record(
        "repeats.view",
        user=current_user,
        detail=f"{chosen.key}: {children.total} over the threshold, {long.total} long",
    )
    # Rendered before the commit, which expires every row read: rendering after it would read
    # each child and episode again, one statement each.
    html = render_template(
        "oversight/repeats.html",
        chosen=chosen,
        problem=problem,
        periods=figures.PERIODS,
        args=periods.args(chosen),
        threshold=threshold,
        hours=hours,
        children=children,
        long=long,
        missing=missing,
        notices=waiting_notifications(current_user, now),
        duration=duration_words,
        meeting_words=meeting_words,
        # The meeting's outcome and its page are for those who follow it (access.action_filter:
        # its side, not everyone who sees the child); the rest see where it has got to.
        followed=access.followed_ids(
            current_user, [row.meeting.id for row in children.rows if row.meeting is not None]
        ),
        may_ask=access.can_oversee(current_user),
    )
    db.session.commit()
    return html


@bp.route("/children/<int:child_id>/strategy-meeting", methods=["POST"])
@login_required
def ask_meeting(child_id: int) -> Response:
    """Ask for a strategy meeting for a child the user may see (404, audited, for anyone else),
    from the repeat episodes page (managers and coordinators) or an episode page (anyone who
    may see the episode)."""
    child = access.get_child(current_user, child_id)
    form = MeetingRequestForm()
    came_from = form.came_from.data if form.came_from.data in FROM_PAGES else "repeats"
    episode = None
    if came_from == "episode":
        episode = access.get_episode(current_user, numbers.whole_number(form.episode_id.data) or 0)
        if episode.child_id != child.id:
            access.refuse(current_user, "episode", episode.id, child.id)
    else:
        _require()  # the repeats page is not theirs: they ask from an episode page
    back = _back(episode)
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        if episode is not None:
            # The note box is the episode page's: it comes back with the words and why.
            return render_episode_page(episode, 422, meeting_form=form)
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return redirect(back)
    meeting, made = tracking.request_meeting(
        child,
        current_user,
        episode=episode,
        note=form.note.data or "",
        where=FROM_PAGES[came_from],
    )
    db.session.commit()
    if made:
        # Said before it was asked for, by the same rule: the hint under the form.
        told = tracking.meeting_told_words(child, current_user)
        flash(f"A strategy meeting is asked for {child.display_name}. {told}", "success")
    elif episode is not None and typed_words(form):
        # Asked for by someone else while this page was open: the note is not added to their
        # request, and is given back to copy (to the meeting's page, or to whoever runs it).
        notice = NotSaved(
            f"{meeting_words(meeting)} (by someone else while this page was open), so it was "
            "not asked for again and your note is not added to it.",
            typed_words(form),
        )
        return render_episode_page(episode, 409, meeting_not_saved=notice)
    else:
        flash(f"{meeting_words(meeting)}: it was not asked for again.", "info")
    return redirect(back)


def _back(episode: Episode | None) -> str:
    if episode is not None:
        return url_for("episodes.show", episode_id=episode.id)
    return url_for("oversight_repeats.page")
