"""The console script. This is the only place that prints results and maps errors to exit codes."""

from __future__ import annotations

import importlib
import os
import sys
import traceback

import click

from reconciler import __version__
from reconciler.errors import ExitCode, ReconcilerError

# Each command lives in reconciler/commands/<module>.py as a click command named `command`.
COMMAND_MODULES: tuple[str, ...] = (
    "validate",
    "schema",
    "request",
    "plan",
    "apply",
    "import_",
    "reconcile",
    "apply_merged",
    "doctor",
    "effective",
    "rollout",
    "baseline",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reconciler")
def cli() -> None:
    """Reconcile an AWS Organization with the desired state in a git repository."""


for _module in COMMAND_MODULES:
    cli.add_command(importlib.import_module(f"reconciler.commands.{_module}").command)


def main(argv: list[str] | None = None) -> None:
    try:
        code = cli.main(args=argv, prog_name="reconciler", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(ExitCode.ERROR)
    except click.ClickException as exc:
        exc.show()
        sys.exit(ExitCode.ERROR)
    except ReconcilerError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except Exception:  # a bug, not bad input: say so, and keep the details for the report
        if os.environ.get("RECONCILER_DEBUG"):
            traceback.print_exc()
        click.echo(
            "internal error: this is a bug in reconciler. Re-run with RECONCILER_DEBUG=1 for "
            "details and report it.",
            err=True,
        )
        sys.exit(ExitCode.BUG)
    sys.exit(code if isinstance(code, int) else ExitCode.OK)


if __name__ == "__main__":
    main()
