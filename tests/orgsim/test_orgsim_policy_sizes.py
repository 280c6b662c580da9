"""Policy document sizes of every other policy type (Organizations User Guide, "Quotas and service
limits for AWS Organizations", Maximum size of a policy document: resource control policies 5,120,
AI services opt-out policies 2,500, the other management types 10,000 characters; orgsim's table in
orgsim/policy_kinds.py), refused with ConstraintViolationException POLICY_CONTENT_LIMIT_EXCEEDED one
character over."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from orgsim_support import error_of

from orgsim.policy_kinds import KINDS, max_chars
from orgsim.testing import OrgSim


def _document(policy_type: str, size: int) -> str:
    """A document of the type, exactly `size` characters, padded inside one string value."""
    if policy_type == "RESOURCE_CONTROL_POLICY":
        shape = {"Version": "2012-10-17",
                 "Statement": [{"Sid": "", "Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}
        empty = json.dumps(shape)
    else:
        empty = json.dumps({"note": ""})
    padded = empty.replace('""', '"' + "x" * (size - len(empty)) + '"', 1)
    assert len(padded) == size
    return padded


LIMITS = [(t, max_chars(t)) for t in KINDS if t != "SERVICE_CONTROL_POLICY"]


@pytest.mark.parametrize(("policy_type", "limit"), LIMITS)
def test_one_character_over_the_published_size_is_refused(orgsim: OrgSim, policy_type: str,
                                                          limit: int) -> None:
    org = orgsim.client()
    with pytest.raises(ClientError) as caught:
        org.create_policy(Name="over", Description="", Type=policy_type,
                          Content=_document(policy_type, limit + 1))
    assert error_of(caught.value) == ("ConstraintViolationException", "POLICY_CONTENT_LIMIT_EXCEEDED")


@pytest.mark.parametrize(("policy_type", "limit"), LIMITS)
def test_a_document_of_exactly_the_published_size_is_accepted(orgsim: OrgSim, policy_type: str,
                                                              limit: int) -> None:
    org = orgsim.client(retries={"total_max_attempts": 1})
    fits = org.create_policy(Name="fits", Description="", Type=policy_type,
                             Content=_document(policy_type, limit))
    assert fits["Policy"]["PolicySummary"]["Type"] == policy_type


def test_the_published_sizes_are_awss() -> None:
    """The numbers themselves, as the Quotas page publishes them (the new types: 10,000)."""
    assert max_chars("RESOURCE_CONTROL_POLICY") == 5120
    assert max_chars("AISERVICES_OPT_OUT_POLICY") == 2500
    assert max_chars("BACKUP_POLICY") == max_chars("TAG_POLICY") == max_chars("S3_POLICY") == 10000
