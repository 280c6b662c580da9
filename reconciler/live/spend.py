"""Spend per account from Cost Explorer: one GetCostAndUsage request, DAILY, grouped by
LINKED_ACCOUNT, followed through its pages (NextPageToken). Each request, and each page, costs
$0.01 (AWS Cost Explorer pricing), and the data lags about a day, so the reconcile run reads it at
most once a day (docs/lifecycle.md)."""

from __future__ import annotations

from datetime import date
from typing import Any

from reconciler.live.calls import AwsCalls

METRIC = "UnblendedCost"


def daily_spend(client: AwsCalls, start: date, end: date) -> dict[str, dict[str, float]]:
    """{account id: {day: USD}} for the days in [start, end); days without cost are absent."""
    params: dict[str, Any] = {
        "TimePeriod": {"Start": start.isoformat(), "End": end.isoformat()}, "Granularity": "DAILY",
        "Metrics": [METRIC], "GroupBy": [{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}]}
    spend: dict[str, dict[str, float]] = {}
    while True:
        response = client.call("GetCostAndUsage", service="ce", **params)
        for period in response.get("ResultsByTime", []):
            day = str(period.get("TimePeriod", {}).get("Start", ""))
            for group in period.get("Groups", []):
                account = str((group.get("Keys") or [""])[0])
                amount = float(group.get("Metrics", {}).get(METRIC, {}).get("Amount", 0) or 0)
                spend.setdefault(account, {})[day] = spend.get(account, {}).get(day, 0.0) + amount
        token = response.get("NextPageToken")
        if not token:
            return spend
        params["NextPageToken"] = token
