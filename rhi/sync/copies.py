"""What a tablet keeps so the worker can carry on with no signal: `GET /sync/v1/copies`.

One entry per open (not locked) interview the user may see that covers a return on their Returns
list or is in progress, and one entry with `uuid: null` per waiting return with no interview
yet. Who may see what is asked of `rhi.access` only; the Returns list is `waiting_returns`.

What the pages show of a return is worked out here by the server's own rules, never again on the
tablet: the 72-hour clock and the repeat-episode marker as schedules (rhi/deadlines.py: time
passes with no signal, so each says what to show from when), the dates and the episode page's
lines of the offer and the child's answer as the pages print them, and, once per answer,
`rules()`: which status each act on the episode page leads to (rhi/episodes/service.py
`status_after`) and the words for each status.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from rhi import access, audit, deadlines, plain_text
from rhi.episodes import prepare
from rhi.episodes import service as episode_service
from rhi.episodes.queries import open_interviews, recent_starts, waiting_returns
from rhi.extensions import db
from rhi.interviews import content as c
from rhi.interviews.child_words import words_for
from rhi.models import Child, Episode, Interview, InterviewStatus, SyncConflict, User
from rhi.models.episodes import first_return
from rhi.models.interviews import LOCKED_STATUSES, status_label
from rhi.summaries.service import with_own_social_worker
from rhi.sync.protocol import tablet_state
from rhi.timefmt import format_datetime, to_local


def iso_utc(value: datetime) -> str:
    return value.isoformat(timespec="seconds") + "Z"


def _at_ms(value: datetime) -> str:
    """A schedule's start, to the millisecond: a tablet's clock reads milliseconds."""
    return value.isoformat(timespec="milliseconds") + "Z"


_MS = timedelta(milliseconds=1)


def _steps(since: datetime, steps: Iterable[tuple[datetime, tuple[Any, ...]]]) -> list[list[Any]]:
    """Schedule steps as the tablet reads them, `[milliseconds after since, *what to show]`,
    each kept only where what it shows changes."""
    out: list[list[Any]] = []
    for at, shown in steps:
        if not out or out[-1][1:] != list(shown):
            out.append([max(0, (at - since) // _MS), *shown])
    return out


def rules() -> dict[str, Any]:
    """What the tablet needs to change a return's status with no signal, as the server would:
    the state after each act (`rhi.episodes.service.transitions`), and each status's words
    ("" for a return with no interview yet), and before its offer is recorded."""
    return {
        "status_after": episode_service.transitions(),
        "status_labels": {
            "": status_label(None),
            **{s.value: status_label(s.value) for s in InterviewStatus},
        },
        "status_labels_before_offer": {
            "": status_label(None),
            **{s.value: status_label(s.value, offer_recorded=False) for s in InterviewStatus},
        },
    }


def _offer(interview: Interview | None) -> dict[str, str]:
    """The episode page's lines of the offer and the child's answer (episodes/episode.html),
    each value as the page prints it ("" for a line the page leaves out): the shell page holds
    the lines' words and fills these in. What the child said no with, and when to offer again,
    only beside a no, as the page shows them (a later yes keeps the words on record)."""
    if interview is None:
        return {}
    shows = current_app.jinja_env.filters  # the page's own ways of saying a time and a method
    declined = interview.declined_at is not None

    def text(value: str | None) -> str:
        return plain_text.for_display(value or "")

    return {
        "offered_at": shows["datetime"](interview.offered_at),
        "offer_method": shows["method"](interview.offer_method) if interview.offer_method else "",
        "accepted_at": shows["datetime"](interview.accepted_at),
        "declined_at": shows["datetime"](interview.declined_at),
        "offer_again": "yes" if interview.offer_again else "no",
        "decline_reason": text(interview.decline_reason) if declined else "",
        "reoffer_at": (
            shows["datetime"](interview.reoffer_at)
            if declined and interview.outcome is None
            else ""
        ),
        "carer_said": text(interview.carer_said),
    }


def _shown(
    due: datetime,
    returned_at: datetime | None,
    starts: list[datetime],
    now: datetime,
    interview: Interview | None = None,
) -> dict[str, Any]:
    """What the Returns card and the episode page show of a return: the clock and the repeat
    marker as schedules (the tablet shows the last step begun; the last holds for good), the
    dates as the pages print them, and the offer and the child's answer (`_offer`).

    A schedule is `{"from": a UTC time, to the millisecond, "<part>": [[ms after from, ...]]}`.
    The clock's words change each minute or hour and its tone (the stripe's and the tag's class,
    and the tag's words) two or three times, so they are two lists: together, about 16 KB a
    copy for 14 days, where one list of whole steps would be three times that.
    """
    cfg = current_app.config
    since = now.replace(microsecond=now.microsecond // 1000 * 1000)
    held = interview.held_at if interview is not None else None
    clock = deadlines.clock_schedule(due, now, held=held)
    repeat = deadlines.repeat_schedule(
        starts, now, cfg["RHI_REPEAT_EPISODES"], cfg["RHI_REPEAT_DAYS"]
    )
    return {
        "clock": {
            "from": _at_ms(since),
            # The words the card and the episode page show right after the tag ("by 8 hours"
            # after "Overdue"): the tablet shows them nowhere else.
            "words": _steps(since, ((at, (s.after_tag,)) for at, s in clock)),
            "tone": _steps(since, ((at, (s.tone, s.tag)) for at, s in clock)),
        },
        "repeat": {
            "from": _at_ms(since),
            "words": _steps(since, ((at, (label,)) for at, label in repeat)),
        },
        "shown": {
            "due_at": format_datetime(due),
            "returned_at": format_datetime(returned_at),
            "offer": _offer(interview),
        },
    }


@dataclass(frozen=True)
class Around:
    """What the entries of one copy need to know of their children, read for all of them at
    once: when each child's recent episodes began (the repeat count), and which children have
    a social worker of their own (`summaries.service.with_own_social_worker`)."""

    starts: dict[int, list[datetime]]
    own_social_worker: set[int]

    @classmethod
    def of(cls, child_ids: Iterable[int], now: datetime) -> Around:
        ids = set(child_ids)
        return cls(recent_starts(ids, now), with_own_social_worker(ids))


def _child(child: Child, on: datetime, around: Around) -> dict[str, Any]:
    day = to_local(on).date()
    return {
        "display_name": child.display_name,
        "first_name": child.preferred_name or child.first_name,
        "age": child.age_on(day),
        # The key of the child's words in a shell page: their band (by age, or as the worker
        # chose for them) and, where rhi has their language, its code ("11_to_14.ar").
        "age_band": words_for(child, day).key,
        # The offline pages name "your social worker" to the child only if they have one (the
        # read-back's rule, rhi/interviews/read_back.py); the shell holds both wordings.
        "own_social_worker": child.id in around.own_social_worker,
    }


def _prepare(child: Child, around: Around, now: datetime) -> dict[str, str]:
    """What the Returns card says to prepare with, in the same words online (as the count of
    episodes begun in the repeat window, rhi.deadlines' rule, at the moment of the copy)."""
    days = current_app.config["RHI_REPEAT_DAYS"]
    count = deadlines.repeat_episodes(around.starts.get(child.id, []), now, 1, days) or 0
    return prepare.as_copy(child, count)


def _interview_entry(interview: Interview, now: datetime, around: Around) -> dict[str, Any]:
    episodes = sorted(interview.episodes, key=lambda e: e.id)
    first = episodes[0]
    returned = first_return(episodes)
    return {
        "uuid": interview.uuid,
        "version": interview.version,
        # Its state as every upload's answer gives it too: one home (rhi.sync.protocol).
        **{k: v for k, v in tablet_state(interview).items() if k != "keep_copy"},
        "episode_ids": [e.id for e in episodes],
        "content": c.normalise(interview.content),
        # The age the interview pages use for the prompts: on the day it was held.
        "child": _child(first.child, interview.held_at or now, around),
        "due_at": iso_utc(interview.due_at),
        "police_risk_grade": first.risk_grade,
        "returned_at": iso_utc(returned) if returned else None,
        **_shown(
            interview.due_at,
            returned,
            around.starts.get(first.child_id, []),
            now,
            interview,
        ),
        "prepare": _prepare(first.child, around, now),
    }


def _return_entry(episode: Episode, due: datetime, now: datetime, around: Around) -> dict[str, Any]:
    returned = first_return([episode])
    return {
        "uuid": None,
        "episode_ids": [episode.id],
        "child": _child(episode.child, now, around),
        "due_at": iso_utc(due),
        "police_risk_grade": episode.risk_grade,
        "returned_at": iso_utc(returned) if returned else None,
        **_shown(due, returned, around.starts.get(episode.child_id, []), now),
        "prepare": _prepare(episode.child, around, now),
    }


# The most a copy holds: the soonest due of the user's open returns and interviews (the
# Returns page pages through the rest; docs/openapi.yaml says so for the tablet).
LIMIT = 200


def copies(user: User, now: datetime) -> list[dict[str, Any]]:
    """The entries, soonest due first, at most `LIMIT` of them, with `device.copy` audit
    events added to the session (the caller commits): one for the copy, and one for each child
    in it, so each child's record trail says their interview or return went to this tablet (a
    probe: the one row named no child). Roles that do not record interview work get nothing."""
    interviews: list[tuple[dict[str, Any], int]] = []
    returns: list[tuple[dict[str, Any], int]] = []
    if access.can_record_interview_work(user):
        interviews, returns = _entries(user, now)
    kept = sorted(interviews + returns, key=lambda pair: pair[0]["due_at"])[:LIMIT]
    held = sum(1 for entry, _child in kept if entry["uuid"] is not None)
    audit.record(
        "device.copy",
        user=user,
        object_type="user",
        object_id=user.id,
        detail=f"{held} interviews, {len(kept) - held} returns",
    )
    audit.record_each(
        "device.copy",
        [
            (
                "interview" if entry["uuid"] else "episode",
                entry["uuid"] or entry["episode_ids"][0],
                child,
            )
            for entry, child in kept
        ],
        user=user,
        detail="kept on the tablet with the worker's copy",
    )
    return [entry for entry, _child in kept]


def waiting_versions(user: User) -> list[str]:
    """The device UUIDs of versions this user's tablet sent that still wait for a choice; the
    tablet forgets its copy of any other (someone may have chosen on another screen)."""
    return sorted(
        set(
            db.session.scalars(
                select(SyncConflict.device_uuid).where(
                    SyncConflict.user_id == user.id, SyncConflict.resolved_at.is_(None)
                )
            )
        )
    )


def episode_copies(user: User, episode: Episode, now: datetime) -> list[dict[str, Any]]:
    """ "Keep on this tablet" for one child's return: its open interview, or the return itself
    if it has none yet; nothing once the interview is finished or if the child is not back.
    The caller has checked the user may see the episode (rhi.access.get_episode) and commits
    the `device.copy` audit event added here."""
    entries: list[dict[str, Any]] = []
    theirs = db.session.scalar(
        select(Episode.id).where(Episode.id == episode.id, access.interviewer_side_filter(user))
    )
    if theirs is not None and episode.returned_at is not None:
        interview = episode.interview
        around = Around.of([episode.child_id], now)
        if interview is None:
            due = deadlines.due_at(episode.returned_at, current_app.config["RHI_DEADLINE_HOURS"])
            entries = [_return_entry(episode, due, now, around)]
        elif not interview.locked:
            entries = [_interview_entry(interview, now, around)]
    audit.record(
        "device.copy",
        user=user,
        object_type="episode",
        object_id=episode.id,
        child_id=episode.child_id,
        detail=f"{len(entries)} kept on request",
    )
    return entries


def _entries(
    user: User, now: datetime
) -> tuple[list[tuple[dict[str, Any], int]], list[tuple[dict[str, Any], int]]]:
    """At most `LIMIT` of each kind, soonest due first, however long the user's history: the
    copy is read with a fixed number of statements (see `copies`)."""
    # Only the returns on the user's side, in the query: a manager who also sees other teams'
    # returns (their social workers' children) had the first 200 of those fill the copy.
    waiting = waiting_returns(user, now, limit=LIMIT, interviewer_side=True)
    listed = {row.interview.id for row in waiting if row.interview is not None}
    found = db.session.scalars(
        select(Interview)
        .where(
            # Only interviews of open returns (rhi/episodes/closing.py), found through the
            # index of open returns: the closed past is never read, however long it is.
            Interview.id.in_(open_interviews()),
            access.interview_filter(user),
            access.whole_interview_filter(user),  # the interviewer's side: no one else's tablet
            Interview.status.not_in(LOCKED_STATUSES),
            or_(Interview.status == InterviewStatus.IN_PROGRESS.value, Interview.id.in_(listed)),
        )
        .order_by(Interview.due_at, Interview.id)
        .limit(LIMIT)
        .options(selectinload(Interview.episodes).selectinload(Episode.child))
    ).all()
    open_ones = [i for i in found if i.episodes]
    around = Around.of(
        {i.child_id for i in open_ones} | {row.episode.child_id for row in waiting}, now
    )
    # Each with its child's id, for the audit rows (never sent: the copy names no ids of rhi's).
    interviews = [(_interview_entry(i, now, around), i.child_id) for i in open_ones]
    returns = [
        (_return_entry(row.episode, row.clock.due, now, around), row.episode.child_id)
        for row in waiting
        if row.interview is None
    ]
    return interviews, returns
