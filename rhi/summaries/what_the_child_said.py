"""What the child said about sharing with each reader of a finished interview, and what they
were told that reader will know, for the interviewer's side beside each copy (the copies panel,
summaries/_copies.html): a probe found a school copy offered, and recorded as sent, with no
word that the child said no to school, whom the read-back never named."""

from __future__ import annotations

from dataclasses import dataclass

from rhi.interviews import decisions, read_back
from rhi.interviews.content import RECIPIENTS, normalise
from rhi.models import Interview
from rhi.sharing import decisions_for
from rhi.summaries.service import allocated_reader, recipient_label

# Who, in a sentence about what the child said ("Aisha said no to sharing with school").
SAID_OF = {
    "social_worker": "the social worker",
    "police": "the police",
    "parents_carers": "parents or carers",
    "school": "school",
    "health": "health workers",
    "other": "someone else",  # or their name, as the consent page gives it
}


@dataclass(frozen=True)
class ChildSaid:
    """What the child said about sharing with one recipient, and what they were told that
    person will know, for the interviewer's side beside each copy."""

    words: str
    # The child was not told this person would hear anything (read_back.Recipient.told_of), and
    # no safeguarding decision in force shares with them: recording a copy for them as sent
    # needs a tick, as the copy still says a return home interview took place.
    not_told: bool
    unheard: str  # "Aisha was not told school would hear about this chat"


def child_said(interview: Interview) -> dict[str, ChildSaid]:
    """For each recipient of a finished interview, what the child said about sharing with them
    and whether they were told that person will know anything: the read-back's own list
    (read_back.recipients, from rhi.sharing), so the panel says what the child was told.
    Nothing before it is finished: until then nothing was read back nor agreed."""
    if not interview.locked:
        return {}
    content = normalise(interview.content)
    in_force = decisions.in_force(interview)
    own = allocated_reader(interview) is not None
    told = {r.key: r for r in read_back.recipients(content, in_force, own_social_worker=own)}
    child = interview.child
    name = child.preferred_name or child.first_name
    said = {}
    for key in RECIPIENTS:
        named = recipient_label(key, interview) if key == "other" else ""
        who = named if named and named != RECIPIENTS[key] else SAID_OF[key]
        answer = str(content["consent"].get(key, {}).get("answer") or "not_asked")
        decided = bool(decisions_for(content, key, in_force))
        said[key] = _said(name, who, answer, told[key], decided)
    return said


def _said(
    name: str, who: str, answer: str, recipient: read_back.Recipient, decided: bool
) -> ChildSaid:
    """The words for one recipient: what the child answered, then what they were told."""
    agreed = answer in ("yes", "some")
    answered = {
        "yes": f"{name} said yes to sharing with {who}",
        "some": f"{name} said yes to sharing some parts with {who}",
        "no": f"{name} said no to sharing with {who}",
    }.get(answer, f"{name} was not asked about sharing with {who}")
    if not recipient.told_of:
        told = (
            f", but the copy for {who} holds nothing from the chat, so {name} was not told "
            f"{who} would hear about it."
            if agreed
            # The read-back names only those who will know something: this reader was left
            # out of it, which is not the same as the child being told they would not hear.
            else f", and was not told {who} would hear about this chat."
        )
    elif recipient.only_that_we_talked:
        told = f", and was told {who} would know only that this chat took place, and when."
    else:
        told = f", and was told what {who} would know."
    words = answered + told
    if decided:
        words += f" A safeguarding decision in force shares with {who}."
    unheard = f"{name} was not told {who} would hear about this chat"
    return ChildSaid(words, not recipient.told_of and not decided, unheard)
