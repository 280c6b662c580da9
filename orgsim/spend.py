"""Cost Explorer GetCostAndUsage from a seedable spend table (POST /_orgsim/spend).

Table rows: {"account_id": "123456789012", "date": "2026-01-15", "amount": 12.5} (one day's
unblended cost in USD; several rows on one day add up). GetCostAndUsage sums them per DAILY or
MONTHLY period over [Start, End) and, with GroupBy DIMENSION LINKED_ACCOUNT, per account.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from orgsim.errors import AwsError


def parse_rows(body: dict[str, Any]) -> list[tuple[str, date, float]]:
    rows = body.get("rows")
    if not isinstance(rows, list):
        raise ValueError('body must be {"rows": [{"account_id", "date", "amount"}], "replace": bool}')
    parsed = []
    for row in rows:
        try:
            parsed.append((str(row["account_id"]), date.fromisoformat(row["date"]), float(row["amount"])))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"bad spend row {row!r}: {exc}") from exc
    return parsed


def _periods(start: date, end: date, granularity: str) -> list[tuple[date, date]]:
    periods = []
    cursor = start
    while cursor < end:
        if granularity == "DAILY":
            nxt = cursor + timedelta(days=1)
        else:
            nxt = (cursor.replace(day=1) + timedelta(days=32)).replace(day=1)
        periods.append((cursor, min(nxt, end)))
        cursor = nxt
    return periods


class SpendTable:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rows: list[tuple[str, date, float]] = []

    def seed(self, rows: list[tuple[str, date, float]], replace: bool) -> int:
        with self._lock:
            if replace:
                self._rows.clear()
            self._rows.extend(rows)
            return len(self._rows)

    def reset(self) -> None:
        self.seed([], True)

    def cost_and_usage(self, params: dict[str, Any]) -> dict[str, Any]:
        try:
            start = date.fromisoformat(params["TimePeriod"]["Start"])
            end = date.fromisoformat(params["TimePeriod"]["End"])
        except (KeyError, ValueError) as exc:
            raise AwsError("ValidationException", "Start and End must be dates (yyyy-MM-dd).") from exc
        if end <= start:
            raise AwsError("ValidationException", "Start date must be before end date.")
        metrics = params.get("Metrics") or ["UnblendedCost"]
        grouped = any(g.get("Key") == "LINKED_ACCOUNT" for g in params.get("GroupBy") or [])
        with self._lock:
            rows = list(self._rows)
        results = [self._period(rows, p, metrics, grouped)
                   for p in _periods(start, end, params.get("Granularity", "MONTHLY"))]
        return {"ResultsByTime": results, "DimensionValueAttributes": [],
                "GroupDefinitions": [{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}] if grouped else []}

    @staticmethod
    def _period(rows: list[tuple[str, date, float]], period: tuple[date, date],
                metrics: list[str], grouped: bool) -> dict[str, Any]:
        sums: dict[str, float] = defaultdict(float)
        for account, day, amount in rows:
            if period[0] <= day < period[1]:
                sums[account] += amount

        def amounts(value: float) -> dict[str, Any]:
            text = f"{value:.10f}".rstrip("0").rstrip(".") or "0"
            return {m: {"Amount": text, "Unit": "USD"} for m in metrics}

        out: dict[str, Any] = {"TimePeriod": {"Start": period[0].isoformat(), "End": period[1].isoformat()},
                               "Estimated": False}
        if grouped:
            out["Total"] = {}
            out["Groups"] = [{"Keys": [a], "Metrics": amounts(v)} for a, v in sorted(sums.items())]
        else:
            out["Total"] = amounts(sum(sums.values()))
            out["Groups"] = []
        return out
