"""Keeping a child's record as long as the council's retention schedule says, and no longer:
the schedule (rules.py), everything held about a child (held.py), the dry run and the
destruction itself (destroy.py), legal holds (holds.py) and the administrators' pages
(views.py)."""

from __future__ import annotations

# The schedule's defaults: kept until the 75th birthday when the child is or was looked after
# (the Care Planning, Placement and Case Review Regulations 2010 keep a looked-after child's case
# record that long), otherwise until the 25th. Read from the environment by rhi/config.py, as
# every RHI_* setting is; the administrator's override wins (rhi/settings.py).
DEFAULT_AGES = {"RHI_RETAIN_LOOKED_AFTER_TO_AGE": 75, "RHI_RETAIN_OTHER_TO_AGE": 25}
