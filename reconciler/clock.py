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
import re
from datetime import UTC, datetime, timedelta
from typing import Final

from reconciler.errors import ReconcilerError, show

CLOCK_ENV: Final = "RECONCILER_CLOCK"
_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
_DURATION = re.compile(r"(?:(\d+)([dhms]))+")
_PART = re.compile(r"(\d+)([dhms])")


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


def parse_duration(text: str) -> timedelta:
    """`6h`, `90m`, `1h30m`, `2d`, `0s`; ValueError, saying what is accepted, otherwise."""
    cleaned = text.strip().lower()
    if not _DURATION.fullmatch(cleaned):
        raise ValueError(f"{text!r} is not a duration: write a number and a unit (d, h, m or s), "
                         "e.g. 6h, 90m or 1h30m")
    return timedelta(seconds=sum(int(n) * _UNITS[u] for n, u in _PART.findall(cleaned)))


def format_duration(delta: timedelta) -> str:
    """The form `parse_duration` reads: 6h, 1h30m, 0s."""
    seconds, parts = int(delta.total_seconds()), []
    for unit, size in _UNITS.items():
        if seconds >= size:
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return "".join(parts) or "0s"
