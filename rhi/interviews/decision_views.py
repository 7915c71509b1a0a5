"""The decider's side of a safeguarding decision: the decisions waiting for them, one decision
as recorded, and confirming it (rhi/interviews/decisions.py holds the rules)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from rhi import access, audit
from rhi.actions import tracking
from rhi.extensions import db
from rhi.forms.admin import ConfirmForm
from rhi.forms.interviews import DeclineForm
from rhi.interviews import content as c
from rhi.interviews import decisions
from rhi.models import SharingDecision
from rhi.sharing import CHILD_TOLD, withheld_items
from rhi.summaries import tracking as summary_tracking
from rhi.summaries.sent_before import sent_before
from rhi.summaries.service import (
    SummaryNotMade,
    recipient_label,
    share_after_decision,
    withdraw_and_send_again,
)
from rhi.timefmt import format_datetime

bp = Blueprint("decisions", __name__)


@bp.app_context_processor
def _waiting() -> dict[str, object]:
    def decisions_waiting() -> int:
        if not current_user.is_authenticated:
            return 0
        return decisions.count_waiting(current_user)

    return {"decisions_waiting": decisions_waiting}


def _get(decision_id: str) -> SharingDecision:
    """A decision, for someone who may see its child; anyone else: 404, audited."""
    row = db.session.scalar(
        select(SharingDecision).where(SharingDecision.decision_id == decision_id)
    )
    if row is None:
        abort(404)
    access.get_child(current_user, row.interview.child_id)  # audited 404 when not theirs
    return row


@bp.route("/decisions")
@login_required
def waiting() -> str:
    # Only decisions about children the decider may still see (rhi/interviews/decisions.py).
    visible = decisions.waiting_for(current_user)
    audit.record("decisions.list", user=current_user, detail=f"{len(visible)} waiting")
    # Shown before the commit: a commit expires the rows, and the page would load each again.
    page = render_template("decisions/waiting.html", rows=visible, labels=c.RECIPIENTS)
    db.session.commit()
    return page


@bp.route("/decisions/<decision_id>")
@login_required
def show(decision_id: str) -> str:
    row = _get(decision_id)
    if row.decider_id != current_user.id and not access.reads_whole_interview(
        current_user, row.interview
    ):
        audit.record(
            "sharing.decision.view",
            user=current_user,
            object_type="interview",
            object_id=row.interview.uuid,
            child_id=row.interview.child_id,
            outcome="refused",
        )
        db.session.commit()
        abort(403)
    audit.record(
        "sharing.decision.view",
        user=current_user,
        object_type="interview",
        object_id=row.interview.uuid,
        child_id=row.interview.child_id,
    )
    db.session.commit()
    return _page(row, DeclineForm(formdata=None))


def _page(row: SharingDecision, decline: DeclineForm) -> str:
    """The decision as recorded in the interview, and the kept-back words it releases, which
    its decider reads before confirming or declining."""
    entry = next(
        o for o in c.normalise(row.interview.content)["overrides"] if o.get("id") == row.decision_id
    )
    withheld = withheld_items(row.interview.content)
    released = [(withheld[path], _text_of(row, path)) for path in entry.get("releases", [])]
    return render_template(
        "decisions/show.html",
        row=row,
        entry=entry,
        child=row.interview.child,
        recipient=c.RECIPIENTS.get(row.recipient, row.recipient),
        parts=[w for p, w in c.SHARED_PARTS.items() if p in entry.get("parts", [])],
        released=released,
        confirm=ConfirmForm(),
        decline=decline,
        child_told=CHILD_TOLD,
    )


@bp.route("/decisions/<decision_id>/decline", methods=["POST"])
@login_required
def decline(decision_id: str) -> tuple[str, int] | Response:
    """The named decider says the decision is not to stand: it opens no copy made after (an
    urgent one stops). Copies sent while an urgent one was in force cannot be called back:
    the decider is told which, to speak to those who hold them."""
    row = _get(decision_id)
    form = DeclineForm()
    valid = form.validate_on_submit()
    if form.csrf_token.errors:
        abort(400)
    if row.decider_id != current_user.id:
        decisions.decline(row, current_user, "")  # refused, audited
        db.session.commit()
        abort(403)
    if not valid:
        return _page(row, form), 422
    was_in_force = row.in_force
    if not decisions.decline(row, current_user, form.reason.data.strip()):
        db.session.commit()
        flash("This decision was already confirmed or declined. Nothing has changed.", "info")
        return redirect(url_for("decisions.show", decision_id=decision_id))
    sent = _sent_while_in_force(row) if was_in_force else ""
    replaced = None
    if was_in_force and row.recipient == "social_worker" and row.interview.locked:
        # The summary kept in rhi held what it shared: withdrawn, and a new one made without.
        try:
            replaced = withdraw_and_send_again(
                row.interview, current_user, "a decision it held was declined"
            )
        except SummaryNotMade:
            db.session.rollback()
            flash(
                "Not declined yet: the social worker's new summary, without what it shared, "
                "could not be made just now. Try again.",
                "error",
            )
            return redirect(url_for("decisions.show", decision_id=decision_id))
    db.session.commit()
    if replaced is not None:
        sent += (
            " The social worker's summary, which held it, is withdrawn: a new one without it "
            f"is in {replaced.prepared_for_name}'s inbox."
        )
    label = c.RECIPIENTS.get(row.recipient, row.recipient).lower()
    flash(
        f"Declined. No copy for {label} made from now holds what it would have shared." + sent,
        "error" if sent else "success",
    )
    return redirect(url_for("decisions.show", decision_id=decision_id))


def _sent_while_in_force(row: SharingDecision) -> str:
    """What the decider is told of copies that left rhi while an urgent decision was in force:
    rhi cannot call them back (the summary kept in rhi is withdrawn: `decline`)."""
    interview = row.interview
    sendings = [
        s
        for s in summary_tracking.sendings_of(interview)
        if s.recipient == row.recipient and s.recorded_at >= row.recorded_at
    ]
    if not sendings:
        return ""
    where = [f"to {s.sent_to}, {format_datetime(s.sent_at)}" for s in sendings]
    return (
        " It was urgent, so it was in force until now: copies that hold what it shared went "
        f"out meanwhile ({'; '.join(where)}). rhi cannot call them back: speak to those who "
        "hold them."
    )


def _text_of(row: SharingDecision, path: str) -> str:
    """The words of a kept-back item a decision releases, for the person confirming it."""
    document = c.normalise(row.interview.content)
    head, _, rest = path.partition(".")
    if head == "sections":
        section, _, kept = rest.partition(".")
        return document["sections"][section]["kept_back" if kept else "text"]
    if head in ("places", "people"):
        entry = next((i for i in document[head] if i.get("id") == rest), {})
        return str(entry.get("name", ""))
    return str(document.get(head, {}).get(rest, {}).get("note", ""))


@bp.route("/decisions/<decision_id>/confirm", methods=["POST"])
@login_required
def confirm(decision_id: str) -> Response:
    row = _get(decision_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    done = decisions.confirm(row, current_user)
    if done and row.interview.locked:
        # The actions followed since finishing were kept without the notes this may share.
        tracking.share_notes(row.interview, current_user)
    again = None
    # The social worker's copy is made once, on finishing: one made before this decision came
    # into force needs a new one (an urgent decision was in force then: the copy holds it).
    copy_made_without_it = (
        done and row.recipient == "social_worker" and not row.urgent and row.interview.locked
    )
    if copy_made_without_it:
        try:
            again = share_after_decision(row.interview, current_user)
        except SummaryNotMade:
            # Not confirmed either: confirming again tries both (a confirmation kept without
            # its copy could never be sent).
            db.session.rollback()
            flash(
                "Not confirmed yet: the social worker's new summary, which holds what this "
                "decision shares, could not be made just now. Try confirming again.",
                "error",
            )
            return redirect(url_for("decisions.show", decision_id=decision_id))
    # Read before the commit: a commit expires the rows, and this would load each again.
    send_again = _copies_to_send_again(row) if done else ""
    db.session.commit()
    if again is not None:
        flash(
            "Confirmed. The social worker's summary was made before this decision, so a new "
            f"one that holds what it shares is in {again.prepared_for_name}'s inbox."
            + (f" {send_again}" if send_again else ""),
            "error" if send_again else "success",
        )
    elif not done:
        if row.decider_id != current_user.id:
            abort(403)
        flash("This decision was already confirmed. Nothing has changed.", "info")
    elif copy_made_without_it:
        # Nobody to send a new one to.
        flash(
            "Confirmed, but no summary was sent: the child has no social worker allocated and "
            "no duty inbox is set, so the copy made when the interview was finished does not "
            "hold what this decision shares. Tell the child's team."
            + (f" {send_again}" if send_again else ""),
            "error",
        )
    elif send_again:
        flash(f"Confirmed. {send_again}", "error")
    else:
        flash(
            "Confirmed. The copy for "
            f"{c.RECIPIENTS.get(row.recipient, row.recipient).lower()} holds what it shares.",
            "success",
        )
    return redirect(url_for("decisions.show", decision_id=decision_id))


def _copies_to_send_again(row: SharingDecision) -> str:
    """What the confirmer is told of copies for the decision's recipient that left rhi before
    it came into force, with none sent since: the recipient holds a copy without what it
    shares, and rhi cannot replace a copy sent outside it, so the interviewer must send a new
    one. "" when there are none."""
    found = sent_before(row)
    if found is None or found.sent_again:
        return ""
    interview = row.interview
    label = recipient_label(row.recipient, interview).lower()
    where = "; ".join(f"to {s.sent_to}, {format_datetime(s.sent_at)}" for s in found.before)
    one = len(found.before) == 1
    copies = "A copy" if one else f"{len(found.before)} copies"
    who = (
        f"{interview.worker.name}, who interviewed {interview.child.display_name},"
        if interview.worker is not None
        else "The worker who holds this return"
    )
    return (
        f"{copies} for {label} {'was' if one else 'were'} recorded as sent before this "
        f"decision came into force ({where}). {'It does' if one else 'They do'} not hold what "
        f"this decision shares. {who} needs to send a new copy for {label}: a copy made now "
        "holds it."
    )
