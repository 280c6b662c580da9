"""AWS error responses as the JSON 1.1 services (Organizations, CloudTrail, Cost Explorer) send them."""

from __future__ import annotations

import json
from typing import Any

JSON_CONTENT_TYPE = "application/x-amz-json-1.1"


class AwsError(Exception):
    """An error the simulator answers instead of the (too forgiving) moto result.

    `extra` carries the modelled members of the exception shape, such as `Reason` for
    ConstraintViolationException or `Type` for TooManyRequestsException.
    """

    def __init__(self, code: str, message: str, status: int = 400, **extra: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.extra = extra

    def body(self) -> bytes:
        payload: dict[str, Any] = {"__type": self.code, "Message": self.message, **self.extra}
        return json.dumps(payload).encode()


def constraint(reason: str, message: str) -> AwsError:
    """ConstraintViolationException with AWS's Reason (botocore's ConstraintViolationExceptionReason)."""
    return AwsError("ConstraintViolationException", message, Reason=reason)


def too_many_requests(message: str | None = None, status: int = 400) -> AwsError:
    return AwsError(
        "TooManyRequestsException",
        message
        or "You have sent too many requests in too short a period of time. The quota helps protect "
        "against denial-of-service attacks. Try again later.",
        status=status,
        Type="Throttling",
    )


def service_error() -> AwsError:
    return AwsError(
        "ServiceException",
        "AWS Organizations can't complete your request because of an internal service error. "
        "Try again later.",
        status=500,
    )


def invalid_input(reason: str, message: str) -> AwsError:
    return AwsError("InvalidInputException", message, Reason=reason)
