"""Write a large, valid desired-state repository for benchmarks and scale tests.

    python scripts/generate_org.py --out DIR --accounts 10000 --ous 500 --policies 200 [--seed N]

Importable: `generate(out, accounts, ous, policies, seed=0)`. The result passes `reconciler validate`:
OU depth stays within 5, every target keeps within policies_per_target (FullAWSAccess, which AWS
keeps attached everywhere, included), and the same seed always writes the same files.
"""

from __future__ import annotations

import argparse
import random
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

import yaml

MANAGEMENT_ACCOUNT_ID = "111111111111"
MAX_DEPTH = 5
PER_TARGET = 10  # AWS's policies_per_target; FullAWSAccess takes one SCP place everywhere
ENVIRONMENTS = ("production", "staging", "development", "sandbox", "shared")
WORKLOADS = (
    "customer_isolated", "shared_services", "security", "logging", "networking", "sandbox", "internal",
)
SCOPES = ("soc2", "iso27001", "pci_dss", "hipaa", "gdpr", "fedramp")
LEVELS = ("full", "full", "full", "assisted", "manual")
TEAMS = ("platform", "security", "data", "payments", "search", "identity", "mobile", "web")
SERVICES = ("s3", "ec2", "iam", "kms", "rds", "lambda", "dynamodb", "sqs", "sns", "cloudtrail", "guardduty")
VERBS = ("Delete", "Put", "Create", "Update", "Disable", "Stop", "Modify", "Detach")
NOUNS = ("Bucket", "Instance", "Key", "Trail", "Detector", "Policy", "Table", "Queue", "Function", "Role")


def _ou_paths(rng: random.Random, count: int) -> list[str]:
    tops = max(1, min(count, 12))
    paths = [f"Unit{i:03d}" for i in range(tops)]
    while len(paths) < count:
        parent = rng.choice([p for p in paths[-200:] if p.count("/") + 1 < MAX_DEPTH] or paths[:tops])
        paths.append(f"{parent}/Team{len(paths):04d}")
    return paths


def _account(rng: random.Random, index: int, ous: list[str]) -> str:
    name = f"acct-{index:05d}"
    scope = sorted(rng.sample(SCOPES, rng.randint(0, 2)))
    ou = "root" if index % 97 == 0 or not ous else rng.choice(ous)
    return (
        f"account_name: {name}\nemail: aws+{name}@example.com\nou: {ou}\n"
        f"environment: {rng.choice(ENVIRONMENTS)}\nworkload_type: {rng.choice(WORKLOADS)}\n"
        f"owner_team: {rng.choice(TEAMS)}\ncost_center: CC-{rng.randint(100, 99999)}\n"
        f"compliance_scope: [{', '.join(scope)}]\nautomation_level: {rng.choice(LEVELS)}\n"
        f"created_by: generate-org\nlifecycle_state: active\n"
        f"tags:\n  customer: customer-{index % 500}\n"
        f"  data-classification: \"{rng.choice(['no', 'internal'])}\"\n"
    )


def _document(rng: random.Random, kind: str) -> dict[str, object]:
    if kind == "TAG_POLICY":
        return {"tags": {"cost-center": {"tag_key": {"@@assign": "cost-center"},
                                         "tag_value": {"@@assign": ["CC-*"]},
                                         "enforced_for": {"@@assign": ["ec2:instance"]}}}}
    statements = []
    for sid in range(rng.randint(1, 4)):
        actions = sorted({f"{rng.choice(SERVICES)}:{rng.choice(VERBS)}{rng.choice(NOUNS)}" for _ in range(8)})
        exempt = {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/BreakGlass"}}
        statements.append(
            {"Sid": f"Deny{sid}", "Effect": "Deny", "Action": actions, "Resource": "*", "Condition": exempt}
        )
    return {"Version": "2012-10-17", "Statement": statements}


def _targets(rng: random.Random, kind: str, pool: list[str], used: Counter[tuple[str, str]]) -> list[str]:
    cap = PER_TARGET - 1 if kind == "SERVICE_CONTROL_POLICY" else PER_TARGET
    chosen: list[str] = []
    for target in rng.sample(pool, min(len(pool), 3)):
        if used[(target, kind)] < cap:
            used[(target, kind)] += 1
            chosen.append(target)
    return chosen


def _yaml(value: Mapping[str, object]) -> str:
    return yaml.dump(value, Dumper=yaml.CSafeDumper, sort_keys=False, default_flow_style=False)


def generate(out: Path, accounts: int, ous: int, policies: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    paths = _ou_paths(rng, ous) if ous else []
    (out / "accounts").mkdir(parents=True, exist_ok=True)
    (out / "policies").mkdir(parents=True, exist_ok=True)
    organization = {"management_account_id": MANAGEMENT_ACCOUNT_ID,
                    "policy_types": ["SERVICE_CONTROL_POLICY", "TAG_POLICY"], "organizational_units": paths}
    (out / "organization.yaml").write_text(_yaml(organization))
    for index in range(accounts):
        (out / "accounts" / f"acct-{index:05d}.yaml").write_text(_account(rng, index, paths))
    some_accounts = (f"account:acct-{i:05d}" for i in range(min(accounts, 2000)))
    pool = ["root", *(f"ou:{p}" for p in paths), *some_accounts]
    used: Counter[tuple[str, str]] = Counter()
    for index in range(policies):
        kind = "TAG_POLICY" if index % 10 == 9 else "SERVICE_CONTROL_POLICY"
        policy = {"name": f"policy-{index:04d}", "type": kind, "description": "generated",
                  "targets": _targets(rng, kind, pool, used), "document": _document(rng, kind)}
        (out / "policies" / f"policy-{index:04d}.yaml").write_text(_yaml(policy))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--ous", type=int, default=50)
    parser.add_argument("--policies", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    generate(args.out, args.accounts, args.ous, args.policies, args.seed)


if __name__ == "__main__":
    main()
