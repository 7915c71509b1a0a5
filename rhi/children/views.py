"""Children: the list, a child's page, adding and changing a child, the standing profile with its
history and its one-page PDF for police, and the child's audit trail.

Every route asks rhi.access, and every read and change writes its audit row in the same
transaction as what it records.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from jinja2_fragments.flask import render_block
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from rhi import access, audit, numbers
from rhi.children import kept_elsewhere, listing, matching, trail
from rhi.children.profile_pdf import visible_episodes
from rhi.extensions import db
from rhi.forms.child_words import ChildWordsForm
from rhi.forms.children import ChildForm, ProfileForm
from rhi.interviews.child_words import BAND_CHOICES, BY_AGE, words_for
from rhi.jobs import downloads
from rhi.models import AuditEvent, Child, Episode, Role, Team, User
from rhi.models.base import utcnow
from rhi.models.children import PROFILE_FIELDS, ChildPhoto, ProfileChange
from rhi.summaries import service as summaries_service
from rhi.timefmt import to_local

bp = Blueprint("children", __name__)
# One wording of a return's Interview column for every page that lists returns.
bp.add_app_template_global(listing.interview_words, "interview_words")

FORM_PAGE = "children/form.html"
PROFILE_PAGE = "children/profile.html"

# The child's details on the form, in the order they are compared for the audit row.
DETAIL_FIELDS = (
    "first_name",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "sex",
    "gender",
    "pronouns",
    "ethnicity",
    "first_language",
    "interpreter_needed",
    "legal_status",
    "home_authority",
    "placing_authority",
    "placement_type",
    "school",
    "social_worker_id",
)


def _id_arg(name: str) -> int | None:
    return numbers.whole_number(request.args.get(name))


@bp.route("/children", methods=["GET", "POST"])
@login_required
def my_children() -> str:
    """The children the user may see, by name, 50 at a time, each with their latest episode;
    or, posted, the first 50 whose name holds what was searched (posted: a name never goes in
    an address). A page is keyed by the child at its edge and nothing counts the whole list, so
    it costs the same however many children the team has held (rhi/children/listing.py)."""
    if not access.can_see_children(current_user):
        abort(403)
    search = listing.search_words(request.form.get("q")) if request.method == "POST" else ""
    letter = None if search else request.args.get("from", "").strip().upper()[:1] or None
    page = listing.children_page(
        current_user,
        after=None if search else _id_arg("after"),
        before=None if search else _id_arg("before"),
        letter=letter,
        search=search,
    )
    if not page.children and (request.args.get("after") or request.args.get("before")):
        # The edge child has gone (moved on, or not theirs): start again from the top.
        page = listing.children_page(current_user, search=search)
    title = "My children" if access.has_inbox(current_user) else "Children"
    # Who read which page of names, as every list of children's records is (actions.list...).
    # A search is said, never its words: they are a child's name (as subject_access.search).
    audit.record(
        "children.list",
        object_type="child",
        object_id="list",
        detail=f"{len(page.children)} shown"
        + (f" from {letter}" if letter else "")
        + (", searched by name" if search else ""),
    )
    html = render_template(
        "children/list.html",
        page=page,
        letters=listing.LETTERS,
        letter=letter if letter in listing.LETTERS else None,
        search=search,
        search_longest=listing.SEARCH_LONGEST,
        paged=bool(page.next_after or page.previous_before or request.args.get("from")),
        title=title,
        now=utcnow(),
        can_add=access.can_record_children(current_user),
        for_you=access.has_inbox(current_user),  # a social worker's home page
    )
    db.session.commit()  # after drawing it: a commit expires what the page reads
    return html


def _history(child: Child) -> list[ProfileChange]:
    return list(
        db.session.scalars(
            select(ProfileChange)
            .where(ProfileChange.child_id == child.id)
            .options(selectinload(ProfileChange.changed_by))
            .order_by(ProfileChange.changed_at.desc(), ProfileChange.id.desc())
        )
    )


def _visible_episodes(child: Child) -> list[Episode]:
    return visible_episodes(current_user, child)


@bp.route("/children/<int:child_id>")
@login_required
def show(child_id: int) -> str:
    child = access.get_child(current_user, child_id)
    audit.record("child.view", object_type="child", object_id=child.id, child_id=child.id)
    db.session.commit()
    return render_template(
        "children/show.html",
        child=child,
        episodes=_visible_episodes(child),
        history=_history(child),
        now=utcnow(),
        can_read_audit=access.can_read_audit(current_user),
        can_change=access.can_record_children(current_user),
        can_edit_profile=access.can_edit_profile(current_user, child),
        words=words_for(child, to_local(utcnow()).date()),
        words_form=ChildWordsForm(formdata=None, question_band=child.question_band or BY_AGE),
        profile_fields=PROFILE_FIELDS,
    )


@bp.route("/children/<int:child_id>/words", methods=["POST"])
@login_required
def choose_words(child_id: int) -> Response:
    """The worker chose the question words for this child (easy-read): a band, or by age."""
    child = access.get_child(current_user, child_id)
    # The people who keep the standing profile (the worker holding the child's returns among
    # them) know how the child talks best: the same people choose the words.
    access.require_profile_change(current_user, child)
    form = ChildWordsForm()
    if not form.validate_on_submit():
        abort(400)  # a choice outside the list, or no CSRF token: the page never sends either
    chosen = form.question_band.data or None
    if chosen == child.question_band:
        flash("Nothing was changed.", "info")
        return _go(url_for("children.show", child_id=child.id) + "#words-heading")
    child.question_band = chosen
    audit.record(
        "child.update",
        object_type="child",
        object_id=child.id,
        child_id=child.id,
        detail=f"changed: question_band to {chosen or 'by age'}",
    )
    db.session.commit()
    flash(f"Questions for this child: {BAND_CHOICES[chosen or BY_AGE].lower()}.", "success")
    return _go(url_for("children.show", child_id=child.id) + "#words-heading")


# Adding and changing a child ----------------------------------------------------------------


def _social_workers(current: int | None = None) -> list[tuple[str, str]]:
    """Active social workers to allocate (and the child's current one, whatever they are now)."""
    rows = db.session.execute(
        select(User.id, User.name, Team.name)
        .outerjoin(Team, Team.id == User.team_id)
        .where(
            or_(
                and_(User.role == Role.SOCIAL_WORKER.value, User.active),
                User.id == (current if current is not None else -1),
            )
        )
        .order_by(User.name, User.id)
    ).all()
    return [(str(uid), f"{name} ({team})" if team else name) for uid, name, team in rows]


def _child_form(child: Child | None = None, **kwargs: Any) -> ChildForm:
    current = child.social_worker_id if child is not None else None
    return ChildForm(social_workers=_social_workers(current), **kwargs)


def _render_form(form: ChildForm, child: Child | None, status: int, **context: Any):
    # A new child is kept by the adding team, so they allocate its social worker.
    allocates = child is None or access.may_change_social_worker(current_user, child)
    ctx = {"form": form, "child": child, "allocates": allocates, **context}
    if request.htmx:
        return render_block(FORM_PAGE, "child_form", **ctx), status
    return render_template(FORM_PAGE, **ctx), status


def _go(url: str) -> Response:
    """After a change: a redirect, or for htmx a full page load of the new address."""
    if request.htmx:
        response = Response("", 200)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url)


def _apply(form: ChildForm, child: Child) -> list[str]:
    """Copy the form onto the child; the names of the fields that changed."""
    changed = []
    for name in DETAIL_FIELDS:
        value = getattr(form, name).data
        if name == "social_worker_id":
            value = int(value) if value else None
        elif name == "interpreter_needed":
            value = bool(value)
        elif isinstance(value, str):
            value = value or None
        if getattr(child, name) != value:
            changed.append(name)
            setattr(child, name, value)
    return changed


def _signature(form: ChildForm) -> str:
    """What "possibly the same child" was checked for, for this person: the name and date of
    birth, signed with the app's secret. Written out plainly, the form's own fields were all it
    took to add a child with no check at all, past the day's checks of other teams' records
    too (rev37)."""
    first = matching.normalise(form.first_name.data or "")
    last = matching.normalise(form.last_name.data or "")
    said = f"{current_user.id}|{first}|{last}|{form.date_of_birth.data}"
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, said.encode(), hashlib.sha256).hexdigest()


def _possible_matches(form: ChildForm) -> list[tuple[Child, matching.Match]]:
    """Children this user may see who may be the child being added, shown to open and check.
    Another team's are never shown: only which team keeps one (`_kept_elsewhere`)."""
    dob = form.date_of_birth.data
    candidates = list(
        db.session.scalars(
            select(Child).where(
                Child.date_of_birth.in_(matching.birth_dates_to_check(dob, near_births=True)),
                access.child_filter(current_user),
            )
        )
    )
    by_id = {c.id: c for c in candidates}
    found = matching.possible_matches(
        form.first_name.data, form.last_name.data, dob, candidates, near_births=True
    )
    return [(by_id[m.child_id], m) for m in found]


def asking_limit() -> int:
    return int(current_app.config["RHI_OTHER_TEAMS_CHECKS_PER_DAY"])


def _kept_elsewhere(form: ChildForm) -> list[str] | None:
    """The teams that keep a child the one being added may be, among the children this user
    may not see (rhi/children/kept_elsewhere.py), by name: the person is told which team to
    ask, never who the child is nor what their record holds. Counted and audited as asking
    that records nothing (`kept_elsewhere.Asking`): None once the day's checks are used."""
    if current_user.team_id is None:
        return []
    dob = form.date_of_birth.data
    days = matching.birth_dates_to_check(dob, near_births=True)
    asking = kept_elsewhere.Asking.start(
        current_user, current_user.team_id, "adding a child by hand"
    )
    if not asking.may(form.first_name.data, form.last_name.data, dob):
        return None  # before reading anyone: the answer is the same whoever other teams keep
    candidates = kept_elsewhere.unseen(access.child_filter(current_user), born_on=days)
    kept = asking.matches(form.first_name.data, form.last_name.data, dob, candidates)
    if not kept:
        return []
    teams = {team_id for _, _, team_id in kept}
    return list(db.session.scalars(select(Team.name).where(Team.id.in_(teams)).order_by(Team.name)))


@bp.route("/children/new")
@login_required
def new() -> tuple[str, int]:
    access.require_child_create(current_user)
    return _render_form(_child_form(formdata=None), None, 200)


@bp.route("/children/new", methods=["POST"])
@login_required
def create() -> tuple[str, int] | Response:
    access.require_child_create(current_user)
    form = _child_form()
    if not form.validate_on_submit():
        return _render_form(form, None, 422)
    confirmed = request.form.get("different_child") == "yes" and hmac.compare_digest(
        form.checked_for.data or "", _signature(form)
    )
    if not confirmed:
        matches = _possible_matches(form)
        # Both said where both are found: a child the team holds of a like name may not be
        # the one another team keeps (rev36: shown only the team's own, a second record of
        # another team's child was made).
        elsewhere = _kept_elsewhere(form)
        if elsewhere is None:
            # Not added unchecked (a second record of a child another team keeps), and not
            # offered "a different child" (which adds without checking): what was typed stays.
            db.session.commit()
            # 429 says why to a program; htmx swaps a refused form's answer only as 409 or 422
            # (base.html), and showed its general "not saved" line in place of these words.
            status = 422 if request.htmx else 429
            return _render_form(form, None, status, checks_used=asking_limit())
        if elsewhere:
            # Said, not shown: which team to ask.
            audit.record(
                "child.possible_match",
                object_type="child",
                object_id="new",
                detail=f"kept by another team ({len(elsewhere)})",
            )
        for match, _ in matches:  # their names and dates of birth are shown: a read
            audit.record(
                "child.possible_match",
                object_type="child",
                object_id=match.id,
                child_id=match.id,
            )
        if matches or elsewhere:
            db.session.commit()
            form.checked_for.data = _signature(form)
            return _render_form(form, None, 409, matches=matches, kept_elsewhere=elsewhere)
    child = Child(created_by_id=current_user.id, team_id=current_user.team_id)
    _apply(form, child)
    db.session.add(child)
    db.session.flush()
    audit.record(
        "child.create",
        object_type="child",
        object_id=child.id,
        child_id=child.id,
        detail="after possible matches were shown" if confirmed else None,
    )
    db.session.commit()
    flash(f"{child.display_name} has been added.", "success")
    return _go(url_for("children.show", child_id=child.id))


@bp.route("/children/<int:child_id>/edit")
@login_required
def edit(child_id: int) -> tuple[str, int]:
    child = access.get_child(current_user, child_id)
    access.require_child_change(current_user, child)
    audit.record("child.view", object_type="child", object_id=child.id, child_id=child.id)
    db.session.commit()
    form = _child_form(child, formdata=None, obj=child)
    form.social_worker_id.data = str(child.social_worker_id or "")
    return _render_form(form, child, 200)


@bp.route("/children/<int:child_id>/edit", methods=["POST"])
@login_required
def update(child_id: int) -> tuple[str, int] | Response:
    child = access.get_child(current_user, child_id)
    access.require_child_change(current_user, child)
    allocates = access.may_change_social_worker(current_user, child)
    posted_worker = request.form.get("social_worker_id")
    if not allocates and posted_worker not in (None, str(child.social_worker_id or "")):
        # The form does not offer it to them (form.html): only a crafted request gets here.
        access.forbid_change(current_user, "child_social_worker", child.id, child.id)
    form = _child_form(child)
    if not allocates:
        form.social_worker_id.data = str(child.social_worker_id or "")
    if not form.validate_on_submit():
        return _render_form(form, child, 422)
    # The team that keeps the record (child.team_id) is not changed by an edit: who edits a
    # child's details says nothing of who keeps them. (It once became the editor's team where
    # none was kept, so a team lent one return read every return and interview of the child's.)
    social_worker_before = child.social_worker_id
    changed = _apply(form, child)
    if not changed:
        db.session.rollback()
        flash("Nothing was changed.", "info")
        return _go(url_for("children.show", child_id=child.id))
    moved = ""
    if "social_worker_id" in changed and child.social_worker_id is not None:
        # What the social worker before held for this child goes to the new one.
        new = db.session.get(User, child.social_worker_id)
        summaries, actions = summaries_service.new_social_worker(
            child, social_worker_before, new, current_user
        )
        moved = _moved_words(new.name, summaries, actions)
    elif "social_worker_id" in changed and social_worker_before is not None:
        # Taken off with no one after them: what they held for the child stays theirs, unseen.
        summaries, actions = summaries_service.left_with(child, social_worker_before)
        moved = _left_words(child.display_name, summaries, actions)
    audit.record(
        "child.update",
        object_type="child",
        object_id=child.id,
        child_id=child.id,
        detail="changed: " + ", ".join(changed),  # names of fields, never what they say
    )
    db.session.commit()
    flash("Saved the changes to this child's details." + moved, "success")
    return _go(url_for("children.show", child_id=child.id))


def _held_words(summaries: int, actions: int) -> str:
    """ "1 unread summary and 2 open actions" (nothing if neither)."""
    parts = []
    if summaries:
        parts.append(f"{summaries} unread summar{'y' if summaries == 1 else 'ies'}")
    if actions:
        parts.append(f"{actions} open action{'' if actions == 1 else 's'}")
    return " and ".join(parts)


def _left_words(child: str, summaries: int, actions: int) -> str:
    """What stays with the social worker taken off, said after "Saved ..." (nothing if
    nothing): they no longer see the child, so nobody reads or follows it until a social worker
    is given to the child, who then gets it (summaries.service.new_social_worker)."""
    held = _held_words(summaries, actions)
    if not held:
        return ""
    return (
        f" {held} for {child}'s social worker will wait for the social worker "
        f"given to {child} next: nobody reads or follows them until then."
    )


def _moved_words(name: str, summaries: int, actions: int) -> str:
    """What passed to the new social worker, said after "Saved ..." (nothing if nothing)."""
    held = _held_words(summaries, actions)
    return f" {held} passed to {name}." if held else ""


# The standing profile ------------------------------------------------------------------------


def _latest_change_id(child: Child) -> int:
    return db.session.scalar(
        select(func.coalesce(func.max(ProfileChange.id), 0)).where(
            ProfileChange.child_id == child.id
        )
    )


def _profile_form(child: Child) -> ProfileForm:
    form = ProfileForm(formdata=None, obj=child)
    form.base_change.data = str(_latest_change_id(child))
    return form


def _photo(child: Child) -> ChildPhoto | None:
    return db.session.scalar(select(ChildPhoto).where(ChildPhoto.child_id == child.id))


def _render_profile(child: Child, form: ProfileForm, status: int = 200, **context: Any):
    ctx = {
        "child": child,
        "form": form,
        "history": _history(child),
        "photo": _photo(child),
        **context,
    }
    if request.htmx:
        return render_block(PROFILE_PAGE, "profile_panel", **ctx), status
    return render_template(PROFILE_PAGE, **ctx), status


@bp.route("/children/<int:child_id>/profile")
@login_required
def profile(child_id: int) -> tuple[str, int]:
    child = access.get_child(current_user, child_id)
    access.require_profile_change(current_user, child)
    audit.record(
        "child.profile.view", object_type="child_profile", object_id=child.id, child_id=child.id
    )
    db.session.commit()
    return _render_profile(child, _profile_form(child))


@bp.route("/children/<int:child_id>/profile", methods=["POST"])
@login_required
def save_profile(child_id: int) -> tuple[str, int] | Response:
    child = access.get_child(current_user, child_id)
    access.require_profile_change(current_user, child)
    form = ProfileForm()
    if not form.validate_on_submit():
        return _render_profile(child, form, 422)
    # One save at a time per child (PostgreSQL; SQLite writes one at a time anyway).
    db.session.execute(select(Child.id).where(Child.id == child.id).with_for_update())
    try:
        base = int(form.base_change.data or 0)
    except ValueError:
        base = 0
    changed_since = set(
        db.session.scalars(
            select(ProfileChange.field).where(
                ProfileChange.child_id == child.id, ProfileChange.id > base
            )
        )
    )
    wanted = {name: getattr(form, name).data or None for name in PROFILE_FIELDS}
    changes = {
        name: (getattr(child, name), new)
        for name, new in wanted.items()
        if (getattr(child, name) or None) != new
    }
    # The photo is not compared with changes made meanwhile: each photo is kept in the history
    # with who added it, and the latest chosen is the one kept.
    clashes = [name for name in changes if name in changed_since]
    if clashes:
        # Someone saved this field after the form was opened: show what they saved (in the
        # history) and keep what this person typed; saving again keeps theirs.
        for name in clashes:
            getattr(form, name).errors = [
                "Someone else changed this while you were writing. What they saved is in the "
                "history below; what you typed is still here. Save again to keep yours."
            ]
        form.base_change.data = str(_latest_change_id(child))
        db.session.rollback()
        return _render_profile(child, form, 409)
    photo_change = _change_photo(child, form)
    if not changes and photo_change is None:
        db.session.rollback()
        if request.htmx:
            return _render_profile(child, _profile_form(child), done="Nothing was changed.")
        flash("Nothing was changed.", "info")
        return redirect(url_for("children.profile", child_id=child.id))
    now = utcnow()
    for name, (old, new) in changes.items():
        setattr(child, name, new)
        db.session.add(
            ProfileChange(
                child_id=child.id,
                field=name,
                old_value=old,
                new_value=new,
                changed_by_id=current_user.id,
                changed_at=now,
            )
        )
    if changes:
        audit.record(
            "child.profile.update",
            object_type="child_profile",
            object_id=child.id,
            child_id=child.id,
            detail="changed: " + ", ".join(changes),  # names of fields, never what they say
        )
    if photo_change is not None:
        old, new = photo_change
        db.session.add(
            ProfileChange(
                child_id=child.id,
                field="photo",
                old_value=old,
                new_value=new,
                changed_by_id=current_user.id,
                changed_at=now,
            )
        )
        audit.record(
            "child.photo.remove" if new is None else "child.photo.update",
            object_type="child_profile",
            object_id=child.id,
            child_id=child.id,
            detail=f"{old or 'no photo'} -> {new or 'no photo'}",  # its kind and size only
        )
    db.session.commit()
    message = "Saved the profile. Each change is kept in the history."
    if request.htmx:
        return _render_profile(child, _profile_form(child), done=message)
    flash(message, "success")
    return redirect(url_for("children.profile", child_id=child.id))


def _change_photo(child: Child, form: ProfileForm) -> tuple[str | None, str | None] | None:
    """Add, replace or remove the photo as the form asks (a new photo wins over "remove");
    what it was and is now, as the history words it, or None when nothing changes."""
    current = _photo(child)
    before = current.described if current is not None else None
    if form.photo_upload is not None:
        content_type, data = form.photo_upload
        if current is None:
            current = ChildPhoto(child_id=child.id)
            db.session.add(current)
        current.content_type, current.data = content_type, data
        current.uploaded_by_id, current.uploaded_at = current_user.id, utcnow()
        return before, current.described
    if form.remove_photo.data and current is not None:
        db.session.delete(current)
        return before, None
    return None


@bp.route("/children/<int:child_id>/photo")
@login_required
def photo(child_id: int) -> Response:
    """The profile's photo, for whoever may see the child (as the profile PDF that prints it):
    404 (and the refusal audited) for anyone else. Never kept by a browser or a proxy."""
    child = access.get_child(current_user, child_id)
    found = _photo(child)
    if found is None:
        abort(404)
    audit.record(
        "child.photo.view", object_type="child_profile", object_id=child.id, child_id=child.id
    )
    db.session.commit()
    response = Response(found.data, mimetype=found.content_type)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/children/<int:child_id>/profile.pdf", methods=["POST"])
@login_required
def profile_pdf(child_id: int) -> Response:
    """Prepared as a download job (rhi/children/profile_pdf.py make_for); the person waits on
    its page, then downloads it."""
    child = access.get_child(current_user, child_id)
    job = downloads.prepare("child_profile", current_user, child_id=child.id)
    audit.record(
        "child.profile.pdf", object_type="child_profile", object_id=child.id, child_id=child.id
    )
    db.session.commit()
    return redirect(url_for("downloads.show", job_id=job.id), 303)


# The record trail ----------------------------------------------------------------------------


@bp.route("/children/<int:child_id>/audit")
@login_required
def audit_trail(child_id: int) -> str:
    child = access.get_child(current_user, child_id)
    if not access.can_read_audit(current_user):
        audit.record(
            "audit.refused",
            object_type="child",
            object_id=child.id,
            child_id=child.id,
            outcome="refused",
        )
        db.session.commit()
        abort(403)
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.child_id == child.id)
        .options(selectinload(AuditEvent.user))
        .order_by(AuditEvent.at.desc())
        .limit(500)
    ).all()
    rows = trail.rows_for(current_user, events)
    audit.record("audit.view", object_type="child", object_id=child.id, child_id=child.id)
    db.session.commit()
    return render_template("children/audit.html", child=child, rows=rows)
