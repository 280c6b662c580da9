"""The desired-state repository loader: every file parsed and schema-checked, every cross-file rule
run, all problems reported at once; an Organization only when there are none.

The fast path is libyaml plus validators compiled once (reconciler.repository.schema); positions
come from the node tree libyaml builds anyway, so a problem's line and column cost nothing extra to
find.
"""

from __future__ import annotations

import os
from pathlib import Path

from reconciler import collector
from reconciler.errors import RepositoryError, show, show_path
from reconciler.model import Organization
from reconciler.repository.build import build_organization
from reconciler.repository.parse import Parsed, read_yaml
from reconciler.repository.problems import Problem, sort_problems
from reconciler.repository.rules import RepositoryFiles, check_rules
from reconciler.repository.schema import schema_problems

ORGANIZATION_FILE = "organization.yaml"
ACCOUNTS_DIR = "accounts"
POLICIES_DIR = "policies"
_SHOWN_IN_ERROR = 50


def check_repository(root: Path) -> tuple[Organization | None, list[Problem]]:
    """All problems of the repository at `root`, and its Organization when there are none.
    Never raises for bad input."""
    if not root.is_dir():
        return None, [
            Problem(
                ".",
                1,
                1,
                "E011",
                f"the repository directory {show_path(root)} does not "
                "exist or is not a directory; pass --repo DIR",
            )
        ]
    problems: list[Problem] = []
    with collector.paused():  # every file's values are kept until the model is built: nothing to free
        return _check(root, problems)


def _check(root: Path, problems: list[Problem]) -> tuple[Organization | None, list[Problem]]:
    files = RepositoryFiles(
        organization=_read_organization(root, problems),
        accounts=_read_dir(root, ACCOUNTS_DIR, "account", problems),
        policies=_read_dir(root, POLICIES_DIR, "policy", problems),
    )
    problems.extend(check_rules(files))
    if problems:
        return None, sort_problems(problems)
    return build_organization(files), []


def load_repository(root: Path) -> Organization:
    """The repository's Organization; RepositoryError listing the problems when it is invalid."""
    organization, problems = check_repository(root)
    if organization is None:
        shown = "\n".join(str(p) for p in problems[:_SHOWN_IN_ERROR])
        more = len(problems) - _SHOWN_IN_ERROR
        tail = f"\n... and {more} more; run `reconciler validate` to see them all" if more > 0 else ""
        count = f"{len(problems)} problem{'s' * (len(problems) != 1)}"
        raise RepositoryError(f"the repository {show_path(root)} is invalid ({count}):\n{shown}{tail}")
    return organization


def _read_organization(root: Path, problems: list[Problem]) -> Parsed | None:
    if not (root / ORGANIZATION_FILE).is_file():
        message = (
            f"{ORGANIZATION_FILE} is missing; every repository has one (see docs/format.md, or "
            "`reconciler import` to write one)"
        )
        problems.append(Problem(ORGANIZATION_FILE, 1, 1, "E010", message))
        return None
    refused = _not_a_file(root, ORGANIZATION_FILE, "organization")
    if refused is not None:
        problems.append(refused)
        return None
    return _read(root, ORGANIZATION_FILE, "organization", problems)


def _not_a_file(root: Path, rel: str, kind: str) -> Problem | None:
    """A name that is not a plain file inside the repository: a directory or device (skipping it
    would silently drop an account), or a symbolic link that leads nowhere or out of the
    repository (following it would read, and echo in messages, a file no reviewer sees)."""
    linked = _link_problem(root, rel)
    if linked is not None or (root / rel).is_file():
        return linked
    return Problem(rel, 1, 1, "E014", f"not a regular file; write the {kind} as a .yaml file here, or "
                                      "rename or remove it")


def _link_problem(root: Path, rel: str) -> Problem | None:
    path = root / rel
    if not path.is_symlink():
        return None
    target = path.resolve()
    if not target.exists():
        return Problem(rel, 1, 1, "E013", "a symbolic link to nothing (its target does not exist); put "
                                          "the real file or directory here")
    if not target.is_relative_to(root.resolve()):
        return Problem(rel, 1, 1, "E013", "a symbolic link out of the repository; put the real file or "
                                          "directory here, so that reviewers see what is read")
    return None


def _read(root: Path, rel: str, kind: str, problems: list[Problem]) -> Parsed | None:
    parsed = read_yaml(root, rel, problems)
    if not parsed.read:
        return None
    found = schema_problems(kind, rel, parsed.value, lambda: parsed.node)
    problems.extend(found)
    return None if found else parsed


def _read_dir(root: Path, directory: str, kind: str, problems: list[Problem]) -> list[Parsed]:
    """Valid files of one kind; files that failed their own checks are left out of the cross-file
    rules (their names still count as existing, see RepositoryFiles.account_names)."""
    where = root / directory
    refused = _link_problem(root, directory)
    if refused is None and where.exists() and not where.is_dir():
        refused = Problem(directory, 1, 1, "E014", f"not a directory; {directory}/ holds one .yaml file "
                                                   f"per {kind}: rename or remove it")
    if refused is not None:
        problems.append(refused)
        return []
    try:
        with os.scandir(os.path.join(root, directory)) as entries:
            # A plain file is known from the directory listing itself: no extra stat for it.
            names = sorted((e.name, not e.is_file(follow_symlinks=False)) for e in entries
                           if e.name.endswith((".yaml", ".yml")))
    except (FileNotFoundError, NotADirectoryError):
        return []
    parsed: list[Parsed] = []
    for name, unusual in names:
        rel = f"{directory}/{name}"
        refused = _not_a_file(root, rel, kind) if unusual else None
        if refused is not None:
            problems.append(refused)
            if name.endswith(".yaml"):
                parsed.append(Parsed(rel))  # its name still counts: no second complaint about it
        elif name.endswith(".yml"):
            message = f"rename {show(name)} to {show(name[:-4] + '.yaml')}: only .yaml files are read"
            problems.append(Problem(rel, 1, 1, "E012", message))
        elif name.endswith(".yaml"):
            result = _read(root, rel, kind, problems)
            parsed.append(result if result is not None else Parsed(rel))
    return parsed
