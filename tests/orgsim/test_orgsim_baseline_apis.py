"""What orgsim adds for account baselines (docs/orgsim.md, "Account baselines"): Region opt-in,
Identity Center's asynchronous assignments and quotas, budgets' UpdateBudget and
DescribeSubscribersForNotification, and the AccountId rules of the alternate-contact calls."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from orgsim_support import create_account, error_of

from orgsim import identity_center
from orgsim.testing import OrgSim

MANAGEMENT = "111111111111"


def _member(orgsim: OrgSim, trusted: bool = True) -> str:
    org = orgsim.client()
    if trusted:
        org.enable_aws_service_access(ServicePrincipal="account.amazonaws.com")
    return create_account(org, "member-one")


def _code(call: Any, **params: Any) -> str:
    with pytest.raises(ClientError) as caught:
        call(**params)
    return error_of(caught.value)[0]


def _status(account: Any, member: str, region: str) -> str:
    return str(account.get_region_opt_status(AccountId=member, RegionName=region)["RegionOptStatus"])


def test_an_opt_in_region_is_enabling_then_enabled_on_the_clock(orgsim: OrgSim) -> None:
    """Account Management Reference, "Enable or disable AWS Regions in your account": an opt-in
    Region takes time to enable (ENABLING, then ENABLED; RegionOptStatus enum in the API
    Reference). orgsim finishes it region_opt_seconds later on its clock."""
    orgsim.configure(region_opt_seconds=300)
    member, account = _member(orgsim), orgsim.client("account")
    assert _status(account, member, "ap-east-1") == "DISABLED"
    account.enable_region(AccountId=member, RegionName="ap-east-1")
    account.enable_region(AccountId=member, RegionName="ap-east-1")  # on its way: nothing new starts
    assert _status(account, member, "ap-east-1") == "ENABLING"
    orgsim.set_clock(advance_seconds=301)
    listed = account.list_regions(AccountId=member, RegionOptStatusContains=["ENABLED"])["Regions"]
    assert listed == [{"RegionName": "ap-east-1", "RegionOptStatus": "ENABLED"}]
    by_default = account.list_regions(AccountId=member, MaxResults=50)["Regions"]
    assert {"RegionName": "us-east-1", "RegionOptStatus": "ENABLED_BY_DEFAULT"} in by_default


def test_default_unknown_and_conflicting_region_changes_are_refused(orgsim: OrgSim) -> None:
    """Regions launched before 20 March 2019 "cannot be enabled or disabled" (ValidationException);
    a Region being disabled cannot be enabled (ConflictException, EnableRegion's Errors)."""
    orgsim.configure(region_opt_seconds=300)
    member, account = _member(orgsim), orgsim.client("account")
    assert _code(account.enable_region, AccountId=member, RegionName="eu-west-1") == "ValidationException"
    assert _code(account.enable_region, AccountId=member, RegionName="xx-nowhere-9") == "ValidationException"
    account.enable_region(AccountId=member, RegionName="me-south-1")
    assert _code(account.disable_region, AccountId=member, RegionName="me-south-1") == "ConflictException"


def test_at_most_six_region_changes_run_at_once_per_account(orgsim: OrgSim) -> None:
    """Quotas for AWS Account Management: "Number of concurrent region-opt requests per account": 6."""
    orgsim.configure(region_opt_seconds=300)
    member, account = _member(orgsim), orgsim.client("account", retries={"total_max_attempts": 1})
    regions = ["af-south-1", "ap-east-1", "ap-south-2", "ap-southeast-3", "ap-southeast-4", "eu-south-1"]
    for region in regions:
        account.enable_region(AccountId=member, RegionName=region)
    refused = _code(account.enable_region, AccountId=member, RegionName="eu-south-2")
    assert refused == "TooManyRequestsException"
    orgsim.set_clock(advance_seconds=301)
    account.enable_region(AccountId=member, RegionName="eu-south-2")


def test_account_id_needs_trusted_access_and_a_member(orgsim: OrgSim) -> None:
    """API Reference, AccountId (EnableRegion, PutAlternateContact, ...): the organization must have
    trusted access for Account Management, and the account must be a member."""
    member, account = _member(orgsim, trusted=False), orgsim.client("account")
    assert _code(account.enable_region, AccountId=member, RegionName="ap-east-1") == "AccessDeniedException"
    orgsim.client().enable_aws_service_access(ServicePrincipal="account.amazonaws.com")
    contact = {"AlternateContactType": "SECURITY", "Name": "Sec", "Title": "Lead",
               "EmailAddress": "sec@example.com", "PhoneNumber": "+1 555 0100"}
    assert _code(account.put_alternate_contact, AccountId="999999999999", **contact) == \
        "ResourceNotFoundException"
    account.put_alternate_contact(AccountId=member, **contact)
    found = account.get_alternate_contact(AccountId=member, AlternateContactType="SECURITY")
    assert found["AlternateContact"]["EmailAddress"] == "sec@example.com"


def _identity_center(orgsim: OrgSim) -> tuple[Any, str, str, str]:
    sso, store = orgsim.client("sso-admin"), orgsim.client("identitystore")
    instance = sso.list_instances()["Instances"][0]
    permission_set = sso.create_permission_set(Name="Admin", InstanceArn=instance["InstanceArn"])
    group = store.create_group(IdentityStoreId=instance["IdentityStoreId"], DisplayName="admins")
    return sso, instance["InstanceArn"], permission_set["PermissionSet"]["PermissionSetArn"], group["GroupId"]


def test_an_assignment_is_created_asynchronously_and_only_once(orgsim: OrgSim) -> None:
    """CreateAccountAssignment starts the work; DescribeAccountAssignmentCreationStatus says
    IN_PROGRESS, then SUCCEEDED (IAM Identity Center API Reference). A second request for the same
    assignment makes no second copy (moto appends one)."""
    orgsim.configure(assignment_seconds=60)
    member = _member(orgsim)
    sso, instance, permission_set, group = _identity_center(orgsim)
    assignment = {"InstanceArn": instance, "TargetId": member, "TargetType": "AWS_ACCOUNT",
                  "PermissionSetArn": permission_set, "PrincipalType": "GROUP", "PrincipalId": group}
    started = sso.create_account_assignment(**assignment)["AccountAssignmentCreationStatus"]
    assert started["Status"] == "IN_PROGRESS"
    listed = sso.list_account_assignments_for_principal(InstanceArn=instance, PrincipalId=group,
                                                        PrincipalType="GROUP")["AccountAssignments"]
    assert listed == []
    sso.create_account_assignment(**assignment)
    orgsim.set_clock(advance_seconds=61)
    status = sso.describe_account_assignment_creation_status(
        InstanceArn=instance, AccountAssignmentCreationRequestId=started["RequestId"])
    assert status["AccountAssignmentCreationStatus"]["Status"] == "SUCCEEDED"
    listed = sso.list_account_assignments_for_principal(InstanceArn=instance, PrincipalId=group,
                                                        PrincipalType="GROUP")["AccountAssignments"]
    assert [a["AccountId"] for a in listed] == [member]


def test_at_most_ten_assignment_creations_are_outstanding(orgsim: OrgSim) -> None:
    """IAM Identity Center quotas, Throttle limits: at most 10 outstanding asynchronous
    CreateAccountAssignment calls, not raisable; the 11th is ThrottlingException."""
    orgsim.configure(assignment_seconds=60)
    org = orgsim.client()
    members = [create_account(org, f"member-{i:02d}") for i in range(11)]
    sso, instance, permission_set, group = _identity_center(orgsim)
    sso = orgsim.client("sso-admin", retries={"total_max_attempts": 1})

    def assign(member: str) -> None:
        sso.create_account_assignment(InstanceArn=instance, TargetId=member, TargetType="AWS_ACCOUNT",
                                      PermissionSetArn=permission_set, PrincipalType="GROUP",
                                      PrincipalId=group)

    for member in members[:10]:
        assign(member)
    assert _code(assign, member=members[10]) == "ThrottlingException"
    orgsim.set_clock(advance_seconds=61)
    assign(members[10])


def test_identity_center_apis_share_twenty_requests_a_second(orgsim: OrgSim) -> None:
    """IAM Identity Center quotas, Throttle limits: the APIs share 20 transactions per second
    (ThrottlingException "Rate exceeded"): sso-admin and identitystore calls count together. The
    refill is slowed here (burst kept at 20) so that the test does not depend on how fast it runs."""
    assert identity_center.RATE == (20.0, 20.0)
    sso = orgsim.client("sso-admin", retries={"total_max_attempts": 1})
    store = orgsim.client("identitystore", retries={"total_max_attempts": 1})
    store_id = sso.list_instances()["Instances"][0]["IdentityStoreId"]
    orgsim.configure(throttle=True, rates={identity_center.SHARED_BUCKET: [0.01, 20]})
    answers = []
    for i in range(24):
        try:
            if i % 2:
                sso.list_instances()
            else:
                store.list_groups(IdentityStoreId=store_id)
            answers.append("ok")
        except ClientError as error:
            answers.append(error_of(error)[0])
    assert answers[:20] == ["ok"] * 20
    assert "ThrottlingException" in answers[20:]


def _budget(amount: str, member: str) -> dict[str, Any]:
    return {"BudgetName": "baseline-member", "BudgetLimit": {"Amount": amount, "Unit": "USD"},
            "TimeUnit": "MONTHLY", "BudgetType": "COST", "CostFilters": {"LinkedAccount": [member]}}


def test_update_budget_changes_the_limit_and_keeps_notifications(orgsim: OrgSim) -> None:
    """AWS Budgets API Reference, UpdateBudget: "You can change every part of a budget except for
    the budgetName and the calculatedSpend"; notifications are not part of it.
    DescribeSubscribersForNotification lists a notification's subscribers."""
    budgets, member = orgsim.client("budgets"), _member(orgsim)
    notification = {"NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN", "Threshold": 80,
                    "ThresholdType": "PERCENTAGE"}
    subscriber = {"SubscriptionType": "EMAIL", "Address": "finops@example.com"}
    budgets.create_budget(AccountId=MANAGEMENT, Budget=_budget("100", member),
                          NotificationsWithSubscribers=[{"Notification": notification,
                                                         "Subscribers": [subscriber]}])
    budgets.update_budget(AccountId=MANAGEMENT, NewBudget=_budget("250", member))
    found = budgets.describe_budget(AccountId=MANAGEMENT, BudgetName="baseline-member")["Budget"]
    assert found["BudgetLimit"]["Amount"] == "250"
    listed = budgets.describe_subscribers_for_notification(
        AccountId=MANAGEMENT, BudgetName="baseline-member", Notification=notification)
    assert listed["Subscribers"] == [subscriber]
    missing = _budget("1", member) | {"BudgetName": "nope"}
    assert _code(budgets.update_budget, AccountId=MANAGEMENT, NewBudget=missing) == "NotFoundException"


def test_orgsims_regions_are_botocores_and_the_default_ones_predate_the_opt_in_rule() -> None:
    """orgsim knows every Region of botocore's aws partition; its enabled-by-default ones are the
    reconciler's non-opt-in ones (both from "Enable or disable AWS Regions in your account")."""
    import botocore.session

    from orgsim import regions
    from reconciler.repository.baselines import REGIONS

    partitions = botocore.session.get_session().get_data("endpoints")["partitions"]
    assert set(regions.ALL_REGIONS) == set(next(p for p in partitions if p["partition"] == "aws")["regions"])
    assert regions.DEFAULT_REGIONS == {r for r, opt_in in REGIONS.items() if not opt_in}
