"""Pausing Python's cyclic garbage collector around work that makes many objects and frees none.

Loading 10,000 files keeps every node tree, and reading 10,000 accounts keeps every response
item: all of it stays alive, so the collector's repeated passes over it (a quarter of the load:
docs/validate.md) can free nothing. Reference
counting still frees everything else at once.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No cyclic collection inside the block; collection as before after it (nested use is safe)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
