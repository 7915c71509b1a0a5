"""Command line: `flask rhi demo`, `flask rhi create-user`."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import func, select

from rhi.extensions import db
from rhi.models import Role, Team, User
from rhi.passwords import hash_password, password_problem

group = AppGroup("rhi", help="rhi administration commands.")


@group.command("demo")
def demo_command() -> None:
    """Load fictional demo data (safe to run again: nothing is duplicated)."""
    from rhi.demo import load_demo

    counts = load_demo()
    click.echo("Demo data ready: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


@group.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--team", "team_name", default=None, help="Team name; made if it does not exist.")
@click.password_option(help="Asked for when not given.")
def create_user_command(email: str, name: str, role: str, team_name: str | None,
                        password: str) -> None:
    """Create a user for a real deployment."""
    problem = password_problem(password)
    if problem:
        raise click.BadParameter(problem, param_hint="--password")
    email = email.strip().lower()
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
        raise click.BadParameter("someone already has this email address", param_hint="--email")
    team = None
    if team_name:
        team = db.session.scalar(select(Team).where(Team.name == team_name))
        if team is None:
            team = Team(name=team_name)
            db.session.add(team)
    from rhi import audit

    user = User(email=email, name=name, role=role, team=team,
                password_hash=hash_password(password))
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", object_type="user", object_id=user.id,
                 detail=f"role {role} (command line)")
    db.session.commit()
    click.echo(f"Created {role} {email}.")


@group.command("check-language")
def check_language_command() -> None:
    """Read text on standard input; print the writing check's flags as JSON."""
    import json
    import sys

    from rhi import writing

    text = sys.stdin.read()
    flags = [flag.to_dict() for flag in writing.matcher().check(text)]
    click.echo(json.dumps({"offsets": "unicode code points", "flags": flags},
                          ensure_ascii=False, indent=2))


def register(app: Flask) -> None:
    app.cli.add_command(group)
