"""The loader's API, the sample organization, output formats and the schema command."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from jsonschema import Draft202012Validator
from validate_golden import BASE

from reconciler import model
from reconciler.commands.cli import cli, main
from reconciler.errors import RepositoryError
from reconciler.repository.load import check_repository, load_repository
from reconciler.repository.problems import Problem, format_github

PROJECT = Path(__file__).resolve().parents[2]
KINDS = {"organization": ["organization.yaml"], "account": ["accounts"], "policy": ["policies"]}


def _sample_files(kind: str) -> list[Path]:
    where = PROJECT / KINDS[kind][0]
    return sorted(where.glob("*.yaml")) if where.is_dir() else [where]


def test_sample_organization_is_valid() -> None:
    organization, problems = check_repository(PROJECT)
    assert problems == []
    assert organization is not None
    assert organization.management_account_id == "111111111111"
    assert len(organization.accounts) >= 12
    assert {a.automation_level for a in organization.accounts} == {"full", "assisted", "manual"}
    assert len([p for p in organization.policies if p.type == model.SCP]) >= 6
    assert any(p.type == model.TAG_POLICY for p in organization.policies)
    assert all(a.account_id is None for a in organization.accounts)


def test_model_shape() -> None:
    organization = load_repository(PROJECT)
    depths = [ou.depth for ou in organization.ous]
    assert depths == sorted(depths)
    account = organization.account("cust-acme-prod")
    assert account is not None
    assert account.tags["managed-by"] == "reconciler"
    assert account.tags["cost-center"] == account.cost_center
    assert account.tags["compliance-scope"] == "soc2 iso27001"
    assert account.field_sources["ou"].path == "accounts/cust-acme-prod.yaml"
    assert account.field_sources["ou"].line == 5
    assert account.field_sources["name"] == account.field_sources["account_name"]
    policy = organization.policy("restrict-regions")
    assert policy is not None and policy.targets == frozenset({"ou:Workloads", "ou:Sandbox"})
    assert isinstance(policy.document, dict) and policy.document["Version"] == "2012-10-17"
    suspended = organization.ou("Suspended")
    assert suspended is not None and suspended.tags == {"purpose": "quarantine"}


@pytest.mark.parametrize("kind", list(KINDS))
def test_sample_files_match_schema_and_modeline(kind: str) -> None:
    validator = Draft202012Validator(
        json.loads((PROJECT / "reconciler" / "repository" / "schemas" / f"{kind}.json").read_text())
    )
    for file in _sample_files(kind):
        first = file.read_text().splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), file
        assert (
            file.parent / first.split("=", 1)[1]
        ).resolve() == PROJECT / "reconciler" / "repository" / "schemas" / f"{kind}.json"
        validator.validate(yaml.safe_load(file.read_text()))


def test_load_repository_raises_with_formatted_problems(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(BASE, repo)
    (repo / "accounts" / "app-dev.yaml").write_text("account_name: app-dev\n")
    with pytest.raises(RepositoryError) as raised:
        load_repository(repo)
    assert "accounts/app-dev.yaml:1:1: error[E101]: missing required field 'email'" in str(raised.value)


def test_an_old_home_region_still_loads_and_means_nothing(tmp_path: Path) -> None:
    """home_region is gone from the model (CloudTrail is read in the partition's Organizations
    Region whatever it said); older files that have it load unchanged, a malformed value is still
    a problem with file and line."""
    repo = tmp_path / "repo"
    shutil.copytree(BASE, repo)
    path = repo / "organization.yaml"
    plain = load_repository(repo)
    path.write_text(path.read_text() + "home_region: eu-west-1\n")
    assert load_repository(repo) == plain
    path.write_text(path.read_text().replace("home_region: eu-west-1", "home_region: Mars"))
    with pytest.raises(RepositoryError, match=r"organization.yaml:\d+:\d+: error"):
        load_repository(repo)


def test_missing_repository_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", "--repo", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert "error[E011]" in result.stdout


def test_json_format(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(BASE, repo)
    (repo / "accounts" / "app-dev.yaml").unlink()
    ok = CliRunner().invoke(cli, ["validate", "--repo", str(repo), "--format", "json"])
    assert ok.exit_code == 0 and json.loads(ok.stdout) == {"valid": True, "problems": []}
    (repo / "organization.yaml").write_text("- a list\n")
    bad = CliRunner().invoke(cli, ["validate", "--repo", str(repo), "--format", "json"])
    payload = json.loads(bad.stdout)
    assert bad.exit_code == 1 and payload["valid"] is False
    assert payload["problems"][0] == {
        "path": "organization.yaml",
        "line": 1,
        "column": 1,
        "code": "E103",
        "message": "the file must be a mapping",
    }


def test_github_format_escapes_properties_and_data() -> None:
    problem = Problem("accounts/a,b:c%.yaml", 3, 4, "E103", "50% done\nnext\rline")
    assert format_github([problem]) == (
        "::error file=accounts/a%2Cb%3Ac%25.yaml,line=3,col=4,title=E103::50%25 done\\nnext\\x0dline\n"
    )


def test_control_characters_in_values_are_escaped(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(BASE, repo)
    text = (repo / "accounts" / "app-dev.yaml").read_text()
    (repo / "accounts" / "app-dev.yaml").write_text(text.replace("ou: Workloads", 'ou: "Evil\\e[31m\\nOU"'))
    result = CliRunner().invoke(cli, ["validate", "--repo", str(repo)])
    assert result.exit_code == 1
    assert "\x1b" not in result.stdout and "'Evil\\x1b[31m\\nOU'" in result.stdout


def test_allow_list_repository_is_valid_when_every_level_allows(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(BASE, repo)
    (repo / "policies" / "FullAWSAccess.yaml").write_text(
        "name: FullAWSAccess\naws_managed: true\n"
        "targets: [root, ou:Workloads, account:app-dev, account:app-prod]\n"
    )
    (repo / "policies" / "allow-prod.yaml").write_text(
        "name: allow-prod\ntype: SERVICE_CONTROL_POLICY\ntargets: [ou:Workloads/Production]\n"
        "document:\n  Version: '2012-10-17'\n  Statement: {Effect: Allow, Action: '*', Resource: '*'}\n"
    )
    organization, problems = check_repository(repo)
    assert problems == []
    assert organization is not None
    full = organization.policy("FullAWSAccess")
    assert full is not None and full.aws_managed and full.document is None and full.type == model.SCP


@pytest.mark.parametrize("kind", ["organization", "account", "policy"])
def test_schema_command_prints_a_valid_schema(kind: str) -> None:
    result = CliRunner().invoke(cli, ["schema", kind])
    assert result.exit_code == 0
    Draft202012Validator.check_schema(json.loads(result.stdout))


def test_schema_command_rejects_an_unknown_kind(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["schema", "accounts"])
    assert exited.value.code == 1
    assert "unknown schema kind 'accounts'" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["0", "1001", "lots"])
def test_pull_request_cap_out_of_range_is_refused_with_its_line(tmp_path: Path, value: str) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(PROJECT, repo, ignore=shutil.ignore_patterns(".git", ".venv", "tests", "*.md"))
    path = repo / "organization.yaml"
    text = path.read_text().replace("max_pull_requests_per_run: 30", f"max_pull_requests_per_run: {value}")
    path.write_text(text)
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "max_pull_requests_per_run" in t)
    _, problems = check_repository(repo)
    assert [(p.path, p.line) for p in problems] == [("organization.yaml", line)]
    assert "max_pull_requests_per_run" in problems[0].message or value in problems[0].message
