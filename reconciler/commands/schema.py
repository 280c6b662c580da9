"""`reconciler schema KIND`: print the JSON Schema of one file kind, for editors and CI checks."""

from __future__ import annotations

import click

from reconciler.errors import ReconcilerError, show
from reconciler.repository.schema import KINDS, schema_text


@click.command("schema")
@click.argument("kind")
def command(kind: str) -> None:
    """Print the JSON Schema (draft 2020-12) of KIND: organization, account or policy."""
    if kind not in KINDS:
        raise ReconcilerError(f"unknown schema kind {show(kind)}; choose one of {', '.join(KINDS)}")
    click.echo(schema_text(kind), nl=False)
