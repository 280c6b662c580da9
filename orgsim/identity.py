"""Who signed a request, as CloudTrail's `userIdentity` element tells it.

An access key is a person: by default an IAM user named after the key; config `identities` maps a
key to a user name, or to `{"type": "AssumedRole", "role": ..., "session": ...}`, `{"type":
"Root"}` or `{"type": "AWSService", "service": ...}` (CloudTrail User Guide, "CloudTrail
userIdentity element").
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any

from orgsim import clock

TYPES = ("IAMUser", "AssumedRole", "Root", "AWSService")


@dataclass(frozen=True)
class Caller:
    access_key: str
    username: str  # LookupEvents' Username: the user, the role session, "root"; "" for a service
    user_identity: dict[str, Any]


def check(identities: Any) -> None:
    """Refuse an `identities` setting orgsim could not turn into a userIdentity (ValueError)."""
    if not isinstance(identities, dict):
        raise ValueError("setting identities must be dict")
    for key, value in identities.items():
        if isinstance(value, str) and value:
            continue
        kind = value.get("type") if isinstance(value, dict) else None
        needs = {"IAMUser": ("user",), "AssumedRole": ("role", "session"), "Root": (),
                 "AWSService": ("service",)}.get(str(kind))
        if needs is None or not all(isinstance(value.get(n), str) and value[n] for n in needs):
            raise ValueError(f"identities[{key!r}] must be a user name or an object with type "
                             f"{'/'.join(TYPES)} (AssumedRole: role, session; AWSService: service)")


def caller(access_key: str, configured: Any, account_id: str) -> Caller:
    """The Caller for `access_key` given its `identities` entry (None: an IAM user named after it)."""
    spec = configured if isinstance(configured, dict) else {"type": "IAMUser",
                                                            "user": configured or access_key}
    kind = spec["type"]
    if kind == "AssumedRole":
        return Caller(access_key, spec["session"], _assumed_role(access_key, spec, account_id))
    if kind == "Root":
        return Caller(access_key, "root", {"type": "Root", "principalId": account_id,
                                           "arn": f"arn:aws:iam::{account_id}:root",
                                           "accountId": account_id, "accessKeyId": access_key})
    if kind == "AWSService":
        # Event history leaves the user name and access key of a service's call blank.
        return Caller("", "", {"type": "AWSService", "invokedBy": spec["service"]})
    user = spec["user"]
    return Caller(access_key, user, {"type": "IAMUser", "principalId": _unique("AIDA", user),
                                     "arn": f"arn:aws:iam::{account_id}:user/{user}",
                                     "accountId": account_id, "accessKeyId": access_key, "userName": user})


def _assumed_role(access_key: str, spec: dict[str, str], account_id: str) -> dict[str, Any]:
    role, session = spec["role"], spec["session"]
    role_id = _unique("AROA", role)
    return {
        "type": "AssumedRole", "principalId": f"{role_id}:{session}",
        "arn": f"arn:aws:sts::{account_id}:assumed-role/{role}/{session}",
        "accountId": account_id, "accessKeyId": access_key,
        "sessionContext": {
            "sessionIssuer": {"type": "Role", "principalId": role_id,
                              "arn": f"arn:aws:iam::{account_id}:role/{role}",
                              "accountId": account_id, "userName": role},
            "webIdFederationData": {},
            "attributes": {"mfaAuthenticated": "false",
                           "creationDate": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(clock.now()))},
        },
    }


def _unique(prefix: str, name: str) -> str:
    """A stable IAM unique id (AIDA... for users, AROA... for roles) derived from the name."""
    return prefix + hashlib.sha256(name.encode()).hexdigest()[:17].upper()
