"""The words a child's record trail says things in (rhi/children/trail.py): what each action
recorded by rhi was, which record it was about, and the names of fields, sources and readers
its details hold as codes. Words only, apart from the trail's logic, so a new action is one line
here (tests/unit/test_trail_words_cover_actions.py fails on an action with none)."""

from __future__ import annotations

from rhi.models.children import PROFILE_FIELDS
from rhi.models.interviews import InterviewStatus

# What each action recorded by rhi (audit.record's first argument) says on the trail: what the
# person did, in the words of the pages they did it on. Every action rhi records is here, so a
# new one cannot reach a manager as a code (tests/unit/test_trail_words_cover_actions.py).
WORDS: dict[str, str] = {
    # Looking at and changing the child's record
    "child.create": "Added the child's record",
    "child.view": "Looked at the child's record",
    "child.update": "Changed the child's details",
    "child.possible_match": "Shown as a possible match for another child",
    "child.checked_elsewhere": "Found when another team checked whether it keeps this child",
    "child.profile.view": "Looked at the profile",
    "child.profile.update": "Changed the profile",
    "child.profile.pdf": "Printed the profile",
    "child.photo.view": "Looked at the photo",
    "child.photo.update": "Changed the photo",
    "child.photo.remove": "Removed the photo",
    "child.hand_over": "Handed the child to another social worker",
    "children.list": "Looked at the list of children",
    "audit.view": "Looked at this record trail",
    "audit.refused": "Asked to see this record trail",
    "access.refused": "Asked to see a record they may not see",
    "change.refused": "Tried a change they may not make",
    "page.refused": "Asked for a page they may not see",
    # Missing episodes and returns
    "episode.create": "Recorded the time missing",
    "episode.update": "Changed the missing notification",
    "episode.return": "Recorded the return",
    "episode.return.update": "Changed the return",
    "episode.view": "Looked at the return",
    "episode.allocate": "Allocated the return",
    "episode.reallocate": "Moved the return",
    "returns.list": "Looked at the list of returns",
    "contact_attempt.create": "Recorded a try to reach the child",
    "notice.create": "Sent a message to a worker",
    "notice.dismiss": "Dismissed a message",
    # The interview
    "interview.create": "Offered the interview",
    "interview.status": "Changed the interview's progress",
    "interview.outcome": "Recorded how the return ended",
    "interview.cover": "Added a return to the interview",
    "interview.due": "Moved the interview's deadline",
    "interview.view": "Looked at the interview",
    "interview.save": "Saved the interview",
    "interview.add_item": "Added to a list in the interview",
    "interview.remove_item": "Removed from a list in the interview",
    "interview.language": "Answered a wording suggestion",
    "interview.addendum": "Added to the finished interview",
    "interview.read_back": "Recorded the child's answer at the read-back",
    "interview.child_copy": "Looked at the child's own copy",
    "interview.child_view_unlock": "Unlocked the screen after showing the child",
    "consent.narrow": "Recorded the child taking back some of their yes to sharing",
    "sharing.override": "Decided to share without the child's agreement",
    "sharing.confirm": "Confirmed a decision to share without the child's agreement",
    "sharing.decline": "Turned down a decision to share without the child's agreement",
    "sharing.decider": "Asked someone else to confirm a decision to share",
    "sharing.decision.view": "Looked at a decision to share",
    "decisions.list": "Looked at the decisions waiting for them",
    # Actions agreed at the interview
    "action.create": "Added an action",
    "action.change": "Changed an action",
    "action.status": "Changed how far an action has got",
    "action.child_told": "Recorded that the child was told about an action",
    "action.view": "Looked at an action",
    "action.hand_over": "Handed an action to another person",
    "actions.list": "Looked at the list of actions",
    # Summaries
    "summary.share": "Shared the summary",
    "summary.sent": "Recorded a copy as sent",
    "summary.sent.view": "Looked at the copies sent",
    "summary.download": "Downloaded a copy",
    "summary.view": "Looked at the summary",
    "summary.opened": "Opened the summary",
    "summary.acknowledge": "Said they had read the summary",
    "summary.question": "Asked a question about the summary",
    "summary.answer": "Answered a question about the summary",
    "summary.withdraw": "Withdrew the summary",
    "summary.hand_over": "Handed the summary to another person",
    "summary.pdf_state": "Checked whether the summary's PDF was ready",
    "summaries.list": "Looked at their inbox of summaries",
    # Work kept on a tablet
    "device.copy": "Kept a copy on a tablet",
    "sync.create": "Sent a new interview from a tablet",
    "sync.update": "Sent changes from a tablet",
    "sync.event": "Sent a step of the interview from a tablet",
    "sync.conflict": "Sent changes from a tablet that crossed with others",
    "sync.resolve": "Chose which of two versions to keep",
    "sync.held": "Sent work from a tablet that was kept for a person to look at",
    "sync.held.attach": "Added work kept from a tablet to the interview",
    "sync.held.pass_on": "Passed work kept from a tablet to another person",
    "sync.moving": "Was told the return had moved before sending from a tablet",
    "held.list": "Looked at the work kept from tablets",
    "held.view": "Looked at work kept from a tablet",
    # Police notifications
    "import.upload": "Uploaded a file of police notifications",
    "import.view": "Looked at a file of police notifications",
    "import.mapping": "Saved which columns a file's notifications are in",
    "import.apply": "Imported police notifications",
    "import.download": "Downloaded a file of police notifications",
    "import.waiting": "Left a police notification for a person to match",
    "import.waiting.update": "Corrected a police notification waiting for a person",
    "import.resolve": "Matched a police notification to a child",
    "import.refused": "A police notification was not taken in",
    "import.forget": "Removed files of police notifications never imported",
    "api.notifications": "Sent police notifications",
    "api.refused": "Police notifications were not taken in",
    "token.create": "Made a key for a system sending police notifications",
    "token.list": "Looked at the keys for systems",
    "token.revoke": "Stopped a system's key working",
    # The service's figures, exports and registers
    "service.view": "Looked at the service's figures",
    "service.pdf": "Downloaded the service's figures as a PDF",
    "service.csv": "Downloaded the service's figures as a spreadsheet",
    "service.records": "Looked at the returns behind a figure",
    "service.survey": "Looked at what children said of their interviews",
    "service.survey_csv": "Downloaded what children said of their interviews",
    "disparities.view": "Looked at the figures by group of children",
    "repeats.view": "Looked at children missing again and again",
    "export.view": "Looked at the exports",
    "export.check": "Checked an export",
    "export.problems": "Looked at an export's problems",
    "export.download": "Downloaded an export",
    "register.view": "Looked at the register of places and people",
    "register.entry": "Looked at an entry in the register",
    "register.decide": "Said whether two register entries are the same",
    "register.pack": "Made a register pack",
    "register.pack.child": "Included the child in a register pack",
    # Keeping and destroying records; the child's right to their record
    "retention.destroy": "Destroyed the record",
    "retention.hold_placed": "Placed a legal hold on the record",
    "retention.hold_lifted": "Lifted a legal hold on the record",
    "retention.report_view": "Looked at the records due to be destroyed",
    "retention.run": "Destroyed the records that were due",
    "retention.search": "Searched for a record to keep or destroy",
    "retention.child_view": "Looked at when the record is due to be destroyed",
    "subject_access.search": "Searched for a record asked for by the person it is about",
    "subject_access.view": "Looked at the record to give the person it is about",
    "subject_access.request": "Recorded a request for the record from the person it is about",
    "subject_access.export": "Made a copy of the record for the person it is about",
    # Downloads and background work
    "download.view": "Asked for a download",
    "download.file": "Downloaded a file",
    "jobs.view": "Looked at the background work",
    "job.failed": "Background work failed",
    "job.retry": "Started failed background work again",
    # Accounts, signing in and settings
    "sign_in": "Signed in",
    "sign_in.failed": "Could not sign in",
    "sign_in.paused": "Signing in was paused after too many tries",
    "sign_in.code_asked": "Was asked for a sign-in code",
    "sign_in.code_failed": "Gave a sign-in code that was not right",
    "sign_in.confirm_code_asked": "Was asked for a code to confirm it was them",
    "sign_in.confirm_failed": "Could not confirm it was them",
    "sign_in.confirmed": "Confirmed it was them",
    "sign_out": "Signed out",
    "account.password": "Changed their password",
    "account.reset_link": "Asked for a link to set a new password",
    "account.reset": "Set a new password from a link",
    "second_factor.on": "Turned on the second sign-in step",
    "second_factor.off": "Turned off the second sign-in step",
    "second_factor.reset_by_admin": "Reset a person's second sign-in step",
    "sessions.ended_by_user": "Signed out everywhere else",
    "sessions.ended_by_admin": "Signed a person out everywhere",
    "user.list": "Looked at the list of people",
    "user.create": "Added a person",
    "user.update": "Changed a person's account",
    "user.activate": "Let a person sign in again",
    "user.deactivate": "Stopped a person signing in",
    "team.create": "Added a team",
    "setting.view": "Looked at the settings",
    "setting.change": "Changed a setting",
}
# The Outcome column, by the audit row's outcome: what happened to what was asked for. Every
# outcome rhi records is here (tests/unit/test_trail_words_cover_actions.py); a failed job read
# "Allowed" before.
RESULTS: dict[str, str] = {
    "ok": "Allowed",
    "refused": "Refused",
    "failed": "Failed",
    "invalid": "Not valid",
    "not_found": "Not found",
}
OTHER_RESULT = "Not recorded"

# An action recorded before this table (or by a newer rhi than this page) is said in these
# words, never as its code.
OTHER_ACTION = "Did something the trail has no words for"
# "interview.status" that leaves the progress as it was: an offer or answer recorded (the offer
# is audited by the status it leads to, which may be the one it had).
SAME_PROGRESS = "Recorded an offer or the child's answer"

# The record a row is about, by the audit row's object_type. Returns and summaries are named
# from their own rows (`_record`); any other kind reads as these words.
RECORDS: dict[str, str] = {
    "child": "The child's record",
    "child_profile": "The child's profile",
    "interview": "The interview",
    "notice": "A message to a worker",
    "action": "An action agreed at the interview",
    "import_waiting": "A police notification waiting for a person",
    "elsewhere_check": "The child's record",
    "elsewhere_check_token": "The child's record",
    "import_row": "A police notification",
    "import": "A file of police notifications",
    "job": "A download",
    "legal_hold": "A legal hold on the record",
    "disclosure": "A copy of the record for the person it is about",
    "subject_access": "A request for the record from the person it is about",
    "held_work": "Work kept from a tablet",
    "page": "A page",
}
OTHER_RECORD = "Another record"

# Who sent a change that no person signed in made: the audit row names where it came from.
BY_COMMAND_LINE = "The server's command line"
NOT_RECORDED = "Not recorded"

# The names of fields in "changed: ..." details, as the forms call them.
FIELD_WORDS: dict[str, str] = {
    # A missing notification and a return (rhi/episodes/notifications.py)
    "police_reference": "the police reference",
    "started_at": "when they went missing",
    "reported_by": "who reported it",
    "reported_at": "when it was reported",
    "reported_to_police": "whether it was reported to the police",
    "missing_from": "where they went missing from",
    "risk_grade": "the police risk grade",
    "dfe_type": "missing or away without agreement",
    "returned_at": "when they came back",
    "found_where": "where they were found",
    "found_by": "who found them",
    "return_method": "how they came back",
    "safe_and_well_by": "who did the safe and well check",
    "safe_and_well_at": "when the safe and well check was",
    "safe_and_well_notes": "the safe and well notes",
    "safe_and_well_new": "anything new the child said at the check",
    # The child's details (rhi/children/views.py DETAIL_FIELDS)
    "first_name": "first name",
    "last_name": "last name",
    "preferred_name": "preferred name",
    "date_of_birth": "date of birth",
    "sex": "sex",
    "gender": "gender",
    "pronouns": "pronouns",
    "ethnicity": "ethnicity",
    "first_language": "first language",
    "interpreter_needed": "whether an interpreter is needed",
    "legal_status": "legal status",
    "home_authority": "home council",
    "placing_authority": "placing council",
    "placement_type": "placement",
    "school": "school",
    "social_worker_id": "social worker",
    "question_band": "the questions asked",
    **{name: label[0].lower() + label[1:] for name, label in PROFILE_FIELDS.items()},
}

# Where a change came from, as an import names it: `(file upload)` and the like.
SOURCES: dict[str, str] = {
    "file upload": "in an uploaded file",
    "command line": "through the server's command line",
    "a person confirmed the child": "once a person confirmed who the child is",
}

# Who a copy is for (rhi/interviews/fields.py RECIPIENTS), after "for" or "with".
FOR_WHOM: dict[str, str] = {
    "social_worker": "the social worker",
    "police": "the police",
    "parents_carers": "the parents or carers",
    "school": "the school",
    "health": "health services",
    "other": "someone else",
}

STATUS_WORDS = {s.value: s.label for s in InterviewStatus}
IMPORT_DECISIONS = {
    "same_child": "the same child as one rhi holds",
    "new_child": "a child new to rhi",
    "already_recorded": "already recorded",
}
SUMMARY_STATES = {
    "ready": "ready",
    "preparing": "being made",
    "retrying": "being made again",
    "failed": "could not be made",
}
LANGUAGE = {
    "replaced": "took the suggested words",
    "dismissed": "kept their own words",
    "reason": "said why they kept their own words",
}
CHILD_COPY = {"page": "on screen", "pdf": "as a PDF"}
VIEWS = {
    "versions": "its earlier versions",
    "allocation": "the page to allocate it",
}
