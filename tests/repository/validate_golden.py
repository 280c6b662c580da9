"""Builds a golden case's repository: the minimal valid base, the case's files laid over it, the
base files it lists in remove.txt taken away, and the inputs too big or too binary to commit
generated here."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden"
BASE = GOLDEN / "_base"
CASE_FILES = {"expected.txt", "remove.txt"}
ACCOUNT = (BASE / "accounts" / "app-prod.yaml").read_bytes()


def _invalid_utf8(repo: Path) -> None:
    (repo / "accounts" / "app-prod.yaml").write_bytes(
        ACCOUNT.replace(b"owner_team: platform", b"owner_team: caf\xe9")
    )


def _too_large(repo: Path) -> None:
    padding = b"# " + b"x" * 98 + b"\n"
    (repo / "accounts" / "app-prod.yaml").write_bytes(ACCOUNT + padding * (10 * 1024 * 1024 // len(padding)))


def _control_character(repo: Path) -> None:
    (repo / "accounts" / "app-prod.yaml").write_bytes(
        ACCOUNT.replace(b"owner_team: platform", b"owner_team: plat\x07form")
    )


GENERATED: dict[str, Callable[[Path], None]] = {
    "invalid-utf8": _invalid_utf8,
    "file-too-large": _too_large,
    "control-character": _control_character,
}


def cases() -> list[str]:
    return sorted(p.name for p in GOLDEN.iterdir() if p.is_dir() and not p.name.startswith("_"))


def build_case(name: str, repo: Path) -> str:
    """Writes the case's repository into `repo`; returns the expected validate output."""
    case = GOLDEN / name
    shutil.copytree(BASE, repo)
    for source in sorted(case.rglob("*")):
        rel = source.relative_to(case)
        if source.is_file() and str(rel) not in CASE_FILES:
            (repo / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, repo / rel)
    remove = case / "remove.txt"
    for line in remove.read_text().split() if remove.exists() else []:
        (repo / line).unlink()
    if name in GENERATED:
        GENERATED[name](repo)
    expected = case / "expected.txt"
    return expected.read_text() if expected.exists() else ""
