"""AWS's checks on organizational units that moto does not make.

Sources: Organizations User Guide "Quotas and service limits" (OU nesting depth 5 under the root,
2,000 OUs per organization) and the API Reference for CreateOrganizationalUnit,
UpdateOrganizationalUnit, DeleteOrganizationalUnit and MoveAccount.
"""

from __future__ import annotations

from typing import Any

from orgsim.backend import find_account, find_container, ou_depth
from orgsim.errors import AwsError, constraint
from orgsim.settings import Settings

MAX_DEPTH = 5


def _duplicate() -> AwsError:
    return AwsError("DuplicateOrganizationalUnitException",
                    "An OU with the same name already exists.")


def ou_or_fail(backend: Any, ou_id: str) -> Any:
    ou = find_container(backend, ou_id)
    if ou is None or ou.type == "ROOT":
        raise AwsError("OrganizationalUnitNotFoundException",
                       "We can't find an OU with the OrganizationalUnitId that you specified.")
    return ou


def check_create(backend: Any, settings: Settings, params: dict[str, Any]) -> None:
    parent = find_container(backend, params["ParentId"])
    if parent is None:
        raise AwsError("ParentNotFoundException",
                       "We can't find a root or OU with the ParentId that you specified.")
    if ou_depth(backend, parent) + 1 > MAX_DEPTH:
        raise constraint("OU_DEPTH_LIMIT_EXCEEDED",
                         "You attempted to create an OU tree that is too many levels deep.")
    if len([ou for ou in backend.ou if ou.type != "ROOT"]) >= settings.ou_limit:
        raise constraint("OU_NUMBER_LIMIT_EXCEEDED",
                         "You attempted to exceed the number of OUs that you can have in an organization.")
    if any(ou.parent_id == parent.id and ou.name == params["Name"] for ou in backend.ou):
        raise _duplicate()


def rename(backend: Any, params: dict[str, Any]) -> Any:
    """UpdateOrganizationalUnit: moto refuses a name used anywhere; AWS only among siblings."""
    ou = ou_or_fail(backend, params["OrganizationalUnitId"])
    name = params.get("Name")
    if name and name != ou.name:
        if any(o.parent_id == ou.parent_id and o.name == name for o in backend.ou):
            raise _duplicate()
        ou.name = name
    return ou


def check_delete(backend: Any, params: dict[str, Any]) -> None:
    ou = ou_or_fail(backend, params["OrganizationalUnitId"])
    has_children = any(o.parent_id == ou.id for o in backend.ou)
    has_accounts = any(a.parent_id == ou.id for a in backend.accounts)
    if has_children or has_accounts:
        raise AwsError("OrganizationalUnitNotEmptyException",
                       "You can't delete an OU that contains accounts or child OUs.")


def check_move(backend: Any, params: dict[str, Any]) -> None:
    account = find_account(backend, params["AccountId"])
    if account is None:
        raise AwsError("AccountNotFoundException", "You specified an account that doesn't exist.")
    if find_container(backend, params["SourceParentId"]) is None or \
            account.parent_id != params["SourceParentId"]:
        raise AwsError("SourceParentNotFoundException",
                       "We can't find a source root or OU with the ParentId that you specified.")
    if find_container(backend, params["DestinationParentId"]) is None:
        raise AwsError("DestinationParentNotFoundException",
                       "We can't find the destination container (a root or OU) with the ParentId "
                       "that you specified.")
    if params["DestinationParentId"] == account.parent_id:
        raise AwsError("DuplicateAccountException",
                       "That account is already present in the specified destination.")
