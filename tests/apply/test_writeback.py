"""Write-back: the id goes in, every other byte stays; the commit lands on a branch of its own."""

from __future__ import annotations

from pathlib import Path

import pytest
from core_world import git, make_repo

from reconciler.adapters.git import LocalRepository
from reconciler.apply.writeback import branch_name, commit_account_ids, with_account_id, write_account_id
from reconciler.errors import RepositoryError

ODD = (
    "# yaml-language-server: $schema=../reconciler/repository/schemas/account.json\n"
    "# Requested by: 'team'   (ticket #42)\n"
    "\n"
    "account_name:    'cust-odd'     # keep this comment\n"
    'email: "aws+odd@example.com"\n'
    "ou:   Workloads/Production\n"
    "compliance_scope:\n"
    "     - soc2      # odd indentation\n"
    "     - 'gdpr'\n"
    "tags: {a: \"1\",   b: '2'}\n"
    "# trailing comment, no newline at the end"
)


def test_inserting_the_id_keeps_every_other_byte() -> None:
    out = with_account_id(ODD, "123456789012")
    lines = out.splitlines(keepends=True)
    assert lines[3] == 'account_id: "123456789012"\n'
    assert "".join(lines[:3] + lines[4:]) == ODD


def test_an_existing_id_is_replaced_in_place_with_its_comment() -> None:
    text = "account_id: 000000000000   # old\naccount_name: x\n"
    assert with_account_id(text, "123456789012") == 'account_id: "123456789012"   # old\naccount_name: x\n'
    same = 'account_id: "123456789012"\naccount_name: x\n'
    assert with_account_id(same, "123456789012") == same


def test_windows_line_endings_stay() -> None:
    text = "# c\r\naccount_name: x\r\nemail: e@example.com\r\n"
    want = '# c\r\naccount_id: "123456789012"\r\naccount_name: x\r\nemail: e@example.com\r\n'
    assert with_account_id(text, "123456789012") == want


@pytest.mark.parametrize("text", ["{account_name: x, email: y}\n", "account_name: [\n"])
def test_files_it_cannot_edit_safely_are_refused(text: str) -> None:
    with pytest.raises(RepositoryError, match=r"accounts/x\.yaml"):
        with_account_id(text, "123456789012", "accounts/x.yaml")


def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "accounts").mkdir(parents=True)
    (repo / "organization.yaml").write_text('management_account_id: "111111111111"\n')
    (repo / "accounts" / "odd.yaml").write_text(ODD)
    (repo / "accounts" / "plain.yaml").write_text("account_name: plain\nemail: p@example.com\n")
    return make_repo(tmp_path / "copy", repo)


def test_ids_are_committed_on_a_branch_and_the_checkout_is_untouched(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    head = git(repo, "rev-parse", "HEAD").strip()
    # A person's own uncommitted edit in the same file must not ride along in the commit.
    (repo / "accounts" / "odd.yaml").write_text(ODD.replace("keep this comment", "my edit"))
    assert write_account_id(repo / "accounts" / "odd.yaml", "123456789012", "accounts/odd.yaml")
    result = commit_account_ids(LocalRepository(repo), repo)
    assert result is not None and result.branch == branch_name(head)
    assert result.files == ("accounts/odd.yaml",)
    assert git(repo, "rev-parse", "--abbrev-ref", "HEAD").strip() == "main"
    assert git(repo, "rev-parse", "HEAD").strip() == head
    committed = git(repo, "show", f"{result.commit}:accounts/odd.yaml")
    assert committed == with_account_id(ODD, "123456789012")
    assert git(repo, "diff", "--cached", "--name-only") == ""  # the user's index is untouched
    assert "my edit" in (repo / "accounts" / "odd.yaml").read_text()


def test_nothing_new_means_no_commit_and_later_ids_extend_the_branch(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    assert commit_account_ids(LocalRepository(repo), repo) is None
    write_account_id(repo / "accounts" / "odd.yaml", "123456789012", "accounts/odd.yaml")
    first = commit_account_ids(LocalRepository(repo), repo)
    assert first is not None
    assert commit_account_ids(LocalRepository(repo), repo) is None  # already on the branch: no empty commit
    write_account_id(repo / "accounts" / "plain.yaml", "210987654321", "accounts/plain.yaml")
    second = commit_account_ids(LocalRepository(repo), repo)
    assert second is not None and second.branch == first.branch
    assert git(repo, "rev-parse", f"{second.commit}^").strip() == first.commit  # forward only
