"""Management policy documents: the inheritance operators every type shares, and each type's keys and
allowed values where AWS documents them (reconciler/policy_types.py, `documented_keys`).

Sources: Organizations User Guide, "Inheritance operators" (`@@assign` any value, `@@append` and
`@@remove` lists only, `@@operators_allowed_for_child_policies` a list of `@@all`, `@@none` or
value-setting operators); the syntax pages of each type: "Declarative policy syntax and examples"
(EC2), "Amazon S3 policy syntax and examples", "AI services opt-out policy syntax and examples",
"Security Hub policy syntax and examples", "Amazon Inspector policy syntax and examples",
"Chat applications policy syntax and examples", "Backup policy syntax and examples". Only the levels
written in `SYNTAX` are checked; below them, and in types whose syntax AWS does not publish in full,
only the operators are (docs/format.md).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from reconciler import policy_types
from reconciler.errors import show
from reconciler.repository.policy_grammar import Finding

ASSIGN, APPEND, REMOVE = "@@assign", "@@append", "@@remove"
CHILD_CONTROL = "@@operators_allowed_for_child_policies"
CONTROL_VALUES = ("@@all", "@@none", ASSIGN, APPEND, REMOVE)
ANY = "*"  # any key name at this level (a plan name, a service name, a tag name)

# type -> nested keys; a tuple at a leaf lists the values `@@assign` may take, None any value.
Syntax = Mapping[str, Any]
_REGIONS = {"enable_in_regions": None, "disable_in_regions": None}
SYNTAX: dict[str, Syntax] = {
    "DECLARATIVE_POLICY_EC2": {"ec2_attributes": {
        "exception_message": None,
        "image_block_public_access": {"state": ("unblocked", "block_new_sharing")},
        "snapshot_block_public_access": {"state": ("unblocked", "block_new_sharing", "block_all_sharing")},
        "instance_metadata_defaults": {
            "http_tokens": ("no_preference", "required", "optional"),
            "http_put_response_hop_limit": None,
            "http_endpoint": ("no_preference", "enabled", "disabled"),
            "instance_metadata_tags": ("no_preference", "enabled", "disabled"),
        },
        "serial_console_access": {"status": ("enabled", "disabled")},
        "vpc_block_public_access": {"internet_gateway_block": {
            "mode": ("off", "block_ingress", "block_bidirectional"),
            "exclusions_allowed": ("enabled", "disabled"),
        }},
        "allowed_images_settings": {"state": ("enabled", "disabled", "audit_mode"), "image_criteria": None},
    }},
    "S3_POLICY": {"s3_attributes": {"public_access_block_configuration": ("all", "none")}},
    "AISERVICES_OPT_OUT_POLICY": {"services": {ANY: {"opt_out_policy": ("optOut", "optIn")}}},
    "SECURITYHUB_POLICY": {"securityhub": _REGIONS},
    "INSPECTOR_POLICY": {"inspector": {"enablement": {
        k: _REGIONS for k in ("ec2_scanning", "ecr_scanning", "lambda_standard_scanning",
                              "lambda_code_scanning", "code_repository_scanning")}}},
    "CHATBOT_POLICY": {"chatbot": {"platforms": None, "default": None}},
    "BACKUP_POLICY": {"plans": {ANY: {
        "regions": None, "rules": None, "selections": None, "advanced_backup_settings": None,
        "backup_plan_tags": None,
    }}},
}


def management_findings(policy_type: str, document: Mapping[str, Any]) -> Iterator[Finding]:
    kind = policy_types.kind(policy_type)
    yield from _operators(document, ())
    syntax = SYNTAX.get(policy_type)
    if syntax is not None:
        yield from _keys(kind.label, document, syntax, ())


def _operators(node: Any, path: tuple[str | int, ...]) -> Iterator[Finding]:
    if not isinstance(node, Mapping):
        return
    for key, value in node.items():
        here = (*path, key)
        if key == CHILD_CONTROL:
            names = value if isinstance(value, list) else None
            if not names or not all(n in CONTROL_VALUES for n in names):
                yield ("E272", f"{CHILD_CONTROL} takes a list of {', '.join(CONTROL_VALUES)}", here)
        elif key in (APPEND, REMOVE):
            if not isinstance(value, list):
                yield "E272", f"{key} works on lists only: write a list of values", here
        elif key == ASSIGN:
            continue
        elif isinstance(key, str) and key.startswith("@@"):
            yield ("E272", f"unknown operator {show(key)}; use @@assign, @@append, @@remove or "
                   f"{CHILD_CONTROL}", here)
        else:
            yield from _operators(value, here)


def _keys(
    label: str, node: Mapping[str, Any], syntax: Syntax, path: tuple[str | int, ...]
) -> Iterator[Finding]:
    for key, value in node.items():
        if isinstance(key, str) and key.startswith("@@"):
            continue
        here = (*path, key)
        if key not in syntax and ANY not in syntax:
            yield ("E272", f"unknown key {show(key)} in a {label}; AWS documents "
                   f"{', '.join(sorted(syntax))} here", here)
            continue
        rule = syntax.get(key, syntax.get(ANY))
        if isinstance(rule, Mapping) and isinstance(value, Mapping):
            yield from _keys(label, value, rule, here)
        elif isinstance(rule, tuple):
            yield from _value(label, key, value, rule, here)


def _value(
    label: str, key: str, value: Any, allowed: tuple[str, ...], path: tuple[str | int, ...]
) -> Iterator[Finding]:
    assigned = value.get(ASSIGN) if isinstance(value, Mapping) else value
    if assigned is not None and assigned not in allowed:
        where = (*path, ASSIGN) if isinstance(value, Mapping) else path
        yield ("E272", f"{key} in a {label} takes one of {', '.join(allowed)}, not {show(assigned)}", where)
