"""Policy document grammar: what AWS Organizations accepts for an SCP and a tag policy, checked
before anything is sent so a pull request fails in `validate`, not in `apply`.

SCP grammar per AWS's "SCP syntax" page (all elements may be used with Allow and Deny; Resource
may be omitted, meaning every resource). Tag policies: the management-policy inheritance syntax.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from typing import Any

from reconciler.errors import show

Finding = tuple[str, str, tuple[str | int, ...]]  # code, message, keypath inside `document`

SCP_VERSION = "2012-10-17"
_STATEMENT_KEYS = ("Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition")
_SID = re.compile(r"^[A-Za-z0-9]*$")
_ACTION = re.compile(r"^(\*|[a-zA-Z0-9-]+:[A-Za-z0-9*?]+)$")
_CONDITION_OPERATOR = re.compile(r"^(ForAllValues:|ForAnyValue:)?[A-Za-z]+(IfExists)?$")
_TAG_OPERATORS = ("@@assign", "@@append", "@@remove")
_CHILD_CONTROL = "@@operators_allowed_for_child_policies"
_TAG_FIELDS = ("tag_key", "tag_value", "enforced_for", _CHILD_CONTROL)
# "Resource control policies (RCPs)", list of AWS services that support RCPs
RCP_SERVICES = ("s3", "sts", "kms", "sqs", "secretsmanager", "cognito-identity", "logs", "dynamodb", "ecr",
                "aoss")



def not_json(value: object, path: tuple[str | int, ...] = ()) -> Iterator[Finding]:
    """Values JSON cannot carry: YAML dates (an unquoted 2012-10-17) above all."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from not_json(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from not_json(item, (*path, index))
    elif isinstance(value, datetime.date | datetime.datetime):
        yield "E250", f"YAML reads {value.isoformat()} as a date, which JSON cannot hold; quote it", path


def scp_findings(document: dict[str, Any], *, rcp: bool = False) -> Iterator[Finding]:
    kind = "RCP" if rcp else "SCP"
    for key in document:
        if key not in ("Version", "Statement"):
            yield "E242", f"unknown {kind} element {show(key)}; an {kind} holds Version and Statement", (key,)
    if document.get("Version") != SCP_VERSION:
        yield "E241", f'Version must be the string "{SCP_VERSION}" (quoted)', ("Version",)
    statements = document.get("Statement")
    base: tuple[str | int, ...]
    if isinstance(statements, dict):
        statements, base = [statements], ("Statement",)
    elif isinstance(statements, list) and statements:
        base = ()
    else:
        yield "E242", "Statement must be a mapping or a non-empty list of mappings", ("Statement",)
        return
    sids: set[str] = set()
    for index, statement in enumerate(statements):
        path = base or ("Statement", index)
        if not isinstance(statement, dict):
            yield "E242", "each statement must be a mapping", path
            continue
        yield from (_rcp_statement(statement, path) if rcp else ())
        yield from _statement(statement, path, sids, rcp=rcp)


def rcp_findings(document: dict[str, Any]) -> Iterator[Finding]:
    """RCP grammar ("RCP syntax"): the SCP grammar's elements plus Principal, which must be "*";
    no NotPrincipal or NotAction; Effect Deny (Allow only in AWS's RCPFullAWSAccess); actions only
    of the services RCPs support."""
    yield from scp_findings(document, rcp=True)


def _rcp_statement(statement: dict[str, Any], path: tuple[str | int, ...]) -> Iterator[Finding]:
    if statement.get("Principal") != "*":
        where = (*path, "Principal") if "Principal" in statement else path
        yield "E271", 'an RCP statement needs Principal: "*" (RCPs apply to every principal)', where
    for key in ("NotPrincipal", "NotAction"):
        if key in statement:
            yield "E271", f"RCPs do not support {key}; remove it", (*path, key)
    if statement.get("Effect") == "Allow":
        yield ("E271", "an RCP statement denies: Effect Allow is only for AWS's RCPFullAWSAccess",
               (*path, "Effect"))
    for index, action in _strings(statement.get("Action")):
        service = action.split(":", 1)[0]
        if action != "*" and ":" in action and service not in RCP_SERVICES:
            yield (
                "E271",
                f"RCPs do not apply to {show(service)} actions; they support {', '.join(RCP_SERVICES)}",
                (*path, "Action", index) if index >= 0 else (*path, "Action"),
            )


def _statement(
    statement: dict[str, Any], path: tuple[str | int, ...], sids: set[str], *, rcp: bool = False
) -> Iterator[Finding]:
    for key in statement:
        if rcp and key in ("Principal", "NotPrincipal", "NotAction"):
            continue  # _rcp_statement's
        if key in ("Principal", "NotPrincipal"):
            yield (
                "E247",
                f"SCPs do not support {key}; remove it (an SCP applies to every principal)",
                (*path, key),
            )
        elif key not in _STATEMENT_KEYS:
            yield (
                "E249",
                f"unknown statement element {show(key)}; allowed: {', '.join(_STATEMENT_KEYS)}",
                (*path, key),
            )
    sid = statement.get("Sid")
    if sid is not None and (not isinstance(sid, str) or not _SID.match(sid)):
        yield "E248", "Sid must hold only letters and digits", (*path, "Sid")
    elif sid in sids:
        yield "E248", f"the Sid {show(sid)} is used twice in this policy; make it unique", (*path, "Sid")
    elif isinstance(sid, str):
        sids.add(sid)
    if statement.get("Effect") not in ("Allow", "Deny"):
        yield "E243", "Effect must be Allow or Deny", (*path, "Effect")
    yield from _exactly_one(statement, path, ("Action", "NotAction"), required=True)
    yield from _exactly_one(statement, path, ("Resource", "NotResource"), required=False)
    for key in ("Action", "NotAction"):
        for index, action in _strings(statement.get(key)):
            if not _ACTION.match(action):
                yield (
                    "E244",
                    f"{show(action)} is not an action: write service:Action (e.g. s3:GetObject) or *",
                    (*path, key, index) if index >= 0 else (*path, key),
                )
    if "Condition" in statement:
        yield from _condition(statement["Condition"], (*path, "Condition"))


def _exactly_one(
    statement: dict[str, Any], path: tuple[str | int, ...], pair: tuple[str, str], *, required: bool
) -> Iterator[Finding]:
    code = "E244" if pair[0] == "Action" else "E245"
    present = [k for k in pair if k in statement]
    if len(present) == 2:
        yield code, f"a statement has either {pair[0]} or {pair[1]}, not both", (*path, pair[1])
    elif not present and required:
        yield code, f"the statement needs {pair[0]} (or {pair[1]})", path
    for key in present:
        value = statement[key]
        if not (
            isinstance(value, str)
            or (isinstance(value, list) and value and all(isinstance(v, str) for v in value))
        ):
            yield code, f"{key} must be a string or a non-empty list of strings", (*path, key)


def _strings(value: object) -> Iterator[tuple[int, str]]:
    if isinstance(value, str):
        yield -1, value
    elif isinstance(value, list):
        yield from ((i, v) for i, v in enumerate(value) if isinstance(v, str))


def _condition(condition: object, path: tuple[str | int, ...]) -> Iterator[Finding]:
    if not isinstance(condition, dict) or not condition:
        yield "E246", "Condition must be a mapping of operator -> {key: value(s)}", path
        return
    for operator, block in condition.items():
        if not _CONDITION_OPERATOR.match(operator):
            yield (
                "E246",
                f"{show(operator)} is not a condition operator (e.g. StringEquals, "
                "ArnNotLike, ForAnyValue:StringLike, BoolIfExists)",
                (*path, operator),
            )
        elif not isinstance(block, dict) or not block:
            yield (
                "E246",
                f"the {operator} condition must be a mapping of condition key -> value(s)",
                (*path, operator),
            )
        else:
            for key, value in block.items():
                items = value if isinstance(value, list) else [value]
                if not items or not all(isinstance(v, str | bool | int | float) for v in items):
                    yield (
                        "E246",
                        f"the value of {show(key)} must be a string, number, boolean or a list of them",
                        (*path, operator, key),
                    )


def tag_policy_findings(document: dict[str, Any]) -> Iterator[Finding]:
    tags = document.get("tags")
    for key in document:
        if key != "tags":
            yield "E251", f"unknown tag policy element {show(key)}; a tag policy holds 'tags'", (key,)
    if not isinstance(tags, dict) or not tags:
        yield "E251", "a tag policy needs a non-empty 'tags' mapping of tag name -> rules", ("tags",)
        return
    for name, rules in tags.items():
        path: tuple[str | int, ...] = ("tags", name)
        if not isinstance(rules, dict) or "tag_key" not in rules:
            yield "E251", f"the tag {show(name)} needs a mapping with tag_key", path
            continue
        for field, operators in rules.items():
            yield from _tag_field(field, operators, (*path, field))


def _tag_field(field: str, operators: object, path: tuple[str | int, ...]) -> Iterator[Finding]:
    if field not in _TAG_FIELDS:
        yield "E251", f"unknown tag policy field {show(field)}; allowed: {', '.join(_TAG_FIELDS)}", path
    elif field == _CHILD_CONTROL:
        return
    elif not isinstance(operators, dict) or not operators:
        yield "E251", f"{field} must be a mapping of operator (@@assign, @@append, @@remove) -> value", path
    else:
        for operator, value in operators.items():
            if operator not in (*_TAG_OPERATORS, _CHILD_CONTROL):
                yield (
                    "E251",
                    f"unknown operator {show(operator)}; use @@assign, @@append or @@remove",
                    (*path, operator),
                )
            elif operator != _CHILD_CONTROL and field == "tag_key" and not isinstance(value, str):
                yield (
                    "E251",
                    "tag_key takes one string (the tag key with its capitalization)",
                    (*path, operator),
                )
            elif (
                operator != _CHILD_CONTROL
                and field != "tag_key"
                and not (isinstance(value, list) and all(isinstance(v, str) for v in value))
            ):
                yield "E251", f"{field} takes a list of strings", (*path, operator)
