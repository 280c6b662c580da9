"""The compiled JSON-protocol response parser (reconciler/adapters/fast_parse.py) returns what
botocore's own JSONParser returns: for generated responses to every operation and modeled error of
every JSON-protocol service the adapters call (unknown keys, nulls, nested lists and maps,
timestamps, blobs, documents, unions), and for a whole organization read through orgsim."""

from __future__ import annotations

import base64
import json
import random
import threading
from typing import Any

import boto3
import botocore.session
import pytest
from botocore import parsers
from botocore.model import ServiceModel, Shape
from core_world import create_account

from orgsim.testing import OrgSim
from reconciler.adapters.aws import AwsClient, default_session, parse_timestamp
from reconciler.adapters.fast_parse import CompiledJSONParser, CompiledParserFactory
from reconciler.live.read import read_organization

# Every service the adapters make a client for; the JSON-protocol ones get the compiled parser.
SERVICES = ("organizations", "account", "cloudtrail", "resourcegroupstaggingapi", "ce", "budgets",
            "sso-admin", "identitystore", "cloudwatch", "logs", "sts", "ec2", "iam")


def _json_models() -> list[ServiceModel]:
    session = botocore.session.get_session()
    models = [session.get_service_model(name) for name in SERVICES]
    return [m for m in models if parsers.PROTOCOL_PARSERS[m.resolved_protocol] is parsers.JSONParser]


def _sample(shape: Shape, rng: random.Random, depth: int = 0) -> Any:
    """A value of the shape as a service might send it, with what botocore must drop or keep."""
    kind = shape.type_name
    if kind == "structure":
        if shape.is_document_type:
            return {"any": [1, "two", None, {"three": 3.0}]}
        members = list(shape.members.items())
        if shape.is_tagged_union:
            name, member = rng.choice(members)
            return {member.serialization.get("name", name): _sample(member, rng, depth + 1)}
        value: dict[str, Any] = {"NotInTheModel": "dropped"}
        if depth > 4:
            return value
        for name, member in members:
            roll = rng.random()
            if roll < 0.15:
                value[member.serialization.get("name", name)] = None  # null: left out
            elif roll < 0.85:
                value[member.serialization.get("name", name)] = _sample(member, rng, depth + 1)
        return value
    if kind == "list":
        items = [_sample(shape.member, rng, depth + 1) for _ in range(rng.randint(0, 3) if depth < 5 else 0)]
        return [*items, None] if rng.random() < 0.2 else items  # a sparse list keeps its null
    if kind == "map":
        count = rng.randint(0, 3) if depth < 5 else 0
        return {f"k{n}": _sample(shape.value, rng, depth + 1) for n in range(count)}
    if kind == "timestamp":
        return rng.choice([1764583200, 1764583200.25, "2026-12-01T10:00:00Z"])
    if kind == "blob":
        return base64.b64encode(b"bytes").decode()
    if kind == "boolean":
        return rng.random() < 0.5
    if kind in ("integer", "long"):
        return rng.randint(-5, 10**12)
    if kind in ("float", "double"):
        return rng.random() * 100
    return rng.choice(["text", "", "ünïcode", "0"])


def _typed(value: Any) -> Any:
    """The value with every type spelled out: 1, 1.0 and True must not pass for one another."""
    if isinstance(value, dict):
        return ("dict", [(_typed(k), _typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [_typed(v) for v in value])
    return (type(value).__name__, value)


def _response(body: Any) -> dict[str, Any]:
    return {"status_code": 200, "headers": {"x-amzn-requestid": "r-1"}, "body": json.dumps(body).encode()}


def test_every_operation_and_error_of_the_json_services_parses_as_botocore_does() -> None:
    models = _json_models()
    assert {m.service_name for m in models} >= {"organizations", "resourcegroupstaggingapi", "sso-admin"}
    stock = parsers.JSONParser(timestamp_parser=parse_timestamp)
    factory = CompiledParserFactory()
    factory.set_parser_defaults(timestamp_parser=parse_timestamp)
    rng = random.Random(13)
    shapes = 0
    for model in models:
        outputs = [model.operation_model(op).output_shape for op in model.operation_names]
        # An event stream's body is binary frames, not JSON; botocore's stream parser reads it.
        plain = [s for s in outputs if s is not None and not s.event_stream_name]
        for shape in plain + list(model.error_shapes):
            for _ in range(3):
                body = _sample(shape, rng)
                fast = factory.create_parser(model.resolved_protocol)
                assert isinstance(fast, CompiledJSONParser)
                ours, theirs = fast.parse(_response(body), shape), stock.parse(_response(body), shape)
                assert _typed(ours) == _typed(theirs), (model.service_name, shape.name)
            shapes += 1
    assert shapes > 500, shapes  # the services' whole surface, not a handful


def test_other_protocols_keep_botocores_parsers() -> None:
    factory = CompiledParserFactory()
    assert type(factory.create_parser("query")) is parsers.QueryParser
    assert type(factory.create_parser("rest-json")) is parsers.RestJSONParser
    assert type(factory.create_parser("ec2")) is parsers.EC2QueryParser


def test_parsers_made_in_parallel_share_whole_converters() -> None:
    """botocore makes a parser per call and the reader calls from threads: a converter is
    published only when its members are all in, so no thread parses with half a structure."""
    model = botocore.session.get_session().get_service_model("organizations")
    shape = model.operation_model("ListAccounts").output_shape
    body = {"Accounts": [{"Id": "111111111111", "Name": "a", "Email": "a@example.com", "Status": "ACTIVE",
                          "JoinedTimestamp": 1764583200, "Arn": "arn:aws:organizations::1:account/o-1/1",
                          "JoinedMethod": "CREATED", "State": "ACTIVE"}], "NextToken": "t"}
    expected = parsers.JSONParser(timestamp_parser=parse_timestamp).parse(_response(body), shape)
    for _ in range(20):
        factory = CompiledParserFactory()
        factory.set_parser_defaults(timestamp_parser=parse_timestamp)
        results: list[Any] = []
        threads = [threading.Thread(target=lambda: results.append(
            factory.create_parser("json").parse(_response(body), shape))) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert results == [expected] * 8


def test_an_organization_read_through_orgsim_is_the_same_with_either_parser(
        aws: OrgSim, org: Any) -> None:
    root = org.list_roots()["Roots"][0]["Id"]
    org.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
    unit = org.create_organizational_unit(ParentId=root, Name="Workloads",
                                          Tags=[{"Key": "purpose", "Value": "apps"}])["OrganizationalUnit"]
    account = create_account(org, "a@example.com", "acme-prod", {"environment": "production"})
    org.move_account(AccountId=account, SourceParentId=root, DestinationParentId=unit["Id"])
    policy = org.create_policy(Name="guard", Type="SERVICE_CONTROL_POLICY", Description="d",
                               Content='{"Version":"2012-10-17","Statement":[{"Effect":"Deny",'
                                       '"Action":"s3:DeleteBucket","Resource":"*"}]}',
                               Tags=[{"Key": "owner", "Value": "platform"}])["Policy"]["PolicySummary"]
    org.attach_policy(PolicyId=policy["Id"], TargetId=unit["Id"])

    def stock_session() -> boto3.Session:
        core = botocore.session.get_session()
        core.get_component("response_parser_factory").set_parser_defaults(timestamp_parser=parse_timestamp)
        return boto3.Session(botocore_session=core)

    fast_client, stock_client = AwsClient(default_session), AwsClient(stock_session)
    assert isinstance(fast_client._session._session.get_component("response_parser_factory"),
                      CompiledParserFactory)
    assert not isinstance(stock_client._session._session.get_component("response_parser_factory"),
                          CompiledParserFactory)
    ours, theirs = read_organization(fast_client), read_organization(stock_client)
    assert ours == theirs
    assert ours.account("acme-prod").tags == {"environment": "production"}
    assert ours.policy("guard") is not None and ours.policy("guard").targets  # type: ignore[union-attr]


@pytest.mark.parametrize("operation", ["ListAccounts", "ListOrganizationalUnitsForParent"])
def test_pages_are_the_same_dictionaries_botocore_returns(aws: OrgSim, org: Any, operation: str) -> None:
    create_account(org, "b@example.com", "acme-dev", {})
    root = org.list_roots()["Roots"][0]["Id"]
    org.create_organizational_unit(ParentId=root, Name="Sandbox")
    params = {"ParentId": root} if operation == "ListOrganizationalUnitsForParent" else {}
    key = "OrganizationalUnits" if params else "Accounts"
    fast = list(AwsClient().pages(operation, key, **params))
    plain = boto3.client("organizations").get_paginator(
        "list_accounts" if not params else "list_organizational_units_for_parent")
    theirs = [item for page in plain.paginate(**params) for item in page[key]]
    assert _typed(fast) == _typed(theirs) and fast
