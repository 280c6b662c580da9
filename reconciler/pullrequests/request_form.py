"""Account requests: an issue form's answers turned into an account file.

The issue body is hostile input. It is read as data only: split into `### Label` sections, each
answer checked against a strict pattern before it goes anywhere, the file written by a YAML
emitter (never by formatting strings), then checked by the same loader as every pull request.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import yaml

from reconciler.model import AUTOMATION_LEVELS, COMPLIANCE_SCOPES, ENVIRONMENTS, WORKLOAD_TYPES

MAX_BODY_CHARS = 20_000
NO_RESPONSE = "_No response_"  # what GitHub writes for an optional field left empty
LABEL = "account-request"

# Issue-form label -> account file key. The labels are those of
# .github/ISSUE_TEMPLATE/account-request.yml; keep the two in step.
FIELDS: Mapping[str, str] = {
    "Account name": "account_name",
    "Root email": "email",
    "Organizational unit": "ou",
    "Environment": "environment",
    "Workload type": "workload_type",
    "Owner team": "owner_team",
    "Cost center": "cost_center",
    "Compliance scope": "compliance_scope",
    "Automation level": "automation_level",
}
OPTIONAL = frozenset({"compliance_scope"})
PATTERNS: Mapping[str, re.Pattern[str]] = {
    "account_name": re.compile(r"[a-z0-9][a-z0-9-]{1,48}[a-z0-9]"),
    "email": re.compile(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,24}"),
    "ou": re.compile(r"root|[A-Za-z0-9 ._-]{1,128}(/[A-Za-z0-9 ._-]{1,128}){0,4}"),
    "owner_team": re.compile(r"[a-z0-9][a-z0-9-]{0,62}"),
    "cost_center": re.compile(r"CC-[0-9]{3,10}"),
}
CHOICES: Mapping[str, tuple[str, ...]] = {
    "environment": ENVIRONMENTS,
    "workload_type": WORKLOAD_TYPES,
    "automation_level": AUTOMATION_LEVELS,
}


@dataclass(frozen=True)
class AccountRequest:
    fields: Mapping[str, str | list[str]]

    @property
    def name(self) -> str:
        return str(self.fields["account_name"])

    @property
    def path(self) -> str:
        return f"accounts/{self.name}.yaml"


def sections(body: str) -> tuple[dict[str, str], list[str]]:
    """The form's answers by label, and problems with the body's shape."""
    answers: dict[str, str] = {}
    problems: list[str] = []
    label: str | None = None
    lines: list[str] = []
    for line in [*body.replace("\r\n", "\n").split("\n"), "### "]:
        if line.startswith("### "):
            if label is not None:
                if label in answers:
                    problems.append(f"the field {label!r} appears more than once")
                answers[label] = "\n".join(lines).strip()
            label, lines = line[4:].strip(), []
        elif label is not None:
            lines.append(line)
    return answers, problems


def parse_request(body: str) -> tuple[AccountRequest | None, list[str]]:
    """The request the issue form describes, or the problems that stop it (each safe to quote)."""
    if len(body) > MAX_BODY_CHARS:
        return None, [f"the issue body is longer than {MAX_BODY_CHARS} characters"]
    answers, problems = sections(body)
    fields: dict[str, str | list[str]] = {}
    for label, key in FIELDS.items():
        raw = answers.get(label, "")
        value = "" if raw == NO_RESPONSE else raw
        if not value and key not in OPTIONAL:
            problems.append(f"{label}: an answer is required")
            continue
        checked, why = _check(key, value)
        if why:
            problems.append(f"{label}: {why}")
        else:
            fields[key] = checked
    return (None, problems) if problems else (AccountRequest(fields), [])


def _check(key: str, value: str) -> tuple[str | list[str], str | None]:
    """The value for `key`, and why it is not acceptable (None when it is). The reasons never
    quote the value: they are posted back on the issue."""
    if "\n" in value:
        return value, "must be a single line"
    if key == "compliance_scope":
        scopes = [s.strip() for s in value.split(",") if s.strip() and s.strip() != "None"]
        unknown = [s for s in scopes if s not in COMPLIANCE_SCOPES]
        return scopes, f"must be any of {', '.join(COMPLIANCE_SCOPES)}" if unknown else None
    if key in CHOICES:
        return value, None if value in CHOICES[key] else f"must be one of {', '.join(CHOICES[key])}"
    return value, None if PATTERNS[key].fullmatch(value) else f"must match {PATTERNS[key].pattern}"


def account_yaml(request: AccountRequest, issue_number: int) -> str:
    document = {
        "account_name": request.name,
        "email": request.fields["email"],
        "ou": request.fields["ou"],
        "environment": request.fields["environment"],
        "workload_type": request.fields["workload_type"],
        "owner_team": request.fields["owner_team"],
        "cost_center": request.fields["cost_center"],
        "compliance_scope": list(request.fields.get("compliance_scope") or []),
        "automation_level": request.fields["automation_level"],
        "created_by": f"account-request-{issue_number}",
        "lifecycle_state": "active",
    }
    header = f"# Requested in issue #{issue_number}.\n"
    return header + yaml.safe_dump(document, sort_keys=False, default_flow_style=None, allow_unicode=False)
