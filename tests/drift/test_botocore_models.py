"""The product's AWS calls checked against botocore's service models, the ground truth for AWS's
API shapes: every operation it calls exists, every parameter it sends has that name (nested), and
every response field it reads (get, [], in) is one AWS returns, not a retired one.

The product's real paths run against orgsim with a recording `AwsClient.call`: apply of a world
that creates, moves, tags and closes accounts and creates and attaches policies, a full and an
incremental reconcile that revert out-of-band changes. Responses are wrapped in dict and list
subclasses that note every key read. orgsim answers more than AWS in places (moto's extras), so
only the model can say whether a field is AWS's."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import botocore.session
import pytest
from core_world import set_field
from drift_world import INTRUDER, World, ou_id

from reconciler.adapters.aws import AwsClient
from reconciler.commands.apply import run_apply

Where = tuple[str, str, tuple[str, ...]]  # (service, operation, path of keys; "[]" for a list item)
TOP_LEVEL = {"ResponseMetadata"}  # botocore's own, on every response
# the operations the paths below must reach, so that the test cannot pass by calling nothing
REACHED = {
    "ListRoots", "ListOrganizationalUnitsForParent", "ListAccounts", "ListPolicies", "DescribePolicy",
    "ListTargetsForPolicy", "ListTagsForResource", "ListCreateAccountStatus", "CreateAccount",
    "DescribeCreateAccountStatus", "EnablePolicyType", "CreateOrganizationalUnit", "CreatePolicy",
    "AttachPolicy", "MoveAccount", "TagResource", "UpdatePolicy", "CloseAccount", "DescribeAccount",
    "ListParents", "LookupEvents", "PutAccountName", "GetResources",
}


@dataclass
class Recording:
    sent: set[Where] = field(default_factory=set)
    read: set[Where] = field(default_factory=set)

    def calls(self) -> set[str]:
        return {operation for _, operation, path in self.sent | self.read if not path}


class _ReadDict(dict[str, Any]):
    def __init__(self, data: dict[str, Any], where: Where, recording: Recording) -> None:
        super().__init__(data)
        self._where, self._recording = where, recording

    def _note(self, key: str) -> tuple[Where, Recording]:
        service, operation, path = self._where
        where = (service, operation, (*path, key))
        self._recording.read.add(where)
        return where, self._recording

    def __getitem__(self, key: str) -> Any:
        return _wrap(super().__getitem__(key), *self._note(key))

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        where, recording = self._note(key)
        return _wrap(super().__getitem__(key), where, recording) if super().__contains__(key) else default

    def __contains__(self, key: object) -> bool:
        self._note(str(key))
        return super().__contains__(key)


class _ReadList(list[Any]):
    def __init__(self, data: list[Any], where: Where, recording: Recording) -> None:
        super().__init__(data)
        service, operation, path = where
        self._item, self._recording = (service, operation, (*path, "[]")), recording

    def __iter__(self) -> Iterator[Any]:
        for value in super().__iter__():
            yield _wrap(value, self._item, self._recording)

    def __getitem__(self, index: Any) -> Any:
        return _wrap(super().__getitem__(index), self._item, self._recording)


def _wrap(value: Any, where: Where, recording: Recording) -> Any:
    if isinstance(value, dict):
        return _ReadDict(value, where, recording)
    if isinstance(value, list):
        return _ReadList(value, where, recording)
    return value


def _sent(value: Any, where: Where, recording: Recording) -> None:
    recording.sent.add(where)
    service, operation, path = where
    if isinstance(value, dict):
        for key, item in value.items():
            _sent(item, (service, operation, (*path, key)), recording)
    elif isinstance(value, list):
        for item in value:
            _sent(item, (service, operation, (*path, "[]")), recording)


def recording_call(real: Callable[..., Any], recording: Recording) -> Callable[..., Any]:
    """AwsClient.call, noting what is sent and wrapping what comes back."""
    def call(self: AwsClient, operation: str, service: str = "organizations", **params: Any) -> Any:
        _sent(params, (service, operation, ()), recording)
        return _wrap(real(self, operation, service, **params), (service, operation, ()), recording)
    return call


# "The <code>Status</code> parameter in the <code>Account</code> object will be retired on ..."
_RETIREMENT = re.compile(r"The <code>(\w+)</code> parameter(?:(?!</p>).)*?will be retired")


def _retired(key: str, shape: Any) -> bool:
    """A member the model marks deprecated, or whose own documentation announces its retirement
    (the notes on the lists that hold it name it too, hence the name check)."""
    documentation = str(getattr(shape, "documentation", "") or "")
    return bool(shape.metadata.get("deprecated")) or key in _RETIREMENT.findall(documentation)


def _step(shape: Any, key: str) -> Any | None:
    if key == "[]":
        return shape.member if shape.type_name == "list" else None
    if shape.type_name == "map":
        return shape.value
    if shape.type_name != "structure" or key not in shape.members:
        return None
    member = shape.members[key]
    return None if _retired(key, member) else member


def problems(recording: Recording) -> list[str]:
    """Every recorded operation, parameter and read that botocore's models do not have."""
    session = botocore.session.get_session()
    found = []
    for kind, entries in (("sends", recording.sent), ("reads", recording.read)):
        for service, operation, path in sorted(entries):
            model = session.get_service_model(service)
            if operation not in model.operation_names:
                found.append(f"{service} has no operation {operation}")
                continue
            op = model.operation_model(operation)
            shape = op.input_shape if kind == "sends" else op.output_shape
            if kind == "reads" and path[:1] and path[0] in TOP_LEVEL:
                continue
            for key in path:
                shape = _step(shape, key) if shape is not None else None
            if path and shape is None:
                found.append(f"{service} {operation} {kind} {'.'.join(path)}, which AWS's model "
                             "does not have (or has retired)")
    return sorted(set(found))


@pytest.fixture
def recording(monkeypatch: pytest.MonkeyPatch) -> Recording:
    found = Recording()
    monkeypatch.setattr(AwsClient, "call", recording_call(AwsClient.call, found))
    return found


def _out_of_band_changes(world: World) -> None:
    org: Any = world.org()
    ids = world.ids()
    source, target = ou_id(org, "Workloads/Production"), ou_id(org, "Sandbox")
    org.move_account(AccountId=ids["cust-acme-prod"], SourceParentId=source, DestinationParentId=target)
    policy = next(p for p in org.list_policies(Filter="SERVICE_CONTROL_POLICY")["Policies"]
                  if not p["AwsManaged"])
    org.update_policy(PolicyId=policy["Id"], Content='{"Version": "2012-10-17", "Statement": '
                      '[{"Effect": "Allow", "Action": "*", "Resource": "*"}]}')
    org.tag_resource(ResourceId=ids["cust-acme-prod"], Tags=[{"Key": "cost-center", "Value": "CC-9"}])
    org.enable_aws_service_access(ServicePrincipal="account.amazonaws.com")  # renames by id need it
    account: Any = world.sim.client("account", access_key_id=INTRUDER)
    account.put_account_name(AccountId=ids["cust-acme-prod"], AccountName="acme-renamed")


def test_every_call_parameter_and_read_is_in_botocores_models(
        recording: Recording, world_factory: Callable[..., World]) -> None:
    world = world_factory(_three_accounts)  # apply: creates, moves, tags, policies, attachments
    world.ids()
    assert world.reconcile()[0] == 0  # full scan
    _out_of_band_changes(world)
    code, out, _ = world.reconcile()  # incremental: re-reads, CloudTrail, reverts
    assert code == 0 and "scan: incremental" in out and "reverted" in out, out
    set_field(world.repo / "accounts" / "data-science-lab.yaml", "lifecycle_state", "closed")
    settings = world.repo / "organization.yaml"
    settings.write_text(settings.read_text().replace("allow_account_close: false",
                                                     "allow_account_close: true"))
    run_apply(world.repo, None, True, None, False)  # CloseAccount
    missed = REACHED - recording.calls()
    assert not missed, f"the paths did not reach {sorted(missed)}"
    assert problems(recording) == []


def _three_accounts(repo: Any) -> None:
    keep = ("cust-acme-prod.yaml", "cust-umbrella-prod.yaml", "data-science-lab.yaml")
    for path in (repo / "accounts").glob("*.yaml"):
        if path.name not in keep:
            path.unlink()


def test_a_read_aws_does_not_answer_is_caught() -> None:
    """The check itself: reading the retired Status of an Account, a made-up field, or sending a
    made-up parameter or operation is reported."""
    found = Recording()
    response = {"Accounts": [{"Id": "123456789012", "State": "ACTIVE", "Status": "ACTIVE"}],
                "ResponseMetadata": {"RequestId": "r"}}
    listed = _wrap(response, ("organizations", "ListAccounts", ()), found)
    for account in listed["Accounts"]:
        assert account["State"] == "ACTIVE" and listed.get("NextToken") is None
        assert listed.get("ResponseMetadata")["RequestId"] == "r"
    assert problems(found) == []
    for account in listed["Accounts"]:
        _ = account.get("Status"), "Madeup" in account
    _sent({"Tags": [{"Key": "k", "Valu": "v"}]}, ("organizations", "TagResource", ()), found)
    _sent({}, ("organizations", "ListEverything", ()), found)
    assert problems(found) == [
        "organizations ListAccounts reads Accounts.[].Madeup, which AWS's model does not have "
        "(or has retired)",
        "organizations ListAccounts reads Accounts.[].Status, which AWS's model does not have "
        "(or has retired)",
        "organizations TagResource sends Tags.[].Valu, which AWS's model does not have (or has retired)",
        "organizations has no operation ListEverything",
    ]
