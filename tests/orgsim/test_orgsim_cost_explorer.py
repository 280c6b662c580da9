"""Cost Explorer GetCostAndUsage over the seeded spend table: [Start, End) with End exclusive
(Cost Explorer API Reference, GetCostAndUsage, TimePeriod / DateInterval End: "The end date is
exclusive"), and every requested metric in each result."""

from __future__ import annotations

from orgsim.testing import OrgSim


def test_the_end_day_is_excluded_and_every_metric_is_answered(orgsim: OrgSim) -> None:
    orgsim.seed_spend([{"account_id": "222222222222", "date": "2026-01-05", "amount": 10.5},
                       {"account_id": "222222222222", "date": "2026-01-06", "amount": 99}])
    ce = orgsim.client("ce")
    result = ce.get_cost_and_usage(TimePeriod={"Start": "2026-01-05", "End": "2026-01-06"},
                                   Granularity="DAILY", Metrics=["UnblendedCost", "BlendedCost"])
    [day] = result["ResultsByTime"]
    assert day["TimePeriod"] == {"Start": "2026-01-05", "End": "2026-01-06"}
    assert day["Total"] == {"UnblendedCost": {"Amount": "10.5", "Unit": "USD"},
                            "BlendedCost": {"Amount": "10.5", "Unit": "USD"}}
