"""Benchmark `reconciler validate` against the floor any YAML+JSON-Schema validator pays.

    python scripts/bench_validate.py [--accounts 10000] [--ous 500] [--policies 200] [--repeat 3]

Baseline: parse every file with yaml.CSafeLoader and check it with a jsonschema validator built
once per kind. Measured: the full `reconciler validate` command in-process (parse with positions,
schema, every cross-file rule, the model). Best of N for both; results go in docs/validate.md.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate_org import generate

from reconciler.commands.cli import cli
from reconciler.repository.schema import validator


def baseline(root: Path) -> None:
    jobs = [(root / "organization.yaml", validator("organization"))]
    jobs += [(f, validator("account")) for f in sorted((root / "accounts").glob("*.yaml"))]
    jobs += [(f, validator("policy")) for f in sorted((root / "policies").glob("*.yaml"))]
    for file, check in jobs:
        data = yaml.load(file.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        for error in check.iter_errors(data):
            raise SystemExit(f"baseline found a problem in {file}: {error.message}")


def validate(root: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", "--repo", str(root)])
    if result.exit_code != 0:
        raise SystemExit(f"validate failed on the generated repository:\n{result.stdout[:2000]}")


def timed(run: Callable[[], None]) -> tuple[float, float]:
    """Wall-clock and CPU seconds: on a shared machine CPU time is the steadier of the two."""
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def best_of(repeat: int, first: Callable[[], None], second: Callable[[], None]) -> list[tuple[float, float]]:
    """Best wall and CPU time of each, runs interleaved so both see the same machine load."""
    runs: list[list[tuple[float, float]]] = [[], []]
    for _ in range(repeat):
        runs[0].append(timed(first))
        runs[1].append(timed(second))
    return [(min(w for w, _ in r), min(c for _, c in r)) for r in runs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=10000)
    parser.add_argument("--ous", type=int, default=500)
    parser.add_argument("--policies", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate(root, args.accounts, args.ous, args.policies)
        validate(root)  # warm the page cache and build the validators once, like the baseline's
        base, ours = best_of(args.repeat, lambda: baseline(root), lambda: validate(root))
    size = f"{args.accounts} accounts, {args.ous} OUs, {args.policies} policies"
    print(f"repository: {size}; best of {args.repeat}, interleaved")
    print(f"baseline (CSafeLoader + jsonschema): wall {base[0]:.2f} s, cpu {base[1]:.2f} s")
    print(f"reconciler validate:                 wall {ours[0]:.2f} s, cpu {ours[1]:.2f} s")
    print(f"ratio: wall {ours[0] / base[0]:.2f}x, cpu {ours[1] / base[1]:.2f}x")


if __name__ == "__main__":
    main()
