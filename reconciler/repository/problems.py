"""Problems found in a desired-state repository, and the three ways `validate` prints them.

A Problem is plain data (path, position, stable code, message) so the loader, the rules and the
renderers stay independent; docs/validate.md lists every code.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from reconciler.errors import clean


@dataclass(frozen=True)
class Problem:
    path: str  # repository-relative, e.g. "accounts/cust-acme-prod.yaml"
    line: int  # 1-based
    column: int  # 1-based
    code: str  # stable, e.g. "E101"; see docs/validate.md
    message: str  # what is wrong and what to do

    def __str__(self) -> str:
        return f"{clean(self.path)}:{self.line}:{self.column}: error[{self.code}]: {clean(self.message)}"


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(set(problems), key=lambda p: (p.path, p.line, p.column, p.code, p.message))


def format_text(problems: Iterable[Problem]) -> str:
    return "".join(f"{p}\n" for p in problems)


def format_json(problems: list[Problem]) -> str:
    payload = {
        "valid": not problems,
        "problems": [asdict(p) | {"message": clean(p.message)} for p in problems],
    }
    return json.dumps(payload, indent=2) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(problems: Iterable[Problem]) -> str:
    """GitHub Actions workflow commands, escaped per the workflow-command rules."""
    lines = []
    for p in problems:
        where = f"file={_escape_property(clean(p.path))},line={p.line},col={p.column}"
        props = f"{where},title={_escape_property(p.code)}"
        lines.append(f"::error {props}::{_escape_data(clean(p.message))}\n")
    return "".join(lines)
