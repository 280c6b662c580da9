"""Progress of long work on stderr: a bar redrawn in place on a terminal, a log line every few
seconds otherwise (CI logs keep every line, so a bar would flood them). Never on stdout, which
carries the command's result."""

from __future__ import annotations

import sys
import time
from typing import TextIO

import click

REDRAW_SECONDS = 0.1
LOG_SECONDS = 5.0
BAR_WIDTH = 30


class StderrProgress:
    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream or sys.stderr
        self._tty = self._stream.isatty()
        self._label = ""
        self._total: int | None = None
        self._done = 0
        self._shown = 0.0
        self._drawn = False

    def start(self, label: str, total: int | None = None) -> None:
        self._end_line()
        self._label, self._total, self._done = label, total, 0
        self._shown = time.monotonic()
        if not self._tty:
            click.echo(f"{label}...", file=self._stream)

    def advance(self, count: int = 1) -> None:
        self._done += count
        now = time.monotonic()
        if now - self._shown >= (REDRAW_SECONDS if self._tty else LOG_SECONDS):
            self._shown = now
            self._show()

    def finish(self) -> None:
        if self._tty and self._done:
            self._show()
        self._end_line()

    def _show(self) -> None:
        if self._tty:
            click.echo(f"\r{self._text()}", nl=False, file=self._stream)
            self._drawn = True
        else:
            click.echo(f"{self._label}: {self._count()}", file=self._stream)

    def _text(self) -> str:
        if not self._total:
            return f"{self._label}: {self._done}"
        filled = int(BAR_WIDTH * min(self._done, self._total) / self._total)
        return f"{self._label} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {self._count()}"

    def _count(self) -> str:
        return f"{self._done}/{self._total}" if self._total else str(self._done)

    def _end_line(self) -> None:
        if self._drawn:
            click.echo("", file=self._stream)
            self._drawn = False
