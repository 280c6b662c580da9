"""WSGI layer in front of moto's server app: control API, call counts, faults, throttling, and the
Organizations / CloudTrail LookupEvents / Cost Explorer behaviour moto gets wrong or lacks."""

from __future__ import annotations

import io
import json
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from orgsim import account_api, budgets, control, identity_center, member_accounts
from orgsim.backend import find_taggable, org_backend
from orgsim.calls import ACCOUNT_PATHS, CONTACT_PATHS, access_key_id, operation_name, signing_region
from orgsim.errors import JSON_CONTENT_TYPE, AwsError, service_error, too_many_requests
from orgsim.sim import Sim
from orgsim.tagging import get_resources

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
ORGANIZATIONS = "AWSOrganizationsV20161128."
LOOKUP_EVENTS = "CloudTrail_20131101.LookupEvents"
COST_AND_USAGE = "AWSInsightsIndexService.GetCostAndUsage"
GET_RESOURCES = "ResourceGroupsTaggingAPI_20170126.GetResources"
TAG_CHANGES = ("TagResource", "UntagResource")
REASONS = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 500: "Internal Server Error"}


class OrgSimMiddleware:
    def __init__(self, app: WsgiApp, sim: Sim) -> None:
        self.app = app
        self.sim = sim

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        body = _read_body(environ)
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_orgsim/"):
            status, reply = control.handle(self.sim, environ["REQUEST_METHOD"], path, body)
            return _respond(start_response, status, json.dumps(reply).encode(), "application/json")
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
        operation = operation_name(headers, environ.get("QUERY_STRING", ""), body, path)
        # the account the request acts in, once: the Account API handler reads it from headers too
        environ["HTTP_X_MOTO_ACCOUNT_ID"] = headers["x-moto-account-id"] = self._account_of(headers)
        self.sim.calls.add(operation)
        fault = self.sim.faults.take(operation, ("http500", "connection_reset", "latency", "aws_error"))
        if fault is not None and fault.kind == "latency":
            time.sleep(fault.latency_ms / 1000)
        elif fault is not None and fault.kind == "connection_reset":
            return _reset_connection(environ, start_response)
        elif fault is not None and fault.kind == "aws_error":
            return _error(start_response, AwsError(fault.code, f"orgsim injected {fault.code}"))
        elif fault is not None:
            return _error(start_response, service_error())
        target = headers.get("x-amz-target", "")
        account_api_call = (operation in ACCOUNT_PATHS.values()
                            and "/account/aws4_request" in headers.get("authorization", ""))
        if self._identity_center_throttled(target):
            return _error(start_response, identity_center.throttled())
        if self._throttled(operation, target, account_api_call):
            if target == GET_RESOURCES:  # the Tagging API's own throttling error (botocore's model)
                return _error(start_response, AwsError("ThrottledException", "Rate exceeded"))
            return _error(start_response, too_many_requests(status=429 if account_api_call else 400))
        try:
            if target.startswith(ORGANIZATIONS):
                return self._organizations(environ, start_response, operation, body, headers)
            if target.endswith(LOOKUP_EVENTS):
                return _json(start_response, self.sim.trail.lookup(
                    _params(body), signing_region(headers), self.sim.settings.cloudtrail_delivery_seconds))
            if account_api_call:
                return self._account_api(start_response, operation, body, headers)
            if target == GET_RESOURCES:
                return _json(start_response, self._get_resources(_params(body), signing_region(headers)))
            if target == COST_AND_USAGE:
                return _json(start_response, self.sim.spend.cost_and_usage(_params(body)))
            signed_for = headers.get("authorization", "")
            if operation in CONTACT_PATHS.values() and "/account/aws4_request" in signed_for:
                self._check_contact(operation, body)
            if target.startswith(identity_center.SSO_ADMIN) and self.sim.assignments.handles(operation):
                return _json(start_response, self._assignments(operation, body, headers))
            if operation == "AssumeRole" and not target:
                refused = member_accounts.refuse_assume_role(body, self._caller_arn(headers))
                if refused is not None:
                    return _respond(start_response, 403, refused, "text/xml")
            if target.startswith(budgets.TARGET) and operation in budgets.OPERATIONS:
                with self.sim.lock:
                    return _json(start_response, budgets.handle(operation, _params(body)))
        except AwsError as error:
            return _error(start_response, error)
        return self.app(environ, start_response)

    def _account_of(self, headers: dict[str, str]) -> str:
        """The account a request acts in (orgsim.member_accounts.account_of)."""
        return member_accounts.account_of(access_key_id(headers), self.sim.settings.management_account_id)

    def _caller_arn(self, headers: dict[str, str]) -> str:
        identity = self.sim.identity(access_key_id(headers))
        return str(identity.user_identity.get("arn", ""))

    def _throttled(self, operation: str, target: str, account_api_call: bool) -> bool:
        if not self.sim.settings.throttle:
            return False
        if not (target.startswith(ORGANIZATIONS) or target.endswith(LOOKUP_EVENTS) or account_api_call
                or target == GET_RESOURCES):
            return False
        return not self.sim.throttle.allow(operation, self.sim.settings.rates)

    def _check_contact(self, operation: str, body: bytes) -> None:
        with self.sim.lock:
            account_api.check_member(operation, self.sim.settings.management_account_id, _params(body))

    def _identity_center_throttled(self, target: str) -> bool:
        """Identity Center's APIs share one throttle (orgsim.identity_center)."""
        if not self.sim.settings.throttle or not target.startswith(
                (identity_center.SSO_ADMIN, identity_center.IDENTITY_STORE)):
            return False
        shared = identity_center.SHARED_BUCKET
        rates = {shared: list(identity_center.RATE), **self.sim.settings.rates}
        return not self.sim.throttle.allow(shared, rates)

    def _assignments(self, operation: str, body: bytes, headers: dict[str, str]) -> dict[str, Any]:
        settings = self.sim.settings
        with self.sim.lock:
            return self.sim.assignments.handle(operation, _params(body), settings.management_account_id,
                                               signing_region(headers), settings.assignment_seconds)

    def _organizations(self, environ: dict[str, Any], start_response: StartResponse, operation: str,
                       body: bytes, headers: dict[str, str]) -> Iterable[bytes]:
        params = _params(body)
        identity = self.sim.identity(access_key_id(headers))
        agent = headers.get("user-agent", "")
        orgs, trail = self.sim.organizations, self.sim.trail
        with self.sim.lock:
            try:
                result = orgs.before(operation, params)
                before = self._tags_of(params) if operation in TAG_CHANGES else None
                if result is None:
                    status, moto_headers, raw = self._call_moto(
                        _with_params(environ, orgs.moto_params(operation, params)))
                    if not status.startswith("200"):
                        trail.record(operation, params, {}, identity, _moto_error(raw), user_agent=agent)
                        start_response(status, moto_headers)
                        return [raw]
                    result = json.loads(raw or b"{}")
                result = orgs.after(operation, params, result)
                if before is not None:
                    self.sim.tag_index.changed(params["ResourceId"], before, self._tags_of(params) or {})
                trail.record(operation, params, result, identity, user_agent=agent)
            except AwsError as error:
                trail.record(operation, params, {}, identity, error, user_agent=agent)
                return _error(start_response, error)
            finally:
                for name, details in self.sim.lifecycle.finished:
                    trail.service_event(name, details)
                self.sim.lifecycle.finished.clear()
        return _json(start_response, result)

    def _get_resources(self, params: dict[str, Any], region: str) -> dict[str, Any]:
        with self.sim.lock:
            backend = org_backend(self.sim.settings.management_account_id)
            return get_resources(backend, self.sim.tag_index, self.sim.settings.tag_index_lag_seconds,
                                 params, region)

    def _tags_of(self, params: dict[str, Any]) -> dict[str, str] | None:
        """The tags TagResource / UntagResource's resource has now (None: no such resource)."""
        backend = org_backend(self.sim.settings.management_account_id)
        resource_id = str(params.get("ResourceId", ""))
        resource = find_taggable(backend, resource_id)
        return dict(resource.tags) if resource is not None else None

    def _account_api(self, start_response: StartResponse, operation: str, body: bytes,
                     headers: dict[str, str]) -> Iterable[bytes]:
        params = _params(body)
        identity = self.sim.identity(access_key_id(headers))
        agent = headers.get("user-agent", "")
        with self.sim.lock:
            try:
                result = account_api.handle(operation, self.sim.settings.management_account_id, params,
                                            self.sim.regions, self.sim.settings.region_opt_seconds,
                                            caller=headers["x-moto-account-id"])
            except AwsError as error:
                self.sim.trail.record(operation, params, {}, identity, error, account_api.SOURCE, agent)
                raise
            self.sim.trail.record(operation, params, result, identity, None, account_api.SOURCE, agent)
        return _respond(start_response, 200, json.dumps(result).encode(), "application/json")

    def _call_moto(self, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured.update(status=status, headers=headers)
            return lambda data: None

        chunks = self.app(environ, capture)
        try:
            raw = b"".join(chunks)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
        headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
        headers.append(("Content-Length", str(len(raw))))
        return captured["status"], headers, raw


def _read_body(environ: dict[str, Any]) -> bytes:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def _with_params(environ: dict[str, Any], params: dict[str, Any] | None) -> dict[str, Any]:
    """The request with another JSON body (what moto must answer), or unchanged for None."""
    if params is None:
        return environ
    body = json.dumps(params).encode()
    return {**environ, "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))}


def _params(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body) if body.strip() else {}
    except ValueError as exc:
        raise AwsError("SerializationException", "The request body is not valid JSON.") from exc
    return value if isinstance(value, dict) else {}


def _moto_error(raw: bytes) -> AwsError:
    try:
        payload = json.loads(raw)
        return AwsError(str(payload.get("__type", "Unknown")), str(payload.get("message", "")))
    except (ValueError, AttributeError):
        return AwsError("Unknown", raw.decode("utf-8", "replace")[:200])


def _respond(start_response: StartResponse, status: int, body: bytes, content_type: str) -> list[bytes]:
    start_response(f"{status} {REASONS.get(status, 'Error')}", [
        ("Content-Type", content_type), ("Content-Length", str(len(body))),
        ("x-amzn-RequestId", str(uuid.uuid4()))])
    return [body]


def _json(start_response: StartResponse, payload: dict[str, Any]) -> list[bytes]:
    return _respond(start_response, 200, json.dumps(payload).encode(), JSON_CONTENT_TYPE)


def _error(start_response: StartResponse, error: AwsError) -> list[bytes]:
    return _respond(start_response, error.status, error.body(), JSON_CONTENT_TYPE)


def _reset_connection(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
    """Drop the connection with no response (orgsim.server's `orgsim.reset` makes it a TCP reset)."""
    environ["orgsim.reset"]()
    return [b""]  # not reached: the reset raises
