"""Work off the request path: summary PDFs (and more kinds in rhi.jobs.kinds), run by RQ on
Redis when RHI_JOBS_REDIS_URL is set, else in the web process after the request's commit.
See docs/jobs.md."""

from rhi.jobs.core import JobFailed, enqueue, latest_for, run, try_again
from rhi.jobs.dispatch import attempts_allowed, init_app, redis_url

__all__ = [
    "JobFailed",
    "attempts_allowed",
    "enqueue",
    "init_app",
    "latest_for",
    "redis_url",
    "run",
    "try_again",
]
