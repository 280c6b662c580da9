"""PutAccountName's preconditions (Account Management API Reference, PutAccountName, AccountId):
with AccountId, trusted access for account.amazonaws.com must be enabled, and the management
account may not name itself by AccountId, only by calling without it. Both refusals are HTTP 403
AccessDeniedException, as callers report for the Account Management API with trusted access off."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from orgsim_support import create_account

from orgsim.testing import OrgSim

PRINCIPAL = "account.amazonaws.com"


def _refusal(call: object) -> tuple[str, int]:
    with pytest.raises(ClientError) as caught:
        call()  # type: ignore[operator]
    return caught.value.response["Error"]["Code"], caught.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_a_member_is_renamed_by_id_only_with_trusted_access(orgsim: OrgSim) -> None:
    org, account = orgsim.client(), orgsim.client("account")
    member = create_account(org, "member")
    assert org.list_aws_service_access_for_organization()["EnabledServicePrincipals"] == []
    refused = _refusal(lambda: account.put_account_name(AccountId=member, AccountName="renamed"))
    assert refused == ("AccessDeniedException", 403)
    assert org.describe_account(AccountId=member)["Account"]["Name"] == "member"
    org.enable_aws_service_access(ServicePrincipal=PRINCIPAL)
    account.put_account_name(AccountId=member, AccountName="renamed")
    assert org.describe_account(AccountId=member)["Account"]["Name"] == "renamed"


def test_the_management_account_names_itself_without_an_account_id(orgsim: OrgSim) -> None:
    org, account = orgsim.client(), orgsim.client("account")
    org.enable_aws_service_access(ServicePrincipal=PRINCIPAL)
    management = org.describe_organization()["Organization"]["MasterAccountId"]
    refused = _refusal(lambda: account.put_account_name(AccountId=management, AccountName="mine"))
    assert refused == ("AccessDeniedException", 403)
    org.disable_aws_service_access(ServicePrincipal=PRINCIPAL)
    account.put_account_name(AccountName="payer")  # no AccountId: allowed whatever trusted access says
    assert org.describe_account(AccountId=management)["Account"]["Name"] == "payer"
