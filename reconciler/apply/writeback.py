"""Writing a new account's id into its YAML file, changing nothing else.

People own these files: their comments, quoting and odd indentation must survive. A full
round-trip dump would normalise some of that, so ruamel's round-trip parser is used only to find
where the keys are; the edit itself is one line inserted (or one value replaced) in the original
text, which keeps every other byte as it was.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from reconciler.errors import RepositoryError

KEY = "account_id"
ANCHOR = "account_name"  # the id goes right above it: the first thing a reader sees
_ID = re.compile(r"^[0-9]{12}$")
BRANCH_PREFIX = "reconciler/account-ids-"


def with_account_id(text: str, account_id: str, where: str = "account file") -> str:
    """`text` with `account_id: "<id>"` set, every other byte unchanged."""
    if not _ID.match(account_id):
        raise ValueError(f"not an account id: {account_id!r}")
    data = block_mapping(text, where)
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    if KEY in data:
        line, col = data.lc.value(KEY)
        lines[line] = _replace_scalar(lines[line], col, f'"{account_id}"')
        return "".join(lines)
    anchor = ANCHOR if ANCHOR in data else next(iter(data), None)
    if anchor is None:
        return f'{KEY}: "{account_id}"{newline}' + text
    line, col = data.lc.key(anchor)
    lines.insert(line, f'{" " * col}{KEY}: "{account_id}"{newline}')
    return "".join(lines)


def write_account_id(path: Path, account_id: str, where: str) -> bool:
    """Set the id in the file on disk (atomically); False when it was already there."""
    text = path.read_bytes().decode("utf-8")
    updated = with_account_id(text, account_id, where)
    if updated == text:
        return False
    atomic_write(path, updated)
    return True


def atomic_write(path: Path, text: str) -> None:
    # A kill -9 mid-write must leave the old file or the new one, never half of each.
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(text.encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())
        if path.exists():
            os.chmod(temp, path.stat().st_mode & 0o777)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def block_mapping(text: str, where: str) -> Any:
    """`text` parsed round-trip, if it is a block mapping (or empty) that a line-level edit can
    change; otherwise a `RepositoryError` naming `where` and what to do."""
    try:
        data = YAML(typ="rt").load(text)
    except YAMLError as exc:
        raise RepositoryError(f"{where}: cannot write account_id into a file that is not valid YAML: "
                              f"{exc}") from exc
    if data is None:
        data = {}
    if not hasattr(data, "lc") and data != {}:
        raise RepositoryError(f"{where}: the file must be a mapping to hold account_id")
    if hasattr(data, "fa") and data.fa.flow_style():
        raise RepositoryError(f"{where}: write the account as a block mapping (one key per line) so "
                              "account_id can be added without reformatting it")
    return data


def _replace_scalar(line: str, col: int, value: str) -> str:
    rest = line[col:]
    if rest[:1] in ("'", '"'):
        end = rest.index(rest[0], 1) + 1
    else:
        match = re.match(r"[^\s#]*", rest)
        end = match.end() if match else 0
    return line[:col] + value + rest[end:]


class GitRepository(Protocol):
    """The git port the write-back commit needs; reconciler.adapters.git.LocalRepository
    implements it without touching the user's branch, index or working tree."""

    top: Path  # the working tree's top folder

    def head(self) -> str | None: ...
    def branch_tip(self, branch: str) -> str | None: ...
    def read(self, revision: str, path: str) -> str | None: ...
    def changed_since(self, revision: str, under: str) -> list[str]: ...
    def commit_on_branch(self, branch: str, parent: str, files: Mapping[str, str], message: str) -> str: ...


@dataclass(frozen=True)
class WritebackCommit:
    """Where the ids were committed: for the pull-request step that pushes the branch."""

    branch: str
    commit: str
    files: tuple[str, ...]


def branch_name(head: str) -> str:
    return f"{BRANCH_PREFIX}{head[:8]}"


def commit_account_ids(repo: GitRepository, repo_root: Path,
                       accounts_dir: str = "accounts") -> WritebackCommit | None:
    """Commit every account id that is in the working tree but not yet on the write-back branch.

    Works from the files, not from what this run created, so a run killed between writing a file
    and committing it is caught up by the next one. Each committed file is the branch's version
    with only the id line added: the user's other uncommitted edits stay theirs. None when there
    is nothing to commit (or no commit yet to branch from).
    """
    head = repo.head()
    if head is None:
        return None
    branch = branch_name(head)
    base = repo.branch_tip(branch) or head
    under = (repo_root.resolve() / accounts_dir).relative_to(repo.top.resolve()).as_posix()
    files: dict[str, str] = {}
    for path in repo.changed_since(base, under):
        new = _committed_text(repo, base, path)
        if new is not None:
            files[path] = new
    if not files:
        return None
    names = "\n".join(f"- {p}" for p in sorted(files))
    message = f"Record the account ids of new accounts\n\nWritten back by reconciler apply:\n{names}\n"
    commit = repo.commit_on_branch(branch, base, files, message)
    return WritebackCommit(branch=branch, commit=commit, files=tuple(sorted(files)))


def _committed_text(repo: GitRepository, base: str, path: str) -> str | None:
    worktree = repo.top / path
    if not worktree.is_file() or not path.endswith((".yaml", ".yml")):
        return None
    current = worktree.read_bytes().decode("utf-8")
    account_id = _account_id(current)
    if account_id is None:
        return None
    before = repo.read(base, path)
    if before is None:
        return current  # a new account file: it goes in whole, id included
    if _account_id(before) == account_id:
        return None
    try:
        return with_account_id(before, account_id, path)
    except RepositoryError:
        return None


def _account_id(text: str) -> str | None:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    value = data.get(KEY) if isinstance(data, dict) else None
    return str(value) if value is not None and _ID.match(str(value)) else None
