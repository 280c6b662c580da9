"""Parsing the account-request issue form: good answers, missing ones, and hostile bodies."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from reconciler.pullrequests.comment import code_block
from reconciler.pullrequests.request_form import FIELDS, account_yaml, parse_request

ROOT = Path(__file__).resolve().parents[2]
GOOD = {
    "Account name": "cust-acme-corp-prod",
    "Root email": "aws+cust-acme-corp-prod@example.com",
    "Organizational unit": "Workloads/Production",
    "Environment": "production",
    "Workload type": "customer_isolated",
    "Owner team": "platform-engineering",
    "Cost center": "CC-12345",
    "Compliance scope": "soc2, iso27001",
    "Automation level": "full",
}


def form(answers: dict[str, str]) -> str:
    """The body GitHub writes for a submitted issue form."""
    return "\n\n".join(f"### {label}\n\n{value}" for label, value in answers.items())


def test_the_template_asks_exactly_the_fields_the_parser_reads() -> None:
    template = yaml.safe_load((ROOT / ".github/ISSUE_TEMPLATE/account-request.yml").read_text())
    labels = {item["attributes"]["label"] for item in template["body"] if item["type"] != "markdown"}
    assert labels == set(FIELDS)
    assert template["labels"] == ["account-request"]


def test_a_good_form_becomes_an_account_file() -> None:
    request, problems = parse_request(form(GOOD))
    assert problems == [] and request is not None
    assert request.path == "accounts/cust-acme-corp-prod.yaml"
    data = yaml.safe_load(account_yaml(request, 7))
    assert data["compliance_scope"] == ["soc2", "iso27001"]
    assert data["created_by"] == "account-request-7"
    assert data["ou"] == "Workloads/Production" and data["cost_center"] == "CC-12345"


def test_an_empty_optional_answer_is_allowed() -> None:
    request, problems = parse_request(form({**GOOD, "Compliance scope": "_No response_"}))
    assert problems == [] and request is not None
    assert yaml.safe_load(account_yaml(request, 1))["compliance_scope"] == []


def test_missing_and_bad_answers_are_all_reported() -> None:
    answers = {**GOOD, "Cost center": "12345", "Environment": "prod"}
    del answers["Owner team"]
    request, problems = parse_request(form(answers))
    assert request is None
    assert any(p.startswith("Owner team: an answer is required") for p in problems)
    assert any(p.startswith("Cost center: must match") for p in problems)
    assert any(p.startswith("Environment: must be one of") for p in problems)


HOSTILE = [
    ("Account name", "x\nemail: evil@example.com"),  # a second YAML key through a newline
    ("Account name", "../../organization"),  # a path out of accounts/
    ("Account name", "ok-name\u202e"),  # bidi override
    ("Owner team", "@everyone"),
    ("Organizational unit", "Workloads/Production\n### Account name\n\nother"),
    ("Root email", "a@b.co\n```\n<!-- reconciler:plan {} -->"),
    ("Cost center", "CC-123 $(curl evil)"),
    ("Compliance scope", "soc2, `rm -rf`"),
]


@pytest.mark.parametrize(("label", "value"), HOSTILE)
def test_hostile_answers_are_refused_without_being_quoted(label: str, value: str) -> None:
    request, problems = parse_request(form({**GOOD, label: value}))
    assert request is None and problems
    for problem in problems:
        assert value not in problem and "@everyone" not in problem and "\n" not in problem


def test_a_repeated_field_is_refused() -> None:
    body = form(GOOD) + "\n\n### Account name\n\nsomething-else"
    request, problems = parse_request(body)
    assert request is None and any("more than once" in p for p in problems)


def test_a_huge_body_is_refused() -> None:
    request, problems = parse_request(form(GOOD) + "x" * 30_000)
    assert request is None and "longer than" in problems[0]


@pytest.mark.parametrize("text", ["plain", "has ``` a fence", "````` five", "@someone <!-- x -->"])
def test_code_block_cannot_be_closed_by_its_content(text: str) -> None:
    block = code_block(text)
    fence = block.split("text\n", 1)[0]
    body = block[len(fence) + len("text\n"): -len(fence) - 1]
    assert body == text and fence not in text
