"""What to review before a subject access download is handed over, interview by interview.

The download holds each interview whole (it is the controller's copy). Handed to someone (a
parent, the child, a solicitor), parts of it may need to be held back: what the child asked to
keep between them and the worker, what they said no to sharing, and a safeguarding decision
the child was not told of because telling them would put them or someone else at risk (UK GDPR
and the Data Protection Act 2018: the serious harm and third-party exemptions). This module
lists those things, by their labels and never their words, so the person handing it over
reviews them first.

No rule about sharing is written here: each comes from where the app keeps it. What the child
asked to keep is `sharing.withheld_items` (and, for the child's message, the read-back's
`kept_between_us`); whether a decision in force still passed something on is
`kept_between_us` too; the answers and decisions are `sharing.consent_record`; "not told" is
the read-back's `told_to_the_child`; which decisions are in force is `decisions.in_force_for`.

Used by the export (review.json and the first pages of record.pdf, rhi/subject_access/export.py)
and the subject access page (the count beside the download button), so both say the same.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select

from rhi.extensions import db
from rhi.interviews.content import FINDING_GROUPS, FINDING_TITLES, normalise
from rhi.interviews.decisions import in_force_for
from rhi.interviews.read_back import kept_between_us, told_to_the_child
from rhi.models import Child, Interview
from rhi.models.sync import SyncConflict
from rhi.naming import interview_name
from rhi.sharing import consent_record, withheld_items
from rhi.timefmt import format_date, format_datetime, to_local

# The read-back's key for the child's message when no one's copy holds it (kept_between_us).
CHILD_MESSAGE = "child_message"
NOT_TOLD_CAUTION = (
    "The child was not told of this decision: telling them would put them or someone else at "
    "risk. Do not disclose the decision, its reason or what it shares without first "
    "considering that risk."
)


@dataclass(frozen=True)
class KeptBack:
    """Something the child asked to keep between them and the worker, by its label."""

    key: str  # the path a decision names it with (sharing.withheld_items), or "child_message"
    label: str
    # A safeguarding decision in force passed it on to someone: the child still asked to keep
    # it, and the person it is handed to may not be the one it was passed on to.
    passed_on: bool


@dataclass(frozen=True)
class Refused:
    """Someone the child said no to sharing with, or yes to some parts only."""

    recipient: str
    label: str
    answer: str  # as the consent record says it: "No", "Yes, to the parts ticked below"
    agreed_parts: list[str]  # for "some": the parts they agreed to
    said_about_it: bool  # the child's words about sharing with them are in the record


@dataclass(frozen=True)
class NotTold:
    """A safeguarding decision the child was not told of."""

    decision_id: str
    recipient: str
    label: str
    decided_by: str
    reason: str
    shares: list[str]
    releases: list[str]
    in_force: bool
    caution: str = NOT_TOLD_CAUTION


@dataclass
class InterviewReview:
    interview_id: int
    title: str
    # A tablet's version of the interview (sync_conflicts) is in the download too, whole.
    tablet_version_id: int | None = None
    kept_back: list[KeptBack] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    not_told: list[NotTold] = field(default_factory=list)

    @property
    def anything(self) -> bool:
        return bool(self.kept_back or self.refused or self.not_told)


@dataclass
class Review:
    name: str  # the child's name as the sentence says it
    interviews: list[InterviewReview] = field(default_factory=list)

    # A tablet's version repeats what its interview holds: each thing is counted once, by
    # its interview and what names it there.
    @property
    def kept_count(self) -> int:
        return len({(e.interview_id, k.key) for e in self.interviews for k in e.kept_back})

    @property
    def refused_count(self) -> int:
        return len({(e.interview_id, r.recipient) for e in self.interviews for r in e.refused})

    @property
    def not_told_count(self) -> int:
        return len({(e.interview_id, d.decision_id) for e in self.interviews for d in e.not_told})

    @property
    def sentence(self) -> str:
        """What the page says beside the download button, and the PDF above the list."""
        name = self.name
        parts = []
        if n := self.kept_count:
            things = "thing" if n == 1 else "things"
            parts.append(f"{n} {things} {name} asked to keep between them and the worker")
        if n := self.refused_count:
            answers = "answer" if n == 1 else "answers"
            parts.append(
                f"{n} {answers} where {name} said no, or yes to only some parts, to sharing"
            )
        if n := self.not_told_count:
            decisions = "decision" if n == 1 else "decisions"
            parts.append(f"{n} {decisions} {name} was not told of")
        if not parts:
            return (
                f"This record holds nothing {name} asked to keep between them and the worker, "
                f"no answer where {name} said no to sharing, and no decision {name} was not "
                "told of."
            )
        listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        return (
            f"This record holds {listed}: the download lists them first, to review before you "
            "hand it over."
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "about": "To review before you hand this over. This is for whoever hands the "
            "download over: take review.json and the first pages of record.pdf (up to "
            "\u201cEverything held about\u201d) out before handing it over.",
            "summary": {
                "kept_between_them_and_the_worker": self.kept_count,
                "said_no_or_only_some_to_sharing": self.refused_count,
                "decisions_not_told_of": self.not_told_count,
                "sentence": self.sentence,
            },
            "interviews": [asdict(entry) for entry in self.interviews if entry.anything],
        }


def _kept_back(c: dict[str, Any], in_force: set[str]) -> list[KeptBack]:
    still_kept = {thing.key for thing in kept_between_us(c, in_force)}
    items = [
        KeptBack(path, _label(path, title), passed_on=path not in still_kept)
        for path, title in withheld_items(c).items()
    ]
    if CHILD_MESSAGE in still_kept:
        # "What I want my social worker to know" goes only where "In your own words" goes
        # to the social worker: here, nowhere.
        items.append(
            KeptBack(
                CHILD_MESSAGE,
                "What the child wanted their social worker to know (not passed on)",
                passed_on=False,
            )
        )
    return items


def _label(path: str, title: str) -> str:
    """A withheld item's title, with its checklist's heading for a ticked factor."""
    group = path.partition(".")[0]
    if group in FINDING_GROUPS:
        return f"{FINDING_TITLES[group]}: {title}"
    return title


def _answers_and_decisions(
    c: dict[str, Any], in_force: set[str]
) -> tuple[list[Refused], list[NotTold]]:
    recorded = {str(entry.get("id")) for entry in c["overrides"]}
    not_told = recorded - told_to_the_child(c, recorded)
    refused: list[Refused] = []
    hidden: list[NotTold] = []
    for line in consent_record(c, in_force):
        answer = c["consent"].get(line.recipient, {}).get("answer")
        if answer in ("no", "some"):
            refused.append(
                Refused(
                    recipient=line.recipient,
                    label=line.label,
                    answer=line.answer,
                    agreed_parts=line.parts,
                    said_about_it=bool(line.words.strip()),
                )
            )
        for decision in line.decisions:
            if decision.id in not_told:
                hidden.append(
                    NotTold(
                        decision_id=decision.id,
                        recipient=line.recipient,
                        label=f"A decision to share with {line.label} without the child's "
                        "agreement",
                        decided_by=decision.decided_by,
                        reason=decision.reason,
                        shares=decision.parts,
                        releases=decision.releases,
                        in_force=decision.in_force,
                    )
                )
    return refused, hidden


def of_document(
    interview_id: int, title: str, content: dict[str, Any] | None, in_force: set[str]
) -> InterviewReview:
    c = normalise(content)
    refused, not_told = _answers_and_decisions(c, in_force)
    return InterviewReview(
        interview_id=interview_id,
        title=title,
        kept_back=_kept_back(c, in_force),
        refused=refused,
        not_told=not_told,
    )


def _title(interview: Interview, *, capital: bool = True) -> str:
    """The interview as the reviewer finds it in the download: by the council's name for it,
    its day and its row (record.json's held.interviews, the PDF's "Id")."""
    held = interview.held_at is not None
    day = to_local(interview.held_at if held else interview.due_at).date()
    when = f"held {format_date(day)}" if held else f"due {format_date(day)}"
    return f"{interview_name(capital=capital)}, {when} (record {interview.id})"


def for_child(child_id: int) -> Review:
    """Every interview with the child, and every tablet's version of one, that holds something
    to review (each with its lists; an interview with nothing is not listed)."""
    child = db.session.get(Child, child_id)
    name = (child.preferred_name or child.first_name) if child else "the child"
    interviews = db.session.scalars(
        select(Interview).where(Interview.child_id == child_id).order_by(Interview.id)
    ).all()
    by_id = {i.id: i for i in interviews}
    forcing = in_force_for(list(by_id))
    review = Review(name=name)
    for interview in interviews:
        title = _title(interview)
        review.interviews.append(
            of_document(interview.id, title, interview.content, forcing.get(interview.id, set()))
        )
    if by_id:
        versions = db.session.scalars(
            select(SyncConflict)
            .where(SyncConflict.interview_id.in_(list(by_id)))
            .order_by(SyncConflict.id)
        ).all()
        for version in versions:
            interview = by_id[version.interview_id]
            title = (
                f"A tablet's version of the {_title(interview, capital=False)}, received "
                f"{format_datetime(version.received_at)}"
            )
            entry = of_document(
                interview.id, title, version.content, forcing.get(interview.id, set())
            )
            entry.tablet_version_id = version.id
            review.interviews.append(entry)
    review.interviews = [entry for entry in review.interviews if entry.anything]
    return review
