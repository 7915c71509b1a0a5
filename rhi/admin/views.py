"""Users and teams, for administrators. No child records here."""

from __future__ import annotations

from functools import wraps
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from rhi import access, audit
from rhi.auth import fresh, second_factor
from rhi.episodes import allocation
from rhi.extensions import db
from rhi.forms.admin import ConfirmForm, HandOverForm, TeamForm, UserForm, UserRoleForm
from rhi.models import Role, Team, User, UserSession
from rhi.passwords import hash_password
from rhi.sessions import end_sessions_for
from rhi.summaries.service import hand_over, has_work_to_hand_over, possible_readers
from rhi.sync import kept_offline

bp = Blueprint("admin", __name__, url_prefix="/admin")


def admin_required(view: Any) -> Any:
    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not access.can_manage_people(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def users_page_at(user_id: int) -> str:
    """The users page at one person's row: where a form about them was sent from."""
    return url_for("admin.users") + f"#user-{user_id}"


def new_user_form() -> str:
    """The users page at "Add a user": where that form was sent from."""
    return url_for("admin.users") + "#new-user-heading"


def _team_choices() -> list[tuple[int, str]]:
    teams = db.session.scalars(select(Team).order_by(Team.name)).all()
    return [(0, "No team")] + [(t.id, t.name) for t in teams]


def _page(status: int = 200, **forms: Any) -> tuple[str, int]:
    users = db.session.scalars(select(User).order_by(User.active.desc(), User.name)).all()
    teams = db.session.scalars(select(Team).order_by(Team.name)).all()
    user_form = forms.get("user_form") or UserForm(formdata=None)
    user_form.team_id.choices = _team_choices()
    team_form = forms.get("team_form") or TeamForm(formdata=None)
    role_forms = {}
    for u in users:
        f = UserRoleForm(formdata=None, prefix=f"u{u.id}", role=u.role, team_id=u.team_id or 0)
        f.team_id.choices = _team_choices()
        role_forms[u.id] = f
    open_sessions = dict(
        db.session.execute(
            select(UserSession.user_id, func.count()).group_by(UserSession.user_id)
        ).all()
    )
    return render_template(
        "admin/users.html",
        users=users,
        open_sessions=open_sessions,
        teams=teams,
        user_form=user_form,
        team_form=team_form,
        role_forms=role_forms,
        confirm=ConfirmForm(formdata=None),
        hand_over_forms=_hand_over_forms(users),
        copies_kept_for=kept_offline.in_words(),
    ), status


def _hands_over(users: list[User]) -> set[int]:
    """Whom a "hand over" is offered for: each social worker, active or not, and anyone else
    who still has a social worker's work (children, unread summaries), their role changed."""
    social_workers = {u.id for u in users if u.role == Role.SOCIAL_WORKER.value}
    others = [u.id for u in users if u.id not in social_workers]
    return social_workers | has_work_to_hand_over(others)


def _hand_over_forms(users: list[User]) -> dict[int, HandOverForm]:
    """A "hand over their children" form for each person `_hands_over`, offering the active
    social workers."""
    readers = possible_readers()
    offered = _hands_over(users)
    forms = {}
    for u in users:
        if u.id not in offered:
            continue
        form = HandOverForm(formdata=None, prefix=f"h{u.id}")
        form.to_id.choices = [(r.id, r.name) for r in readers if r.id != u.id]
        form.to_id.label.text = f"Hand over {u.name}'s children to"
        forms[u.id] = form
    return forms


@bp.route("/users")
@admin_required
# Asked on opening, as the retention report is: the page's forms (a new user, a role) ask for
# the password when sent, and an administrator who typed a whole form first lost it (rev38b).
@fresh.required()
def users() -> tuple[str, int]:
    # Every staff member's name, email, role, team and open sessions: a read, recorded as the
    # other administration pages' are.
    audit.record("user.list", object_type="user", object_id="list")
    db.session.commit()
    return _page()


@bp.route("/users", methods=["POST"])
@admin_required
# A new account with a password the administrator chose (an administrator's, even): whoever has
# a session left open could make one and sign in as it, so it needs the administrator's own
# password again, as what that account could then do does.
@fresh.required(back=new_user_form)
def create_user() -> tuple[str, int] | Response:
    form = UserForm()
    form.team_id.choices = _team_choices()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        if db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
            form.email.errors.append("Someone already has this email address.")
        else:
            user = User(
                email=email,
                name=form.name.data.strip(),
                role=form.role.data,
                team_id=form.team_id.data or None,
                password_hash=hash_password(form.password.data),
            )
            db.session.add(user)
            db.session.flush()
            audit.record(
                "user.create", object_type="user", object_id=user.id, detail=f"role {user.role}"
            )
            db.session.commit()
            flash(f"{user.name} can now sign in.", "success")
            return redirect(url_for("admin.users"))
    return _page(422, user_form=form)


def _left_without_allocator(team_id: int | None) -> str:
    """Said after a change that left a team with no active manager or missing coordinator:
    only they see a return no one holds yet, and what the team's police tokens send
    (rhi/access.py `allocating_team_filter`), so those would wait unseen. Said, not refused:
    a leaver's access must end at once."""
    if team_id is None:
        return ""
    team = db.session.scalar(
        select(Team).where(Team.id == team_id, ~access.allocating_team_filter())
    )
    if team is None:
        return ""
    return (
        f" {team.name} now has no active manager or missing coordinator: no one sees the "
        "returns waiting there to be allocated, the police notifications waiting there for a "
        "person to confirm the child (other teams' among them), or what its police tokens "
        "send. Give the team one now."
    )


def _oversaw(user: User) -> int | None:
    """The team `user` allocates for, while active as its manager or coordinator."""
    return user.team_id if user.active and user.role_enum in access.TEAM_OVERSIGHT else None


def _last_admin(user: User) -> bool:
    """`user` is the one active administrator (changing their role would leave none)."""
    if user.role != Role.ADMIN.value or not user.active:
        return False
    others = db.session.scalar(
        select(func.count(User.id)).where(
            User.role == Role.ADMIN.value, User.active.is_(True), User.id != user.id
        )
    )
    return not others


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@admin_required
# Could make anyone an administrator or the manager of any team: the administrator's own again.
@fresh.required(back=users_page_at)
def set_role(user_id: int) -> Response:
    user = db.session.get(User, user_id) or abort(404)
    form = UserRoleForm(prefix=f"u{user.id}")
    form.team_id.choices = _team_choices()
    if form.validate_on_submit():
        if form.role.data != Role.ADMIN.value and _last_admin(user):
            flash(
                f"{user.name} is the only active administrator: make someone else an "
                "administrator first, or no one could manage users, settings or retention.",
                "error",
            )
            return redirect(url_for("admin.users"))
        was_worker_in = user.team_id if user.role == Role.WORKER.value else None
        oversaw = _oversaw(user)
        user.role = form.role.data
        user.team_id = form.team_id.data or None
        # A new role or team changes what the user may see: their sessions start again.
        end_sessions_for(user.id)
        audit.record(
            "user.update",
            object_type="user",
            object_id=user.id,
            detail=f"role {user.role}, team {user.team_id}",
        )
        moved = 0
        if was_worker_in is not None and (
            user.role != Role.WORKER.value or user.team_id != was_worker_in
        ):
            moved = allocation.back_to_the_team(
                user, was_worker_in, current_user, f"{user.name} left the team."
            )
        db.session.flush()
        left = _left_without_allocator(oversaw)
        db.session.commit()
        flash(f"Saved {user.name}'s role and team.{_returns_moved(moved)}", "success")
        if left:
            flash(left.strip(), "error")
    else:
        flash("That role or team is not one we know.", "error")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@admin_required
def toggle_active(user_id: int) -> Response:
    user = db.session.get(User, user_id) or abort(404)
    # Activating gives a closed account its access back (its old password, its old role): the
    # administrator's own password again first. Deactivating is not asked: it only takes access
    # away, and is what someone does in a hurry for a leaver or a lost tablet.
    if not user.active and not fresh.is_fresh_now():
        return fresh.confirm_first(users_page_at(user.id))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if user.id == current_user.id:
        flash("You can't deactivate your own account.", "error")
        return redirect(url_for("admin.users"))
    if user.active and user.role == Role.WORKER.value and user.team_id is None:
        # Their returns would go back to their team: with none, to no one who could see them.
        held = allocation.held_by(user)
        if held:
            flash(
                f"{user.name} holds {held} open {'return' if held == 1 else 'returns'} and "
                "has no team to give them back to: give them a team first, then deactivate "
                "them (the returns go back to that team to allocate).",
                "error",
            )
            return redirect(url_for("admin.users"))
    oversaw = _oversaw(user)
    user.active = not user.active
    moved = 0
    if not user.active:
        end_sessions_for(user.id)  # deactivation ends their sessions now, not at next sign-in
    audit.record(
        "user.activate" if user.active else "user.deactivate", object_type="user", object_id=user.id
    )
    if not user.active and user.role == Role.WORKER.value:
        moved = allocation.back_to_the_team(
            user, user.team_id, current_user, f"{user.name}'s account was closed."
        )
    db.session.flush()
    left = _left_without_allocator(oversaw) if not user.active else ""
    db.session.commit()
    said = "active again" if user.active else "deactivated"
    flash(f"{user.name} is {said}.{_returns_moved(moved)}", "success")
    if left:
        flash(left.strip(), "error")
    if not user.active and has_work_to_hand_over([user.id]):
        # Their children, unread summaries and open actions stay with an account no one signs
        # in to until handed over (a probe: the administrator was told nothing of them).
        flash(
            f"{user.name} is still the social worker of children, or has summaries in their "
            "inbox no one has read: no one reads or follows them now. Hand them over to "
            "another social worker with \u201cHand over their children\u201d beside their name.",
            "error",
        )
        return redirect(users_page_at(user.id))
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/end-sessions", methods=["POST"])
@admin_required
def end_sessions(user_id: int) -> Response:
    """Sign someone out everywhere (a lost tablet, a shared computer left signed in): their
    next request finds no session."""
    user = db.session.get(User, user_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    ended = end_sessions_for(user.id)
    audit.record(
        "sessions.ended_by_admin", object_type="user", object_id=user.id, detail=f"{ended} sessions"
    )
    db.session.commit()
    flash(f"{user.name} is signed out everywhere ({ended} {_sessions(ended)} ended).", "success")
    return redirect(users_page_at(user.id))


def _returns_moved(count: int) -> str:
    """Said when a worker's open returns went back to their team (allocation.back_to_the_team),
    so the administrator can tell the team's manager to allocate them."""
    if not count:
        return ""
    them = "return they held goes" if count == 1 else "returns they held go"
    return f" {count} open {them} back to their team to allocate: tell the team's manager."


def _sessions(count: int) -> str:
    return "session" if count == 1 else "sessions"


@bp.route("/users/<int:user_id>/second-factor/reset", methods=["POST"])
@admin_required
# Lets anyone sign in as the person with their password alone: the administrator's own again.
@fresh.required(back=users_page_at)
def reset_second_factor(user_id: int) -> Response:
    """For someone who lost their phone and their recovery codes: the second factor goes, and
    their sessions end. Where their role needs it they set it up again after their password."""
    user = db.session.get(User, user_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if user.id == current_user.id:
        flash("Switch your own second factor off from Your account.", "error")
        return redirect(url_for("admin.users"))
    second_factor.switch_off(user)
    end_sessions_for(user.id)
    audit.record("second_factor.reset_by_admin", object_type="user", object_id=user.id)
    db.session.commit()
    flash(
        f"{user.name}'s second factor is reset. Check it is really them asking before they "
        "next sign in: they set it up again with their password alone.",
        "success",
    )
    return redirect(users_page_at(user.id))


@bp.route("/teams", methods=["POST"])
@admin_required
def create_team() -> tuple[str, int] | Response:
    form = TeamForm()
    if form.validate_on_submit():
        name = form.name.data.strip()
        if db.session.scalar(select(Team.id).where(func.lower(Team.name) == name.lower())):
            form.name.errors.append("There is already a team with this name.")
        else:
            team = Team(name=name)
            db.session.add(team)
            db.session.flush()
            audit.record("team.create", object_type="team", object_id=team.id)
            db.session.commit()
            flash(f"Team {team.name} created.", "success")
            return redirect(url_for("admin.users"))
    return _page(422, team_form=form)


@bp.route("/users/<int:user_id>/hand-over", methods=["POST"])
@login_required
def hand_over_children(user_id: int) -> Response:
    """Every child allocated to this social worker (often one who has left) goes to another in
    one step, each audited; their unread summaries go too (rhi.summaries.service.hand_over)."""
    access.require_settings_change(current_user, f"hand_over {user_id}")  # 403, audited
    # Gives another social worker every one of these children's records: the administrator's
    # own password again, as for a role change. Asked after the check above (someone who may
    # not hand over at all is refused, not asked), as `fresh.required` is put below it.
    if not fresh.is_fresh_now():
        return fresh.confirm_first(users_page_at(user_id))
    from_user = db.session.get(User, user_id)
    if from_user is None or from_user.id not in _hands_over([from_user]):
        abort(404)
    form = HandOverForm(prefix=f"h{from_user.id}")
    form.to_id.choices = [(r.id, r.name) for r in possible_readers() if r.id != from_user.id]
    if not form.validate_on_submit():
        flash("Choose an active social worker to hand the children over to.", "error")
        return redirect(users_page_at(from_user.id))
    to_user = db.session.get(User, form.to_id.data)
    assert to_user is not None  # one of the choices
    children, summaries, actions = hand_over(from_user, to_user, current_user)
    db.session.commit()
    flash(
        f"{children} {'child' if children == 1 else 'children'} handed over from "
        f"{from_user.name} to {to_user.name}, with {summaries} unread "
        f"{'summary' if summaries == 1 else 'summaries'} and {actions} open "
        f"{'action' if actions == 1 else 'actions'}.",
        "success",
    )
    if from_user.email == (current_app.config.get("RHI_DUTY_INBOX") or ""):
        # The duty inbox stays a setting of its own: say so rather than change it silently.
        flash(
            f"{from_user.name} is also the duty inbox: choose another on Settings.",
            "error",
        )
    return redirect(url_for("admin.users"))
