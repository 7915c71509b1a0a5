"""SQLAlchemy 2 typed models, one module per aggregate."""

from rhi.models.actions import FollowedAction
from rhi.models.audit import AuditEvent
from rhi.models.children import Child, ChildPhoto
from rhi.models.consent_changes import ConsentChange
from rhi.models.decisions import SharingDecision
from rhi.models.episodes import Episode
from rhi.models.held import HeldWork
from rhi.models.imports import (
    ImportBatch,
    ImportMapping,
    PolicePerson,
    ServiceToken,
    WaitingRow,
)
from rhi.models.interviews import (
    Addendum,
    ContactAttempt,
    Interview,
    InterviewStatus,
    interview_episodes,
)
from rhi.models.jobs import Job
from rhi.models.language import LanguageEvent
from rhi.models.people import Role, Team, User, UserSession
from rhi.models.register import RegisterDecision
from rhi.models.resets import PasswordReset
from rhi.models.retention import DestroyedChild, Disclosure, LegalHold
from rhi.models.settings import Setting, SettingChange, SummaryAddressee
from rhi.models.summaries import Summary, SummaryQuestion, SummarySending
from rhi.models.sync import SyncConflict, SyncRequest
from rhi.models.sync_events import SyncEvent
from rhi.models.throttle import SignInAddress, SignInFailure

__all__ = [
    "ConsentChange",
    "Job",
    "LanguageEvent",
    "PasswordReset",
    "DestroyedChild",
    "Disclosure",
    "LegalHold",
    "RegisterDecision",
    "Setting",
    "SettingChange",
    "SummaryAddressee",
    "Addendum",
    "SignInAddress",
    "SignInFailure",
    "SharingDecision",
    "Summary",
    "SummaryQuestion",
    "SummarySending",
    "SyncConflict",
    "SyncEvent",
    "SyncRequest",
    "AuditEvent",
    "FollowedAction",
    "Child",
    "ChildPhoto",
    "ContactAttempt",
    "Episode",
    "HeldWork",
    "ImportBatch",
    "ImportMapping",
    "PolicePerson",
    "ServiceToken",
    "WaitingRow",
    "Interview",
    "InterviewStatus",
    "Role",
    "Team",
    "User",
    "UserSession",
    "interview_episodes",
]
