"""AWS's character rule for Organizations tag keys and values.

botocore's Organizations model gives both the pattern `^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$`: Unicode
letters, separators (spaces) and numbers, plus `_ . : / = + - @`. Python's `re` has no `\\p{...}`
classes, so the Unicode ones are checked by their general category (L*, Z*, N*).
"""

from __future__ import annotations

import re
import unicodedata

ALLOWED_SYMBOLS = "_.:/=+-@"
# The common case, checked at C speed: ASCII letters, digits, space and the symbols (a subset of
# what the pattern allows). Anything else goes through the Unicode categories.
_PLAIN = re.compile(r"[A-Za-z0-9 _.:/=+\-@]*")
ALLOWED_WORDS = f"letters, digits, spaces and {' '.join(ALLOWED_SYMBOLS)}"


def first_bad_character(text: str) -> str | None:
    """The first character AWS's tag pattern refuses, or None when the text is allowed."""
    if _PLAIN.fullmatch(text):
        return None
    for char in text:
        if char not in ALLOWED_SYMBOLS and unicodedata.category(char)[0] not in "LZN":
            return char
    return None
