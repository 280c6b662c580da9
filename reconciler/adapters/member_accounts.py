"""Entering member accounts: STS AssumeRole from the management identity, then boto3 clients with
the role's temporary credentials, one per service and Region (reconciler.apply.in_account's
`MemberAccounts` port). The credentials live in memory only and are never shown: errors are AWS's
code and message (reconciler.adapters.aws.aws_error).

One boto3 session makes every client, so botocore loads each service model once however many
accounts a shard enters.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from reconciler.adapters.aws import SessionFactory, aws_error, client_config, default_session, snake
from reconciler.errors import AwsError
from reconciler.live.calls import Response, page_items

SESSION_NAME: Final = "org-reconciler-baseline"  # the session name CloudTrail shows in the account
SESSION_SECONDS: Final = 3600  # STS's default; a role's maximum session is at least this


class AssumedRoles:
    """The `MemberAccounts` port over boto3."""

    def __init__(self, session_factory: SessionFactory = default_session) -> None:
        self._session: boto3.Session = session_factory()
        self._region = self._session.region_name or "us-east-1"
        self._config = client_config()
        self._sts: Any = None

    def enter(self, account_id: str, role_name: str) -> AccountCalls:
        partition = self._session.get_partition_for_region(self._region)
        role_arn = f"arn:{partition}:iam::{account_id}:role/{role_name}"
        try:
            if self._sts is None:
                self._sts = self._session.client("sts", region_name=self._region, config=self._config)
            found = self._sts.assume_role(RoleArn=role_arn, RoleSessionName=SESSION_NAME,
                                          DurationSeconds=SESSION_SECONDS)["Credentials"]
        except ClientError as exc:
            raise aws_error("AssumeRole", exc) from exc
        except BotoCoreError as exc:
            raise AwsError(f"AssumeRole failed: {exc}") from exc
        keys = {"aws_access_key_id": found["AccessKeyId"], "aws_secret_access_key": found["SecretAccessKey"],
                "aws_session_token": found["SessionToken"]}
        return AccountCalls(self, keys)

    def client(self, service: str, region: str, keys: dict[str, str]) -> Any:
        return self._session.client(service, region_name=region, config=self._config,  # type: ignore[call-overload]
                                    **keys)


class AccountCalls:
    """One account, as the assumed role (the `InAccount` port)."""

    def __init__(self, roles: AssumedRoles, keys: dict[str, str]) -> None:
        self._roles, self._keys = roles, keys

    def in_region(self, region: str) -> RegionCalls:
        return RegionCalls(self._roles, self._keys, region)


class RegionCalls:
    """AwsCalls in one Region of one account; a client per service, made on first use."""

    def __init__(self, roles: AssumedRoles, keys: dict[str, str], region: str) -> None:
        self._roles, self._keys, self._region = roles, keys, region
        self._clients: dict[str, Any] = {}

    def call(self, operation: str, service: str = "ec2", **params: Any) -> Response:
        try:
            client = self._clients.get(service)
            if client is None:
                client = self._clients[service] = self._roles.client(service, self._region, self._keys)
            response: Response = getattr(client, snake(operation))(**params)
        except ClientError as exc:
            raise aws_error(operation, exc) from exc
        except BotoCoreError as exc:
            raise AwsError(f"{operation} failed: {exc}") from exc
        return response

    def pages(self, operation: str, key: str, service: str = "ec2",
              **params: Any) -> Iterator[dict[str, Any]]:
        return page_items(self.call, operation, key, service, params)
