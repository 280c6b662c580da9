"""`reconciler validate`: every schema and cross-file problem of the repository, all at once."""

from __future__ import annotations

from pathlib import Path

import click

from reconciler.errors import ExitCode
from reconciler.repository.load import check_repository
from reconciler.repository.problems import format_github, format_json, format_text

_FORMATTERS = {"text": format_text, "json": format_json, "github": format_github}


@click.command("validate")
@click.option(
    "--repo",
    "repo",
    type=click.Path(path_type=Path),
    default=Path("."),
    show_default=True,
    help="The desired-state repository.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(list(_FORMATTERS)),
    default="text",
    show_default=True,
    help="text for people, json for tools, github for workflow annotations.",
)
@click.pass_context
def command(ctx: click.Context, repo: Path, output_format: str) -> None:
    """Check every file against its schema and every cross-file rule; report all problems."""
    _, problems = check_repository(repo)
    click.echo(_FORMATTERS[output_format](problems), nl=False)
    if problems:
        files = len({p.path for p in problems})
        click.echo(
            f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {files} "
            f"file{'s' if files != 1 else ''}",
            err=True,
        )
        ctx.exit(ExitCode.ERROR)
    click.echo(f"{repo}: valid", err=True)
