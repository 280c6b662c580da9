"""A bare git repository driven through the git command line.

Every read goes to git, never to a cache, so a `git push` straight into the bare repository is
seen by the next API call exactly as a push through the API is.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

ZERO_SHA = "0" * 40


class GitError(Exception):
    """A git command failed; `stderr` says why."""


@dataclass(frozen=True)
class TreeEntry:
    mode: str
    type: str
    sha: str
    path: str
    size: int | None


@dataclass(frozen=True)
class Signature:
    name: str
    email: str
    date: str  # ISO 8601, as GitHub shows it


@dataclass(frozen=True)
class CommitInfo:
    sha: str
    tree: str
    parents: list[str]
    author: Signature
    committer: Signature
    message: str


class BareRepo:
    def __init__(self, path: Path) -> None:
        self.path = path

    def git(self, *args: str, data: bytes | None = None, env: dict[str, str] | None = None) -> bytes:
        # Literal pathspecs: a file named "*.yaml" must not match every YAML file.
        run_env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_LITERAL_PATHSPECS": "1", **(env or {})}
        proc = subprocess.run(["git", "--git-dir", str(self.path), *args], input=data,
                              capture_output=True, env=run_env, check=False)
        if proc.returncode != 0:
            raise GitError(proc.stderr.decode(errors="replace").strip())
        return proc.stdout

    def text(self, *args: str, **kwargs: object) -> str:
        return self.git(*args, **kwargs).decode().strip()  # type: ignore[arg-type]

    def init(self, default_branch: str) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        self.git("init", "--bare", "--quiet", f"--initial-branch={default_branch}")

    def default_branch(self) -> str:
        return self.text("symbolic-ref", "--short", "HEAD")

    def resolve(self, rev: str) -> str | None:
        try:
            return self.text("rev-parse", "--verify", "--quiet", f"{rev}^{{object}}")
        except GitError:
            return None

    def object_type(self, sha: str) -> str | None:
        try:
            return self.text("cat-file", "-t", sha)
        except GitError:
            return None

    def refs(self, prefix: str = "refs/") -> list[tuple[str, str, str]]:
        out = self.text("for-each-ref", "--format=%(refname) %(objectname) %(objecttype)", prefix)
        return [tuple(line.split(" ")) for line in out.splitlines() if line]  # type: ignore[misc]

    def update_ref(self, name: str, new: str, old: str | None = None) -> None:
        self.git("update-ref", name, new, *([old] if old is not None else []))

    def delete_ref(self, name: str) -> None:
        self.git("update-ref", "-d", name)

    def read_blob(self, sha: str) -> bytes:
        return self.git("cat-file", "blob", sha)

    def hash_blob(self, content: bytes) -> str:
        return self.text("hash-object", "-w", "--stdin", data=content)

    def ls_tree(self, treeish: str, path: str = "", recursive: bool = False) -> list[TreeEntry]:
        args = ["ls-tree", "-z", "--long", *(["-r", "-t"] if recursive else []), treeish]
        if path:
            args += ["--", path]
        entries = []
        for record in self.git(*args).decode().split("\0"):
            if not record:
                continue
            meta, name = record.split("\t", 1)
            mode, kind, sha, size = meta.split()
            entries.append(TreeEntry(mode, kind, sha, name, None if size == "-" else int(size)))
        return entries

    def write_tree(self, base_tree: str | None, changes: dict[str, tuple[str, str] | None]) -> str:
        """Apply path -> (mode, sha) changes (None deletes) on top of base_tree; return the tree."""
        with tempfile.TemporaryDirectory() as tmp:
            env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
            if base_tree:
                self.git("read-tree", base_tree, env=env)
            lines = []
            for path, change in changes.items():
                if change is None:
                    lines.append(f"0 {ZERO_SHA}\t{path}")
                else:
                    lines.append(f"{change[0]} {change[1]}\t{path}")
            if lines:
                self.git("update-index", "--add", "--remove", "--index-info",
                         data=("\n".join(lines) + "\n").encode(), env=env)
            return self.text("write-tree", env=env)

    def commit_tree(self, tree: str, parents: list[str], message: str,
                    author: Signature, committer: Signature) -> str:
        env = {"GIT_AUTHOR_NAME": author.name, "GIT_AUTHOR_EMAIL": author.email,
               "GIT_AUTHOR_DATE": author.date, "GIT_COMMITTER_NAME": committer.name,
               "GIT_COMMITTER_EMAIL": committer.email, "GIT_COMMITTER_DATE": committer.date}
        parent_args = [arg for parent in parents for arg in ("-p", parent)]
        return self.text("commit-tree", tree, *parent_args, data=message.encode(), env=env)

    def commit(self, sha: str) -> CommitInfo:
        fmt = "%H%x00%T%x00%P%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%B"
        fields = self.git("show", "-s", f"--format={fmt}", sha).decode().split("\0")
        return CommitInfo(fields[0], fields[1], fields[2].split(), Signature(*fields[3:6]),
                          Signature(*fields[6:9]), fields[9].rstrip("\n"))

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        try:
            self.git("merge-base", "--is-ancestor", ancestor, descendant)
        except GitError:
            return False
        return True

    def merge_tree(self, base: str, head: str) -> str | None:
        """The tree of merging head into base, or None on a conflict."""
        try:
            return self.text("merge-tree", "--write-tree", base, head).splitlines()[0]
        except GitError:
            return None

    def changed_files(self, base: str, head: str) -> list[tuple[str, str, int, int, str]]:
        """(status, path, additions, deletions, patch) for each file changed base...head."""
        merge_base = self.text("merge-base", base, head)
        statuses = self.text("diff", "--name-status", "--no-renames", merge_base, head).splitlines()
        numstat = self.text("diff", "--numstat", "--no-renames", merge_base, head).splitlines()
        counts: dict[str, tuple[int, int]] = {}
        for line in numstat:
            added, deleted, path = line.split("\t", 2)
            counts[path] = (int(added) if added != "-" else 0, int(deleted) if deleted != "-" else 0)
        files: list[tuple[str, str, int, int, str]] = []
        for line in statuses:
            status, path = line.split("\t", 1)
            patch = self.git("diff", "--no-renames", merge_base, head, "--", path).decode(errors="replace")
            body = patch.split("\n@@", 1)
            adds, dels = counts.get(path, (0, 0))
            files.append((status, path, adds, dels, "@@" + body[1] if len(body) > 1 else ""))
        return files
