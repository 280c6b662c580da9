"""The AWS adapter parses responses' epoch timestamps as UTC datetimes (reconciler/adapters/aws.py,
parse_timestamp): the same instants botocore's default gives, without its local-zone lookups."""

from __future__ import annotations

import datetime
import os
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from core_world import create_account

from reconciler.adapters.aws import AwsClient, parse_timestamp


@pytest.fixture
def new_york() -> Iterator[None]:
    """A machine whose local zone is not UTC: botocore's default answers in that zone."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


def test_account_times_are_plain_boto3s_instants_in_utc(aws: Any, org: Any, new_york: None) -> None:
    create_account(org, "ts@example.com", "ts", {})
    ours = {a["Id"]: a["JoinedTimestamp"] for a in AwsClient().pages("ListAccounts", "Accounts")}
    plain = {a["Id"]: a["JoinedTimestamp"] for a in boto3.client("organizations").list_accounts()["Accounts"]}
    assert ours == plain and len(ours) >= 2  # aware datetimes compare as instants
    assert all(t.utcoffset() == datetime.timedelta(0) for t in ours.values())
    assert all(t.utcoffset() != datetime.timedelta(0) for t in plain.values())  # the zone took effect


def test_numbers_and_text_both_parse() -> None:
    assert parse_timestamp(0) == datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
    assert parse_timestamp(1.5).microsecond == 500000
    text = parse_timestamp("2026-12-01T10:00:00Z")
    assert text == datetime.datetime(2026, 12, 1, 10, tzinfo=datetime.UTC)
