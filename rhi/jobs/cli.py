"""`flask rhi worker` and `flask rhi jobs ...`: added to the rhi command group by rhi.cli."""

from __future__ import annotations

from datetime import timedelta

import click
from flask.cli import AppGroup

from rhi.jobs import dispatch, worker

jobs_group = AppGroup("jobs", help="Jobs run off the request path (PDFs, imports).")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker_command(burst: bool) -> None:
    """Run jobs from Redis (RHI_JOBS_REDIS_URL) until stopped."""
    if not dispatch.redis_url():
        raise click.ClickException(
            "RHI_JOBS_REDIS_URL is not set: without Redis, jobs run inside the web process "
            "and no worker is needed."
        )
    worker.start(burst=burst)


@jobs_group.command("requeue-stale")
@click.option(
    "--older-than-minutes",
    type=float,
    default=None,
    help="Running this long means its worker died (default RHI_JOBS_STALE_MINUTES).",
)
def requeue_stale_command(older_than_minutes: float | None) -> None:
    """Queue again the jobs a killed worker left running, and any never handed out."""
    older = None if older_than_minutes is None else timedelta(minutes=older_than_minutes)
    ids = worker.requeue_stale(older)
    listed = f" ({', '.join(map(str, ids))})" if ids else ""
    click.echo(f"Queued again: {len(ids)} job(s){listed}")
