"""Progress on stderr: a bar redrawn in place on a terminal, plain log lines otherwise."""

from __future__ import annotations

import io

import pytest

from reconciler.commands import progress as progress_module
from reconciler.commands.progress import StderrProgress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_bar_redrawn_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress_module, "REDRAW_SECONDS", 0.0)
    stream = Terminal()
    bar = StderrProgress(stream)
    bar.start("reading accounts", 4)
    bar.advance(2)
    bar.finish()
    text = stream.getvalue()
    assert "\rreading accounts [" in text and "2/4" in text and text.endswith("\n")


def test_a_log_gets_lines_not_carriage_returns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress_module, "LOG_SECONDS", 0.0)
    stream = io.StringIO()
    log = StderrProgress(stream)
    log.start("reading accounts", None)
    log.advance(3)
    log.finish()
    assert stream.getvalue() == "reading accounts...\nreading accounts: 3\n"
