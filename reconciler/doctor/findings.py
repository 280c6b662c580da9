"""A doctor's finding, and the report they make: pure values, rendered as text or JSON.

Each check ends in one finding: `ok`, `fix` (something must change before the reconciler works
as documented; the command exits 1), `warn` (worth knowing, nothing breaks) or `skipped` (the
check could not run, and why).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Literal

from reconciler.errors import clean

Level = Literal["ok", "fix", "warn", "skipped"]
MARKS: dict[str, str] = {"ok": "ok  ", "fix": "FIX ", "warn": "warn", "skipped": "skip"}


@dataclass(frozen=True)
class Finding:
    area: str  # "aws" | "github"
    check: str  # a short name, stable for tools: "trusted-access", "branch-protection", ...
    level: Level
    detail: str  # what was found
    fix: str = ""  # what to do, when level is fix or warn


def must_fix(findings: Sequence[Finding]) -> bool:
    return any(f.level == "fix" for f in findings)


def render_text(findings: Sequence[Finding]) -> str:
    lines = []
    for f in findings:
        lines.append(f"{MARKS[f.level]} {f.area}: {f.check}: {clean(f.detail)}")
        if f.fix and f.level in ("fix", "warn"):
            lines.append(f"       fix: {clean(f.fix)}")
    count = sum(f.level == "fix" for f in findings)
    lines.append(f"{count} thing{'s' * (count != 1)} to fix." if count else "Nothing to fix.")
    return "\n".join(lines) + "\n"


def render_json(findings: Sequence[Finding]) -> str:
    body = {"must_fix": must_fix(findings), "findings": [asdict(f) for f in findings]}
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"
