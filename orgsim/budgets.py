"""AWS Budgets calls moto does not serve: UpdateBudget and DescribeSubscribersForNotification.

Sources (AWS Billing and Cost Management API Reference, AWS Budgets):
- UpdateBudget: "Updates a budget. You can change every part of a budget except for the
  budgetName and the calculatedSpend." Request: AccountId, NewBudget. NotFoundException for a
  budget that does not exist. Notifications are not part of it (UpdateNotification is).
- DescribeSubscribersForNotification: "Lists the subscribers that are associated with a
  notification." Request: AccountId, BudgetName, Notification; NotFoundException when the budget
  or notification does not exist.
"""

from __future__ import annotations

from typing import Any

from orgsim.errors import AwsError

TARGET = "AWSBudgetServiceGateway."
OPERATIONS = ("UpdateBudget", "DescribeSubscribersForNotification")
NOTIFICATION_KEYS = ("NotificationType", "ComparisonOperator", "Threshold")


def _budget(params: dict[str, Any], name: str) -> Any:
    from moto.budgets.models import budgets_backends

    account_id = str(params.get("AccountId", ""))
    found = budgets_backends[account_id]["aws"].budgets[account_id].get(name)
    if found is None:
        raise AwsError("NotFoundException", f"Unable to get budget: {name} - the budget doesn't exist.")
    return found


def handle(operation: str, params: dict[str, Any]) -> dict[str, Any]:
    if operation == "UpdateBudget":
        new = dict(params.get("NewBudget") or {})
        budget = _budget(params, str(new.get("BudgetName", "")))
        if "BudgetLimit" not in new and "PlannedBudgetLimits" not in new:
            raise AwsError("InvalidParameterException", "A budget limit is required.")
        kept = {"CalculatedSpend", "TimePeriod"}
        budget.budget = {**{k: v for k, v in budget.budget.items() if k in kept}, **new,
                         "BudgetName": budget.budget["BudgetName"]}
        return {}
    budget = _budget(params, str(params.get("BudgetName", "")))
    wanted = params.get("Notification") or {}
    for notification in budget.notifications:
        if all(_same(notification.details.get(k), wanted.get(k)) for k in NOTIFICATION_KEYS):
            return {"Subscribers": list(notification.subscribers)}
    raise AwsError("NotFoundException", "Unable to find the notification for this budget.")


def _same(left: object, right: object) -> bool:
    if isinstance(left, int | float) and isinstance(right, int | float):
        return float(left) == float(right)
    return left == right
