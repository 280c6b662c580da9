"""The planner's baseline changes, from plain values: what is created, updated and deleted, what is
left alone, and unknown Identity Center names refused with where they are written."""

from __future__ import annotations

from dataclasses import replace

import pytest
from plan_builders import MGMT_ID, acct

from reconciler import model
from reconciler.errors import RepositoryError
from reconciler.model import Access, Baseline, Organization
from reconciler.plan.planner import plan

SEC = model.Contact("Sec", "Lead", "sec@example.com", "+1 555 0100")
ADMINS = Access("GROUP", "admins", "Admin")
ALICE = Access("USER", "alice", "ReadOnly")
BUDGET = model.AccountBudget(500.0, frozenset({model.BudgetAlert("ACTUAL", 80.0)}),
                             frozenset({"finops@example.com"}))
CENTER = model.IdentityCenter("arn:aws:sso:::instance/ssoins-1", "d-1",
                              {"group:admins": "g-1", "user:alice": "u-1"},
                              {"Admin": "ps-1", "ReadOnly": "ps-2"})
WANT = Baseline(contacts={"SECURITY": SEC}, regions=frozenset({"ap-east-1"}),
                access=frozenset({ADMINS}), budget=BUDGET)


def _orgs(want: Baseline, have: Baseline | None, account_id: str | None = "222222222222"
          ) -> tuple[Organization, Organization]:
    desired = Organization(MGMT_ID, accounts=(acct("dev", account_id=account_id),), baselines={"dev": want})
    live_accounts = (acct("dev", account_id="222222222222"),) if account_id else ()
    live = Organization(MGMT_ID, accounts=live_accounts, root_id="r-1", identity_center=CENTER,
                        baselines={"222222222222": have} if have is not None else {})
    return desired, live


def _addresses(desired: Organization, live: Organization) -> dict[str, str]:
    return {c.address: c.action for c in plan(desired, live).changes if c.kind == "baseline"}


def test_everything_is_created_for_an_account_that_has_none_of_it() -> None:
    assert _addresses(*_orgs(WANT, Baseline())) == {
        "baseline.dev.contact.SECURITY": "create", "baseline.dev.region.ap-east-1": "create",
        "baseline.dev.access.admins.Admin": "create", "baseline.dev.budget": "create"}


def test_a_new_account_gets_its_whole_baseline_after_it_is_created() -> None:
    desired, live = _orgs(WANT, None, account_id=None)
    changes = plan(desired, live).changes
    assert [c.address for c in changes][:1] == ["account.dev"]
    assert {c.address for c in changes if c.kind == "baseline"} == {
        "baseline.dev.contact.SECURITY", "baseline.dev.region.ap-east-1", "baseline.dev.access.admins.Admin",
        "baseline.dev.budget"}
    assert all((c.after or {})["account_id"] is None for c in changes if c.kind == "baseline")


def test_matching_live_state_plans_nothing() -> None:
    assert _addresses(*_orgs(WANT, WANT)) == {}


def test_changed_contact_and_budget_are_updates_naming_what_differs() -> None:
    have = replace(WANT, contacts={"SECURITY": replace(SEC, phone="+1 555 0199")},
                   budget=replace(BUDGET, limit_usd=100.0))
    changes = {c.address: c for c in plan(*_orgs(WANT, have)).changes}
    assert changes["baseline.dev.contact.SECURITY"].changed == ("phone",)
    assert changes["baseline.dev.budget"].changed == ("limit_usd",)


def test_an_account_without_access_in_its_baseline_keeps_its_assignments() -> None:
    have = replace(WANT, access=frozenset({ADMINS, ALICE}))
    want = replace(WANT, access=frozenset())
    assert _addresses(*_orgs(want, have)) == {}


def test_access_and_budget_the_repository_no_longer_gives_are_deleted_contacts_and_regions_stay() -> None:
    have = replace(WANT, access=frozenset({ADMINS, ALICE}))
    want = Baseline(contacts={}, regions=frozenset(), access=frozenset({ADMINS}), budget=None)
    assert _addresses(*_orgs(want, have)) == {"baseline.dev.access.user:alice.ReadOnly": "delete",
                                               "baseline.dev.budget": "delete"}


def test_unknown_identity_center_names_are_one_error_with_their_places() -> None:
    unknown = {Access("GROUP", "nobody", "Admin"), Access("USER", "alice", "Nope")}
    want = replace(WANT, access=frozenset(unknown))
    desired, live = _orgs(want, Baseline())
    at = {"group:nobody": model.Source("organization.yaml", 12, 18),
          "permission_set:Nope": model.Source("organization.yaml", 15, 27)}
    desired = replace(desired, identity_names=at)
    with pytest.raises(RepositoryError) as caught:
        plan(desired, live)
    message = str(caught.value)
    assert "organization.yaml:12:18: the Identity Center group 'nobody' does not exist" in message
    assert "organization.yaml:15:27: the Identity Center permission set 'Nope' does not exist" in message
    assert "nothing was changed" in message
