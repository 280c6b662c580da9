"""A handle on an orgsim subprocess, for tests, benchmarks and the demo."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import urllib.request
from types import TracebackType
from typing import IO, Any

ACCESS_KEY_ID = "orgsim-admin"
SECRET_ACCESS_KEY = "orgsim-secret"  # noqa: S105 - a fixed dummy value, moto checks no signature
REGION = "us-east-1"
START_TIMEOUT_SECONDS = 60
UNSET_VARIABLES = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")


class OrgSimError(RuntimeError):
    """The simulator did not start, or its control API refused a request."""


class OrgSim:
    def __init__(self, process: subprocess.Popen[str], url: str) -> None:
        self._process = process
        self.url = url

    @classmethod
    def start(cls, *, throttle: bool = False, create_account_seconds: float = 0.2,
              management_account_id: str = "111111111111", policy_type_seconds: float = 0.0) -> OrgSim:
        command = [sys.executable, "-m", "orgsim", "serve", "--port", "0",
                   "--throttle", "on" if throttle else "off",
                   "--create-account-seconds", str(create_account_seconds),
                   "--policy-type-seconds", str(policy_type_seconds),
                   "--management-account-id", management_account_id]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert process.stdout is not None
        line = _first_line(process.stdout, START_TIMEOUT_SECONDS)
        if not line.startswith("ready "):
            process.kill()
            _, err = process.communicate(timeout=10)
            raise OrgSimError(f"orgsim did not start: {line!r} {err[-2000:]}")
        threading.Thread(target=_drain, args=(process.stdout,), daemon=True).start()
        threading.Thread(target=_drain, args=(process.stderr,), daemon=True).start()
        return cls(process, line.split(" ", 1)[1].strip())

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=10)

    def __enter__(self) -> OrgSim:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def _control(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(  # noqa: S310 - self.url is the simulator's own http URL
            f"{self.url}/_orgsim/{path}", data=data, method=method,
            headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - own http URL
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            raise OrgSimError(f"{method} /_orgsim/{path}: {exc.read().decode()}") from exc

    def calls(self) -> dict[str, int]:
        return dict(self._control("GET", "calls"))

    def reset(self, state: bool = True, settings: bool = False) -> None:
        """Zero call counts and faults; `state` also recreates a fresh organization; `settings`
        also restores the settings the simulator started with."""
        self._control("POST", "reset", {"state": state, "settings": settings})

    def inject_fault(self, operation: str, kind: str, count: int = 1, latency_ms: int = 0,
                     **extra: Any) -> None:
        self._control("POST", "faults", {"operation": operation, "kind": kind, "count": count,
                                         "latency_ms": latency_ms, **extra})

    def configure(self, **settings: Any) -> dict[str, Any]:
        return dict(self._control("POST", "config", settings))

    def set_clock(self, now: str | None = None, advance_seconds: float | None = None) -> str:
        """Move the simulator's clock (orgsim.clock); returns its new instant, ISO 8601 in UTC."""
        body: dict[str, Any] = {}
        if now is not None:
            body["now"] = now
        if advance_seconds is not None:
            body["advance_seconds"] = advance_seconds
        return str(self._control("POST", "clock", body)["now"])

    def seed_spend(self, rows: list[dict[str, Any]], replace: bool = True) -> None:
        self._control("POST", "spend", {"rows": rows, "replace": replace})

    def seed_identity_center(self, permission_sets: list[str], groups: list[str]) -> dict[str, str]:
        """Creates permission sets and groups in the simulator's IAM Identity Center (Region REGION)
        and turns on trusted access for Account Management; see `seed_identity_center`."""
        return seed_identity_center(self.client, permission_sets, groups)

    def env(self) -> dict[str, str]:
        """Variables that point boto3 at the simulator. The config and credentials files point at
        the null device so no real profile of the machine is read; also unset the variables in
        UNSET_VARIABLES (an empty AWS_PROFILE is an error in botocore, so they are not in here)."""
        return {"AWS_ENDPOINT_URL": self.url, "AWS_ACCESS_KEY_ID": ACCESS_KEY_ID,
                "AWS_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY, "AWS_REGION": REGION,
                "AWS_DEFAULT_REGION": REGION, "AWS_CONFIG_FILE": os.devnull,
                "AWS_SHARED_CREDENTIALS_FILE": os.devnull}

    def client(self, service: str = "organizations", access_key_id: str | None = None,
               **config: Any) -> Any:
        """A boto3 client on the simulator. A distinct `access_key_id` is a distinct person:
        CloudTrail shows an IAM user named after it, or who config `identities` says (a user
        name, an assumed role's session, root or an AWS service; docs/orgsim.md)."""
        import boto3
        from botocore.config import Config

        return boto3.session.Session(
            aws_access_key_id=access_key_id or ACCESS_KEY_ID,
            aws_secret_access_key=SECRET_ACCESS_KEY, region_name=REGION,
        ).client(service, endpoint_url=self.url, config=Config(**config) if config else None)


    def member_client(self, account_id: str, service: str = "ec2", region: str = REGION,
                      role_name: str = "OrganizationAccountAccessRole") -> Any:
        """A boto3 client acting in a member account: STS AssumeRole into `role_name` there (the
        role CreateAccount made), as the management account's person, then the role's credentials."""
        import boto3

        role_arn = f"arn:aws:iam::{account_id}:role/{role_name}"
        found = self.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="orgsim-test")["Credentials"]
        return boto3.session.Session(
            aws_access_key_id=found["AccessKeyId"], aws_secret_access_key=found["SecretAccessKey"],
            aws_session_token=found["SessionToken"], region_name=region,
        ).client(service, endpoint_url=self.url)


def seed_identity_center(client: Any, permission_sets: list[str], groups: list[str]) -> dict[str, str]:
    """Creates permission sets and groups in IAM Identity Center and turns on trusted access for the
    Account Management API, which account baselines need; `client(service)` makes a boto3 client.
    Returns the instance ARN ("instance"), the identity store id ("store") and each name's ARN or id."""
    sso, store = client("sso-admin"), client("identitystore")
    instance = sso.list_instances()["Instances"][0]
    found = {"instance": str(instance["InstanceArn"]), "store": str(instance["IdentityStoreId"])}
    for name in permission_sets:
        created = sso.create_permission_set(Name=name, InstanceArn=found["instance"])
        found[name] = str(created["PermissionSet"]["PermissionSetArn"])
    for name in groups:
        found[name] = str(store.create_group(IdentityStoreId=found["store"], DisplayName=name)["GroupId"])
    client("organizations").enable_aws_service_access(ServicePrincipal="account.amazonaws.com")
    return found


def _first_line(stream: IO[str], timeout: float) -> str:
    result: list[str] = []
    reader = threading.Thread(target=lambda: result.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return result[0] if result else ""


def _drain(stream: IO[str]) -> None:
    for _ in stream:
        pass
