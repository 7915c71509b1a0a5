"""How the tablet's PIN answers wrong tries: the server's rule, handed to the tablet in
`/sync/v1/session`'s limits and kept with its key at set-up (static/js/store.js). The server
never sees a PIN; it only says what the tablet does with wrong ones.

- The worker's own unlock: WIPE_AFTER wrong PINs in a row wipe what the tablet keeps (a lost
  tablet must not be open to guessing). The worker is told how many tries are left.
- In the child's view the one typing may well be the child, and a wipe there destroyed the
  child's own unsent words (a probe). Wrong PINs there never wipe: FREE_TRIES tries are free,
  then each wrong PIN makes the next try wait, twice as long each time up to LONGEST_WAIT. Five
  minutes at most, so a child tapping at it never keeps the worker out for long; a million PINs
  at twelve an hour still take years, and a copied disk (the harder threat) is answered by the
  key's derivation.
"""

from __future__ import annotations

from datetime import timedelta

WIPE_AFTER = 5
FREE_TRIES = 3
FIRST_WAIT = timedelta(seconds=30)
LONGEST_WAIT = timedelta(minutes=5)


def child_view_waits() -> list[int]:
    """Seconds the next try waits after the 1st, 2nd, ... wrong PIN in the child's view; the
    last figure holds for every try after it."""
    waits = [0] * (FREE_TRIES - 1)  # the wrong PIN of the last free try makes the next wait
    wait = FIRST_WAIT
    while wait < LONGEST_WAIT:
        waits.append(int(wait.total_seconds()))
        wait *= 2
    waits.append(int(LONGEST_WAIT.total_seconds()))
    return waits


def limits() -> dict[str, object]:
    """What the tablet is handed: the wipe count and the child's view's waits."""
    return {"pin_attempts": WIPE_AFTER, "pin_waits_seconds": child_view_waits()}
