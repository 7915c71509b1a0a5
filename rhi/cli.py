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
def create_user_command(
    email: str, name: str, role: str, team_name: str | None, password: str
) -> None:
    """Create a user for a real deployment."""
    problem = password_problem(password, (email, name), theirs=True)
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

    user = User(email=email, name=name, role=role, team=team, password_hash=hash_password(password))
    db.session.add(user)
    db.session.flush()
    audit.record(
        "user.create", object_type="user", object_id=user.id, detail=f"role {role} (command line)"
    )
    db.session.commit()
    click.echo(f"Created {role} {email}.")


@group.command("purge")
def purge_command() -> None:
    """Delete ended sessions (idle past the timeout), upload answers kept past a day, and
    sign-in failures and addresses too old to count (rhi/auth/throttle.py); clear the files
    prepared for download whose hour is over (rhi/jobs/downloads.py: a subject access ZIP holds
    a child's whole record, and a file nobody comes back for would stay).

    Run it from cron, e.g. hourly: nothing in use is touched.
    """
    from flask import current_app
    from sqlalchemy import delete

    from rhi.auth import throttle
    from rhi.jobs import downloads
    from rhi.models import UserSession
    from rhi.models.base import utcnow
    from rhi.models.sync import SyncRequest
    from rhi.sessions import ended_before
    from rhi.sync.idempotency import REMEMBER_FOR

    now = utcnow()
    sessions = db.session.execute(
        delete(UserSession).where(UserSession.last_seen_at < ended_before(current_app, now))
    ).rowcount
    answers = db.session.execute(
        delete(SyncRequest).where(SyncRequest.created_at < now - REMEMBER_FOR)
    ).rowcount
    failures, addresses = throttle.purge(now, throttle.Limits.from_config(current_app.config))
    files = downloads.clear_expired(now)
    db.session.commit()
    click.echo(f"Removed {sessions} ended sessions and {answers} old upload answers.")
    click.echo(f"Cleared {files} prepared {'file' if files == 1 else 'files'} past their hour.")
    click.echo(
        f"Forgot {failures} old sign-in failures and {addresses} sign-in addresses "
        "not used recently."
    )


@group.command("check-language")
def check_language_command() -> None:
    """Read text on standard input; print the writing check's flags as JSON, and the rules in
    use: the shipped file (or RHI_LANGUAGE_RULES) with the council's RHI_LANGUAGE_RULES_LOCAL
    layered over it, saying which rules the local file added, reworded or switched off. Each
    flag says whether its rule is "shipped" or "local". (`< /dev/null`: the rules alone.)"""
    import json
    import sys

    from rhi import writing

    rule_set = writing.rule_set()
    text = sys.stdin.read()
    flags = [
        {**flag.to_dict(), "source": rule_set.source(flag.rule_id)}
        for flag in writing.matcher().check(text)
    ]
    rules = {
        "count": len(rule_set.rules),
        "version": rule_set.version,
        "shipped_file": str(rule_set.path),
        "local_file": str(rule_set.local_path) if rule_set.local_path else None,
        "local_added": list(rule_set.added),
        "local_replaced": list(rule_set.replaced),
        "local_off": list(rule_set.off),
    }
    click.echo(
        json.dumps(
            {"offsets": "unicode code points", "flags": flags, "rules": rules},
            ensure_ascii=False,
            indent=2,
        )
    )


@group.command("summary")
@click.argument("interview_uuid")
@click.option(
    "--for",
    "recipient",
    required=True,
    help="social_worker, police, parents_carers, school, health or other",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True)
def summary_command(interview_uuid: str, recipient: str, output: str) -> None:
    """Write the PDF a recipient would get from an interview."""
    from pathlib import Path

    from rhi import audit
    from rhi.interviews.content import RECIPIENTS
    from rhi.models import Interview
    from rhi.models.base import utcnow
    from rhi.summaries.service import recipient_label, render_for

    if recipient not in RECIPIENTS:
        raise click.BadParameter(f"choose one of {', '.join(RECIPIENTS)}", param_hint="--for")
    interview = db.session.scalar(select(Interview).where(Interview.uuid == interview_uuid))
    if interview is None:
        raise click.BadParameter("no interview has this id", param_hint="INTERVIEW_UUID")
    label = recipient_label(recipient, interview)
    data = render_for(interview, recipient, f"{label} (command line)", utcnow())
    Path(output).write_bytes(data)
    audit.record(
        "summary.download",
        object_type="interview",
        object_id=interview.uuid,
        child_id=interview.child_id,
        detail=f"copy for {recipient} (command line)",
    )
    db.session.commit()
    click.echo(f"Wrote {output} ({len(data):,} bytes) for {label}.")


@group.command("import-notifications")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--mapping", "mapping_name", default=None, help="Saved columns, by name.")
@click.option(
    "--team",
    "team_name",
    default=None,
    help="Team that keeps new children (default: the mapping's).",
)
@click.option("--dry-run", is_flag=True, help="Say what would happen; change nothing.")
@click.option(
    "--refused",
    "refused_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the refused rows, with why, to this CSV file.",
)
def import_notifications_command(
    path: str,
    mapping_name: str | None,
    team_name: str | None,
    dry_run: bool,
    refused_path: str | None,
) -> None:
    """Import police missing and found notifications from a CSV file (a scheduled daily
    import). Exit status 0 when no row was refused, 1 otherwise."""
    import sys
    from pathlib import Path

    from rhi import audit
    from rhi.episodes import imports
    from rhi.episodes import imports_apply as apply
    from rhi.episodes.imports_csv import (
        FileProblem,
        doubled_columns,
        guess_columns,
        missing_columns,
    )

    team = db.session.scalar(select(Team).where(Team.name == team_name)) if team_name else None
    if team_name and team is None:
        raise click.BadParameter("no team has this name", param_hint="--team")
    mapping = None
    if mapping_name:
        # Names are each team's own: the team's, or the one team's that has the name.
        named = [
            m for m in imports.mappings_named(mapping_name) if team is None or m.team_id == team.id
        ]
        if not named:
            raise click.BadParameter("no saved columns have this name", param_hint="--mapping")
        if len(named) > 1:
            raise click.BadParameter(
                "more than one team has saved columns with this name: name the team with --team",
                param_hint="--mapping",
            )
        mapping = named[0]
    team_id = team.id if team else (mapping.team_id if mapping else None)
    if team_id is None:
        raise click.UsageError("Name the team that keeps new children: --team or --mapping.")
    try:
        with open(path, "rb") as stream:
            _text, table = imports.read_file(stream)
    except FileProblem as exc:
        raise click.ClickException(str(exc)) from exc
    columns = dict(mapping.columns) if mapping else guess_columns(table.headers)
    # Saved before the columns page refused it: one column read for two details misreads both
    # (a child still missing recorded as back the minute they went), so nothing is imported.
    for name, others in doubled_columns(columns).items():
        also = " and ".join(imports.COLUMNS[o].label for o in others)
        raise click.ClickException(
            f"The saved columns read “{columns[name]}” for {imports.COLUMNS[name].label} and "
            f"for {also}: choose one column for each on the columns page. Nothing was imported."
        )
    for name in missing_columns(columns, table.headers):
        click.echo(f"No column for {imports.COLUMNS[name].label}: every row is refused.", err=True)
    actor = apply.Actor(None, team_id, "command line")
    plans = imports.run(imports.rows_of(table, columns), actor, Path(path).name, dry_run=dry_run)
    tally = apply.counts(plans)
    audit.record(
        "import.apply",
        object_type="import",
        object_id="command line",
        detail=("dry run: " if dry_run else "") + ", ".join(f"{v} {k}" for k, v in tally.items()),
    )
    db.session.commit()
    if refused_path and tally[apply.PROBLEM]:
        Path(refused_path).write_text(
            imports.refused_csv(table, imports.results_of(plans)), encoding="utf-8-sig"
        )
    for plan in plans:
        if plan.outcome == apply.PROBLEM:
            click.echo(f"Line {plan.row.line}: {plan.message}", err=True)
    click.echo(
        ("Would import" if dry_run else "Imported")
        + f": {tally[apply.NEW]} new, {tally[apply.UPDATE]} updated, "
        f"{tally[apply.UNCHANGED]} unchanged, {tally[apply.WAITING]} waiting for a person, "
        f"{tally[apply.PROBLEM]} refused."
    )
    sys.exit(1 if tally[apply.PROBLEM] else 0)


def register(app: Flask) -> None:
    from rhi.jobs.cli import jobs_group, worker_command

    group.add_command(worker_command)  # flask rhi worker
    group.add_command(jobs_group)  # flask rhi jobs requeue-stale
    app.cli.add_command(group)


# -- statutory exports (issue 15 item 6) ----------------------------------------------------
# Imported here, not at the top: this group is appended whole, leaving the commands above as
# they were.
from datetime import datetime  # noqa: E402

from sqlalchemy import ColumnElement  # noqa: E402

from rhi.oversight import exports  # noqa: E402


@group.group("export")
def export_group() -> None:
    """Statutory exports, checked: each prints the problems found."""


def _export_scope(team_name: str | None) -> ColumnElement[bool]:
    """One team's episodes, or every team's when none is named (the command line has no
    user: whoever runs it runs the service)."""
    if team_name is None:
        return exports.team_scope(None)
    team = db.session.scalar(select(Team).where(Team.name == team_name))
    if team is None:
        raise click.BadParameter("no team has this name", param_hint="--team")
    return exports.team_scope(team)


def _write_export(
    export: exports.Export, output: str, problems_path: str | None, team_name: str | None
) -> None:
    """Write the table as the records stand and, when there are problems, list them (printed,
    and in a second file); audited with no user. Exit status 1 when problems were found, so a
    scheduled job notices: the table is written all the same, never "fixed"."""
    import sys
    from pathlib import Path

    from rhi import audit

    Path(output).write_text("\ufeff" + exports.table_csv(export), encoding="utf-8")
    where = f"command line, team {team_name}" if team_name else "command line, all teams"
    audit.record("export.download", detail=exports.audit_detail(export, anyway=True, where=where))
    db.session.commit()
    click.echo(f"Wrote {output}: {len(export.rows)} rows, {export.label}.")
    if not export.problems:
        click.echo("No problems found.")
        return
    target = Path(problems_path or Path(output).with_name(Path(output).stem + "-problems.csv"))
    target.write_text("\ufeff" + exports.problems_csv(export), encoding="utf-8")
    for problem in export.problems:
        rule = f" (DfE rule {problem.rule})" if problem.rule else ""
        click.echo(problem.words + rule, err=True)
    click.echo(f"{len(export.problems)} problems found, listed in {target}.", err=True)
    sys.exit(1)


_OUTPUT = click.option(
    "-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True
)
_PROBLEMS = click.option(
    "--problems",
    "problems_path",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Where to list the problems (default: beside the output, ending -problems.csv).",
)
_TEAM = click.option("--team", "team_name", default=None, help="One team (default: all teams).")
_YEAR = click.option(
    "--year",
    type=click.IntRange(2000, 2100),
    required=True,
    help="The collection year by its first year: 2026 is 1 April 2026 to 31 March 2027.",
)


@export_group.command("ssda903")
@_YEAR
@_OUTPUT
@_PROBLEMS
@_TEAM
def export_ssda903_command(
    year: int, output: str, problems_path: str | None, team_name: str | None
) -> None:
    """The SSDA903 missing table (looked-after children) for a collection year."""
    export = exports.ssda903(_export_scope(team_name), year)
    _write_export(export, output, problems_path, team_name)


@export_group.command("ssd")
@_YEAR
@_OUTPUT
@_PROBLEMS
@_TEAM
def export_ssd_command(
    year: int, output: str, problems_path: str | None, team_name: str | None
) -> None:
    """The Standard Safeguarding Dataset's missing table, with return interviews."""
    export = exports.ssd(_export_scope(team_name), year)
    _write_export(export, output, problems_path, team_name)


@export_group.command("episodes")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), required=True)
@_OUTPUT
@_PROBLEMS
@_TEAM
def export_episodes_command(
    start: datetime, end: datetime, output: str, problems_path: str | None, team_name: str | None
) -> None:
    """Each episode in a period, for inspectors (dates as 2026-04-01)."""
    from rhi.models.base import utcnow

    problem = exports.period_problem(start.date(), end.date())
    if problem:
        raise click.BadParameter(problem, param_hint="--to")
    export = exports.episodes(_export_scope(team_name), start.date(), end.date(), utcnow())
    _write_export(export, output, problems_path, team_name)


# -- retention schedule (issue 16 item 7) ---------------------------------------------------


@group.command("retention")
@click.option("--dry-run", "mode", flag_value="dry-run", help="List what is due; change nothing.")
@click.option("--apply", "mode", flag_value="apply", help="Destroy every due record not held.")
def retention_command(mode: str | None) -> None:
    """Records due for destruction under the retention schedule (rhi/retention/)."""
    from rhi.actions.rules import today_local
    from rhi.retention import destroy
    from rhi.timefmt import to_local

    if mode is None:
        raise click.UsageError("Say --dry-run to list what is due, or --apply to destroy it.")
    today = today_local()
    report = destroy.report(today)
    click.echo(f"Due for destruction on {today.isoformat()}: {len(report.due)}")
    for d in report.due:
        click.echo(
            f"  child {d.child_id}: born {d.date_of_birth.isoformat()}, "
            f"{d.legal_status_label}; {d.rule.described}; due {d.due_on.isoformat()}"
        )
    click.echo(f"Due but kept by a legal hold: {len(report.held)}")
    for d in report.held:
        # Dates as the pages give them, in the council's time.
        since = to_local(d.hold.placed_at).date().isoformat() if d.hold else "?"
        lifted = (
            f", lifted {to_local(d.hold.lifted_at).date().isoformat()}, kept until "
            f"{to_local(d.hold.kept_until).date().isoformat()}"
            if d.hold and d.hold.lifted_at and d.hold.kept_until
            else ""
        )
        click.echo(f"  child {d.child_id}: due {d.due_on.isoformat()}, held since {since}{lifted}")
    # Due under the younger rule, but nothing says whether the child was looked after: left
    # until a person records the legal status (rhi/retention/rules.py).
    click.echo(f"Legal status not known, kept until it is recorded: {len(report.not_known)}")
    for d in report.not_known:
        click.echo(f"  child {d.child_id}: born {d.date_of_birth.isoformat()}; {d.rule.described}")
    # Due, but still missing or with a return or interview open: left until it is closed
    # (rhi/retention/destroy.py open_work), as on the administrator's page.
    click.echo(f"Kept back, still missing or a return open: {len(report.kept_back)}")
    for d in report.kept_back:
        click.echo(f"  child {d.child_id}: due {d.due_on.isoformat()}; {d.kept_back}")
    if mode == "dry-run":
        click.echo("Dry run: nothing was destroyed.")
        return
    result = destroy.run(today, None)
    click.echo(
        f"Destroyed {len(result.destroyed)}; passed by {len(result.skipped)}; "
        f"legal status not known {len(result.not_known)}; "
        f"failed {len(result.failed)}" + (f" (children {result.failed})" if result.failed else "")
    )
    if result.failed:
        raise SystemExit(1)
