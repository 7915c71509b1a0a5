"""gunicorn's settings for rhi; gunicorn reads ./gunicorn.conf.py when started from here.

Nothing is set here that the command line already says (workers, bind, certificates): this file
only adds a warning when the settings given would weaken a protection.
"""

from __future__ import annotations

from typing import Any

from rhi.config import rate_limit_storage_uri, shared_storage_warning


def when_ready(server: Any) -> None:
    """Once the master is ready: warn when several workers would each keep their own rate-limit
    counts (memory://), making every limit that many times as loose."""
    message = shared_storage_warning(server.cfg.workers, rate_limit_storage_uri())
    if message:
        server.log.warning(message)
