"""A child takes back their agreement to share after the interview was finished.

The finished record is not edited, except this one way (rhi/models/consent_changes.py): a
recipient's consent answer is narrowed in the document, so every copy and page made after
follows it (rhi/sharing.py reads the document), the actions followed since finishing lose the
notes their readers may no longer read, and the change is kept with what the child said.
Copies that already left rhi cannot be called back: the copies panel marks them
(rhi/summaries/sent_before.py) and the worker is told.
"""

from __future__ import annotations

import copy
from datetime import date

from rhi import audit
from rhi.actions import tracking
from rhi.extensions import db
from rhi.interviews.content import RECIPIENTS, SHARED_PARTS, normalise
from rhi.models import ConsentChange, Interview, User
from rhi.sharing import agreed_parts


class ConsentChangeError(ValueError):
    """A change refused, with the form field it concerns."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def narrow(
    interview: Interview,
    user: User,
    *,
    recipient: str,
    keep: set[str],
    words: str,
    said_on: date,
    today: date,
) -> ConsentChange:
    """The child now agrees to share only `keep` (a subset of what they agreed) with
    `recipient`: none leaves them "no". Refused, naming the field, when it would widen what is
    shared or change nothing. The caller commits."""
    if not interview.locked:
        raise ConsentChangeError(
            "recipient", "The interview is not finished: change the answer on its sharing page."
        )
    if recipient not in RECIPIENTS:
        raise ConsentChangeError("recipient", "Choose who they no longer agree to share with.")
    if said_on > today:
        raise ConsentChangeError("said_on", "This can't be in the future. Check the date.")
    document = copy.deepcopy(normalise(interview.content))
    agreed = agreed_parts(document, recipient)
    label = RECIPIENTS[recipient].lower()
    if not agreed:
        raise ConsentChangeError(
            "recipient",
            f"They had not agreed to share anything with {label}: nothing to take back.",
        )
    if not keep <= agreed:
        raise ConsentChangeError(
            "keep",
            "This can only take parts away. To share more, ask the child again, or record a "
            "safeguarding decision.",
        )
    if keep == agreed:
        raise ConsentChangeError("keep", "Untick the parts they no longer agree to share.")
    before = dict(document["consent"][recipient])
    after = dict(before)
    after["answer"] = "some" if keep else "no"
    for part in SHARED_PARTS:
        after[f"part_{part}"] = part in keep
    document["consent"][recipient] = after
    interview.content = document
    change = ConsentChange(
        interview_id=interview.id,
        recipient=recipient,
        before=before,
        after=after,
        child_words=words.strip(),
        said_on=said_on,
        recorded_by_id=user.id,
    )
    db.session.add(change)
    taken = [part for part in SHARED_PARTS if part in agreed - keep]
    audit.record(
        "consent.narrow",
        user=user,
        object_type="interview",
        object_id=interview.uuid,
        child_id=interview.child_id,
        detail=f"{recipient}: no longer {', '.join(taken)}",
    )
    # The actions followed since finishing keep notes only their readers may read.
    tracking.share_notes(interview, user)
    return change
