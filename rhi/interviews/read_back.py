"""The read-back: what will be shared, and with whom, in plain words for the child. No Flask.

Built from `rhi.sharing.view_for`, the same rule that makes each copy, so what the child is
told will reach someone is exactly what their copy holds: the child's own words as written,
and a plain label for what the worker wrote (the worker's notes and view of risk are named,
not read out). "Kept between us" is what the child asked us not to pass on
(`sharing.withheld_items`), less anything a safeguarding decision in force passes on; what such
a decision passes on, when the child may be told of it, is said to be what they asked us to keep
between us (`mark_passed_on`), in the lists of who will know what and in their letter.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from typing import Any

from rhi.interviews.content import normalise
from rhi.language.matcher import DOUBLE_QUOTES, SINGLE_CLOSERS, quoted_spans
from rhi.sharing import (
    SharedView,
    actions_reaching,
    carried_by,
    releases_reaching,
    view_for,
    withheld_items,
)

# Who, as the child would say it.
RECIPIENT_WORDS = {
    "social_worker": "Your social worker",
    "police": "The police",
    "parents_carers": "Your parents or carers",
    "school": "Your school",
    "health": "Health workers (like a doctor or nurse)",
    "other": "Someone else",
}
# With no social worker of their own (none allocated, or theirs has left), the social worker's
# copy goes to one chosen on finishing or the duty inbox (rhi/summaries/service.py
# recipient_for): the child is not told "your social worker" will know.
NO_OWN_SOCIAL_WORKER = "A social worker"


def recipient_words(*, own_social_worker: bool = True) -> dict[str, str]:
    """Who the child may share with, as the child would say it: `RECIPIENT_WORDS`, with "A
    social worker" for the social worker when the child has none of their own allocated. The
    one rule for the read-back (`recipients`) and the sharing page's child view."""
    if own_social_worker:
        return dict(RECIPIENT_WORDS)
    return {**RECIPIENT_WORDS, "social_worker": NO_OWN_SOCIAL_WORKER}


def message_words(*, own_social_worker: bool = True) -> str:
    """The child's message to their social worker, as the read-back and the letter name it:
    "a social worker" when the child has none of their own (as `recipient_words`)."""
    return MESSAGE if own_social_worker else NO_OWN_MESSAGE


def field_labels(*, own_social_worker: bool = True) -> dict[str, str]:
    """Labels of the interview's fields to show in place of the catalogue's (fields.py), by
    path: the child's message is "What I want a social worker to know" when the child has no
    social worker of their own, as the read-back says it."""
    return {} if own_social_worker else {"child_message": NO_OWN_MESSAGE_LABEL}


SECTION_WORDS = {
    "before": "What you told me about before you left",
    "away": "What you told me about while you were away",
    "after": "What you told me about how you feel now",
    "help": "What you said would help",
    "own_words": "What you said in your own words",
}
# "Kept between us", as the child would say it: what they told and asked not to be passed on,
# named by the part of the conversation it was told in (never the worker's page titles).
KEPT_BACK_WORDS = {
    "before": "Something you told me about before you left, that you asked me to keep between us",
    "away": "Something you told me about while you were away, that you asked me to keep between us",
    "after": "Something you told me about how you feel now, that you asked me to keep between us",
    "help": "Something you told me about what would help, that you asked me to keep between us",
    "own_words": "Something you told me in your own words, that you asked me to keep between us",
}
KEPT_BACK = "Something you told me, that you asked me to keep between us"
FINDING_WORDS = {
    "push": "Why you wanted to leave",
    "pull": "What drew you away",
    "harms": "Something your worker is worried about",
}
# What the worker ticked, as the child would say it: the checklist's labels are the worker's
# (rhi/interviews/fields.py) and some are words no child should read about themselves
# ("possible criminal exploitation"). Put as a worry or a possibility, never as something the
# child did.
CHILD_FINDINGS: dict[str, dict[str, str]] = {
    "push": {
        "family_conflict": "Arguments or falling out at home",
        "domestic_abuse": "Violence or abuse between adults at home",
        "abuse_neglect": "Being hurt, or not being looked after properly",
        "parent_substance_use": "A parent's drinking or drug use",
        "school_problems": "Problems at school",
        "bullying": "Being bullied",
        "loneliness": "Feeling lonely",
        "placement_relationships": "How things are with the people where you live",
        "being_moved": "Being moved, or moving to a new home",
        "mental_health": "How you have been feeling inside",
        "pregnancy": "Being pregnant, or worrying that you might be",
        "bereavement": "Someone close to you dying",
        "far_from_family": "Wanting to see family or friends who live far away",
    },
    "pull": {
        "friends_family": "Wanting to be with friends or family",
        "contact_arrangements": "The arrangements for seeing your family",
        "partner": "Someone you are seeing or going out with",
        "peer_pressure": "Other young people pushing you to go",
        "parties": "Parties",
        "drugs_alcohol": "Drugs or alcohol",
        "exploiting_adults": "Adults who may be taking advantage of you",
        "money": "Money",
        "gifts": "Gifts, or things people gave you",
        "somewhere_to_stay": "Somewhere to stay",
    },
    "harms": {
        "sexual_exploitation": "That someone may be harming you sexually, or making you do "
        "sexual things",
        "criminal_exploitation": "That someone may be making you carry or sell drugs, or do "
        "other things for them that are against the law",
        "trafficking": "That someone may be moving you from place to place to use you",
        "online_grooming": "That someone online may be trying to trick you or use you",
        "weapons_violence": "Weapons or violence",
        "drugs_alcohol": "Drugs or alcohol",
        "sleeping_rough": "Sleeping outside, or having nowhere safe to stay",
        "self_harm": "Hurting yourself, or thoughts of ending your life",
        "forced_marriage": "Being made to marry someone",
        "fgm": "Female genital mutilation (FGM)",
        "radicalisation": "People pushing you towards extreme ideas",
        "victim_of_crime": "That someone committed a crime against you",
        "suspected_offending": "That someone may have made you do something against the law",
        "missing_education": "Missing school",
        "unexplained_items": "Money, phones or clothes, and where they came from",
        "injuries": "Injuries",
        "sexual_health": "Your sexual health",
    },
}
# What will happen next, as the child would say it (the kinds are the worker's: fields.py).
CHILD_ACTIONS = {
    "nrm": "A referral to keep you safe from people who use young people (the National "
    "Referral Mechanism)",
    "exploitation_team": "Help from a team that keeps young people safe from people who use them",
    "camhs": "Someone to help with feelings and worries (CAMHS)",
    "substance_service": "Help with drugs or alcohol",
    "school": "Talking with your school",
    "strategy_meeting": "A meeting of the people who help keep you safe, to plan what happens next",
    "safety_plan": "A plan to keep you safe",
    "helplines": "Numbers you can call for help",
    "other": "Something else",
}
WORKER_NOTES = "Your worker\u2019s notes about how things are for you"
RISK_WORDS = "How worried your worker is about your safety"
FELT = "How you said you felt"
MESSAGE = "What you want your social worker to know"
NO_OWN_MESSAGE = "What you want a social worker to know"
NO_OWN_MESSAGE_LABEL = "What I want a social worker to know"  # the child's view's field label
# The worker's note of the child's contact with the police (fields.py "police_contact"): in their
# words where the worker could, but written by the worker, so named, not quoted as said.
POLICE_WORDS = "What is written about the police"
PLACE = "A place you told me about"
PERSON = "Someone you told me about"
NOT_NAMED = "not named"  # a place or person the worker added with no name
# Something the child asked us not to pass on (`sharing.withheld_items`) that a safeguarding
# decision in force, which they are told of, passes on: said so beside what it is, as a kept-back
# note is, never worded as though they had agreed (a probe: a private "How you feel now" sent to
# school read like the rest). One whole label for each, so the letter, which gives labels only
# (child_copy.py), says it too, and each is translated whole (rhi/i18n.py).
KEPT_BACK_PASSED_ON = (
    "Something you asked to keep between us, which we have to pass on to keep you safe"
)
ASKED_TO_KEEP = "you asked me to keep this between us, but we have to pass it on to keep you safe"


def passed_on(label: str) -> str:
    """`label` of something the child asked us to keep between us, said to be passed on."""
    return f"{label} ({ASKED_TO_KEEP})"


# The labels a private section, ticked factor, place or person can have (`things_in`).
PASSED_ON_WORDS = {
    label: passed_on(label)
    for label in (
        *SECTION_WORDS.values(),
        WORKER_NOTES,
        *FINDING_WORDS.values(),
        PLACE,
        PERSON,
        # What goes with a section (sharing.carried_by): marked with the private section.
        FELT,
        MESSAGE,
        NO_OWN_MESSAGE,
        POLICE_WORDS,
    )
}
_PLAIN = {said: label for label, said in PASSED_ON_WORDS.items()}


@dataclass(frozen=True)
class Thing:
    """One thing a recipient will know: a plain label, and the child's words where it is theirs.
    `key` names what of the copy it is ("sections.away", "people.<id>"), one key per thing."""

    key: str
    label: str
    words: str = ""
    # The child's own words (said or chosen by them): shown in quotation marks. The worker's
    # notes of what they said, the ticked factors and the actions are shown without, so the
    # child is never told they said what someone else wrote.
    quoted: bool = False
    # rhi's own words that `words` is made of (a ticked factor's, each action's, "not named"),
    # each in the catalogues: the page shows them in the child's language beside the English
    # (read_back.html). Empty for words that are the child's or the worker's, which are never
    # translated. Not part of what was read (`what_was_read`): `words` is.
    phrases: tuple[str, ...] = ()
    # What the copy holds of this thing beyond what the child is shown: the worker's notes, a
    # factor's note, a person's phone and concern, each action's note, owner and date. Never
    # shown; taken into the fingerprint of what was read (`what_was_read`), so rewriting any
    # of it after the child answered shows their answer was to an earlier copy (a probe: the
    # analysis rewritten after "Yes, that's right", and the copy still said they agreed).
    held: str = ""
    # The child asked us not to pass it on, and a decision they are told of does
    # (`mark_passed_on`): its label says so. Not part of what was read: what is shared is the
    # same, and an answer given before it was said stands (`_printed`).
    asked_kept: bool = False

    @property
    def shown(self) -> str:
        """The words as the page shows them. The page puts the child's own words in quotation
        marks; where the worker already put the whole of them in quotation marks (as
        language.md asks), one pair is taken off so the child does not read ““…””. Quotation
        marks inside are kept. `words` stays as written: it is what was read
        (`what_was_read`)."""
        return without_outer_quotes(self.words) if self.quoted else self.words


def without_outer_quotes(text: str) -> str:
    """`text` without one pair of quotation marks round the whole of it ("“I want to go home”"
    -> "I want to go home"), else `text` as it is. What a quotation is has one home, the
    writing check's (`quoted_spans`): only one quotation from the first character to a closing
    mark at the last counts, so "“Home” and “school”" keeps its marks, as does an unclosed
    quote. Quotation marks inside are kept."""
    s = text.strip()
    closes = DOUBLE_QUOTES + SINGLE_CLOSERS
    if len(s) > 2 and s[-1] in closes and quoted_spans(s) == [(0, len(s))]:
        return s[1:-1].strip() or text
    return text


# Who is told that an interview took place whatever the child said about sharing: the social
# worker (their copy always goes), the police (who reported the child missing and are told of
# the interview) and the parents or carers (who arrange it). The school, health workers and
# anyone else are told only of what the child agreed to share with them, or a decision shares,
# or an action asks of them: the child is never told "Your school will only know that we
# talked" of a school nobody asked about or the child said no to (a probe).
ROUTINELY_TOLD = frozenset({"social_worker", "police", "parents_carers"})


@dataclass
class Recipient:
    key: str
    who: str
    things: list[Thing] = field(default_factory=list)

    @property
    def only_that_we_talked(self) -> bool:
        return not self.things

    @property
    def told_of(self) -> bool:
        """Is the child told what this person will know (the read-back, the letter)?"""
        return self.key in ROUTINELY_TOLD or bool(self.things)

    @property
    def passes_on_what_was_asked_kept(self) -> bool:
        """Does their copy hold something the child asked us to keep between us?"""
        return any(thing.asked_kept for thing in self.things)


def things_in(view: SharedView, *, own_social_worker: bool = True) -> list[Thing]:
    """Everything a copy holds from what was said, in plain words, in the copy's order.
    `own_social_worker`: as `recipients` (the child's message names "a social worker")."""
    things: list[Thing] = []
    for s, text in view.sections.items():
        if s == "analysis":
            things.append(Thing("sections.analysis", WORKER_NOTES, held=text))
        else:
            own = s == "own_words"  # the one section in the child's own words
            things.append(Thing(f"sections.{s}", SECTION_WORDS.get(s, s), text, quoted=own))
        if s in view.feelings:
            feeling = view.feelings[s]
            things.append(Thing(f"feelings.{s}", FELT, feeling.words, quoted=True))
    for s, feeling in view.feelings.items():
        if s not in view.sections:  # a feeling chosen on a part with nothing written
            things.append(Thing(f"feelings.{s}", FELT, feeling.words, quoted=True))
    for s, text in view.kept_back.items():
        things.append(Thing(f"kept_back.{s}", KEPT_BACK_PASSED_ON, text, asked_kept=True))
    if view.child_message.strip():
        things.append(
            Thing(
                "child_message",
                message_words(own_social_worker=own_social_worker),
                view.child_message,
                quoted=True,
            )
        )
    if view.police_contact.strip():
        # The worker's writing (checked as theirs, fields.py): shown as written, not quoted.
        things.append(Thing("police_contact", POLICE_WORDS, view.police_contact))
    for finding in view.findings:
        ticked = _finding(finding.group, finding.key, finding.label)
        things.append(replace(ticked, held=finding.note))
    for group, text in view.findings_other.items():
        # The worker's own words ("Other"), written on their page, not for the child: named,
        # as the rest of their notes are, never read out.
        things.append(Thing(f"findings_other.{group}", FINDING_WORDS[group], held=text))
    for kind, label in (("places", PLACE), ("people", PERSON)):
        for entry in getattr(view, kind):
            named = _named(f"{kind}.{entry.get('id')}", label, entry)
            things.append(replace(named, held=_held(entry)))
    if view.actions:
        things.append(replace(_actions(view.actions), held=_held(view.actions)))
    if view.protective_factors.strip():
        # Written on the worker's analysis page: named, as the rest of their notes are.
        things.append(
            Thing("protective_factors", "What helps keep you safe", held=view.protective_factors)
        )
    if view.risk_view:
        things.append(Thing("risk_view", RISK_WORDS, held=view.risk_view))
    for line in view.consent:
        if line.words.strip():
            # The child's own words about sharing (fields.py: never checked as the worker's).
            things.append(
                Thing("consent", "What you said about sharing with them", line.words, quoted=True)
            )
    return things


def mark_passed_on(things: list[Thing], withheld: Collection[str]) -> list[Thing]:
    """`things`, each of the child's `withheld` items among them (`sharing.withheld_items`:
    a private section, ticked factor, place or person; only a decision in force that names it
    puts it in a copy, sharing.py rule 3) labelled as passed on against their wish
    (`PASSED_ON_WORDS`), and what goes with such a section (`sharing.carried_by`: its feeling,
    the words about the police, the message to the social worker), which the copy holds only
    because the section is passed on. A kept-back note says so already
    (`KEPT_BACK_PASSED_ON`)."""

    def asked_kept(thing: Thing) -> bool:
        return thing.key in withheld or carried_by(thing.key) in withheld

    return [
        replace(thing, label=PASSED_ON_WORDS[thing.label], asked_kept=True)
        if asked_kept(thing) and thing.label in PASSED_ON_WORDS
        else thing
        for thing in things
    ]


def _held(value: Any) -> str:
    """Entries as a copy holds them, for the fingerprint: every field, in one order."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def child_action_words(actions: list[dict[str, Any]]) -> list[str]:
    """What was agreed will happen, in the child's words (`CHILD_ACTIONS`), each kind once, in
    the order agreed: the one way an action is said to the child, on the read-back and in
    their letter (child_copy.py), never the worker's kinds ("Strategy meeting request")."""
    return list(
        dict.fromkeys(
            CHILD_ACTIONS.get(str(a.get("kind", "")), CHILD_ACTIONS["other"]) for a in actions
        )
    )


def _actions(actions: list[dict[str, Any]]) -> Thing:
    """What was agreed will happen, in the child's words, each kind once."""
    words = child_action_words(actions)
    return Thing(
        "actions", "What we agreed will happen next", ", ".join(words), phrases=tuple(words)
    )


def _finding(group: str, key: str, title: str) -> Thing:
    """A ticked factor or harm in the words written for the child (`CHILD_FINDINGS`), in their
    language too; the checklist's `title` only for a factor with none (a test checks there is
    none), and never looked up, as it is the worker's."""
    words = CHILD_FINDINGS.get(group, {}).get(key)
    label = FINDING_WORDS[group]
    if words is None:
        return Thing(f"{group}.{key}", label, title)
    return Thing(f"{group}.{key}", label, words, phrases=(words,))


def _named(key: str, label: str, entry: dict[str, Any]) -> Thing:
    """A place or a person, with its name as written; "not named" (rhi's words, in the child's
    language too) when the worker gave none."""
    name = str(entry.get("name", "")).strip()
    if name:
        return Thing(key, label, name)
    return Thing(key, label, NOT_NAMED, phrases=(NOT_NAMED,))


def told_to_the_child(content: dict[str, Any], in_force: Collection[str]) -> set[str]:
    """The decisions in force the child may read about: not one recorded as "telling the child
    would put them or someone else at risk" (sharing.CHILD_TOLD "not_told"). What such a
    decision passes on is on no page or letter the child reads: neither as shared (the letter
    may be found by the person harming them) nor as kept between us (`kept_between_us`)."""
    not_told = {
        str(entry.get("id"))
        for entry in normalise(content)["overrides"]
        if entry.get("child_told") == "not_told"
    }
    return {decision for decision in in_force if decision not in not_told}


def recipients(
    content: dict[str, Any], in_force: Collection[str], *, own_social_worker: bool = True
) -> list[Recipient]:
    """For each person the child may share with, what they will know (nothing but that we
    talked, and when, when the copy shares nothing), as the child may be told it: leaving out
    what a decision the child is not to be told about passes on (`told_to_the_child`).
    `own_social_worker`: the child has one allocated, who receives the copy."""
    c = normalise(content)
    in_force = told_to_the_child(c, in_force)
    withheld = withheld_items(c)
    out = []
    for key, who in recipient_words(own_social_worker=own_social_worker).items():
        name = str(c["consent"].get(key, {}).get("name", "")).strip()
        label = name if key == "other" and name else who
        view = view_for(c, key, in_force=in_force)
        things = mark_passed_on(things_in(view, own_social_worker=own_social_worker), withheld)
        # Asked to do something (or told of a strategy meeting), they will know of it whatever
        # their copy holds: the child is told so, not "only that we talked".
        reaching = actions_reaching(c, key)
        if reaching and not any(thing.key == "actions" for thing in things):
            things.append(_actions(reaching))
        out.append(Recipient(key, label, things))
    return out


def kept_between_us(
    content: dict[str, Any], in_force: Collection[str], *, own_social_worker: bool = True
) -> list[Thing]:
    """What the child asked us not to pass on and no one will be told, in the child's words:
    a plain label (`key` the withheld item's path), and the name of a place or person. Never
    the words kept back themselves. `own_social_worker`: as `recipients`."""
    c = normalise(content)
    passed_on: set[str] = set()
    for entry in c["overrides"]:
        if entry.get("id") in in_force:
            # Only what the decision's copy can hold is passed on (parents never receive
            # places or people): the rest is still kept between us.
            passed_on |= releases_reaching(
                str(entry.get("recipient", "")), entry.get("releases", [])
            )
    kept = [
        _for_the_child(c, path, title)
        for path, title in withheld_items(c).items()
        if path not in passed_on
    ]
    # The child's message goes with "In your own words", to the social worker only: when their
    # copy does not hold it (that part kept private, or no to the social worker), it is kept.
    message = str(c["child_message"]).strip()
    if message and not view_for(c, "social_worker", in_force=in_force).child_message.strip():
        kept.append(Thing("child_message", message_words(own_social_worker=own_social_worker)))
    return kept


def _for_the_child(c: dict[str, Any], path: str, title: str) -> Thing:
    """A withheld item as the child reads it, never in the worker's titles ("The section “While
    away”", the checklist's "May have been made to break the law..."): a part of the
    conversation in the words the read-back uses for it (`SECTION_WORDS`, `KEPT_BACK_WORDS`), a
    ticked factor in the words written for the child (`CHILD_FINDINGS`) and a place or a person
    with its name, labelled as the read-back labels them."""
    head, _, rest = path.partition(".")
    if head == "sections":
        section, _, kept_back = rest.partition(".")
        if kept_back:
            return Thing(path, KEPT_BACK_WORDS.get(section, KEPT_BACK))
        return Thing(path, SECTION_WORDS.get(section, WORKER_NOTES))
    if head in ("places", "people"):
        entry = next((e for e in c[head] if str(e.get("id")) == rest), {})
        return _named(path, PLACE if head == "places" else PERSON, entry)
    # A ticked factor as the lists of who will know what say it (`things_in`).
    return _finding(head, rest, title)


def _said(thing: Thing) -> str:
    """A line of "Kept between us" as the page says it in English."""
    return f"{thing.label}: {thing.words}" if thing.words else thing.label


# The mark of a fingerprint that takes in what each copy holds beyond what the child is shown
# (`Thing.held`): kept with every answer since 2026-12-06. An answer kept before it has a
# fingerprint of what the child was shown only (hex digits: never this letter), and is judged
# by that, as it was given.
WHOLE = "w"


def what_was_read(
    content: dict[str, Any],
    in_force: Collection[str],
    shown: tuple[list[Recipient], list[Thing]] | None = None,
    *,
    whole: bool = True,
) -> str:
    """A fingerprint of the read-back page's lists as they stand: for each person, what they
    will know (labels and the child's words, and with `whole` what their copy holds of each
    thing beyond them: `Thing.held`), and what is kept between us. Kept with the
    child's answer (views.read_back, as `Interview.read_back_of`), so an answer is only ever
    shown as the child's answer to what they were read. Who is named is left out: a social
    worker allocated later changes the label, not what is shared. `shown`: the page's own
    lists (`recipients`, `kept_between_us`), when it has them already."""
    if shown is None:
        shown = recipients(content, in_force), kept_between_us(content, in_force)
    people, kept = shown
    told = [
        [
            r.key,
            [[t.key, _printed(t).label, t.words, *([t.held] if whole else [])] for t in r.things],
        ]
        for r in people
    ]
    # Each kept line as the page says it: a line whose words did not change keeps its print.
    payload = json.dumps([told, [_said(_printed(t)) for t in kept]], ensure_ascii=False)
    digest = hashlib.sha256(payload.encode()).hexdigest()
    return WHOLE + digest[:31] if whole else digest[:32]


def _printed(thing: Thing) -> Thing:
    """A thing as the fingerprint takes it: the child's message labelled as for a child with a
    social worker of their own, whoever they have. Who is named is not what is shared (as the
    recipients' names are left out), and a fingerprint kept before the label could change
    still matches."""
    if thing.key == "child_message" and thing.label == NO_OWN_MESSAGE:
        return replace(thing, label=MESSAGE)
    if thing.label in _PLAIN:
        # Saying it was passed on against their wish changes no copy (`mark_passed_on`).
        return replace(thing, label=_PLAIN[thing.label])
    return thing


def answered_mark(content: dict[str, Any], in_force: Collection[str], changes: str) -> str:
    """What `Interview.read_back_of` keeps with the child's answer: the fingerprint of what was
    read (`what_was_read`), and a print of the changes box's words as they stood when they
    answered. The box saves as it is typed, so it is the only record of which words were
    there already (the changes asked for before, which stay in the record) and which are new."""
    return f"{what_was_read(content, in_force)}:{_print_of(changes)}"


def _print_of(changes: str) -> str:
    return hashlib.sha256(changes.strip().encode()).hexdigest()[:16]


def changes_new_since_answered(read_back_of: str | None, changes: str, held: str) -> bool:
    """Are the changes box's words new since the child last answered? Against the print kept
    with that answer (`answered_mark`); for an answer kept before there was one, against the
    words held (`held`); with no answer yet, any words are new."""
    if not changes.strip():
        return False
    if read_back_of is None:
        return True
    _what, _sep, printed = read_back_of.partition(":")
    if printed:
        return printed != _print_of(changes)
    return changes.strip() != held.strip()


def changed_since_read(
    content: dict[str, Any],
    in_force: Collection[str],
    read_back_of: str | None,
    shown: tuple[list[Recipient], list[Thing]] | None = None,
) -> bool:
    """What will be shared is no longer what was read back to the child (a consent, a private
    part, the words or a decision changed after they answered): their answer stands in the
    record, but is not to be read as agreeing to what is shared now. `read_back_of`: the
    interview's fingerprint of what was read (None for an answer recorded before it was
    kept, which is taken as it was given)."""
    c = normalise(content)
    if not c["read_back"].get("answer") or not read_back_of:
        return False
    kept = read_back_of.partition(":")[0]
    return kept != what_was_read(c, in_force, shown, whole=kept.startswith(WHOLE))
