"""The YAML loader remembers a plain scalar's type by its text (reconciler/repository/parse.py);
quoting, and the order in which files are read, must still decide exactly as YAML does."""

from __future__ import annotations

import datetime
from pathlib import Path

from reconciler.repository.parse import MAX_FILE_BYTES, read_yaml
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


def test_a_file_is_read_whole_up_to_the_limit_and_refused_one_byte_over(tmp_path: Path) -> None:
    """The reader asks for the file's own size, not a megabyte per file; the limit stays exact."""
    body = "a: " + "x" * (MAX_FILE_BYTES - 4) + "\n"  # exactly MAX_FILE_BYTES bytes
    (tmp_path / "edge.yaml").write_text(body, encoding="utf-8")
    (tmp_path / "over.yaml").write_text(body + "#", encoding="utf-8")
    problems: list[Problem] = []
    assert read_yaml(tmp_path, "edge.yaml", problems).value == {"a": "x" * (MAX_FILE_BYTES - 4)}
    assert problems == []
    read_yaml(tmp_path, "over.yaml", problems)
    assert [(p.code, str(MAX_FILE_BYTES + 1) in p.message) for p in problems] == [("E001", True)]
    (tmp_path / "dir.yaml").mkdir()
    read_yaml(tmp_path, "dir.yaml", problems)
    assert problems[-1].code == "E010" and "Is a directory" in problems[-1].message
