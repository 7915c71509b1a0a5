"""The field catalogue: every field of an interview's document, once. No Flask here.

An interview's words and findings live in one JSON document (`Interview.content`, shaped and
written by rhi/interviews/content.py). Each `Field` in `FIELDS` is one field of it: where it
lives (a dotted path pattern), what kind of value it holds, the words the pages use for it
(label, hint, the options of a choice), the page that asks it, whether the writing check reads
it, and which part of a summary it belongs to (`PARTS`; rhi/sharing.py decides who may read each
part). Everything else is derived from this list, never from a list of its own:

- content.py: the blank document, which paths exist and their kinds (`resolve`, `set_field`),
  the options a choice takes, the length limit, list entries, the paths the writing check reads;
- the interview pages and the blank shell pages a tablet keeps (templates/interviews/*), which
  loop over a page's fields, and the review page's record of what was written (review.py);
- the summary PDF's groups and columns (rhi/summaries/pdf.py);
- the upload check for tablets (sync/validate.py) and the titles on the page that compares a
  tablet's version with the server's (sync/compare.py).

**Adding a question** is one `Field` below, placed where its page should ask it, plus its
prompts in rhi/prompts/questions.json. Every existing interview then has it empty
(content.normalise fills it in), and a tablet holding an older document still uploads it.

Path patterns. The second part of a path may be a placeholder (and nothing else may be):
- `<section>`: each part of the conversation (rhi.prompts.SECTION_IDS), each in a blank document;
- `<recipient>`: each person the child may share with (`RECIPIENTS`), each in a blank document;
- `<factor>`: a push or pull factor or a harm, made when it is first ticked;
- `<item>`: a place, person or action, made when it is added (the second part is its `id`).
A field's `keys` are the values its placeholder takes, with their words; `asked_for` narrows
which of them the page asks (the analysis has no "not to be shared": it is never read to the
child). Labels and headings may hold `{child}` (the child's name on the interview pages, "the
child" elsewhere) and `{key}` or `{key_lower}` (the placeholder's words, e.g. "Bullying").

Not fields: `overrides` (decisions to share without consent, recorded by the sharing page's own
form), `language` (the writing check's bookkeeping) and `carer_information_offered` (recorded
when a child says no, on the episode page) have their own writers and their own checks in
sync/validate.py.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from rhi.interviews.pages import PAGE_IDS, PAGES
from rhi.language import QUOTE_THE_CHILD
from rhi.prompts import SECTION_IDS
from rhi.timefmt import kept_when, long_date

MAX_TEXT = 50_000  # a long note is fine; a pasted book is a mistake
CHILD = "the child"  # {child} where no child's name is at hand
NOT_SHARED = "Not to be shared"

# ---- the words of the options ----------------------------------------------------------------

PUSH_FACTORS = {
    "family_conflict": "Family conflict or arguments",
    "domestic_abuse": "Domestic abuse at home",
    "abuse_neglect": "Abuse or neglect",
    "parent_substance_use": "A parent's drug or alcohol use",
    "school_problems": "Problems at school or exclusion",
    "bullying": "Bullying",
    "loneliness": "Feeling lonely",
    "placement_relationships": "Relationships where they live (placement)",
    "being_moved": "Being moved or a new placement",
    "mental_health": "Mental health",
    "pregnancy": "Pregnancy",
    "bereavement": "Bereavement",
    "far_from_family": "Wanting to see family or friends far away",
}

PULL_FACTORS = {
    "friends_family": "Friends and family",
    "contact_arrangements": "Contact arrangements",
    "partner": "A partner, or someone they call one (an adult may be exploiting them)",
    "peer_pressure": "Pressure from other young people",
    # Said as what was done to draw them, by whom it was offered: "What drew Amara away:
    # Gifts" read as her wanting them (an accessibility probe; ../shared/domain/language.md).
    "parties": "Invited to parties",
    "drugs_alcohol": "Drugs or alcohol given to them",
    "exploiting_adults": "Adults who may be exploiting them",
    "money": "Money given or promised to them",
    "gifts": "Gifts given to them",
    "somewhere_to_stay": "Somewhere to stay",
}

HARMS = {
    "sexual_exploitation": "Sexual exploitation",
    "criminal_exploitation": "Criminal exploitation or county lines",
    "trafficking": "Trafficking or modern slavery",
    "online_grooming": "Online grooming",
    "weapons_violence": "Weapons or violence",
    "drugs_alcohol": "Drugs and alcohol",
    "sleeping_rough": "Sleeping rough",
    "self_harm": "Self-harm or suicidal thoughts",
    "forced_marriage": "Forced marriage",
    "fgm": "Female genital mutilation",
    "radicalisation": "Radicalisation",
    "victim_of_crime": "Harmed by a crime",
    "suspected_offending": "May have been made to break the law (possible criminal exploitation)",
    "missing_education": "Missing education",
    "unexplained_items": "Unexplained money, phones or clothes",
    "injuries": "Injuries",
    "sexual_health": "Sexual health",
}

FINDING_GROUPS = {"push": PUSH_FACTORS, "pull": PULL_FACTORS, "harms": HARMS}
FINDING_TITLES = {
    "push": "What made them want to leave (push factors)",
    "pull": "What drew them away (pull factors)",
    "harms": "Harms and risk indicators",
}

ACTION_KINDS = {
    "nrm": "National Referral Mechanism referral",
    "exploitation_team": "Exploitation team",
    "camhs": "CAMHS (mental health)",
    "substance_service": "Substance misuse service",
    "school": "School",
    "strategy_meeting": "Strategy meeting request",
    "safety_plan": "Safety plan",
    "helplines": "Helplines given",
    "other": "Other",
}
# Who will do an action: a person in rhi (the worker, the child's social worker, the team's
# manager: rhi/actions/rules.py finds them when the interview is finished) or another agency,
# with its named contact in the next field. Followed until done (rhi/actions/).
ACTION_OWNERS = {
    "": "Not yet agreed",
    "worker": "Me (the worker)",
    "social_worker": "The child's social worker",
    "manager": "The team manager",
    "police": "Police",
    "school": "School",
    "health": "Health",
    "parents_carers": "Parents or carers",
    "other_agency": "Another agency",
}

RECIPIENTS = {
    "social_worker": "Allocated social worker",
    "police": "Police",
    "parents_carers": "Parents or carers",
    "school": "School",
    "health": "Health",
    "other": "Other (named)",
}
CONSENT_ANSWERS = {
    "yes": "Yes",
    "some": "Yes, to the parts ticked below",
    "no": "No",
    "not_asked": "Not asked",
}

RISK_VIEWS = {
    "": "Not yet given",
    "low": "Low risk of harm",
    "medium": "Medium risk of harm",
    "high": "High risk of harm",
}

# The feelings scale of the child's view: five steps, each a word and a face. The face is shown
# beside the word, never instead of it (the word is what the record keeps and a reader hears).
FEELINGS = {
    "": "Not chosen",
    "really_bad": "Really bad",
    "not_good": "Not so good",
    "ok": "OK",
    "good": "Good",
    "really_good": "Really good",
}
FEELING_FACES = {
    "really_bad": "\U0001f622",
    "not_good": "\U0001f61f",
    "ok": "\U0001f610",
    "good": "\U0001f60a",
    "really_good": "\U0001f604",
}
# What the child said when what will be shared was read back to them (the read-back page).
READ_BACK_ANSWERS = {
    "": "Not read back",
    "agreed": "Yes, that\u2019s right",
    "changes": "I want changes",
    "not_read": "I didn\u2019t want to read it",
}

PAGE_TITLES = dict(PAGES)
SECTION_TITLES = {s: PAGE_TITLES[s] for s in SECTION_IDS}

# The parts a child may agree to share one by one ("Yes, to the parts ticked below"), and that
# a safeguarding decision names. rhi/sharing.py maps each to what a copy holds.
SHARED_PARTS = {
    **{s: SECTION_TITLES[s] for s in SECTION_IDS if s != "analysis"},
    "findings": "What we found: reasons for going and harms",
    "places_people": "Places and people",
    "actions": "Actions agreed and what keeps them safe",
    "analysis": "The worker's analysis and view of risk",
}

# ---- kinds, placeholders and sharing parts ---------------------------------------------------

TEXT, LINE, FLAG, WHEN, CHOICE, ENTRY = "text", "line", "flag", "when", "choice", "entry"
DATE = "date"
KINDS = {
    TEXT: "text in a box of several lines",
    LINE: "one line of text",
    FLAG: "yes or no",
    WHEN: "a local date and time, kept as 2026-11-23 14:30",
    DATE: "a date, kept as 2026-11-30 (may be in the future: a due date)",
    CHOICE: "one of its options",
    ENTRY: "an entry in a list (a place, a person, an action): its fields follow it",
}
# How a value is stored, checked and compared (content.resolve's kind): a line is text.
STORED_AS = {
    TEXT: "text",
    LINE: "text",
    FLAG: "flag",
    WHEN: "when",
    DATE: "date",
    CHOICE: "choice",
    ENTRY: "entry",
}

SECTION, RECIPIENT, FACTOR, ITEM = "<section>", "<recipient>", "<factor>", "<item>"
PLACEHOLDERS = (SECTION, RECIPIENT, FACTOR, ITEM)
# Every value of <section> and <recipient> is in a blank document; a <factor> appears when one
# of its fields is first written; an <item> when the entry is added.
MADE_WHEN_WRITTEN = (FACTOR,)

# Parts of the document that are not fields (see the module docstring).
NOT_FIELDS = ("overrides", "language", "carer_information_offered")

# The parts of a summary rhi/sharing.py decides on; every field belongs to one.
PARTS = {
    **{
        s: f"the section \u201c{SECTION_TITLES[s]}\u201d: shared when the child agrees or a "
        "safeguarding decision allows, unless the child asked for it not to be shared"
        + (" (professionals only)" if s == "analysis" else "")
        for s in SECTION_IDS
    },
    "findings": "push and pull factors, harms: shared like a section, each one ticked "
    "\u201cnot to be shared\u201d left out",
    "places_people": "places and people: shared with professionals only, each entry marked "
    "\u201cnot to be shared\u201d left out",
    "actions": "actions agreed: shared like a section",
    "police_contact": "what the child said about the police: shared with the section "
    "\u201cWhile away\u201d",
    "protective_factors": "what keeps them safe: shared like a section",
    "risk_view": "the worker's view of the risk of harm: professionals only",
    "consent": "what the child said about sharing: in every copy",
    "child_message": "what the child wants their social worker to know, in their words: shared "
    "with the section \u201cIn your own words\u201d",
    "read_back": "whether what is shared was read back to the child, what they said and when: "
    "in every copy that shares anything",
    "about": "where the interview was held and who else was there: in every copy",
    "record": "kept in the interview's record; in no summary",
    "kept_back": "what the child told but asked not to pass on: in no summary, for anyone",
}


class CatalogueError(ValueError):
    """A field in the catalogue that the rest of rhi could not use: found when rhi starts."""


@dataclasses.dataclass(frozen=True, eq=False)
class Field:
    """One field of the interview document. See the module docstring for the patterns."""

    path: str  # "start.location", "sections.<section>.text", "people.<item>.name"
    kind: str  # one of KINDS
    label: str  # as the page shows it; may hold {child}, {key}, {key_lower}
    page: str  # the page that asks it (pages.PAGE_IDS), or "<section>": the section's own
    part: str  # the sharing part (PARTS), or "<section>": the section's own
    hint: str = ""
    options: Mapping[str, str] = dataclasses.field(default_factory=dict)  # for a choice
    blank: Any = None  # the value in a blank document; None: "" (False for a flag)
    check_writing: bool = False  # the writing check reads it and suggests other words
    keys: Mapping[str, str] | None = None  # the placeholder's values and their words
    asked_for: tuple[str, ...] | None = None  # the keys the page asks it for; None: all
    heading: str = ""  # what a title starts with away from its page; "": the page's title
    withholds: bool = False  # yes: the child asked for what holds it not to be shared
    rows: int = 0  # the height of its box on the page; 0: the page's choice
    max_length: int = MAX_TEXT
    if_empty: str = ""  # said in the review and the PDF when nothing is written
    # Said in the review's "Gaps to look at" while the field is blank (never blocking); may hold
    # {key}, {key_lower}, {entry_kind} (a list entry's kind, in words) and {gap_words}.
    # `gap_for`: the keys it is said for, each with its {gap_words} (None: every key asked).
    gap: str = ""
    gap_for: Mapping[str, str] | None = None
    # Child-safe: shown in the child's view of the page (the child's own words and choices).
    # Everything else on a page is the worker's only (templates/interviews/page.html).
    child_view: bool = False
    # Filled in by rhi, not the worker (when the chat started, set as it starts): not counted
    # as a page's notes (`content.progress`), so a new interview's parts show no tick.
    filled_by_rhi: bool = False

    @property
    def parts(self) -> list[str]:
        return self.path.split(".")

    @property
    def head(self) -> str:
        return self.parts[0]

    @property
    def name(self) -> str:
        """The key the value has in the object that holds it."""
        return self.parts[-1]

    @property
    def placeholder(self) -> str:
        parts = self.parts
        return parts[1] if len(parts) > 1 and parts[1] in PLACEHOLDERS else ""

    @property
    def empty(self) -> Any:
        if self.blank is not None:
            return self.blank
        return False if self.kind == FLAG else ""

    @property
    def stored_as(self) -> str:
        return STORED_AS[self.kind]

    @property
    def one_line(self) -> bool:
        return self.kind in (LINE, WHEN, DATE)


def _fill(text: str, key_words: str, child: str) -> str:
    return (
        text.replace("{key_lower}", key_words.lower())
        .replace("{key}", key_words)
        .replace("{child}", child)
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclasses.dataclass(frozen=True)
class Placed:
    """A field at one concrete path: `sections.away.text`, `people.p1.name`."""

    field: Field
    path: str
    key: str = ""  # the placeholder's value: "away", "bullying", "police", an entry's id

    @property
    def kind(self) -> str:
        return self.field.kind

    @property
    def name(self) -> str:
        return self.field.name

    @property
    def key_words(self) -> str:
        keys = self.field.keys or {}
        return keys.get(self.key, self.key)

    @property
    def page(self) -> str:
        return self.key if self.field.page == SECTION else self.field.page

    @property
    def part(self) -> str:
        return self.key if self.field.part == SECTION else self.field.part

    @property
    def raw_label(self) -> str:
        """The label with {child} still in it, for a page to put the child's name in."""
        return _fill(self.field.label, self.key_words, "{child}")

    def label(self, child: str = CHILD) -> str:
        return _capital(_fill(self.field.label, self.key_words, child))

    def heading(self, child: str = CHILD) -> str:
        text = self.field.heading or PAGE_TITLES.get(self.page, "")
        return _capital(_fill(text, self.key_words, child))

    @property
    def child_view(self) -> bool:
        return self.field.child_view

    @property
    def hint(self) -> str:
        return self.field.hint

    @property
    def options(self) -> Mapping[str, str]:
        return self.field.options

    @property
    def check_writing(self) -> bool:
        return self.field.check_writing

    @property
    def rows(self) -> int:
        return self.field.rows

    @property
    def one_line(self) -> bool:
        return self.field.one_line

    @property
    def asked(self) -> bool:
        """Does the page ask this field for this key?"""
        return bool(self.page) and (
            self.field.asked_for is None or self.key in self.field.asked_for
        )

    def words(self, value: Any) -> str:
        """A value as the review and the PDF say it: a choice's words, "Yes" or "No"."""
        if self.kind == FLAG:
            return "Yes" if value else "No"
        if self.kind == CHOICE:
            return self.options.get(str(value), str(value))
        if self.kind == DATE and value:
            return long_date(str(value))
        if self.kind == WHEN and value:
            return kept_when(str(value))  # as every page writes a time
        text = "" if value is None else str(value)
        return text if text.strip() else self.field.if_empty


# ---- the catalogue -------------------------------------------------------------------------

ANALYSIS = "analysis"
TALKED_WITH_THE_CHILD = tuple(s for s in SECTION_IDS if s != ANALYSIS)


def _findings(group: str) -> list[Field]:
    """A push or pull factor, or a harm: ticked, a note, and "not to be shared"."""
    common: dict[str, Any] = {
        "page": "findings",
        "part": "findings",
        "keys": FINDING_GROUPS[group],
        "heading": FINDING_TITLES[group],
    }
    return [
        Field(f"{group}.{FACTOR}.on", FLAG, "{key}", **common),
        Field(
            f"{group}.{FACTOR}.note",
            TEXT,
            "Note on {key_lower}",
            check_writing=True,
            rows=2,
            **common,
        ),
        Field(f"{group}.{FACTOR}.private", FLAG, NOT_SHARED, withholds=True, **common),
    ]


def _findings_other(group: str) -> Field:
    return Field(
        f"findings_other.{group}",
        TEXT,
        "Anything else",
        "findings",
        "findings",
        check_writing=True,
        rows=2,
        heading=FINDING_TITLES[group],
    )


FIELDS: tuple[Field, ...] = (
    # Before we start
    Field(
        "start.explained_voluntary",
        FLAG,
        "I explained the chat is their choice and they can stop at any time",
        "start",
        "record",
        gap="It is not recorded that the child was told the interview is voluntary and they "
        "can stop at any time.",
    ),
    Field(
        "start.explained_confidentiality",
        FLAG,
        "I explained what I have to pass on to keep them safe (the limits of confidentiality)",
        "start",
        "record",
        gap="It is not recorded that the limits of confidentiality were explained.",
    ),
    Field(
        "start.held_on",
        WHEN,
        "When the chat started",
        "start",
        "record",
        hint="For example 2026-11-23 14:30",
        filled_by_rhi=True,
    ),
    Field(
        "start.location",
        LINE,
        "Where the chat was held",
        "start",
        "about",
        gap="Where the interview was held is not recorded.",
    ),
    Field("start.present", LINE, "Who else was at the chat", "start", "about"),
    # The interpreter, if one was there: printed on the summaries with who else was there.
    Field("start.interpreter_present", FLAG, "An interpreter was at the chat", "start", "about"),
    Field("start.interpreter_language", LINE, "Interpreter: language", "start", "about"),
    Field("start.interpreter_name", LINE, "Interpreter: name", "start", "about"),
    Field("start.interpreter_agency", LINE, "Interpreter: agency", "start", "about"),
    Field(
        "start.child_chose_interviewer",
        FLAG,
        "The child asked for someone they already know to do this chat",
        "start",
        "record",
    ),
    Field(
        "start.chosen_interviewer",
        LINE,
        "Who the child asked for, and their role",
        "start",
        "record",
    ),
    # Each part of the conversation, on its own page
    Field(
        f"sections.{SECTION}.text",
        TEXT,
        "What {child} said",
        SECTION,
        SECTION,
        hint=QUOTE_THE_CHILD,
        check_writing=True,
        rows=10,
        keys={s: SECTION_TITLES[s] for s in TALKED_WITH_THE_CHILD},
        heading="{key}",
        gap="Nothing written in \u201c{key}\u201d.",
    ),
    Field(
        f"sections.{ANALYSIS}.text",
        TEXT,
        "Your notes",
        ANALYSIS,
        ANALYSIS,
        check_writing=True,
        rows=10,
        gap=f"Nothing written in \u201c{SECTION_TITLES[ANALYSIS]}\u201d.",
    ),
    Field(
        f"sections.{SECTION}.private",
        FLAG,
        "{child} asked for this part not to be shared",
        SECTION,
        SECTION,
        keys=SECTION_TITLES,
        asked_for=TALKED_WITH_THE_CHILD,
        heading="{key}",
        withholds=True,
    ),
    Field(
        f"sections.{SECTION}.kept_back",
        TEXT,
        "Anything {child} told you but asked you not to pass on",
        SECTION,
        "kept_back",
        hint=(
            "Seen only by you and your manager, and in no summary. As you told the child: if it "
            "makes you worried that they or someone else could be seriously hurt, you have to "
            "pass it on, and you tell them first (record a decision on the Sharing page)."
        ),
        check_writing=True,
        rows=3,
        keys=SECTION_TITLES,
        asked_for=TALKED_WITH_THE_CHILD,
        heading="{key}",
    ),
    # The feelings scale, chosen by the child in the child's view of a part of the conversation
    # (the page it was chosen on is the key), with when: the tablet's clock at the tap. A list
    # for the worker; big faces with words for the child (templates/interviews/_child_view*).
    Field(
        f"feelings.{SECTION}.choice",
        CHOICE,
        "How {child} feels",
        SECTION,
        SECTION,
        options=FEELINGS,
        blank="",
        keys={s: SECTION_TITLES[s] for s in TALKED_WITH_THE_CHILD},
        heading="{key}",
        child_view=True,
    ),
    Field(
        f"feelings.{SECTION}.at",
        WHEN,
        "When {child} chose how they feel",
        SECTION,
        SECTION,
        keys={s: SECTION_TITLES[s] for s in TALKED_WITH_THE_CHILD},
        heading="{key}",
        child_view=True,
    ),
    # Written by the child in the child's view, or typed for them, in their words.
    Field(
        "child_message",
        TEXT,
        "What I want my social worker to know",
        "own_words",
        "child_message",
        hint="Written by the child, or typed for them in their words.",
        # The child's own words, whole: never flagged or offered other words
        # (domain/language.md), nor counted in a copy's writing check.
        rows=4,
        child_view=True,
    ),
    # The police copy puts this first, beside the people and places (rhi/summaries/pdf.py).
    Field(
        "police_contact",
        TEXT,
        "Contact with the police while away, when found, or since (in {child}'s words)",
        "away",
        "police_contact",
        hint="In their words where you can: whether they saw the police, how it went, and "
        "what they would want the police to know or do.",
        check_writing=True,
        rows=3,
    ),
    # What we found
    *_findings("push"),
    *_findings("pull"),
    *_findings("harms"),
    *(_findings_other(group) for group in FINDING_GROUPS),
    Field(
        f"places.{ITEM}",
        ENTRY,
        "Place",
        "findings",
        "places_people",
        heading="Places {child} mentioned",
    ),
    Field(
        f"places.{ITEM}.name",
        LINE,
        "Place (name or description)",
        "findings",
        "places_people",
        check_writing=True,
    ),
    Field(
        f"places.{ITEM}.area", LINE, "Area or town", "findings", "places_people", check_writing=True
    ),
    Field(f"places.{ITEM}.when", LINE, "When", "findings", "places_people", check_writing=True),
    Field(
        f"places.{ITEM}.note", TEXT, "Note", "findings", "places_people", check_writing=True, rows=2
    ),
    Field(f"places.{ITEM}.private", FLAG, NOT_SHARED, "findings", "places_people", withholds=True),
    Field(
        f"people.{ITEM}",
        ENTRY,
        "Person",
        "findings",
        "places_people",
        heading="People {child} mentioned",
    ),
    Field(
        f"people.{ITEM}.name",
        LINE,
        "Name or nickname",
        "findings",
        "places_people",
        check_writing=True,
    ),
    Field(
        f"people.{ITEM}.age", LINE, "Age (roughly)", "findings", "places_people", check_writing=True
    ),
    Field(
        f"people.{ITEM}.description",
        LINE,
        "What they look like (description)",
        "findings",
        "places_people",
        check_writing=True,
    ),
    Field(
        f"people.{ITEM}.relationship",
        LINE,
        "Who they are, in the child's words",
        "findings",
        "places_people",
        # The child's own words ("my boyfriend"), whole: like child_message, never flagged or
        # offered other words (domain/language.md), nor counted in a copy's writing check.
    ),
    # Every other line of a place, a person or an action is the worker's writing, read by the
    # writing check, as "older boyfriend" or "streetwise" is written there as often as in a
    # note; a phone number holds no words to check.
    Field(f"people.{ITEM}.phone", LINE, "Phone", "findings", "places_people"),
    Field(
        f"people.{ITEM}.vehicle", LINE, "Vehicle", "findings", "places_people", check_writing=True
    ),
    Field(
        f"people.{ITEM}.concern",
        TEXT,
        "Concern",
        "findings",
        "places_people",
        check_writing=True,
        rows=2,
    ),
    Field(f"people.{ITEM}.private", FLAG, NOT_SHARED, "findings", "places_people", withholds=True),
    # Analysis and actions (after the analysis's own notes, above)
    Field(
        "protective_factors",
        TEXT,
        "What is keeping them safe (protective factors)",
        ANALYSIS,
        "protective_factors",
        check_writing=True,
        rows=4,
    ),
    Field(
        "risk_view",
        CHOICE,
        "Your view of the risk of harm the child faces",
        ANALYSIS,
        "risk_view",
        options=RISK_VIEWS,
        blank="",
        gap="Your view of the risk the child faces is not given.",
    ),
    Field(f"actions.{ITEM}", ENTRY, "Action", ANALYSIS, "actions", heading="Actions and referrals"),
    Field(
        f"actions.{ITEM}.kind",
        CHOICE,
        "What",
        ANALYSIS,
        "actions",
        options=ACTION_KINDS,
        blank="other",
    ),
    Field(
        f"actions.{ITEM}.owner_kind",
        CHOICE,
        "Who will do it",
        ANALYSIS,
        "actions",
        options=ACTION_OWNERS,
        blank="",
        gap="An action ({entry_kind}) has no owner.",
    ),
    Field(
        f"actions.{ITEM}.owner",
        LINE,
        "Named person or contact (for another agency: their name, phone or email)",
        ANALYSIS,
        "actions",
        check_writing=True,
    ),
    Field(
        f"actions.{ITEM}.due",
        DATE,
        "By when (a date)",
        ANALYSIS,
        "actions",
        if_empty="Not set",
        # An action with no date is never overdue, so nothing reminds anyone of it.
        gap="An action ({entry_kind}) has no date.",
    ),
    Field(
        f"actions.{ITEM}.note",
        TEXT,
        "Note",
        ANALYSIS,
        "actions",
        check_writing=True,
        rows=2,
        # "Other" with no words reached the social worker asked to do it, and the child's letter,
        # as "Something else" (a probe).
        gap="An action ({entry_kind}) has no note saying what is to be done.",
    ),
    # Sharing
    Field(
        f"consent.{RECIPIENT}.name",
        LINE,
        "Who",
        "consent",
        "consent",
        keys=RECIPIENTS,
        asked_for=("other",),
        heading="Sharing with {key_lower}",
    ),
    Field(
        f"consent.{RECIPIENT}.answer",
        CHOICE,
        "Is {child} happy for us to share with them?",
        "consent",
        "consent",
        options=CONSENT_ANSWERS,
        blank="not_asked",
        keys=RECIPIENTS,
        heading="Sharing with {key_lower}",
        gap="The child has not been asked about sharing with {gap_words}.",
        gap_for={"social_worker": "their social worker", "police": "the police"},
    ),
    *(
        Field(
            f"consent.{RECIPIENT}.part_{part}",
            FLAG,
            words,
            "consent",
            "consent",
            hint="Tick the parts they agreed to share." if first else "",
            keys=RECIPIENTS,
            heading="Sharing with {key_lower}",
        )
        for first, (part, words) in zip(
            (True, *([False] * len(SHARED_PARTS))), SHARED_PARTS.items(), strict=False
        )
    ),
    Field(
        f"consent.{RECIPIENT}.words",
        TEXT,
        "What they said, in their words",
        "consent",
        "consent",
        # The child's own words about sharing, read back to them as theirs (read_back.py): like
        # child_message, never flagged or offered other words (domain/language.md).
        rows=2,
        keys=RECIPIENTS,
        heading="Sharing with {key_lower}",
    ),
    # The read-back: the answer and when are written by the read-back page's own button
    # (views.read_back), which stamps when; the changes asked for save as they are typed. They
    # stay in the record: they may name what the child does not want someone to know.
    Field(
        "read_back.answer",
        CHOICE,
        "When it was read back, {child} said",
        "read_back",
        "read_back",
        options=READ_BACK_ANSWERS,
        blank="",
        heading="Read back",
        gap="What will be shared was not read back to the child.",
    ),
    Field(
        "read_back.changes",
        TEXT,
        "The changes {child} asked for, in their words",
        "read_back",
        "record",
        rows=3,  # the child's own words: not for the writing check (as child_message)
        heading="Read back",
        child_view=True,
    ),
    Field("read_back.at", WHEN, "When", "read_back", "read_back", heading="Read back"),
)


# ---- looking fields up -----------------------------------------------------------------------


def _pattern_key(parts: list[str]) -> str:
    """A path with its second part, if any, made anonymous: "sections.*.text"."""
    if len(parts) < 2:
        return ".".join(parts)
    return ".".join([parts[0], "*", *parts[2:]])


class _Index:
    """The catalogue, checked and indexed. Rebuilt when `FIELDS` is replaced (tests do)."""

    def __init__(self, fields: tuple[Field, ...]) -> None:
        self.fields = fields
        self.exact: dict[str, Field] = {}
        self.patterns: dict[str, list[Field]] = {}
        self.shapes: dict[str, str] = {}
        self.position: dict[int, int] = {}
        for position, f in enumerate(fields):
            self._check(f)
            self.position[id(f)] = position
            if f.placeholder:
                self.patterns.setdefault(_pattern_key(f.parts), []).append(f)
            else:
                if f.path in self.exact:
                    raise CatalogueError(f"{f.path}: in the catalogue twice")
                self.exact[f.path] = f
            shape = _shape(f)
            if self.shapes.setdefault(f.head, shape) != shape:
                raise CatalogueError(
                    f"{f.path}: {f.head} cannot hold both a {shape} and a {self.shapes[f.head]}"
                )

    @staticmethod
    def _check(f: Field) -> None:
        parts = f.parts
        if f.kind not in KINDS:
            raise CatalogueError(f"{f.path}: no kind {f.kind!r}")
        if any(
            p.startswith("<") and (i != 1 or p not in PLACEHOLDERS) for i, p in enumerate(parts)
        ) or not all(parts):
            raise CatalogueError(
                f"{f.path}: a placeholder ({', '.join(PLACEHOLDERS)}) can only be the second part"
            )
        if f.page not in ("", SECTION, *PAGE_IDS) or f.part not in (SECTION, *PARTS):
            raise CatalogueError(f"{f.path}: no page {f.page!r} or sharing part {f.part!r}")
        if SECTION in (f.page, f.part) and f.placeholder != SECTION:
            raise CatalogueError(f"{f.path}: only a <section> field is on its section's page")
        if f.placeholder and f.placeholder != ITEM and not f.keys:
            raise CatalogueError(f"{f.path}: {f.placeholder} needs its keys")
        if f.kind == CHOICE and f.empty not in f.options:
            raise CatalogueError(f"{f.path}: a choice needs options, its blank among them")
        if f.kind == ENTRY and (f.placeholder != ITEM or len(parts) != 2):
            raise CatalogueError(f"{f.path}: an entry is <list>.<item>")

    def find(self, path: str) -> Placed | None:
        exact = self.exact.get(path)
        if exact is not None:
            return Placed(exact, path)
        parts = path.split(".")
        for f in self.patterns.get(_pattern_key(parts), ()):
            key = parts[1]
            if (f.keys is not None and key in f.keys) or (f.placeholder == ITEM and key):
                return Placed(f, path, key)
        return None


def _shape(f: Field) -> str:
    """How the document holds a field's head: one value, an object of fields, an object of
    objects (one per key), or a list of entries."""
    if f.placeholder == ITEM:
        return "list"
    return {1: "value", 2: "fields"}.get(len(f.parts), "groups")


_index_cache: list[_Index] = []


def _index() -> _Index:
    if not _index_cache or _index_cache[0].fields is not FIELDS:
        _index_cache[:] = [_Index(FIELDS)]
    return _index_cache[0]


def catalogue() -> tuple[Field, ...]:
    """Every field, in the order the pages ask them."""
    return _index().fields


def find(path: str) -> Placed | None:
    """The field at a concrete path, or None when the interview has no such field."""
    return _index().find(path)


def position(f: Field) -> int:
    return _index().position.get(id(f), len(_index().fields))


def heads() -> dict[str, str]:
    """Each top-level key of the document and its shape: "value", "fields", "groups" or
    "list"; in the order the pages ask them."""
    return dict(_index().shapes)


def lists() -> list[str]:
    """The lists of entries: "places", "people", "actions"."""
    return [head for head, shape in heads().items() if shape == "list"]


def entry(kind: str) -> Field:
    """The entry of a list: its noun is the label ("Place"), its heading the list's."""
    for f in catalogue():
        if f.kind == ENTRY and f.head == kind:
            return f
    raise KeyError(kind)


def entry_fields(kind: str, item_id: str = ITEM) -> list[Placed]:
    """The fields of one entry of a list, in the order the page shows them."""
    return [
        Placed(f, f"{kind}.{item_id}.{f.name}", item_id)
        for f in catalogue()
        if f.head == kind and f.placeholder == ITEM and f.kind != ENTRY
    ]


def keys_of(f: Field) -> list[str]:
    return list(f.keys or {}) if f.placeholder else [""]


def _placed(f: Field, key: str) -> Placed:
    if not f.placeholder:
        return Placed(f, f.path, "")
    parts = f.parts
    return Placed(f, ".".join([parts[0], key, *parts[2:]]), key)


def gap_text(placed: Placed, document: Mapping[str, Any]) -> str:
    """What the review says while `placed` is blank ("" when nothing is said for it)."""
    f = placed.field
    if not f.gap or (f.gap_for is not None and placed.key not in f.gap_for):
        return ""
    entry_kind = ""
    if f.placeholder == ITEM:
        entry = next((e for e in document.get(f.head, []) if e.get("id") == placed.key), {})
        kind_field = find(f"{f.head}.{placed.key}.kind")
        if kind_field is not None:
            entry_kind = kind_field.options.get(str(entry.get("kind", "")), "Other")
    return (
        _fill(f.gap, placed.key_words, CHILD)
        .replace("{entry_kind}", entry_kind)
        .replace("{gap_words}", (f.gap_for or {}).get(placed.key, ""))
    )


def on_page(page_id: str) -> list[Placed]:
    """The fields a page asks, outside list entries, in catalogue order (each field for each of
    its keys in turn)."""
    return [
        placed
        for f in catalogue()
        if f.placeholder != ITEM
        for placed in (_placed(f, key) for key in keys_of(f))
        if placed.page == page_id and placed.asked
    ]


def group(head: str, key: str) -> list[Placed]:
    """The fields one key of a head has on its page: `consent.police.*`, `push.bullying.*`."""
    return [
        _placed(f, key)
        for f in catalogue()
        if f.head == head
        and f.placeholder
        and f.placeholder != ITEM
        and key in (f.keys or {})
        and _placed(f, key).asked
    ]


def expand(f: Field, document: Mapping[str, Any] | None = None) -> list[Placed]:
    """The concrete paths of a field: in a document, those it has (a list's entries, the
    factors ticked so far); without one, every path a blank document has."""
    if f.placeholder == ITEM:
        if document is None or f.kind == ENTRY:
            return []
        return [
            Placed(f, f"{f.head}.{item.get('id')}.{f.name}", str(item.get("id")))
            for item in document.get(f.head, [])
            if isinstance(item, dict)
        ]
    if f.placeholder in MADE_WHEN_WRITTEN:
        present = document.get(f.head, {}) if document is not None else {}
        return [_placed(f, key) for key in keys_of(f) if key in present]
    return [_placed(f, key) for key in keys_of(f)]


def paths(document: Mapping[str, Any] | None = None) -> list[Placed]:
    """Every field of a document (a blank one when None), in catalogue order."""
    return [placed for f in catalogue() for placed in expand(f, document)]


# ---- words for a path away from its page -----------------------------------------------------


def _locate(
    documents: Iterable[Mapping[str, Any]],
    kind: str,
    item_id: str,
) -> tuple[int, Mapping[str, Any]]:
    for document in documents:
        for number, item in enumerate(document.get(kind, []), start=1):
            if isinstance(item, dict) and item.get("id") == item_id:
                return number, item
    return 0, {}


def entry_name(kind: str, number: int, item: Mapping[str, Any]) -> str:
    """ "Place 2 (Jay's flat)", "Action 1 (School)": the noun, the number, and the words of the
    entry's first field."""
    first = next(iter(entry_fields(kind)), None)
    value = item.get(first.name) if first is not None else ""
    name = (
        first.options.get(str(value), "")
        if first is not None and first.kind == CHOICE
        else str(value or "").strip()
    )
    return (
        entry(kind).label + (f" {number}" if number else "") + (f" ({name[:60]})" if name else "")
    )


def title(path: str, documents: Iterable[Mapping[str, Any]] = (), child: str = CHILD) -> str:
    """A field's title away from its page: its heading and its label ("Before we start: Where
    the chat was held", "Place 2 (Jay's flat): Area or town"). The path itself when rhi has no
    such field. `documents` are searched for a list entry's number and name."""
    placed = find(path)
    if placed is None:
        return path
    if placed.field.placeholder == ITEM:
        number, item = _locate(documents, placed.field.head, placed.key)
        start = entry_name(placed.field.head, number, item)
        if placed.kind == ENTRY:
            return start
    else:
        start = placed.heading(child)
    label = placed.label(child)
    return f"{start}: {label}" if start else label


def order(path: str, documents: Iterable[Mapping[str, Any]] = ()) -> tuple[Any, ...]:
    """Sorts paths the way the pages ask them: by page, then by what they belong to (a section,
    a factor, a recipient, a list entry), then by field."""
    placed = find(path)
    if placed is None:
        return (len(PAGE_IDS), 0, 0, 0, path)
    f = placed.field
    heads_in_order = list(_index().shapes)
    if f.placeholder == ITEM:
        belongs = _locate(documents, f.head, placed.key)[0]
    else:
        belongs = keys_of(f).index(placed.key) if placed.key in keys_of(f) else 0
    page = PAGE_IDS.index(placed.page) if placed.page in PAGE_IDS else len(PAGE_IDS)
    return (page, heads_in_order.index(f.head), belongs, position(f), path)


def writing_checked(document: Mapping[str, Any]) -> Iterator[Placed]:
    """Every path in a document the writing check reads."""
    return (placed for placed in paths(document) if placed.check_writing)


_index()  # a broken entry stops rhi starting, naming the field
