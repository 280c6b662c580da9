"""The workflows follow the security rules, and the checker catches each rule being broken."""

from __future__ import annotations

import copy
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from workflow_policy import SAME_REPO, check, check_directory, load, triggers

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"


def workflow(name: str) -> dict[str, Any]:
    return load(WORKFLOWS / name)


def test_the_workflows_break_no_rule() -> None:
    assert list(WORKFLOWS.glob("*.yml")), "no workflows found"
    assert check_directory(WORKFLOWS) == []


def test_no_workflow_uses_pull_request_target() -> None:
    for path in WORKFLOWS.glob("*.y*ml"):
        assert "pull_request_target" not in triggers(load(path)), path.name


def test_pull_request_workflow_gives_forks_validate_only() -> None:
    wf = workflow("pull-request.yml")
    assert set(wf["on"]) == {"pull_request"}
    jobs = wf["jobs"]
    assert "if" not in jobs["validate"]
    assert jobs["plan"]["if"].strip() == SAME_REPO
    assert jobs["validate"]["permissions"] == {"contents": "read"}


def test_plan_job_posts_the_comment_and_uploads_the_plan() -> None:
    runs = [s.get("run", "") for s in workflow("pull-request.yml")["jobs"]["plan"]["steps"]]
    assert "reconciler plan --comment --out reconciler-plan.json" in runs
    uploads = [s for s in workflow("pull-request.yml")["jobs"]["plan"]["steps"]
               if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert uploads and uploads[0]["with"]["path"] == "reconciler-plan.json"


def test_validate_reports_as_annotations() -> None:
    runs = [s.get("run", "") for s in workflow("pull-request.yml")["jobs"]["validate"]["steps"]]
    assert "reconciler validate --format github" in runs


@pytest.mark.parametrize(("name", "environment"),
                         [("apply.yml", "production"), ("reconcile.yml", "reconcile")])
def test_aws_writers_are_never_cancelled_by_each_other_and_run_protected(name: str, environment: str) -> None:
    wf = workflow(name)
    # A shared concurrency group would cancel a pending apply when a scheduled reconcile arrives:
    # apply has none (the lease serialises the runs), reconcile queues only behind reconcile.
    expected = None if name == "apply.yml" else {"group": "reconciler-reconcile", "cancel-in-progress": False}
    assert wf.get("concurrency") == expected
    job = wf["jobs"]["apply"] if name == "apply.yml" else next(iter(wf["jobs"].values()))
    # reconcile has an environment of its own: production's reviewers must not hold a scheduled run
    assert job["environment"] == environment
    checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["ref"] == "main"


def test_apply_fans_in_account_baselines_out_as_a_matrix_of_shards() -> None:
    """docs/apply.md, "Baselines inside the account": after the apply, one job counts the shards,
    then a matrix job per shard on the same commit, in the protected environment."""
    jobs = workflow("apply.yml")["jobs"]
    shards, baseline = jobs["baseline-shards"], jobs["baseline"]
    assert set(jobs) == {"apply", "baseline-shards", "baseline"}
    assert shards["needs"] == "apply" and "id-token" not in shards["permissions"]
    assert [s["run"] for s in shards["steps"] if "run" in s][-1] == "reconciler baseline --matrix"
    assert set(shards["outputs"]) == {"matrix", "shards", "commit"}
    assert baseline["needs"] == "baseline-shards"
    assert baseline["if"] == "${{ needs.baseline-shards.outputs.shards != '0' }}"
    assert baseline["strategy"] == {"fail-fast": False, "matrix": {
        "shard": "${{ fromJSON(needs.baseline-shards.outputs.matrix).shard }}"}}
    assert baseline["environment"] == "production"
    checkout = baseline["steps"][0]
    assert checkout["with"]["ref"] == "${{ needs.baseline-shards.outputs.commit }}"
    last = baseline["steps"][-1]
    assert last["run"] == 'reconciler baseline --shard "$SHARD"'
    assert last["env"] == {"SHARD": "${{ matrix.shard }}"}


def test_reconcile_runs_every_fifteen_minutes_and_on_demand() -> None:
    on = workflow("reconcile.yml")["on"]
    assert on["schedule"] == [{"cron": "*/15 * * * *"}]
    assert "workflow_dispatch" in on


def test_apply_runs_on_push_to_main_only() -> None:
    assert workflow("apply.yml")["on"] == {"push": {"branches": ["main"]}}


def test_every_step_is_setup_or_one_reconciler_call() -> None:
    allowed_setup = {"scripts/install.sh", "scripts/test.sh"}
    for path in WORKFLOWS.glob("*.yml"):
        for job in load(path)["jobs"].values():
            for step in job["steps"]:
                run = step.get("run")
                if run is not None:
                    assert "\n" not in run.strip(), (path.name, run)
                    assert run in allowed_setup or run.startswith("reconciler "), (path.name, run)


# Each mutation breaks one rule of a good workflow; the checker must name that rule.
def _add_target(wf: dict[str, Any]) -> None:
    wf["on"]["pull_request_target"] = {}


def _unpin(wf: dict[str, Any]) -> None:
    wf["jobs"]["plan"]["steps"][0]["uses"] = "actions/checkout@v4"


def _persist(wf: dict[str, Any]) -> None:
    del wf["jobs"]["validate"]["steps"][0]["with"]["persist-credentials"]


def _inject(wf: dict[str, Any]) -> None:
    wf["jobs"]["validate"]["steps"].append({"run": 'echo "${{ github.event.pull_request.title }}"'})


def _fork(wf: dict[str, Any]) -> None:
    del wf["jobs"]["plan"]["if"]


def _oidc_everywhere(wf: dict[str, Any]) -> None:
    wf["jobs"]["validate"]["permissions"]["id-token"] = "write"


def _write_all(wf: dict[str, Any]) -> None:
    wf["permissions"] = "write-all"


def _job_default_permissions(wf: dict[str, Any]) -> None:
    del wf["jobs"]["validate"]["permissions"]


def _outlive_the_session(wf: dict[str, Any]) -> None:
    wf["jobs"]["plan"]["timeout-minutes"] = 120  # the plan role's session stays STS's one hour


MUTATIONS: list[tuple[Callable[[dict[str, Any]], None], str]] = [
    (_add_target, "dangerous-trigger"),
    (_unpin, "unpinned"),
    (_persist, "persist-credentials"),
    (_inject, "expression-in-run"),
    (_fork, "fork-credentials"),
    (_oidc_everywhere, "id-token"),
    (_write_all, "permissions"),
    (_job_default_permissions, "permissions"),
    (_outlive_the_session, "session"),
]


@pytest.mark.parametrize(("mutate", "rule"), MUTATIONS, ids=[m.__name__ for m, _ in MUTATIONS])
def test_checker_catches_a_broken_rule(mutate: Callable[[dict[str, Any]], None], rule: str) -> None:
    bad = copy.deepcopy(workflow("pull-request.yml"))
    mutate(bad)
    findings = list(check(bad))
    assert rule in {f.split(": ")[1] for f in findings}, findings


def test_check_script_fails_on_a_bad_workflow(tmp_path: Path) -> None:
    if shutil.which("zizmor", path=str(ROOT / ".venv" / "bin")) is None and shutil.which("zizmor") is None:
        pytest.skip("zizmor is not installed")
    bad = workflow("pull-request.yml")
    _add_target(bad)
    _inject(bad)
    (tmp_path / "bad.yml").write_text(yaml.safe_dump(bad))
    result = subprocess.run([str(ROOT / "scripts" / "check-workflows.sh"), str(tmp_path)],
                            capture_output=True, text=True, check=False)
    assert result.returncode != 0
    assert "template-injection" in result.stdout + result.stderr


def test_check_script_passes_the_real_workflows() -> None:
    result = subprocess.run([str(ROOT / "scripts" / "check-workflows.sh")],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
