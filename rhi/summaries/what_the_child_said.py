"""What the child said about sharing with each reader of a finished interview, and what they
were told that reader will know, for the interviewer's side beside each copy (the copies panel,
summaries/_copies.html): a probe found a school copy offered, and recorded as sent, with no
word that the child said no to school, whom the read-back never named. Whether they were told
at all is the read-back's answer, as each copy says it: a later probe found "was told what the
social worker would know" beside copies that rightly said it was not read back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rhi.interviews import decisions, read_back
from rhi.interviews.content import READ_BACK_ANSWERS, RECIPIENTS, normalise
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


@dataclass(frozen=True)
class ReadBack:
    """Whether what is shared was read back to the child, and what they said: the same facts
    each copy's own sentence is made from (rhi.sharing.view_for's `read_back`, from the
    interview's read-back answer, and read_back.changed_since_read), so the panel never says
    the child was told what their copy says was not read back."""

    answer: str  # a key of READ_BACK_ANSWERS: "" when it was not read back
    said: str  # their answer, in the words the copies quote
    changed: bool  # what is shared changed after they answered, and was not read back again

    @classmethod
    def of(cls, interview: Interview, content: dict[str, Any], in_force: set[str]) -> ReadBack:
        """As the copies have it: an answer with no words the copies quote is no answer."""
        answer = str(content["read_back"].get("answer") or "")
        said = READ_BACK_ANSWERS.get(answer, "") if answer else ""
        if not said:
            return cls("", "", False)
        changed = read_back.changed_since_read(content, in_force, interview.read_back_of)
        return cls(answer, said, changed)


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
    heard = ReadBack.of(interview, content, in_force)
    child = interview.child
    name = child.preferred_name or child.first_name
    said = {}
    for key in RECIPIENTS:
        named = recipient_label(key, interview) if key == "other" else ""
        who = named if named and named != RECIPIENTS[key] else SAID_OF[key]
        answer = str(content["consent"].get(key, {}).get("answer") or "not_asked")
        decided = bool(decisions_for(content, key, in_force))
        said[key] = _said(name, who, answer, told[key], heard, decided)
    return said


def _said(
    name: str,
    who: str,
    answer: str,
    recipient: read_back.Recipient,
    heard: ReadBack,
    decided: bool,
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
    else:
        told = _told(name, who, recipient, heard)
    words = answered + told
    if decided:
        words += f" A safeguarding decision in force shares with {who}."
    unheard = f"{name} was not told {who} would hear about this chat"
    return ChildSaid(words, not recipient.told_of and not decided, unheard)


def _told(name: str, who: str, recipient: read_back.Recipient, heard: ReadBack) -> str:
    """What the child heard of a reader the read-back names, as the copies say it: told only
    when it was read back to them, with what they said then."""
    if not heard.answer:
        return f". What {who} would know was not read back to {name}."
    said = f"{name} said: \u201c{heard.said}\u201d."
    if heard.answer == "not_read":
        # They did not want it read to them: what they said, never that they were told.
        words = f". When it was to be read back, {said}"
    elif recipient.only_that_we_talked:
        words = f", and was told {who} would know only that this chat took place, and when. {said}"
    else:
        words = f", and was told what {who} would know. {said}"
    if heard.changed:
        words += " What is shared changed after that, and was not read back again."
    return words
