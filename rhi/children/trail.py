"""A child's record trail as one reader may see it (the page /children/<id>/audit).

Who looked at or changed the record is the trail's purpose, and every row says it. What a row
says of an interview (its action, such as a safeguarding decision to share with the police, and
its detail: the copy downloaded, the child's answer at the read-back, the kind of an action
agreed) is only for a reader who may read that interview whole (rhi.access.reads_whole_interview)
or, for an action, who follows it (rhi.access.action_filter). Anyone else who may open the trail
(the social worker's manager, a team lent one return) reads such a row as the interview's
record being looked at or changed: the trail is never a way round what the copies and pages
keep from them (rhi/sharing.py rule 6).

The trail is read by managers, not by developers: each row says in words what was done
(`trail_words.WORDS`, one entry for every action any part of rhi records: tests/unit/
test_trail_words_cover_actions.py fails on one without), to which record ("The return on 3 Dec
2026"), and names the people, teams and systems the audit row holds by number. The names are
looked up once per kind for the rows shown, never a query per row. A withheld row is put into
words from nothing but the withheld wording: no lookup is made for what it would have said."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from rhi import access
from rhi.actions.rules import ALL_STATUSES
from rhi.children.trail_words import (
    BY_COMMAND_LINE,
    CHILD_COPY,
    FIELD_WORDS,
    FOR_WHOM,
    IMPORT_DECISIONS,
    LANGUAGE,
    NOT_RECORDED,
    OTHER_ACTION,
    OTHER_RECORD,
    OTHER_RESULT,
    RECORDS,
    RESULTS,
    SAME_PROGRESS,
    SOURCES,
    STATUS_WORDS,
    SUMMARY_STATES,
    VIEWS,
    WORDS,
)
from rhi.extensions import db
from rhi.interviews import fields
from rhi.models import AuditEvent, ImportBatch, Interview, ServiceToken, Team, User
from rhi.models.actions import FollowedAction
from rhi.models.episodes import NOTICE_KINDS, REPORTERS, Episode, Notice
from rhi.models.interviews import (
    ATTEMPT_OUTCOMES,
    CONTACT_METHODS,
    DELAY_REASONS,
    OUTCOMES,
)
from rhi.models.summaries import NEXT_STEPS, SENT_WAYS, Summary
from rhi.timefmt import format_date, to_local

WITHHELD = "The interview's record was looked at or changed"
WITHHELD_RECORD = "The interview"

UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
USER_REF = re.compile(r"\b(user|worker|social worker|the duty inbox|chosen on finishing) (\d+)\b")
TEAM_REF = re.compile(r"\bteam (\d+)\b")
TOKEN_REF = re.compile(r"\(token (\d+)\)")
FILE_REF = re.compile(r"\(file upload (\d+)\)")
EPISODE_REF = re.compile(r"\bepisode (\d+)\b")
SOURCE_REF = re.compile(r"\((" + "|".join(map(re.escape, SOURCES)) + r")\)")
DEVICE_REF = re.compile(r"\bdevice [^;,]+")
NUMBERED = re.compile(r"\b(held work|question|job) \d+\b")
CODE = re.compile(r"\b[a-z]+(?:[._][a-z0-9]+)+\b")


@dataclass(frozen=True)
class TrailRow:
    at: datetime
    who: str
    what: str
    detail: str
    record: str
    refused: bool
    result: str  # the Outcome column's words (trail_words.RESULTS)
    address: str


@dataclass
class _Names:
    """The names the shown rows hold by number: one query per kind (`_names`)."""

    users: dict[int, str] = field(default_factory=dict)
    teams: dict[int, str] = field(default_factory=dict)
    tokens: dict[int, str] = field(default_factory=dict)
    episodes: dict[int, str] = field(default_factory=dict)
    summaries: dict[int, str] = field(default_factory=dict)
    files: dict[int, str] = field(default_factory=dict)


def _ids(events: Sequence[AuditEvent], kind: str) -> set[int]:
    return {
        int(e.object_id)
        for e in events
        if e.object_type == kind and e.object_id is not None and e.object_id.isdigit()
    }


def _readable(user: User, events: Sequence[AuditEvent]) -> set[tuple[str, str]]:
    """The (object type, object id) of the interview-held rows `user` may read in full."""
    whole = access.whole_interview_filter(user)
    uuids = {e.object_id for e in events if e.object_type == "interview" and e.object_id}
    readable = {
        ("interview", uuid)
        for uuid in db.session.scalars(
            select(Interview.uuid).where(Interview.uuid.in_(uuids), whole)
        )
    }
    for kind, model in (("summary", Summary), ("notice", Notice)):
        ids = _ids(events, kind)
        if ids:
            readable |= {
                (kind, str(i))
                for i in db.session.scalars(
                    select(model.id)
                    .join(Interview, Interview.id == model.interview_id)
                    .where(model.id.in_(ids), whole)
                )
            }
    ids = _ids(events, "action")
    if ids:
        readable |= {
            ("action", str(i))
            for i in db.session.scalars(
                select(FollowedAction.id).where(
                    FollowedAction.id.in_(ids), access.action_filter(user)
                )
            )
        }
    return readable


HELD_BY_AN_INTERVIEW = frozenset({"interview", "summary", "notice", "action"})


def _episode_words(returned_at: datetime | None, started_at: datetime) -> str:
    if returned_at is not None:
        return f"the return on {format_date(to_local(returned_at).date())}"
    return f"the time missing from {format_date(to_local(started_at).date())}"


def _names(shown: Sequence[AuditEvent], by_no_one: Sequence[AuditEvent]) -> _Names:
    """What the shown (not withheld) rows name by number, and the systems that made the rows
    no person signed in made (`by_no_one`), looked up once per kind."""
    details = [e.detail or "" for e in shown]
    user_ids = {int(m.group(2)) for d in details for m in USER_REF.finditer(d)}
    team_ids = {int(m.group(1)) for d in details for m in TEAM_REF.finditer(d)}
    token_ids = {
        int(m.group(1))
        for d in [*details, *(e.detail or "" for e in by_no_one)]
        for m in TOKEN_REF.finditer(d)
    }
    episode_ids = _ids(shown, "episode") | {
        int(m.group(1)) for d in details for m in EPISODE_REF.finditer(d)
    }
    summary_ids = _ids(shown, "summary")
    file_ids = {int(m.group(1)) for d in details for m in FILE_REF.finditer(d)}
    names = _Names()
    if user_ids:
        names.users = dict(
            db.session.execute(select(User.id, User.name).where(User.id.in_(user_ids))).all()
        )
    if team_ids:
        names.teams = dict(
            db.session.execute(select(Team.id, Team.name).where(Team.id.in_(team_ids))).all()
        )
    if token_ids:
        names.tokens = dict(
            db.session.execute(
                select(ServiceToken.id, ServiceToken.name).where(ServiceToken.id.in_(token_ids))
            ).all()
        )
    if episode_ids:
        names.episodes = {
            i: _episode_words(back, started)
            for i, back, started in db.session.execute(
                select(Episode.id, Episode.returned_at, Episode.started_at).where(
                    Episode.id.in_(episode_ids)
                )
            ).all()
        }
    if summary_ids:
        names.summaries = {
            i: f"Summary for {FOR_WHOM.get(recipient, 'someone else')}"
            for i, recipient in db.session.execute(
                select(Summary.id, Summary.recipient).where(Summary.id.in_(summary_ids))
            ).all()
        }
    if file_ids:
        names.files = dict(
            db.session.execute(
                select(ImportBatch.id, ImportBatch.filename).where(ImportBatch.id.in_(file_ids))
            ).all()
        )
    return names


def _file_words(names: _Names, batch_id: int) -> str:
    name = names.files.get(batch_id)
    # A file deleted since (kept 14 days unapplied; its row stays once applied) is still a file.
    return f"in the uploaded file \u201c{name}\u201d" if name else SOURCES["file upload"]


def _token_name(names: _Names, token_id: int) -> str:
    name = names.tokens.get(token_id)
    return f"{name} (a system sending police notifications)" if name else "A system's key"


def _who(e: AuditEvent, names: _Names) -> str:
    if e.user is not None:
        return e.user.name
    detail = e.detail or ""
    token = TOKEN_REF.search(detail)
    if token:
        return _token_name(names, int(token.group(1)))
    if "command line" in detail:
        return BY_COMMAND_LINE
    return NOT_RECORDED


def _record(e: AuditEvent, names: _Names) -> str:
    if e.object_type == "episode" and e.object_id and e.object_id.isdigit():
        found = names.episodes.get(int(e.object_id))
        return found[0].upper() + found[1:] if found else "A return"
    if e.object_type == "summary" and e.object_id and e.object_id.isdigit():
        return names.summaries.get(int(e.object_id), "A summary")
    if e.object_type is None:
        return ""
    return RECORDS.get(e.object_type, OTHER_RECORD)


# -- Details: each row's short description, in words --------------------------------------------


def _moved(detail: str) -> tuple[str, str, str] | None:
    """A detail "old -> new; rest" as (old, new, rest), or None if it is not one."""
    head, _, rest = detail.partition(";")
    old, arrow, new = head.partition(" -> ")
    return (old.strip(), new.strip(), rest) if arrow else None


def _transition(detail: str, words: dict[str, str]) -> str:
    """ "offered -> accepted" as "from Offered to Accepted"; the same as before ("offered ->
    offered": an offer recorded) as where it stands, "Offered", never as an error."""
    moved = _moved(detail)
    if moved is None:
        return detail
    old, new, rest = moved
    said = (
        words.get(new, new)  # an offer or answer leaving the progress as it was (`_what`)
        if old == new
        else f"from {words.get(old, old)} to {words.get(new, new)}"
    )
    return said + (";" + rest if rest else "")


def _status(detail: str) -> str:
    said = _transition(detail, STATUS_WORDS)
    late = re.search(r"late: (\w+)", said)
    if late:
        said = said.replace(
            late.group(0), "late: " + DELAY_REASONS.get(late.group(1), "another reason")
        )
    return said


def _contact(detail: str) -> str:
    method, _, outcome = detail.partition(": ")
    return f"{CONTACT_METHODS.get(method, method)}: {ATTEMPT_OUTCOMES.get(outcome, outcome)}"


def _paths(detail: str) -> str:
    device, _, saved = detail.rpartition("; ")
    parts = ", ".join(fields.title(p.strip()) for p in saved.split(",") if p.strip())
    return ("from a tablet; " if device else "") + parts


def _language(detail: str) -> str:
    action, _, rule = detail.partition(" ")
    return f"{LANGUAGE.get(action, 'answered')} ({rule.replace('_', ' ')})"


def _recipients(detail: str) -> str:
    def one(match: re.Match[str]) -> str:
        return f"{match.group(1)} {FOR_WHOM.get(match.group(2), match.group(2))}"

    said = re.sub(r"\b(for|with) (\w+)", one, detail)
    return re.sub(r"\b(" + "|".join(SENT_WAYS) + r")\b", lambda m: SENT_WAYS[m.group(1)], said)


def _recipient_first(detail: str) -> str:
    recipient, colon, rest = detail.partition(":")
    return f"{FOR_WHOM.get(recipient, recipient)}{colon}{rest}" if colon else detail


def _action_kind(detail: str) -> str:
    kind, space, rest = detail.partition(" ")
    return fields.ACTION_KINDS.get(kind, kind) + space + rest


def _notice(detail: str) -> str:
    """ "offer_declined for user 4": what the message said, and to whom."""
    kind, _, rest = detail.partition(" ")
    to = rest.removeprefix("for ")
    return NOTICE_KINDS.get(kind, kind) + (f", to {to}" if to else "")


def _episode_created(detail: str) -> str:
    said = re.sub(r"^imported", "from a police notification", detail)
    said = re.sub(r"reported by (\w+)", lambda m: "reported by " + REPORTERS.get(m[1], m[1]), said)
    said = said.replace("; grade Not graded by police", "; not graded by the police")
    return said.replace("; grade ", "; police risk grade ").replace("; returned", "; back already")


def _changed(detail: str) -> str:
    """ "changed: returned_at, found_where; from ..." as "when they came back, where they were
    found; from ..." (the action's words already say it changed)."""
    body = detail.removeprefix("changed: ")
    head, semi, rest = body.partition(";")
    names = [n.strip() for n in head.split(",")]
    listed = ", ".join(FIELD_WORDS.get(n.split(" to ")[0], n) for n in names)
    if names and names[0].startswith("question_band to "):
        listed = f"the questions asked, to {names[0].removeprefix('question_band to ')}"
    return listed + semi + rest


DETAILS: dict[str, Callable[[str], str]] = {
    "interview.status": _status,
    "interview.outcome": lambda d: OUTCOMES.get(d, d),  # as the pages say them
    "interview.view": lambda d: VIEWS.get(d) or fields.PAGE_TITLES.get(d, d),
    "interview.save": _paths,
    "interview.language": _language,
    "interview.add_item": lambda d: {"people": "people", "places": "places"}.get(d, d),
    "interview.read_back": lambda d: fields.READ_BACK_ANSWERS.get(d, d),
    "interview.child_copy": lambda d: CHILD_COPY.get(d, d),
    "interview.child_view_unlock": lambda d: "paused after too many tries" if d == "paused" else d,
    "contact_attempt.create": _contact,
    "action.create": _action_kind,
    "action.status": lambda d: _transition(d, {k: s.label for k, s in ALL_STATUSES.items()}),
    "notice.create": _notice,
    "summary.download": _recipients,
    "summary.sent": _recipients,
    "summary.acknowledge": lambda d: (
        "next: " + NEXT_STEPS.get(d.removeprefix("next: "), "other")
        if d.startswith("next: ")
        else d
    ),
    "summary.pdf_state": lambda d: SUMMARY_STATES.get(d, d),
    "consent.narrow": _recipient_first,
    "sharing.override": _recipients,
    "sharing.confirm": _recipients,
    "sharing.decline": _recipients,
    "import.resolve": lambda d: (
        IMPORT_DECISIONS.get(d.split(":")[0], d.split(":")[0])
        + (":" + d.split(":", 1)[1] if ":" in d else "")
    ),
    "episode.view": lambda d: VIEWS.get(d, d),
    "episode.create": _episode_created,
    "episode.update": _changed,
    "episode.return": _changed,
    "episode.return.update": _changed,
    "child.update": _changed,
    "child.profile.update": _changed,
}
DETAILS["interview.remove_item"] = DETAILS["interview.add_item"]


def _named(detail: str, names: _Names) -> str:
    """Numbers that name a person, team, system or return, as their names; other numbers
    (held work, a question) and interview ids left out."""

    def user(match: re.Match[str]) -> str:
        kind, name = match.group(1), names.users.get(int(match.group(2)), "a person")
        if kind == "social worker":
            return f"{name} (social worker)"
        if kind == "the duty inbox":
            return f"{name}, through the duty inbox"
        if kind == "chosen on finishing":
            return f"{name}, chosen on finishing"
        return name

    # Anything still written as a code reads as words: a safety net for a new detail's shape
    # (before the names go in, which are never changed).
    said = CODE.sub(lambda m: re.sub(r"[._]", " ", m.group(0)), detail)
    said = USER_REF.sub(user, said)
    said = TEAM_REF.sub(lambda m: names.teams.get(int(m.group(1)), "a team"), said)
    said = TOKEN_REF.sub(lambda m: "sent by " + names.tokens.get(int(m.group(1)), "a system"), said)
    said = SOURCE_REF.sub(lambda m: SOURCES[m.group(1)], said)
    said = EPISODE_REF.sub(lambda m: names.episodes.get(int(m.group(1)), "a return"), said)
    said = DEVICE_REF.sub("a tablet", said)
    said = NUMBERED.sub(lambda m: "a " + m.group(1), said)
    said = UUID.sub("", said).replace(" -> ", " to ").strip(" ;,")
    # Last: a file's name is the police's text, read by no rule above.
    return FILE_REF.sub(lambda m: _file_words(names, int(m.group(1))), said)


def _detail(e: AuditEvent, names: _Names) -> str:
    detail = e.detail or ""
    if not detail:
        return ""
    said = DETAILS.get(e.action, lambda d: d)(detail)
    return _named(said, names)


def _what(e: AuditEvent) -> str:
    """What the row's action was, in words. An offer or an answer that leaves the interview's
    progress where it was ("offered -> offered": the offer itself, recorded by the status it
    leads to) is said as what it was, not as a change."""
    if e.action == "interview.status":
        moved = _moved(e.detail or "")
        if moved is not None and moved[0] == moved[1]:
            return SAME_PROGRESS
    return WORDS.get(e.action, OTHER_ACTION)


def rows_for(user: User, events: Sequence[AuditEvent]) -> list[TrailRow]:
    readable = _readable(user, events)

    def withheld(e: AuditEvent) -> bool:
        return (
            e.object_type in HELD_BY_AN_INTERVIEW and (e.object_type, e.object_id) not in readable
        )

    # Who did it is shown on every row, withheld or not (the trail's purpose): a system's name
    # as a person's. What else a row names is looked up only for the rows that say it.
    names = _names([e for e in events if not withheld(e)], [e for e in events if e.user is None])
    rows = []
    for e in events:
        hidden = withheld(e)
        rows.append(
            TrailRow(
                at=e.at,
                who=_who(e, names),
                what=WITHHELD if hidden else _what(e),
                detail="" if hidden else _detail(e, names),
                record=WITHHELD_RECORD if hidden else _record(e, names),
                refused=e.outcome == "refused",
                result=RESULTS.get(e.outcome, OTHER_RESULT),
                address=e.ip_address or "",
            )
        )
    return rows
