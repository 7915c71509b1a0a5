"""The kinds of job rhi runs, and where each one's work is.

Named by a dotted path and imported only when a job of that kind runs: a worker renders PDFs
without the web pages importing WeasyPrint, and no module here imports the features (which
import this package to enqueue), so there is no import cycle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from rhi.models.jobs import Job

# What a kind's work is given (its row, whose `arguments` say what to do) and returns (ids of
# what it made, kept as the row's `result`). It writes through db.session and never commits:
# the runner commits its work and the row's "done" together.
Work = Callable[[Job], dict[str, Any] | None]


@dataclass(frozen=True)
class Kind:
    key: str
    label: str  # for the admin's jobs page
    target: str  # "module:function"

    def work(self) -> Work:
        module, _, name = self.target.partition(":")
        function: Work = getattr(import_module(module), name)
        return function


KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        Kind("summary_pdf", "Summary PDF", "rhi.summaries.preparing:make_pdf"),
        Kind("download", "A file to download", "rhi.jobs.downloads:make"),
        Kind(
            "import_apply",
            "Import of police notifications",
            "rhi.episodes.imports_job:apply_batch",
        ),
    )
}


def label(kind: str) -> str:
    found = KINDS.get(kind)
    return found.label if found else kind
