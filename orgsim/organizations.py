"""The Organizations layer in front of moto: checks before a call, corrections after it.

`before` either answers a call itself (returns the response body), raises AwsError, or returns
None to let moto handle it; `moto_params` is the request moto gets (a list operation's whole list);
`after` corrects moto's response (one page of a list, accounts' State and Paths, OUs' Path,
default attachments).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from orgsim import effective, ou_rules, paging, policy_rules, tag_rules
from orgsim.backend import detach, find_account, org_backend, path_of, sync_default_attachments
from orgsim.errors import AwsError
from orgsim.faults import FaultBook
from orgsim.lifecycle import Lifecycle
from orgsim.policy_types import PolicyTypes
from orgsim.settings import Settings

Params = dict[str, Any]


class Organizations:
    def __init__(self, settings: Settings, lifecycle: Lifecycle, faults: FaultBook) -> None:
        self.settings = settings
        self.lifecycle = lifecycle
        self.faults = faults
        self.policy_types = PolicyTypes(settings)
        self._before: dict[str, Callable[[Any, Params], Params | None]] = {
            "CreateAccount": self._create_account,
            "DescribeCreateAccountStatus": lambda b, p: lifecycle.describe(p["CreateAccountRequestId"]),
            "ListCreateAccountStatus": self._list_create_status,
            "CloseAccount": self._close_account,
            "RemoveAccountFromOrganization": self._remove_account,
            "CreatePolicy": self._create_policy,
            "UpdatePolicy": self._update_policy,
            "DeletePolicy": lambda b, p: _none(policy_rules.check_mutable(b, p["PolicyId"])),
            "AttachPolicy": lambda b, p: policy_rules.check_attach(b, self.settings, p),
            "DetachPolicy": lambda b, p: policy_rules.check_detach(b, p),
            "EnablePolicyType": self.policy_types.enable,
            "DescribeEffectivePolicy": lambda b, p: effective.describe(b, p, settings.management_account_id),
            "DisablePolicyType": self.policy_types.disable,
            "CreateOrganizationalUnit": self._create_ou,
            "UpdateOrganizationalUnit": self._rename_ou,
            "DeleteOrganizationalUnit": self._delete_ou,
            "MoveAccount": lambda b, p: ou_rules.check_move(b, p),
            "TagResource": self._tag_resource,
            "UntagResource": lambda b, p: policy_rules.check_taggable(b, p),
            "ListTagsForResource": lambda b, p: policy_rules.check_taggable(b, p),
        }

    @property
    def backend(self) -> Any:
        return org_backend(self.settings.management_account_id)

    def before(self, operation: str, params: Params) -> Params | None:
        self.lifecycle.advance()
        self.policy_types.advance(self.backend)
        handler = self._before.get(operation)
        return handler(self.backend, params) if handler else None

    def moto_params(self, operation: str, params: Params) -> Params | None:
        """The request moto answers, when it is not the caller's: a list operation's whole list."""
        return paging.unpaged(operation, params)

    def after(self, operation: str, params: Params, result: Params) -> Params:
        backend = self.backend
        key = paging.result_key(operation)
        if key is not None:
            result = paging.page(operation, params, list(result.get(key) or []), self.settings.page_size,
                                 self.faults)
        for key in ("Accounts", "Account"):
            for account in _as_list(result.get(key)):
                _account_fields(backend, account)
        for key in ("OrganizationalUnits", "OrganizationalUnit"):
            for ou in _as_list(result.get(key)):
                entity = next((o for o in backend.ou if o.id == ou.get("Id")), None)
                if entity is not None:
                    if operation == "CreateOrganizationalUnit":
                        sync_default_attachments(backend, entity)
                    ou["Path"] = path_of(backend, entity)
        return result

    def _create_account(self, backend: Any, params: Params) -> Params:
        tag_rules.check_tags(list(params.get("Tags") or []))
        fault = self.faults.take("CreateAccount", ("create_account_failure",))
        return self.lifecycle.create(params, fault.reason if fault else None)

    def _tag_resource(self, backend: Any, params: Params) -> None:
        policy_rules.check_taggable(backend, params)
        tag_rules.check_tag_resource(backend, params)

    def _create_policy(self, backend: Any, params: Params) -> None:
        tag_rules.check_tags(list(params.get("Tags") or []))
        policy_rules.check_content(params["Type"], params["Content"])
        policy_rules.check_count(backend, params["Type"], self.settings.policy_limit)

    def _create_ou(self, backend: Any, params: Params) -> None:
        tag_rules.check_tags(list(params.get("Tags") or []))
        ou_rules.check_create(backend, self.settings, params)

    def _list_create_status(self, backend: Any, params: Params) -> Params:
        # answered here, the whole list (`after` pages it): moto knows nothing of orgsim's creations
        return {"CreateAccountStatuses": self.lifecycle.statuses(params.get("States"))}

    def _close_account(self, backend: Any, params: Params) -> Params:
        self.lifecycle.close(params["AccountId"])
        return {}

    def _remove_account(self, backend: Any, params: Params) -> None:
        if params["AccountId"] == self.settings.management_account_id:
            raise AwsError("MasterCannotLeaveOrganizationException",
                           "You can't remove a management account from an organization. If you want "
                           "the management account to become a member account in another "
                           "organization, you must first delete the current organization.")

    def _update_policy(self, backend: Any, params: Params) -> None:
        policy = policy_rules.check_mutable(backend, params["PolicyId"])
        if "Content" in params:
            policy_rules.check_content(policy.type, params["Content"])

    def _rename_ou(self, backend: Any, params: Params) -> Params:
        ou = ou_rules.rename(backend, params)
        return {"OrganizationalUnit": {"Id": ou.id, "Arn": ou.arn, "Name": ou.name}}

    def _delete_ou(self, backend: Any, params: Params) -> None:
        """moto leaves a deleted OU in its policies' targets; AWS drops the attachments with it."""
        ou_rules.check_delete(backend, params)
        ou = ou_rules.ou_or_fail(backend, params["OrganizationalUnitId"])
        for policy in list(ou.attached_policies):
            detach(policy, ou)


def _account_fields(backend: Any, account: Params) -> None:
    """An Account as AWS returns it since the retirement of `Status` (2026-09-09): `State` and
    `Paths`, no `Status`."""
    account.pop("Status", None)
    entity = find_account(backend, account.get("Id", ""))
    if entity is not None:
        account["State"] = entity.state
        account["Paths"] = [path_of(backend, entity)]


def _as_list(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        return [value]
    return value if isinstance(value, list) else []


def _none(_: Any) -> None:
    return None
