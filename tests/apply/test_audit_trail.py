"""The durable audit trail: RECONCILER_AUDIT_URI=s3://... against orgsim (moto's S3 behind the same
endpoint). Every change and remediation lands in one JSON-lines object per run under a date
partition, with its reason; a bucket that cannot be written stops the run before any change."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from core_world import FEW, make_repo, reconciler

from reconciler.apply.audit import read_audit

BUCKET = "audit-bucket"
URI = f"s3://{BUCKET}/reconciler"
PROJECT = Path(__file__).resolve().parents[2]


def _objects(prefix: str = "reconciler/") -> dict[str, list[dict[str, Any]]]:
    s3 = boto3.client("s3")
    found = s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])
    return {o["Key"]: [json.loads(line) for line in
                       s3.get_object(Bucket=BUCKET, Key=o["Key"])["Body"].read().decode().splitlines()]
            for o in found}


@pytest.fixture
def bucket(aws: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    boto3.client("s3").create_bucket(Bucket=BUCKET)
    monkeypatch.setenv("RECONCILER_AUDIT_URI", URI)
    return BUCKET


def test_apply_writes_every_change_with_its_reason_to_s3(bucket: str, org: Any, cli: Any,
                                                          tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", accounts=FEW)
    done = cli("apply", "--repo", str(repo), "--auto-approve")
    assert done.returncode == 0, done.stderr
    objects = _objects()
    (key,) = objects
    day = f"{datetime.now(UTC):%Y-%m-%d}"
    assert re.fullmatch(rf"reconciler/dt={day}/local-\d{{8}}T\d{{6}}Z-[0-9a-f]{{6}}\.jsonl", key)
    records = objects[key]
    assert records == read_audit(repo / ".reconciler" / "audit.jsonl")  # the same lines, both places
    assert {r["command"] for r in records} == {"apply"}
    assert all(r["reason"] == {"kind": "apply", "plan_file": None} for r in records)
    assert all(r["commit"] and len(r["commit"]) == 40 for r in records)
    created = {r["address"] for r in records if r["result"] == "ok"}
    assert {f"account.{name}" for name in FEW} <= created
    assert any(r["request_id"] for r in records)


def test_a_bucket_that_cannot_be_written_stops_apply_before_any_change(
        aws: Any, org: Any, cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECONCILER_AUDIT_URI", "s3://no-such-bucket/reconciler")
    repo = make_repo(tmp_path / "repo", accounts=FEW)
    roots_before = org.list_roots()["Roots"]
    done = cli("apply", "--repo", str(repo), "--auto-approve")
    assert done.returncode == 1
    assert "cannot write the audit trail to s3://no-such-bucket/reconciler" in done.stderr
    assert "NoSuchBucket" in done.stderr and "nothing was changed" in done.stderr
    assert "Traceback" not in done.stderr
    root = org.list_roots()["Roots"][0]["Id"]
    assert org.list_organizational_units_for_parent(ParentId=root)["OrganizationalUnits"] == []
    assert org.list_roots()["Roots"] == roots_before  # no policy type enabled either


@pytest.mark.parametrize("value", ["ftp://somewhere/log", "s3://Not_A_Bucket/x"])
def test_an_unusable_audit_uri_is_refused_with_what_to_give(
        aws: Any, cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("RECONCILER_AUDIT_URI", value)
    done = cli("apply", "--repo", str(make_repo(tmp_path / "repo", accounts=FEW)), "--auto-approve")
    assert done.returncode == 1 and "s3://bucket/prefix" in done.stderr and "Traceback" not in done.stderr


def test_audit_uri_in_organization_yaml_is_validated_with_its_line(tmp_path: Path, cli: Any) -> None:
    repo = make_repo(tmp_path / "repo", accounts=FEW)
    path = repo / "organization.yaml"
    path.write_text(path.read_text() + "audit:\n  uri: ftp://nowhere/x\n")
    done = cli("validate", "--repo", str(repo))
    assert done.returncode == 1
    line = len(path.read_text().splitlines())
    assert f"organization.yaml:{line}:" in done.stdout


def test_a_killed_apply_leaves_every_completed_change_in_s3(bucket: str, org: Any, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", accounts=FEW)
    killed = reconciler("apply", "--repo", str(repo), "--auto-approve",
                        env={"RECONCILER_CRASH_AFTER_CALLS": "22"})
    assert killed.returncode == -9, killed.stderr
    (records,) = _objects().values()
    local = read_audit(repo / ".reconciler" / "audit.jsonl")
    assert records == local and len(records) > 3
    # Every change recorded happened in AWS: each created OU is there.
    root = org.list_roots()["Roots"][0]["Id"]
    ous = org.list_organizational_units_for_parent(ParentId=root)["OrganizationalUnits"]
    live = {o["Name"] for o in ous}
    made = {r["address"][3:] for r in records if r["address"].startswith("ou.") and "/" not in r["address"]}
    assert made and made <= live


def test_athena_table_columns_match_a_real_record(bucket: str, cli: Any, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", accounts=FEW)
    assert cli("apply", "--repo", str(repo), "--auto-approve").returncode == 0
    record = next(iter(_objects().values()))[0]
    ddl = (PROJECT / "docs" / "audit.md").read_text()
    table = ddl[ddl.index("CREATE EXTERNAL TABLE"):]
    body = table[table.index("(") + 1:table.index("\n)")]
    columns = [line.split()[0].strip("`") for line in body.strip().splitlines()]
    assert sorted(columns) == sorted(record), (columns, sorted(record))
    assert "PARTITIONED BY (dt string)" in table and "LOCATION 's3://" in table
