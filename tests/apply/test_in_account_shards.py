"""How accounts are sliced into shards (reconciler.apply.in_account): pure, from the repository's
model; every account in exactly one shard for any N, and the workflow's matrix size."""

from __future__ import annotations

import pytest

from reconciler import model
from reconciler.apply.in_account import MAX_SHARDS, shard_count, shard_of, targets

WORK = model.InAccountWork(delete_default_vpcs=True)


def _org(count: int) -> model.Organization:
    accounts = [model.Account(name=f"a{n}", email=f"a{n}@example.com", ou="root",
                              account_id=f"{300000000000 + n * 7919 % 1000:012d}") for n in range(count)]
    extra = [model.Account(name="new", email="new@example.com", ou="root"),  # no id yet
             model.Account(name="going", email="going@example.com", ou="root", account_id="399999999999",
                           lifecycle_state="retiring"),
             model.Account(name="management", email="m@example.com", ou="root", account_id="111111111111")]
    work = {a.name: WORK for a in [*accounts, *extra]}
    return model.Organization(management_account_id="111111111111", accounts=(*accounts, *extra),
                              in_account=work)


@pytest.mark.parametrize("count", [1, 2, 3, 7, 40, 256])
def test_every_account_is_in_exactly_one_shard(count: int) -> None:
    chosen = targets(_org(40))
    slices = [shard_of(chosen, i, count) for i in range(count)]
    ids = [t.account_id for s in slices for t in s]
    assert sorted(ids) == sorted(t.account_id for t in chosen) and len(set(ids)) == len(ids) == 40
    assert max(map(len, slices)) - min(map(len, slices)) <= 1


def test_only_active_accounts_with_an_id_and_work_other_than_management() -> None:
    chosen = targets(_org(3))
    assert sorted(t.name for t in chosen) == ["a0", "a1", "a2"]
    assert [t.account_id for t in chosen] == sorted(t.account_id for t in chosen)


@pytest.mark.parametrize(("accounts", "per_shard", "shards"), [
    (0, 50, 0), (1, 50, 1), (50, 50, 1), (51, 50, 2), (12_800, 50, 256), (20_000, 50, MAX_SHARDS), (5, 1, 5),
])
def test_matrix_size(accounts: int, per_shard: int, shards: int) -> None:
    assert shard_count(accounts, per_shard) == shards
