"""Fictional demo data: realistic enough to train on, nobody real.

Loading is idempotent: teams and users are found by name and email, children by name, episodes
by police reference. Times are set relative to now, so a fresh load always has children due
soon, overdue, and some with repeat episodes; dates of birth too, so each child is the age they
were written at (a worker's probe: born on fixed dates, the demo's children grew up while their
episodes stayed recent, and a young man of 18 sat on the list of returns waiting for a child's
interview). The words follow the language guide
(rhi's own language check runs over this text in the tests).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from rhi import deadlines
from rhi.extensions import db
from rhi.models import Child, ContactAttempt, Episode, Interview, InterviewStatus, Team, User
from rhi.models.base import utcnow
from rhi.models.settings import Setting
from rhi.passwords import hash_password
from rhi.timefmt import to_local

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - fictional accounts, given in the README

TEAMS = ["Missing Children Team North", "Missing Children Team South", "Children in Care Team A"]

# email, name, role, team index
USERS = [
    ("worker@example.org", "Sam Ahmed", "worker", 0),
    ("worker.north2@example.org", "Bethan Lloyd", "worker", 0),
    ("worker.south@example.org", "Kwame Mensah", "worker", 1),
    ("social.worker@example.org", "Jo Smith", "social_worker", 2),
    ("social.worker2@example.org", "Priya Nair", "social_worker", 2),
    # The team's shared duty inbox: a summary goes here when a child has no allocated social
    # worker (most children missing from home), so finishing always has somewhere to send it.
    ("duty@example.org", "Children's duty inbox", "social_worker", 2),
    ("manager@example.org", "Alex Morgan", "manager", 0),
    ("manager.south@example.org", "Chris Doyle", "manager", 1),
    ("coordinator@example.org", "Nia Evans", "coordinator", 0),
    ("admin@example.org", "Pat Quinn", "admin", None),
]

# Demo children whose worker chose simpler question words than their age would give
# (rhi/interviews/child_words.py): Dylan, 15, reads best with the under-11 words.
EASY_READ = {"Dylan": "under_11"}

DUTY_INBOX = "duty@example.org"  # RHI_DUTY_INBOX in the demo (rhi/settings.py)

# The year the demo's dates of birth are written for: a load in a later year moves them on by as
# many years (`_born`), so the ages stay as written.
AGES_AS_OF = 2026

# first, last, preferred, dob, sex, gender, ethnicity, language, interpreter, legal, placement,
# social worker email
CHILDREN = [
    (
        "Amara",
        "Okoye",
        None,
        date(2010, 3, 14),
        "Female",
        "Girl",
        "black_african",
        "English",
        False,
        "looked_after",
        "childrens_home",
        "social.worker@example.org",
    ),
    (
        "Tyler",
        "Brooks",
        None,
        date(2009, 7, 2),
        "Male",
        "Boy",
        "white_british",
        "English",
        False,
        "looked_after",
        "foster",
        "social.worker@example.org",
    ),
    (
        "Jayden",
        "Campbell",
        "Jay",
        date(2011, 1, 22),
        "Male",
        "Boy",
        "black_caribbean",
        "English",
        False,
        "child_protection",
        "home",
        "social.worker@example.org",
    ),
    (
        "Maya",
        "Kowalska",
        None,
        date(2012, 9, 5),
        "Female",
        "Girl",
        "white_other",
        "Polish",
        True,
        "child_in_need",
        "home",
        "social.worker@example.org",
    ),
    (
        "Zain",
        "Hussain",
        None,
        date(2009, 5, 30),
        "Male",
        "Boy",
        "asian_pakistani",
        "Urdu",
        False,
        "looked_after",
        "supported",
        "social.worker@example.org",
    ),
    (
        "Ellie",
        "Price",
        None,
        date(2013, 4, 18),
        "Female",
        "Girl",
        "white_british",
        "English",
        False,
        "looked_after",
        "kinship",
        "social.worker@example.org",
    ),
    (
        "Leon",
        "Walker-Osei",
        None,
        date(2010, 6, 9),
        "Male",
        "Boy",
        "mixed_white_black_african",
        "English",
        False,
        "looked_after",
        "childrens_home",
        "social.worker2@example.org",
    ),
    (
        "Nadia",
        "Rahman",
        None,
        date(2009, 2, 27),
        "Female",
        "Girl",
        "asian_bangladeshi",
        "Sylheti",
        True,
        "child_in_need",
        "home",
        "social.worker2@example.org",
    ),
    (
        "Dylan",
        "McCarthy",
        None,
        date(2011, 8, 12),
        "Male",
        "Boy",
        "white_gypsy_irish_traveller",
        "English",
        False,
        "child_protection",
        "home",
        "social.worker2@example.org",
    ),
    (
        "Aisha",
        "Farouk",
        None,
        date(2010, 12, 1),
        "Female",
        "Girl",
        "other_arab",
        "Arabic",
        True,
        "looked_after",
        "foster",
        "social.worker2@example.org",
    ),
    (
        "Kai",
        "Chen",
        None,
        date(2014, 5, 25),
        "Male",
        "Boy",
        "asian_chinese",
        "English",
        False,
        "none",
        "home",
        None,
    ),
    (
        "Riley",
        "Evans",
        None,
        date(2009, 6, 3),
        "Female",
        "Non-binary",
        "white_british",
        "English",
        False,
        "looked_after",
        "supported",
        "social.worker2@example.org",
    ),
    (
        "Mohamed",
        "Abdi",
        None,
        date(2009, 4, 7),
        "Male",
        "Boy",
        "black_other",
        "Somali",
        True,
        "looked_after",
        "childrens_home",
        "social.worker@example.org",
    ),
    (
        "Grace",
        "Adeyemi",
        None,
        date(2012, 1, 16),
        "Female",
        "Girl",
        "mixed_other",
        "English",
        False,
        "child_in_need",
        "home",
        "social.worker@example.org",
    ),
]

PROFILES = {
    "Amara": (
        "Tall, short braided hair, often wears a grey hooded coat.",
        "Friends from school in Leeds; an adult known as 'Dee' who police are concerned about.",
        "Leeds city centre bus station; a flat on the Beeston estate.",
        "Mobile ending 0417; uses Snapchat.",
        "Buses; has been given lifts by adults.",
        "Asthma: carries an inhaler.",
    ),
    "Tyler": (
        "Slim, fair hair, usually in a black tracksuit.",
        "Older cousins in Bradford.",
        "Bradford Interchange; his cousin's house.",
        "Mobile ending 2209.",
        "Trains to Bradford.",
        "None known.",
    ),
}

# child first name, police ref suffix, risk grade, DfE type, started (hours ago), missing for
# (hours; None = still missing), assigned team index or worker email, found where, found by,
# notes, interview status (None = not started)
EPISODES: list[tuple] = [
    (
        "Amara",
        "01",
        "High",
        "M",
        30,
        20,
        0,
        "Beeston, Leeds",
        "Police",
        "Tired and cold. An adult had bought her food and a phone top-up. Not ready to talk yet.",
        None,
    ),
    (
        "Amara",
        "02",
        "Medium",
        "M",
        200,
        26,
        0,
        "Leeds bus station",
        "Police",
        "Hungry. Had new trainers nobody had bought her.",
        "finished",
    ),
    ("Amara", "03", "Medium", "A", 420, 9, 0, "Friend's house", "Carer", None, "declined"),
    ("Amara", "04", "Medium", "M", 600, 15, 0, "Beeston, Leeds", "Police", None, "finished"),
    (
        "Tyler",
        "01",
        "Medium",
        "M",
        60,
        16,
        "worker@example.org",
        "Bradford",
        "Police",
        "Seen by police at his cousin's house. Had not slept.",
        "offered",
    ),
    ("Tyler", "02", "Low", "A", 900, 6, 0, "Town centre", "Carer", None, "finished"),
    (
        "Jayden",
        "01",
        "High",
        "M",
        90,
        10,
        0,
        "Doncaster",
        "British Transport Police",
        "Found on a train to Doncaster with £300 in cash and two phones. An adult had given him "
        "a train ticket.",
        "unable_to_contact",
    ),
    (
        "Jayden",
        "02",
        "High",
        "M",
        280,
        40,
        0,
        "Doncaster",
        "Police",
        "A flat used by adults to sell drugs. Jayden had a cut on his hand.",
        "finished",
    ),
    ("Jayden", "03", "Medium", "M", 500, 12, 0, "Sheffield", "Police", None, "finished"),
    (
        "Maya",
        "01",
        "Low",
        "M",
        12,
        5,
        0,
        "Grandmother's flat",
        "Parent",
        "With her grandmother. Upset after an argument at home.",
        None,
    ),
    (
        "Zain",
        "01",
        "Medium",
        "A",
        40,
        30,
        0,
        "Manchester",
        "Police",
        "Came back by himself. Said he had been staying with friends.",
        "accepted",
    ),
    ("Zain", "02", "Medium", "M", 2000, 48, 0, "Manchester", "Police", None, "finished"),
    (
        "Ellie",
        "01",
        "Low",
        "M",
        8,
        3,
        "worker@example.org",
        "Park near home",
        "Carer",
        "Found by her aunt in the park. Had been crying.",
        None,
    ),
    (
        "Leon",
        "01",
        "High",
        "M",
        100,
        70,
        1,
        "Birmingham",
        "Police",
        "Returned after nearly three days with a new phone; where it came from is not known yet.",
        None,
    ),
    ("Leon", "02", "Medium", "M", 350, 20, 1, "Birmingham", "Police", None, "finished"),
    ("Leon", "03", "Medium", "A", 560, 8, 1, "Town centre", "Carer", None, "finished"),
    (
        "Nadia",
        "01",
        "Medium",
        "M",
        50,
        14,
        1,
        "Friend's house",
        "Parent",
        "Worried about a family plan for her to travel abroad.",
        "offered",
    ),
    ("Dylan", "01", "Low", "M", 20, 7, 0, "Family site", "Parent", None, None),
    (
        "Aisha",
        "01",
        "High",
        "M",
        110,
        36,
        0,
        "London",
        "Metropolitan Police",
        "Found in London with an adult man aged about 30 who is not known to the family.",
        "in_progress",
    ),
    ("Aisha", "02", "Medium", "M", 700, 18, 0, "London", "Police", None, "finished"),
    (
        "Kai",
        "01",
        "No apparent risk",
        "M",
        26,
        4,
        "worker@example.org",
        "School",
        "Parent",
        "Stayed late at a friend's after school and his phone ran out of charge.",
        None,
    ),
    (
        "Riley",
        "01",
        "Medium",
        "A",
        74,
        24,
        1,
        "Supported flat of a friend",
        "Police",
        "Said they had not eaten for a day.",
        None,
    ),
    ("Riley", "02", "Medium", "M", 3, None, 1, None, None, None, None),
    (
        "Mohamed",
        "01",
        "High",
        "M",
        78,
        22,
        0,
        "Sheffield",
        "Police",
        "Had been taken to another town by adults. Police are concerned about county lines.",
        None,
    ),
    ("Mohamed", "02", "High", "M", 240, 30, 0, "Sheffield", "Police", None, "finished"),
    ("Mohamed", "03", "Medium", "M", 400, 12, 0, "Rotherham", "Police", None, "declined"),
    (
        "Grace",
        "01",
        "Low",
        "M",
        16,
        6,
        0,
        "Shopping centre",
        "Parent",
        "Went to the shopping centre after a difficult day at school.",
        None,
    ),
    ("Grace", "02", "Low", "M", 1500, 5, 0, "Friend's house", "Parent", None, "finished"),
]


def _demo_duty_inbox() -> None:
    """The demo's duty inbox, as an administrator would set it on the settings page, unless one
    is set already (loading the demo again keeps an administrator's choice)."""
    if db.session.get(Setting, "RHI_DUTY_INBOX") is None:
        db.session.add(Setting(name="RHI_DUTY_INBOX", value=DUTY_INBOX))


def _get_or_create_team(name: str) -> Team:
    team = db.session.scalar(select(Team).where(Team.name == name))
    if team is None:
        team = Team(name=name)
        db.session.add(team)
        db.session.flush()
    return team


def _born(written: date, now: datetime) -> date:
    """`written` (a date of birth as the demo gives it, for AGES_AS_OF) moved on to `now`'s year:
    the same age on the same day of the year (29 February, were there one, on the 28th)."""
    year = written.year + to_local(now).year - AGES_AS_OF
    try:
        return written.replace(year=year)
    except ValueError:
        return written.replace(year=year, day=28)


def load_demo(now: datetime | None = None) -> dict[str, int]:
    now = now or utcnow()
    teams = [_get_or_create_team(n) for n in TEAMS]

    users: dict[str, User] = {}
    password_hash = hash_password(DEMO_PASSWORD)  # one hash: argon2 is slow by design
    for email, name, role, team_index in USERS:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(
                email=email,
                name=name,
                role=role,
                password_hash=password_hash,
                team=teams[team_index] if team_index is not None else None,
            )
            db.session.add(user)
        users[email] = user
    db.session.flush()
    _demo_duty_inbox()

    children: dict[str, Child] = {}
    for (
        first,
        last,
        preferred,
        dob,
        sex,
        gender,
        eth,
        language,
        interpreter,
        legal,
        placement,
        sw_email,
    ) in CHILDREN:
        dob = _born(dob, now)
        # By name only: a load in a later year moves the date of birth on (`_born`).
        child = db.session.scalar(
            select(Child).where(Child.first_name == first, Child.last_name == last)
        )
        if child is None:
            child = Child(
                first_name=first,
                last_name=last,
                preferred_name=preferred,
                date_of_birth=dob,
                sex=sex,
                gender=gender,
                ethnicity=eth,
                first_language=language,
                interpreter_needed=interpreter,
                legal_status=legal,
                placement_type=placement,
                home_authority="Westshire Council",
                placing_authority="Westshire Council" if legal == "looked_after" else None,
                social_worker=users[sw_email] if sw_email else None,
            )
            if first in PROFILES:
                (
                    child.description,
                    child.friends_and_associates,
                    child.places_known,
                    child.phones_and_social_media,
                    child.transport,
                    child.medical_needs,
                ) = PROFILES[first]
            db.session.add(child)
        # Loaded again a year on (or first loaded before dates of birth moved): the age as
        # written, as a fresh load gives (rev38: loaded again, the children stayed born in 2008).
        child.date_of_birth = dob
        if first in EASY_READ and child.question_band is None:
            child.question_band = EASY_READ[first]
        children[first] = child
    db.session.flush()

    worker = users["worker@example.org"]
    for (
        first,
        ref,
        grade,
        dfe_type,
        started_ago,
        hours_missing,
        assigned,
        found_where,
        found_by,
        notes,
        status,
    ) in EPISODES:
        child = children[first]
        police_reference = f"WY-{child.last_name[:3].upper()}-{ref}"
        if db.session.scalar(
            select(Episode.id).where(Episode.police_reference == police_reference)
        ):
            continue
        started = now - timedelta(hours=started_ago)
        returned = started + timedelta(hours=hours_missing) if hours_missing else None
        episode = Episode(
            child=child,
            police_reference=police_reference,
            risk_grade=grade,
            dfe_type=dfe_type,
            started_at=started,
            returned_at=returned,
            reported_by="Carer" if child.legal_status == "looked_after" else "Parent",
            found_where=found_where,
            found_by=found_by,
            safe_and_well_notes=notes,
        )
        if isinstance(assigned, str):
            episode.assigned_worker = users[assigned]
        else:
            episode.assigned_team = teams[assigned]
        db.session.add(episode)
        if status and returned:
            _demo_interview(episode, returned, status, worker, now)
    db.session.flush()
    _demo_shared_summary(children["Amara"], worker)
    db.session.commit()
    return {
        "teams": len(teams),
        "users": len(users),
        "children": len(children),
        "episodes": db.session.query(Episode).count(),
    }


def _demo_interview(
    episode: Episode, returned: datetime, status: str, worker: User, now: datetime
) -> None:
    offered = min(returned + timedelta(hours=4), now)
    hours = current_app.config["RHI_DEADLINE_HOURS"]  # the council's own deadline
    interview = Interview(
        status=status,
        due_at=deadlines.due_at(returned, hours),
        worker=worker,
        offered_at=offered,
        offer_method="phone",
        content={},
    )
    interview.episodes.append(episode)
    if status in {InterviewStatus.FINISHED, InterviewStatus.ACCEPTED, InterviewStatus.IN_PROGRESS}:
        interview.accepted_at = offered
    if status == InterviewStatus.IN_PROGRESS:
        # Begun is held (rhi/interviews/service.py, on starting): an interview being written up
        # is not counted overdue, and its held time is what the figures measure.
        interview.held_at = min(offered + timedelta(hours=2), now)
    if status == InterviewStatus.FINISHED:
        interview.held_at = interview.finished_at = min(returned + timedelta(hours=50), now)
        interview.outcome, interview.outcome_at = "held", interview.held_at
    if status == InterviewStatus.DECLINED:
        interview.declined_at = offered
        interview.decline_reason = "I don't want to talk about it right now. Maybe next time."
        # "Maybe next time": the offer stays open, to be made again (RHI_REOFFER_DAYS).
        interview.reoffer_at = offered + timedelta(days=current_app.config["RHI_REOFFER_DAYS"])
    if status == InterviewStatus.UNABLE_TO_CONTACT:
        interview.offered_at = None
        interview.contact_attempts.append(
            ContactAttempt(
                attempted_at=min(returned + timedelta(hours=3), now),
                method="phone",
                outcome="no_answer",
                recorded_by=worker,
            )
        )
        interview.contact_attempts.append(
            ContactAttempt(
                attempted_at=min(returned + timedelta(hours=26), now),
                method="visit",
                outcome="not_in",
                note="Left a card with the carer.",
                recorded_by=worker,
            )
        )
    db.session.add(interview)


# A finished interview with Amara, written the way we hope workers will write: the child's own
# words in quotation marks, what was done to her and by whom, and what she wants.
AMARA_INTERVIEW = {
    "start.explained_voluntary": True,
    "start.explained_confidentiality": True,
    "start.location": "A café near her school, her choice",
    "start.present": "Amara and the interviewer",
    "sections.before.text": "Amara said things at the home had been hard since a new young person "
    "moved in. \u201cNobody listens when I say I'm scared of her.\u201d",
    "sections.away.text": "Amara stayed two nights at a flat in Beeston. An adult she knows as "
    "\u2018Dee\u2019 bought her food and topped up her phone, and told her not to tell anyone. "
    "She slept on a sofa. She was given alcohol.",
    "sections.after.text": "\u201cTired. A bit embarrassed. Glad to have a shower.\u201d",
    "sections.help.text": "She would like to talk to her social worker about moving to a "
    "placement nearer her nan, and agreed to meet the exploitation team's youth worker.",
    "sections.own_words.text": "\u201cI want Jo to know I'm not being bad. I just didn't want to "
    "be there.\u201d",
    "sections.analysis.text": "Amara is 16 and is being groomed by an adult known as Dee, who uses "
    "food, phone credit and a place to stay to control her. Concerns of child sexual "
    "exploitation. Push factor: conflict in the placement.",
    "protective_factors": "A close relationship with her nan; attends school most days.",
    "risk_view": "high",
    "push.placement_relationships.on": True,
    "pull.exploiting_adults.on": True,
    "pull.gifts.on": True,
    "harms.sexual_exploitation.on": True,
    "harms.drugs_alcohol.on": True,
    "consent.social_worker.answer": "yes",
    "consent.social_worker.words": "Yes, Jo can know.",
    # "Only about Dee": the police are told the places and people part, not her whole story.
    "consent.police.answer": "some",
    "consent.police.part_places_people": True,
    "consent.police.words": "Only about Dee.",
    "consent.parents_carers.answer": "no",
    "consent.parents_carers.words": "Not the staff at the home, not yet.",
}


def _demo_shared_summary(child: Child, worker: User) -> None:
    """Amara's latest return: a finished interview, shared with her social worker's inbox."""
    from rhi.actions import tracking
    from rhi.interviews import content as c
    from rhi.models import Summary
    from rhi.summaries.service import share_with_social_worker

    # Her second episode (about eight days ago) has a finished interview; give it its words.
    episode = next((e for e in child.episodes if e.police_reference == "WY-OKO-02"), None)
    interview = episode.interview if episode is not None else None
    if interview is None or interview.content:
        return  # already loaded
    doc = c.empty_content()
    for path, value in AMARA_INTERVIEW.items():
        doc = c.set_field(doc, path, value)
    doc, place = c.add_item(doc, "places")
    doc = c.set_field(doc, f"places.{place}.name", "A flat above the shops")
    doc = c.set_field(doc, f"places.{place}.area", "Beeston, Leeds")
    doc, person = c.add_item(doc, "people")
    for field, value in (
        ("name", "Dee"),
        ("age", "about 30"),
        ("relationship", "\u201ca friend\u201d"),
        ("concern", "Gives her gifts and a place to stay; may be exploiting her."),
    ):
        doc = c.set_field(doc, f"people.{person}.{field}", value)
    # Two actions agreed with her: a referral the exploitation team has not yet confirmed (past
    # its date, so it shows on the worker's and manager's pages) and a strategy meeting request
    # her social worker is told of.
    assert episode is not None
    agreed = to_local(episode.returned_at or utcnow()).date()
    for kind, owner_kind, owner, days, note in (
        (
            "exploitation_team",
            "other_agency",
            "Femi Adeyemi, exploitation team youth worker",
            5,
            "Amara agreed to meet the youth worker; she would like it to be at school.",
        ),
        ("strategy_meeting", "social_worker", "", 3, "Concerns of sexual exploitation by Dee."),
    ):
        doc, action = c.add_item(doc, "actions")
        doc = c.set_field(doc, f"actions.{action}.kind", kind)
        doc = c.set_field(doc, f"actions.{action}.owner_kind", owner_kind)
        doc = c.set_field(doc, f"actions.{action}.owner", owner)
        doc = c.set_field(doc, f"actions.{action}.due", str(agreed + timedelta(days=days)))
        doc = c.set_field(doc, f"actions.{action}.note", note)
    interview.content = doc
    db.session.flush()
    tracking.record_from(interview, worker)
    if not db.session.query(Summary).filter_by(interview_id=interview.id).count():
        share_with_social_worker(interview, worker)
        interview.held_at = interview.held_at or interview.finished_at
