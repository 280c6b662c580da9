"""The YAML loader remembers a plain scalar's type by its text (reconciler/repository/parse.py);
quoting, and the order in which files are read, must still decide exactly as YAML does."""

from __future__ import annotations

import datetime
from pathlib import Path

from reconciler.repository.parse import read_yaml
from reconciler.repository.problems import Problem


def _read(tmp_path: Path, name: str, text: str) -> object:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return read_yaml(tmp_path, name, []).value


def test_a_remembered_plain_scalar_does_not_change_a_quoted_one(tmp_path: Path) -> None:
    first = _read(tmp_path, "a.yaml", "a: 1\nb: yes\nc: 2026-12-01\nd: null\ne: 1.5\n")
    second = _read(tmp_path, "b.yaml", 'a: "1"\nb: \'yes\'\nc: "2026-12-01"\nd: "null"\ne: "1.5"\n')
    third = _read(tmp_path, "c.yaml", "a: 1\nb: yes\nc: 2026-12-01\nd: null\ne: 1.5\n")
    assert first == third == {"a": 1, "b": True, "c": datetime.date(2026, 12, 1), "d": None, "e": 1.5}
    assert second == {"a": "1", "b": "yes", "c": "2026-12-01", "d": "null", "e": "1.5"}


def test_keys_are_resolved_like_values(tmp_path: Path) -> None:
    problems: list[Problem] = []
    (tmp_path / "k.yaml").write_text("1: x\n", encoding="utf-8")
    read_yaml(tmp_path, "k.yaml", problems)
    assert [p.code for p in problems] == ["E009"]  # a key YAML reads as a number is refused
