"""Who changed a drifted resource, as CloudTrail tells it, without the reconciler's own calls
(nor AWS's own work: service events, which only finish someone's earlier call, and calls an AWS
service made). An event is on a resource when its request, response or service details name the
resource's id (reconciler.live.cloudtrail.ids_of); the actor is the person behind an assumed role
(session and role), an IAM user or root.

A first run looks back a day, and every run's window overlaps the last one's by CloudTrail's
delivery delay, so the events on a drifted account include apply's (creating, moving, tagging
it) and earlier runs' reverts. Those are the reconciler itself; the pull request must name the
person or tool that changed AWS out of band.

An event is the reconciler's own when it was made with the current access key, or by the same
principal: the same IAM user, or any session of the same role. Each workflow run assumes the role
afresh, with a new session and new keys, so matching the role (not the session) is what leaves
out apply's and earlier runs' calls. Whoever else can assume that role is taken for the reconciler
too; the role's trust policy should allow only the workflows (docs/reconcile.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reconciler.drift.pull_request_text import Attribution
from reconciler.live.cloudtrail import detail, ids_of

# A role's session (arn:aws:sts::1234:assumed-role/Name/session) and the role (arn:aws:iam::1234:
# role/path/Name): the parts that name the role, which is what a session acts for.
_SESSION = re.compile(r"^arn:([^:]+):sts::(\d+):assumed-role/([^/]+)/[^/]+$")
_ROLE = re.compile(r"^arn:([^:]+):iam::(\d+):role/(?:.*/)?([^/]+)$")
_SESSION_PARTS = re.compile(r"^arn:[^:]+:sts::\d+:assumed-role/([^/]+)/(.+)$")


@dataclass(frozen=True)
class CallerIdentity:
    arn: str  # STS GetCallerIdentity's Arn
    access_key_id: str | None = None


def principal(arn: str) -> str:
    """The principal an ARN acts for: every session of a role is the role, whatever its path."""
    found = _SESSION.match(arn) or _ROLE.match(arn)
    return f"arn:{found[1]}:iam::{found[2]}:role/{found[3]}" if found else arn


def made_by(event: Mapping[str, Any], identity: CallerIdentity) -> bool:
    """Whether a LookupEvents event was made by `identity` (see the module's docstring)."""
    if identity.access_key_id and event.get("AccessKeyId") == identity.access_key_id:
        return True
    user = _user_identity(event)
    issuer = (user.get("sessionContext") or {}).get("sessionIssuer") or {}
    arns = {a for a in (user.get("arn"), issuer.get("arn")) if isinstance(a, str) and a}
    return principal(identity.arn) in {principal(a) for a in arns}


def by_a_caller(event: Mapping[str, Any]) -> bool:
    """False for AWS's own work: service events (CreateAccountResult and the like, which record
    the end of someone's earlier call) and calls an AWS service made (userIdentity AWSService)."""
    record = detail(event) or {}
    return record.get("eventType") != "AwsServiceEvent" and _user_identity(event).get("type") != "AWSService"


def actor(event: Mapping[str, Any]) -> str:
    """Who made the call, for people: an IAM user's name, "root", or the person behind an
    assumed role as its session name and role ("alice (role admin)"), from userIdentity."""
    user = _user_identity(event)
    kind = user.get("type")
    session = _SESSION_PARTS.match(str(user.get("arn") or ""))
    if session:  # the ARN says it, whatever the type (an example in AWS's docs says IAMUser here)
        return f"{session[2]} (role {session[1]})"
    if kind == "AssumedRole":
        issuer = (user.get("sessionContext") or {}).get("sessionIssuer") or {}
        name = str(user.get("principalId") or "?").rsplit(":", 1)[-1]
        return f"{name} (role {issuer.get('userName') or '?'})"
    if kind == "IAMUser" and user.get("userName"):
        return str(user["userName"])
    if kind == "Root":
        return "root"
    return str(event.get("Username") or user.get("arn") or "unknown")


def _user_identity(event: Mapping[str, Any]) -> dict[str, Any]:
    user = (detail(event) or {}).get("userIdentity")
    return user if isinstance(user, dict) else {}


def attribution(events: Iterable[Mapping[str, Any]], resource_id: str | None,
                identity: Callable[[], CallerIdentity]) -> list[Attribution]:
    """The events (lookup_events' answer, newest first) that name `resource_id` in their request,
    response or service details, the reconciler's own and AWS's left out. `identity` is asked
    only when there are events to sort."""
    if not resource_id:
        return []
    mine = [e for e in events if resource_id in ids_of(e) and by_a_caller(e)
            and not (detail(e) or {}).get("errorCode")]
    own = identity() if mine else None
    return [Attribution(actor(e), str(e.get("EventName")), _time(e.get("EventTime")))
            for e in mine if own is None or not made_by(e, own)]


def _time(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)
