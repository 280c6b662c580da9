"""IAM Identity Center's asynchronous account assignments and its quotas, which moto lacks.

moto's sso-admin answers CreateAccountAssignment with SUCCEEDED at once and appends a second
copy of an assignment that exists. AWS:
- API Reference, CreateAccountAssignment: the call starts the work; "After a successful response,
  call DescribeAccountAssignmentCreationStatus to describe the status of an assignment creation
  request" (StatusValues: IN_PROGRESS | FAILED | SUCCEEDED). orgsim keeps a request IN_PROGRESS
  for `assignment_seconds` (orgsim.clock), then creates the assignment in moto's backend once.
- IAM Identity Center User Guide, "IAM Identity Center quotas", Throttle limits: the Identity
  Center APIs share a throttle of 20 transactions per second, and at most 10 asynchronous
  CreateAccountAssignment calls may be outstanding; neither can be raised. Past the ten, AWS
  answers ThrottlingException "There are too many requests processing. Please try again later."
  (as reported in aws-samples/aws-iam-identity-center-extensions issue 87); past the rate,
  ThrottlingException "Rate exceeded" (hashicorp/terraform-provider-aws issue 25552).
- Creating an assignment that exists (or is being created) creates no second one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from orgsim import clock
from orgsim.errors import AwsError

SSO_ADMIN = "SWBExternalService."
IDENTITY_STORE = "AWSIdentityStore."
MAX_OUTSTANDING = 10
SHARED_BUCKET = "IdentityCenter"  # the throttle bucket every Identity Center operation shares
RATE = (20.0, 20.0)
KEYS = ("InstanceArn", "TargetId", "TargetType", "PermissionSetArn", "PrincipalType", "PrincipalId")


def throttled(message: str = "Rate exceeded") -> AwsError:
    return AwsError("ThrottlingException", message)


@dataclass
class Request:
    request_id: str
    params: dict[str, Any]
    region: str
    due: float
    status: str = "IN_PROGRESS"
    created: float = field(default_factory=clock.now)


class Assignments:
    def __init__(self) -> None:
        self._requests: dict[str, Request] = {}

    def reset(self) -> None:
        self._requests.clear()

    def handles(self, operation: str) -> bool:
        return operation in ("CreateAccountAssignment", "DescribeAccountAssignmentCreationStatus")

    def handle(self, operation: str, params: dict[str, Any], account_id: str, region: str,
               seconds: float) -> dict[str, Any]:
        self._settle(account_id)
        if operation == "CreateAccountAssignment":
            return {"AccountAssignmentCreationStatus": self._create(params, account_id, region, seconds)}
        request = self._requests.get(str(params.get("AccountAssignmentCreationRequestId")))
        if request is None:
            raise AwsError("ResourceNotFoundException", "The specified request was not found.")
        return {"AccountAssignmentCreationStatus": _status(request)}

    def _create(self, params: dict[str, Any], account_id: str, region: str, seconds: float) -> dict[str, Any]:
        missing = [k for k in KEYS if not params.get(k)]
        if missing:
            raise AwsError("ValidationException", f"{missing[0]} is required.")
        if sum(r.status == "IN_PROGRESS" for r in self._requests.values()) >= MAX_OUTSTANDING:
            raise throttled("There are too many requests processing. Please try again later.")
        backend = _backend(account_id, region)
        backend._find_permission_set(params["InstanceArn"], params["PermissionSetArn"])  # or ResourceNotFound
        request = Request(str(uuid.uuid4()), {k: params[k] for k in KEYS}, region, clock.now() + seconds)
        self._requests[request.request_id] = request
        self._settle(account_id)
        return _status(request)

    def _settle(self, account_id: str) -> None:
        for request in self._requests.values():
            if request.status == "IN_PROGRESS" and clock.now() >= request.due:
                _assign(_backend(account_id, request.region), request.params)
                request.status = "SUCCEEDED"


def _backend(account_id: str, region: str) -> Any:
    from moto.ssoadmin.models import ssoadmin_backends

    return ssoadmin_backends[account_id][region or "us-east-1"]


def _assign(backend: Any, params: dict[str, Any]) -> None:
    for existing in backend.account_assignments:
        if all(getattr(existing, _attr(k)) == params[k] for k in KEYS):
            return
    backend.create_account_assignment(*(params[k] for k in KEYS))


def _attr(key: str) -> str:
    return {"InstanceArn": "instance_arn", "TargetId": "target_id", "TargetType": "target_type",
            "PermissionSetArn": "permission_set_arn", "PrincipalType": "principal_type",
            "PrincipalId": "principal_id"}[key]


def _status(request: Request) -> dict[str, Any]:
    return {"Status": request.status, "RequestId": request.request_id, "CreatedDate": request.created,
            **{k: request.params[k] for k in KEYS if k != "InstanceArn"}}
