"""Access to moto's in-process Organizations state, and the organization every run starts with."""

from __future__ import annotations

from typing import Any

from moto.moto_api._internal.models import moto_api_backend
from moto.organizations import utils as moto_utils
from moto.organizations.models import organizations_backends

FULL_ACCESS = {
    "SERVICE_CONTROL_POLICY": moto_utils.DEFAULT_SCP_POLICY_ID,
    "RESOURCE_CONTROL_POLICY": moto_utils.DEFAULT_RCP_POLICY_ID,
}


def org_backend(management_account_id: str) -> Any:
    return organizations_backends[management_account_id]["aws"]


def bootstrap(management_account_id: str) -> None:
    """Wipe every moto backend and create the organization AWS has at the start of a test.

    Feature set ALL, no policy type enabled. moto attaches FullAWSAccess (and RCPFullAWSAccess)
    at once; AWS attaches them only when the policy type is enabled, so they are detached here.
    """
    from orgsim.policy_kinds import extend_moto

    extend_moto()
    moto_api_backend.reset()
    organizations_backends.master_accounts.clear()
    backend = org_backend(management_account_id)
    backend.create_organization(region="us-east-1", FeatureSet="ALL")
    master = backend.get_account_by_id(management_account_id)
    master.name = "management"
    for entity in [*backend.ou, *backend.accounts]:
        sync_default_attachments(backend, entity)


def enabled_types(backend: Any) -> set[str]:
    root = root_of(backend)
    return {entry["Type"] for entry in root.policy_types if entry["Status"] == "ENABLED"}


def root_of(backend: Any) -> Any:
    return next(ou for ou in backend.ou if ou.type == "ROOT")


def attach(policy: Any, entity: Any) -> None:
    if policy not in entity.attached_policies:
        entity.attached_policies.append(policy)
        policy.attachments.append(entity)


def detach(policy: Any, entity: Any) -> None:
    if policy in entity.attached_policies:
        entity.attached_policies.remove(policy)
        policy.attachments.remove(entity)


def sync_default_attachments(backend: Any, entity: Any) -> None:
    """Keep the AWS-managed full-access policies attached exactly where their type is enabled."""
    enabled = enabled_types(backend)
    for policy_type, policy_id in FULL_ACCESS.items():
        policy = backend.get_policy_by_id(policy_id)
        if policy_type in enabled:
            attach(policy, entity)
        else:
            detach(policy, entity)


def find_container(backend: Any, entity_id: str) -> Any | None:
    return next((ou for ou in backend.ou if ou.id == entity_id), None)


def find_account(backend: Any, account_id: str) -> Any | None:
    return next((acct for acct in backend.accounts if acct.id == account_id), None)


def find_target(backend: Any, target_id: str) -> Any | None:
    return find_container(backend, target_id) or find_account(backend, target_id)


def find_taggable(backend: Any, resource_id: str) -> Any | None:
    """An account, OU, root or policy by id: what TagResource and ListTagsForResource take."""
    found = find_target(backend, resource_id)
    return found or next((p for p in backend.policies if p.id == resource_id), None)


def ancestry(backend: Any, entity: Any) -> list[Any]:
    """Containers from the root down to the entity's parent (OU or account)."""
    chain: list[Any] = []
    parent = find_container(backend, entity.parent_id) if entity.parent_id else None
    while parent is not None:
        chain.insert(0, parent)
        parent = find_container(backend, parent.parent_id) if parent.parent_id else None
    return chain


def ou_depth(backend: Any, ou: Any) -> int:
    """Depth of an OU under the root: a child of the root has depth 1."""
    if ou.type == "ROOT":
        return 0
    return len(ancestry(backend, ou))


def path_of(backend: Any, entity: Any) -> str:
    """AWS entity path: o-id/r-id/ou-id/.../<own id>/ (the form IAM's aws:PrincipalOrgPaths uses)."""
    ids = [backend.org.id, *(c.id for c in ancestry(backend, entity)), entity.id]
    return "/".join(ids) + "/"
