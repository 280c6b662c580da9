"""Trusted access for the AWS Account Management API, which renames need.

PutAccountName with an AccountId (a member account) works only when the organization has trusted
access enabled for account.amazonaws.com (Account Management API Reference, PutAccountName); the
management account renames itself without an AccountId and needs none. One
ListAWSServiceAccessForOrganization read tells; plan and apply make it only when a plan renames a
member account.
"""

from __future__ import annotations

from reconciler.live.calls import AwsCalls

ACCOUNT_MANAGEMENT = "account.amazonaws.com"


def account_management_trusted(client: AwsCalls) -> bool:
    """Whether account.amazonaws.com is among the organization's trusted services."""
    services = client.pages("ListAWSServiceAccessForOrganization", "EnabledServicePrincipals")
    return any(s.get("ServicePrincipal") == ACCOUNT_MANAGEMENT for s in services)
