"""Unusual entries in accounts/ and policies/: each is a named problem, never skipped in silence,
and no file outside the repository is ever read."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from validate_golden import BASE

from reconciler.errors import RepositoryError
from reconciler.repository.load import check_repository, load_repository

SECRET = "outside-secret-value"


def _outside_link(repo: Path, tmp: Path) -> None:
    (tmp / "outside.yaml").write_text(f"{SECRET}: 1\n")
    (repo / "accounts" / "evil.yaml").symlink_to(tmp / "outside.yaml")


def _dangling_link(repo: Path, tmp: Path) -> None:
    (repo / "accounts" / "evil.yaml").symlink_to(tmp / "missing.yaml")


def _directory(repo: Path, tmp: Path) -> None:
    (repo / "accounts" / "evil.yaml").mkdir()


def _pipe(repo: Path, tmp: Path) -> None:
    os.mkfifo(repo / "accounts" / "evil.yaml")


def _organization_link(repo: Path, tmp: Path) -> None:
    shutil.move(repo / "organization.yaml", tmp / "outside.yaml")
    (repo / "organization.yaml").symlink_to(tmp / "outside.yaml")


def _accounts_file(repo: Path, tmp: Path) -> None:
    shutil.rmtree(repo / "accounts")
    (repo / "accounts").write_text("x\n")


def _accounts_outside(repo: Path, tmp: Path) -> None:
    shutil.move(repo / "accounts", tmp / "accounts")
    (tmp / "accounts" / "evil.yaml").write_text(f"{SECRET}: 1\n")
    (repo / "accounts").symlink_to(tmp / "accounts")


CASES: dict[str, tuple[Callable[[Path, Path], None], str, str]] = {
    "outside-link": (_outside_link, "accounts/evil.yaml", "E013"),
    "dangling-link": (_dangling_link, "accounts/evil.yaml", "E013"),
    "directory": (_directory, "accounts/evil.yaml", "E014"),
    "pipe": (_pipe, "accounts/evil.yaml", "E014"),
    "organization-link": (_organization_link, "organization.yaml", "E013"),
    "accounts-is-a-file": (_accounts_file, "accounts", "E014"),
    "accounts-outside": (_accounts_outside, "accounts", "E013"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_an_entry_that_is_not_a_plain_file_in_the_repository_is_a_problem(tmp_path: Path, case: str) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(BASE, repo)
    arrange, rel, code = CASES[case]
    arrange(repo, tmp_path)
    organization, problems = check_repository(repo)
    assert organization is None
    assert [(p.path, p.code) for p in problems] == [(rel, code)]
    assert SECRET not in "".join(str(p) for p in problems)


def test_a_link_inside_the_repository_and_other_file_types_are_fine(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(BASE, repo)
    (repo / "accounts" / "README.md").write_text("notes\n")
    (repo / "policies" / "drafts").mkdir()
    (repo / "shared.yaml").write_text((repo / "organization.yaml").read_text())
    (repo / "organization.yaml").unlink()
    (repo / "organization.yaml").symlink_to(repo / "shared.yaml")
    shutil.move(repo / "policies", repo / "real-policies")
    (repo / "policies").symlink_to("real-policies")
    organization, problems = check_repository(repo)
    assert problems == [] and organization is not None


def test_load_repository_escapes_the_path_it_names(tmp_path: Path) -> None:
    with pytest.raises(RepositoryError) as caught:
        load_repository(tmp_path / "no\x1b[31mrepo")
    assert "\x1b" not in str(caught.value) and "(1 problem)" in str(caught.value)
