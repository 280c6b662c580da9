"""`reconciler reconcile`: scheduled drift handling. Detect drift between AWS and the repository,
then revert it or open pull requests per the repository's rules; print what happened."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import click

from reconciler.clock import parse_duration
from reconciler.commands.wiring import reconcile_once
from reconciler.drift.run import Report
from reconciler.pullrequests.actions import ActionsEnv

_SIGNS = {"missing": "+", "modified": "~", "unmanaged": "?"}


def _duration(ctx: click.Context, param: click.Parameter, value: str) -> timedelta:
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx, param) from exc


@click.command("reconcile")
@click.option("--repo", "repo", type=click.Path(path_type=Path, file_okay=False), default=Path("."),
              show_default=True, help="The desired-state repository (a checkout of its main branch).")
@click.option("--dry-run", is_flag=True, help="Detect and report drift; change nothing, remember nothing.")
@click.option("--incremental/--full", default=True, show_default=True,
              help="--incremental (the default): read only what CloudTrail says changed since the last "
                   "run, with a full scan when one is due. --full: scan the whole organization now.")
@click.option("--full-scan-interval", "interval", default="6h", callback=_duration, show_default=True,
              metavar="DURATION",
              help="The safety net: a full scan when the last one is older than this (e.g. 6h, 90m).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.pass_context
def command(ctx: click.Context, repo: Path, dry_run: bool, incremental: bool, interval: timedelta,
            output_format: str) -> None:
    """Detect drift, then revert it or open pull requests per the repository's rules."""
    env = ActionsEnv.from_environ()
    report, act = reconcile_once(repo, env, dry_run=dry_run, incremental=incremental,
                                 full_scan_interval=interval)
    if output_format == "json":
        click.echo(json.dumps(report.to_json(), indent=2))
    else:
        click.echo(render_text(report, act))
    env.write_summary(render_markdown(report, act))
    for error in report.errors:
        click.echo(f"error: {error}", err=True)
    if report.errors:
        ctx.exit(1)


def _share(report: Report) -> str:
    share = 100.0 * report.in_sync / report.managed if report.managed else 100.0
    return f"{report.in_sync}/{report.managed} managed resources in sync ({share:.1f}%)"


def _ttr(report: Report) -> str:
    if not report.ttr:
        return "time to remediate: nothing remediated yet"
    ordered = sorted(report.ttr)
    median = ordered[len(ordered) // 2]
    now = ", ".join(f"{a} {s:.0f}s" for a, s in report.remediated.items()) or "none this run"
    return (f"time to remediate: median {median:.0f}s, max {ordered[-1]:.0f}s over the last "
            f"{len(ordered)}; this run: {now}")


def render_text(report: Report, act: bool) -> str:
    lines = [f"{_SIGNS[o.drift.kind]} {o.drift.address}: {o.drift.kind}, {o.remediation}"
             + (f" {o.pull_request}" if o.pull_request else "")
             + (f" (error: {o.error})" if o.error else f" ({o.drift.reason})")
             for o in report.outcomes]
    summary = report.summary()
    mode = "" if act else " [report only: kill switch or --dry-run]"
    lines += [r["message"] for r in report.rollouts]
    lines += [f"Drift: {summary['drifted']} found, {summary['reverted']} reverted, "
              f"{summary['pull_requests']} pull requests (scan: {report.scan}){mode}.",
              _share(report), _ttr(report), *report.issues]
    return "\n".join(lines)


def render_markdown(report: Report, act: bool) -> str:
    rows = [f"| `{_cell(o.drift.address)}` | {o.drift.kind} | {o.remediation} | "
            f"{o.pull_request or ''} |" for o in report.outcomes]
    table = ["| address | kind | remediation | pull request |", "|---|---|---|---|", *rows] if rows else []
    summary = report.summary()
    head = (f"## Drift: {summary['drifted']} found, {summary['reverted']} reverted, "
            f"{summary['pull_requests']} pull requests" + ("" if act else " (report only)"))
    return "\n".join([head, "", *table, "", f"- {_share(report)}", f"- {_ttr(report)}",
                      *(f"- {i}" for i in report.issues),
                      *(f"- {r['message']}" for r in report.rollouts), ""])


def _cell(text: str) -> str:
    return text.replace("`", "'").replace("|", "\\|")
