"""import --baselines, the pure part: accounts grouped by identical content, the most common first;
what the format cannot hold left out and said, with what the first plan will do about it."""

from __future__ import annotations

import yaml

from reconciler.model import Access, AccountBudget, Baseline, BudgetAlert, Contact
from reconciler.repository.baseline_import import baselines_text, group_baselines
from reconciler.repository.importer import q

SECURITY = {"SECURITY": Contact("Sec", "On call", "sec@example.com", "+1 555 0100")}
BUDGET = AccountBudget(250.5, frozenset({BudgetAlert("ACTUAL", 80.0)}), frozenset({"fin@example.com"}))
NAMES = {"111": "a-dev", "222": "b-dev", "333": "c-dev", "444": "d-dev"}


def test_accounts_with_the_same_content_share_one_baseline_the_most_common_first() -> None:
    devs = frozenset({Access("GROUP", "devs", "PowerUserAccess")})
    same = Baseline(contacts=SECURITY, access=devs)
    found = {"111": Baseline(budget=BUDGET), "222": same, "333": same,
             "444": Baseline(contacts=dict(SECURITY), access=frozenset(devs))}  # equal, not the same object
    imported = group_baselines(found, NAMES)
    assert [(name, accounts) for name, _, accounts in imported.declared] == [
        ("imported-1", ["b-dev", "c-dev", "d-dev"]), ("imported-2", ["a-dev"])]
    assert imported.of_account == {"a-dev": "imported-2", "b-dev": "imported-1", "c-dev": "imported-1",
                                   "d-dev": "imported-1"}
    written = yaml.safe_load(baselines_text(imported, q))["baselines"]
    assert written["imported-2"]["budget"] == {"monthly_limit_usd": 250.5, "subscribers": ["fin@example.com"],
                                               "alerts": [{"threshold_percent": 80, "type": "actual"}]}
    assert written["imported-1"]["access"] == [{"group": "devs", "permission_set": "PowerUserAccess"}]


def test_what_the_format_cannot_hold_is_left_out_and_said() -> None:
    silent = AccountBudget(100.0, frozenset({BudgetAlert("ACTUAL", 90.0)}), frozenset())
    found = {"111": Baseline(regions=frozenset({"ap-east-1", "xx-moon-1", "us-east-1"})),
             "222": Baseline(budget=silent)}
    imported = group_baselines(found, NAMES)
    declared = [(name, b.regions) for name, b, _ in imported.declared]
    assert declared == [("imported-1", frozenset({"ap-east-1"}))]
    assert "b-dev" not in imported.of_account  # nothing left once its budget is out
    assert any("a-dev: the Region xx-moon-1" in line for line in imported.left_out)
    assert any("a-dev: the Region us-east-1" in line for line in imported.left_out)
    budget = next(line for line in imported.left_out if line.startswith("b-dev"))
    assert "baseline-222 has 0 subscribers" in budget and "the first plan would delete it" in budget
