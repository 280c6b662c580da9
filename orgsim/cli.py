"""`orgsim serve`: AWS Organizations as it really behaves, on a loopback port."""

from __future__ import annotations

import argparse
import ipaddress

from orgsim.settings import MANAGEMENT_ACCOUNT_ID, Settings


def _loopback(value: str) -> str:
    if value != "localhost" and not ipaddress.ip_address(value).is_loopback:
        raise argparse.ArgumentTypeError("orgsim listens on loopback addresses only")
    return value


def _account_id(value: str) -> str:
    if not (len(value) == 12 and value.isdigit()):
        raise argparse.ArgumentTypeError("an AWS account id is 12 digits")
    return value


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="orgsim", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the simulator until SIGTERM/SIGINT")
    serve.add_argument("--host", type=_loopback, default="127.0.0.1")
    serve.add_argument("--port", type=int, default=0, help="0 picks a free port")
    serve.add_argument("--throttle", choices=("on", "off"), default="off")
    serve.add_argument("--create-account-seconds", type=float, default=2.0)
    serve.add_argument("--close-account-seconds", type=float, default=None,
                       help="default: the same as --create-account-seconds")
    serve.add_argument("--policy-type-seconds", type=float, default=1.0,
                       help="how long EnablePolicyType/DisablePolicyType stay PENDING_*")
    serve.add_argument("--region-opt-seconds", type=float, default=1.0,
                       help="how long EnableRegion/DisableRegion stay ENABLING/DISABLING")
    serve.add_argument("--assignment-seconds", type=float, default=0.5,
                       help="how long CreateAccountAssignment stays IN_PROGRESS")
    serve.add_argument("--management-account-id", type=_account_id, default=MANAGEMENT_ACCOUNT_ID)
    serve.add_argument("--account-limit", type=int, default=1000)
    return root


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    settings = Settings(
        throttle=args.throttle == "on",
        create_account_seconds=args.create_account_seconds,
        close_account_seconds=args.close_account_seconds,
        policy_type_seconds=args.policy_type_seconds,
        management_account_id=args.management_account_id,
        account_limit=args.account_limit,
        region_opt_seconds=args.region_opt_seconds,
        assignment_seconds=args.assignment_seconds,
    )
    if min(args.create_account_seconds, args.close_account_seconds or 0, args.policy_type_seconds,
           args.region_opt_seconds, args.assignment_seconds) < 0:
        raise SystemExit("orgsim: delays cannot be negative")
    from orgsim.server import serve

    try:
        serve(args.host, args.port, settings)
    except OSError as exc:
        raise SystemExit(f"orgsim: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from exc
