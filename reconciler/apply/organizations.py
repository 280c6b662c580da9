"""The changes apply makes, one method per AWS operation. Each returns AWS's request id (for the
audit log) and, for creations, the new resource's id. Nothing here decides: apply calls these in
the plan's order."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from reconciler.errors import AwsError
from reconciler.live.calls import AwsCalls, request_id
from reconciler.live.scope import parent_id


@dataclass(frozen=True)
class CreateStatus:
    request: str  # AWS's create-account request id (car-...)
    name: str
    state: str  # IN_PROGRESS | SUCCEEDED | FAILED
    account_id: str | None = None
    failure: str | None = None


def _tags(tags: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in sorted(tags.items())]


def _type_status(root: Mapping[str, Any], policy_type: str) -> str | None:
    return next((str(t["Status"]) for t in root.get("PolicyTypes", []) if t.get("Type") == policy_type), None)


def _status(raw: Mapping[str, Any]) -> CreateStatus:
    return CreateStatus(
        request=str(raw["Id"]), name=str(raw.get("AccountName", "")), state=str(raw["State"]),
        account_id=raw.get("AccountId"), failure=raw.get("FailureReason"),
    )


class OrganizationsWriter:
    def __init__(self, client: AwsCalls) -> None:
        self.client = client

    def _rid(self, operation: str, service: str = "organizations", **params: Any) -> str | None:
        return request_id(self.client.call(operation, service=service, **params))

    def enable_policy_type(self, root_id: str, policy_type: str) -> tuple[str | None, str | None]:
        """(the type's status on the root as AWS answered, request id): AWS enables in the background."""
        response = self.client.call("EnablePolicyType", RootId=root_id, PolicyType=policy_type)
        return _type_status(response.get("Root", {}), policy_type), request_id(response)

    def policy_type_status(self, root_id: str, policy_type: str) -> str | None:
        """ENABLED, PENDING_ENABLE, PENDING_DISABLE, or None when the root does not list the type."""
        for root in self.client.call("ListRoots")["Roots"]:
            if root["Id"] == root_id:
                return _type_status(root, policy_type)
        return None

    def disable_policy_type(self, root_id: str, policy_type: str) -> str | None:
        return self._rid("DisablePolicyType", RootId=root_id, PolicyType=policy_type)

    def create_ou(self, parent_id: str, name: str, tags: Mapping[str, str]) -> tuple[str, str | None]:
        params: dict[str, Any] = {"ParentId": parent_id, "Name": name}
        if tags:
            params["Tags"] = _tags(tags)
        response = self.client.call("CreateOrganizationalUnit", **params)
        return str(response["OrganizationalUnit"]["Id"]), request_id(response)

    def delete_ou(self, ou_id: str) -> str | None:
        return self._rid("DeleteOrganizationalUnit", OrganizationalUnitId=ou_id)

    def tag(self, resource_id: str, tags: Mapping[str, str]) -> str | None:
        return self._rid("TagResource", ResourceId=resource_id, Tags=_tags(tags))

    def untag(self, resource_id: str, keys: list[str]) -> str | None:
        return self._rid("UntagResource", ResourceId=resource_id, TagKeys=sorted(keys))

    def create_policy(self, name: str, kind: str, description: str, content: str) -> tuple[str, str | None]:
        response = self.client.call("CreatePolicy", Name=name, Type=kind, Description=description,
                                    Content=content)
        return str(response["Policy"]["PolicySummary"]["Id"]), request_id(response)

    def update_policy(self, policy_id: str, name: str, description: str, content: str) -> str | None:
        return self._rid("UpdatePolicy", PolicyId=policy_id, Name=name, Description=description,
                         Content=content)

    def delete_policy(self, policy_id: str) -> str | None:
        return self._rid("DeletePolicy", PolicyId=policy_id)

    def attach(self, policy_id: str, target_id: str) -> str | None:
        return self._rid("AttachPolicy", PolicyId=policy_id, TargetId=target_id)

    def detach(self, policy_id: str, target_id: str) -> str | None:
        return self._rid("DetachPolicy", PolicyId=policy_id, TargetId=target_id)

    def move_account(self, account_id: str, source: str, destination: str) -> str | None:
        return self._rid("MoveAccount", AccountId=account_id, SourceParentId=source,
                         DestinationParentId=destination)

    def parent_of(self, account_id: str) -> str:
        parent = parent_id(self.client, account_id)  # past empty pages, as AWS may answer them
        if parent is None:
            raise AwsError(f"AWS listed no parent for account {account_id}")
        return parent

    def rename_account(self, account_id: str, name: str, management_account_id: str) -> str | None:
        """PutAccountName, of the Account Management API, called from the management account: a
        member by AccountId; the management account itself without one (AWS refuses its own id)."""
        if account_id == management_account_id:
            return self._rid("PutAccountName", service="account", AccountName=name)
        return self._rid("PutAccountName", service="account", AccountId=account_id, AccountName=name)

    def close_account(self, account_id: str) -> str | None:
        return self._rid("CloseAccount", AccountId=account_id)

    def start_create(self, email: str, name: str, tags: Mapping[str, str]) -> tuple[CreateStatus, str | None]:
        response = self.client.call("CreateAccount", Email=email, AccountName=name, Tags=_tags(tags))
        return _status(response["CreateAccountStatus"]), request_id(response)

    def create_status(self, request: str) -> CreateStatus:
        response = self.client.call("DescribeCreateAccountStatus", CreateAccountRequestId=request)
        return _status(response["CreateAccountStatus"])

    def create_requests(self, states: list[str]) -> Iterator[CreateStatus]:
        for raw in self.client.pages("ListCreateAccountStatus", "CreateAccountStatuses", States=states):
            yield _status(raw)

    def account_email(self, account_id: str) -> str | None:
        response = self.client.call("DescribeAccount", AccountId=account_id)
        email = response.get("Account", {}).get("Email")
        return str(email) if email else None

    def find_account(self, email: str) -> tuple[str, str] | None:
        """(account id, name) of the organization's account with this root email, if any."""
        for item in self.client.pages("ListAccounts", "Accounts"):
            if str(item["Email"]).lower() == email.lower():
                return str(item["Id"]), str(item["Name"])
        return None
