"""The one clock every time decision reads.

Leases, bakes, grace periods, the full-scan interval and the audit record's time all ask `now()`.
`RECONCILER_CLOCK=2026-12-01T10:00:00Z` fixes it to that instant: a testing and benchmarking aid, so
a 30-day lease or a 48-hour bake is walked in seconds by running the command again with a later
value, never by sleeping. Unset (as in production), it is the system's UTC time.

Elapsed-time waits (polling a creation, pacing calls) measure durations with `time.monotonic` and are
not decisions about the date, so they do not read this clock.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Final

from reconciler.errors import ReconcilerError, show

CLOCK_ENV: Final = "RECONCILER_CLOCK"


class ClockError(ReconcilerError):
    """RECONCILER_CLOCK is set to something that is not an instant."""


def parse_instant(value: str) -> datetime:
    """An ISO 8601 instant with a UTC offset (`Z` or `+00:00`); a naive one is refused, not guessed."""
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ClockError(f"{CLOCK_ENV}={show(value)} is not an instant with a time zone: set it like "
                         "2026-12-01T10:00:00Z (a testing aid), or unset it to use the system clock")
    return moment.astimezone(UTC)


def now() -> datetime:
    """The current instant, in UTC: RECONCILER_CLOCK when set, else the system clock."""
    value = os.environ.get(CLOCK_ENV, "").strip()
    return parse_instant(value) if value else datetime.now(UTC)
