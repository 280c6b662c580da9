"""`reconciler baseline --shard I/N` (docs/apply.md, "Baselines inside the account"): real shard
processes run in parallel against orgsim; every account with in-account work is done by exactly
one shard, its default VPCs are gone and EBS encryption by default is on in the Regions asked for;
a default VPC with a network interface is kept and reported; a re-run changes nothing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from orgsim.testing import UNSET_VARIABLES, OrgSim

REGIONS = ("eu-west-1", "us-east-1")  # in_account.regions: two, to keep the run small
ORGANIZATION = """management_account_id: "111111111111"
policy_types: [SERVICE_CONTROL_POLICY]
organizational_units:
  - Workloads
baselines:
  hardened:
    applies_to: {{ous: [Workloads]}}
    in_account: {{delete_default_vpcs: true, ebs_encryption_by_default: true}}
in_account:
  regions: [{regions}]
"""
ACCOUNT = """{id_line}account_name: {name}
email: {name}@example.com
ou: Workloads
environment: development
workload_type: internal
owner_team: platform
cost_center: CC-100
automation_level: full
lifecycle_state: {state}
{extra}"""
WRITES = ("DeleteVpc", "DeleteSubnet", "DeleteInternetGateway", "DetachInternetGateway",
          "EnableEbsEncryptionByDefault")


def _create(sim: OrgSim, name: str, role: str | None = None) -> str:
    """CreateAccount, finished by moving orgsim's clock past the creation delay (no waiting)."""
    org = sim.client()
    extra = {"RoleName": role} if role else {}
    request = org.create_account(AccountName=name, Email=f"{name}@example.com", **extra)
    sim.set_clock(advance_seconds=60)
    status = org.describe_create_account_status(
        CreateAccountRequestId=request["CreateAccountStatus"]["Id"])["CreateAccountStatus"]
    assert status["State"] == "SUCCEEDED", status
    return str(status["AccountId"])


def _repository(root: Path, accounts: Mapping[str, str | None], regions: tuple[str, ...] = REGIONS,
                opted_out: tuple[str, ...] = (), states: dict[str, str] | None = None) -> Path:
    (root / "accounts").mkdir(parents=True)
    (root / "policies").mkdir()
    (root / "organization.yaml").write_text(ORGANIZATION.format(regions=", ".join(regions)))
    for name, account_id in accounts.items():
        (root / "accounts" / f"{name}.yaml").write_text(ACCOUNT.format(
            id_line=f'account_id: "{account_id}"\n' if account_id else "", name=name,
            state=(states or {}).get(name, "active"),
            extra="baselines: {opt_out: [hardened]}\n" if name in opted_out else ""))
    return root


def _env(sim: OrgSim) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in UNSET_VARIABLES}
    return {**env, **sim.env(), "RECONCILER_AWS_PACING": "off"}


def _run_shards(sim: OrgSim, repo: Path, count: int) -> list[tuple[int, dict[str, Any]]]:
    """`count` real `reconciler baseline --shard i/count` processes at once; each one's exit code
    and JSON output."""
    command = [shutil.which("reconciler") or str(Path(sys.executable).parent / "reconciler")]
    processes = [subprocess.Popen([*command, "baseline", "--shard", f"{i}/{count}", "--format", "json",
                                   "--repo", str(repo)], env=_env(sim), stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for i in range(count)]
    done = [p.communicate(timeout=300) for p in processes]
    for process, (_, err) in zip(processes, done, strict=True):
        assert "Traceback" not in err and "Secret" not in err, err
    return [(p.returncode, json.loads(out)) for p, (out, _) in zip(processes, done, strict=True)]


def _default_vpcs(sim: OrgSim, account_id: str, region: str) -> list[dict[str, Any]]:
    ec2 = sim.member_client(account_id, region=region)
    return list(ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"])


def _encrypted(sim: OrgSim, account_id: str, region: str) -> bool:
    ec2 = sim.member_client(account_id, region=region)
    return bool(ec2.get_ebs_encryption_by_default()["EbsEncryptionByDefault"])


def test_parallel_shards_do_every_account_exactly_once(orgsim: OrgSim, tmp_path: Path) -> None:
    names = [f"team-{n}" for n in range(7)]
    ids = {name: _create(orgsim, name) for name in [*names, "opted-out", "retiring-one"]}
    busy = ids["team-3"]  # something uses its default VPC in eu-west-1: a network interface
    ec2 = orgsim.member_client(busy, region="eu-west-1")
    vpc_id = _default_vpcs(orgsim, busy, "eu-west-1")[0]["VpcId"]
    subnet = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"][0]
    eni = ec2.create_network_interface(SubnetId=subnet["SubnetId"])["NetworkInterface"]["NetworkInterfaceId"]
    repo = _repository(tmp_path / "repo", {**ids, "requested-one": None}, opted_out=("opted-out",),
                       states={"retiring-one": "retiring"})

    outputs = _run_shards(orgsim, repo, 3)

    assert [code for code, _ in outputs] == [0, 0, 0]
    done = [a["account_id"] for _, out in outputs for a in out["accounts"]]
    assert sorted(done) == sorted(ids[n] for n in names)  # each once; not the opted-out, retiring one
    assert sorted(len(out["accounts"]) for _, out in outputs) == [2, 2, 3]
    for name in names:
        for region in REGIONS:
            assert _encrypted(orgsim, ids[name], region)
            if (name, region) != ("team-3", "eu-west-1"):
                assert _default_vpcs(orgsim, ids[name], region) == [], (name, region)
        assert len(_default_vpcs(orgsim, ids[name], "us-west-2")) == 1  # not a Region asked for
    assert [v["VpcId"] for v in _default_vpcs(orgsim, busy, "eu-west-1")] == [vpc_id]
    (report,) = [a for _, out in outputs for a in out["accounts"] if a["account_id"] == busy]
    (kept,) = report["regions"]["eu-west-1"]["kept"]
    assert vpc_id in kept and eni in kept and "1 network interface in use" in kept
    assert report["regions"]["eu-west-1"]["done"] == ["EBS encryption by default turned on"]
    for untouched in ("opted-out", "retiring-one"):
        assert len(_default_vpcs(orgsim, ids[untouched], "eu-west-1")) == 1
        assert not _encrypted(orgsim, ids[untouched], "eu-west-1")

    orgsim.reset(state=False)  # counts only
    (code, again), = _run_shards(orgsim, repo, 1)
    assert code == 0 and len(again["accounts"]) == len(names)
    assert all(not r["done"] for a in again["accounts"] for r in a["regions"].values())
    assert not set(WRITES) & set(orgsim.calls())


def test_an_account_whose_role_cannot_be_assumed_fails_alone(orgsim: OrgSim, tmp_path: Path) -> None:
    ids = {"team-a": _create(orgsim, "team-a"), "other-role": _create(orgsim, "other-role", role="Admin")}
    repo = _repository(tmp_path / "repo", ids, regions=("eu-west-1",))
    (code, out), = _run_shards(orgsim, repo, 1)
    assert code == 1 and out["ok"] is False
    by_name = {a["account"]: a for a in out["accounts"]}
    assert by_name["team-a"]["ok"] is True and _default_vpcs(orgsim, ids["team-a"], "eu-west-1") == []
    error = by_name["other-role"]["error"]
    assert "AWS refused AssumeRole: AccessDenied" in error
    assert f"arn:aws:iam::{ids['other-role']}:role/OrganizationAccountAccessRole" in error


def test_default_regions_are_those_enabled_in_the_account(orgsim: OrgSim, tmp_path: Path) -> None:
    """Without in_account.regions: every Region ListRegions answers ENABLED or ENABLED_BY_DEFAULT
    in the account, an opt-in Region only once enabled."""
    account_id = _create(orgsim, "team-b")
    orgsim.configure(region_opt_seconds=0)
    orgsim.seed_identity_center([], [])  # trusted access, for EnableRegion with AccountId
    orgsim.client("account").enable_region(AccountId=account_id, RegionName="af-south-1")
    repo = _repository(tmp_path / "repo", {"team-b": account_id})
    only_encryption = ORGANIZATION.format(regions="").split("in_account:\n  regions")[0]
    (repo / "organization.yaml").write_text(only_encryption.replace("delete_default_vpcs: true, ", ""))
    (code, out), = _run_shards(orgsim, repo, 1)
    assert code == 0
    regions = set(out["accounts"][0]["regions"])
    assert "af-south-1" in regions and "us-east-1" in regions and "ap-east-1" not in regions
    assert len(regions) == 18  # the 17 default Regions and the one enabled
    assert _encrypted(orgsim, account_id, "af-south-1")


def test_matrix_lists_the_shards_for_the_workflow(orgsim: OrgSim, tmp_path: Path, cli: Any,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    ids = {f"team-{n}": f"{200000000000 + n}" for n in range(5)}
    repo = _repository(tmp_path / "repo", ids)
    text = (repo / "organization.yaml").read_text()
    (repo / "organization.yaml").write_text(text + "  accounts_per_shard: 2\n")
    output = tmp_path / "github-output"
    monkeypatch.setenv("GITHUB_OUTPUT", str(output))
    ran = cli("baseline", "--matrix", "--repo", str(repo))
    assert ran.returncode == 0
    assert json.loads(ran.stdout) == {"shard": ["0/3", "1/3", "2/3"]}
    assert output.read_text() == 'matrix={"shard":["0/3","1/3","2/3"]}\nshards=3\ncommit=\n'  # not a git repo
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com", "commit",
                    "-q", "--allow-empty", "-m", "c"], check=True)
    head = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True,
                          text=True, check=True).stdout
    output.unlink()
    assert cli("baseline", "--matrix", "--repo", str(repo)).returncode == 0
    assert output.read_text().endswith(f"commit={head.strip()}\n")
    in_account = "in_account: {delete_default_vpcs: true, ebs_encryption_by_default: true}"
    (repo / "organization.yaml").write_text(text.replace(in_account, "regions: [af-south-1]"))
    ran = cli("baseline", "--matrix", "--repo", str(repo))
    assert json.loads(ran.stdout) == {"shard": []}


@pytest.mark.parametrize(("args", "message"), [
    (["--shard", "3/3"], "I must be 0 to 2 for 3 shards"),
    (["--shard", "0/257"], "N must be 1 to 256"),
    (["--shard", "0/0"], "N must be 1 to 256"),
    (["--shard", "one/two"], "'one/two' is not I/N"),
    (["--shard", "-1/2"], "'-1/2' is not I/N"),
    ([], "give exactly one of --shard I/N"),
    (["--shard", "0/1", "--matrix"], "give exactly one of --shard I/N"),
])
def test_bad_shard_input_is_a_clear_error(cli: Any, tmp_path: Path, args: list[str], message: str) -> None:
    repo = _repository(tmp_path / "repo", {"team-a": "200000000000"})
    ran = cli("baseline", *args, "--repo", str(repo))
    assert ran.returncode == 1
    assert message in ran.stderr and "Traceback" not in ran.stderr
