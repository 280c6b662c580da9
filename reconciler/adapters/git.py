"""The git adapter (the port is reconciler.apply.writeback.GitRepository): reading files at a
revision and committing files on a branch without touching the user's checkout.

The write-back commit is built with plumbing (a private index file, write-tree, commit-tree,
update-ref), so the user's current branch, index and working tree are never switched or staged.
The branch only ever moves forward from its own tip: nothing here rewrites history or pushes.
"""

from __future__ import annotations

import io
import shutil
import tarfile
import tempfile
from collections.abc import Mapping
from pathlib import Path

import git
from git.exc import GitCommandError, InvalidGitRepositoryError, NoSuchPathError

from reconciler.errors import GitError


class LocalRepository:
    def __init__(self, root: Path) -> None:
        try:
            self._repo = git.Repo(root, search_parent_directories=True)
        except (InvalidGitRepositoryError, NoSuchPathError) as exc:
            raise GitError(f"{root} is not inside a git repository") from exc
        self.top = Path(self._repo.working_tree_dir or root)
        self._root = root

    def head(self) -> str | None:
        try:
            return str(self._repo.head.commit.hexsha)
        except ValueError:  # an empty repository: no commit yet
            return None

    def branch_tip(self, branch: str) -> str | None:
        try:
            return str(self._repo.git.rev_parse("--verify", "--quiet", f"refs/heads/{branch}^{{commit}}"))
        except GitCommandError:
            return None

    def read(self, revision: str, path: str) -> str | None:
        """A file's text at a revision, or None when it is not there."""
        try:
            return str(self._repo.git.show(f"{revision}:{path}", strip_newline_in_stdout=False))
        except GitCommandError:
            return None

    def commits_between(self, older: str, newer: str) -> list[str]:
        """`newer`'s first-parent history back to (not including) `older`, oldest first, as
        "sha subject" lines: on main, one line per merge."""
        try:
            out = self._repo.git.log("--first-parent", "--reverse", "--format=%H %s", f"{older}..{newer}")
        except GitCommandError as exc:
            raise GitError(f"git cannot compare {older[:12]} with {newer[:12]}: {exc.stderr.strip()}; "
                           "the checkout needs main's history (actions/checkout with fetch-depth: 0)"
                           ) from exc
        return [line for line in out.splitlines() if line.strip()]

    def export(self, revision: str, target: Path) -> Path:
        """The repository's files at `revision`, written under `target`; returns the directory that
        corresponds to the root this repository was opened at (it may be a subdirectory)."""
        stream = io.BytesIO()
        try:
            self._repo.archive(stream, revision, format="tar")
        except GitCommandError as exc:
            raise GitError(f"the checkout does not have commit {revision[:12]}: {exc.stderr.strip()}; "
                           "check main out with its history (actions/checkout with fetch-depth: 0)"
                           ) from exc
        stream.seek(0)
        with tarfile.open(fileobj=stream) as archive:
            if hasattr(tarfile, "data_filter"):  # Python 3.11.4 and later
                archive.extractall(target, filter="data")  # no links out, no absolute paths
            else:  # our own commit's regular files and directories only
                archive.extractall(target, members=[m for m in archive if m.isfile() or m.isdir()])  # noqa: S202
        return target / self._root.resolve().relative_to(self.top.resolve())

    def changed_since(self, revision: str, under: str) -> list[str]:
        """Paths under `under` that differ from `revision` in the working tree, untracked included."""
        try:
            diff = self._repo.git.diff("--name-only", revision, "--", under)
            untracked = self._repo.git.ls_files("--others", "--exclude-standard", "--", under)
        except GitCommandError as exc:
            raise GitError(f"git could not list changed files: {exc.stderr.strip()}") from exc
        return sorted({p for p in (diff + "\n" + untracked).splitlines() if p})

    def commit_on_branch(self, branch: str, parent: str, files: Mapping[str, str], message: str) -> str:
        """Commit `files` (path -> text) on top of `parent` and point `branch` at it."""
        scratch = Path(tempfile.mkdtemp(prefix="reconciler-git-"))
        env = {"GIT_INDEX_FILE": str(scratch / "index"), **self._identity()}
        try:
            g = self._repo.git
            g.read_tree(parent, env=env)
            for number, (path, text) in enumerate(sorted(files.items())):
                staged = scratch / f"blob-{number}"
                staged.write_bytes(text.encode("utf-8"))
                blob = g.hash_object("-w", str(staged), env=env)
                g.update_index("--add", "--cacheinfo", f"100644,{blob},{path}", env=env)
            tree = g.write_tree(env=env)
            commit = g.commit_tree(tree, "-p", parent, "-m", message, env=env)
            # The expected old value makes the update fail rather than overwrite a branch that
            # moved meanwhile (0*40: the branch must not exist yet).
            g.update_ref(f"refs/heads/{branch}", commit, self.branch_tip(branch) or "0" * 40)
            return str(commit)
        except GitCommandError as exc:
            raise GitError(f"git could not commit on {branch}: {exc.stderr.strip()}") from exc
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def _identity(self) -> dict[str, str]:
        """A committer for machines with no git identity configured (CI runners)."""
        try:  # ask git itself: it alone knows every place an identity can come from
            self._repo.git.var("GIT_COMMITTER_IDENT")
            self._repo.git.var("GIT_AUTHOR_IDENT")
            return {}
        except GitCommandError:
            pass
        return {"GIT_AUTHOR_NAME": "reconciler", "GIT_AUTHOR_EMAIL": "reconciler@localhost",
                "GIT_COMMITTER_NAME": "reconciler", "GIT_COMMITTER_EMAIL": "reconciler@localhost"}
