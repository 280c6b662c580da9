"""The simulator's one clock: the system time plus an offset the control API moves.

Every time orgsim decides on (an account creation or closure coming due, a policy type finishing
enabling, CloudTrail's event times, the tag index's lag) reads `now()`. `POST /_orgsim/clock` with
`{"now": "2026-12-01T10:00:00Z"}` moves it to that instant and `{"advance_seconds": 7200}` moves it
forward, so a test walks 30 days of AWS in milliseconds. The clock keeps running from where it is
put: a creation due in 90 seconds still comes due 90 seconds later. A state reset puts it back.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

_lock = threading.Lock()
_offset = 0.0


def now() -> float:
    """Seconds since the epoch, as the simulated AWS sees them."""
    return time.time() + _offset


def set_to(instant: datetime) -> None:
    if instant.tzinfo is None:
        raise ValueError("the instant needs a time zone, e.g. 2026-12-01T10:00:00Z")
    global _offset
    with _lock:
        _offset = instant.timestamp() - time.time()


def advance(seconds: float) -> None:
    if seconds < 0:
        raise ValueError("the simulated clock only moves forward (advance_seconds must be >= 0)")
    global _offset
    with _lock:
        _offset += seconds


def reset() -> None:
    global _offset
    with _lock:
        _offset = 0.0


def iso_now() -> str:
    return datetime.fromtimestamp(now(), UTC).isoformat().replace("+00:00", "Z")
