"""`ghfake serve`: run the fake GitHub API on loopback until SIGTERM or SIGINT."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path
from types import FrameType


def _user(text: str) -> tuple[str, str]:
    login, sep, token = text.partition(":")
    if not sep or not login or not token:
        raise argparse.ArgumentTypeError(f"expected LOGIN:TOKEN, got {text!r}")
    return login, token


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ghfake", description="A local GitHub REST API over bare git repos.")
    sub = p.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the API")
    serve.add_argument("--host", type=loopback, default="127.0.0.1")
    serve.add_argument("--port", type=int, default=0)
    serve.add_argument("--data", type=Path, required=True, help="directory holding owner/name.git")
    serve.add_argument("--token", help="token of the bot user github-actions[bot]")
    serve.add_argument("--user", type=_user, action="append", default=[], metavar="LOGIN:TOKEN",
                       help="a human user and their token (repeatable); writes every repository")
    serve.add_argument("--admin", type=_user, action="append", default=[], metavar="LOGIN:TOKEN",
                       help="a repository administrator and their token (repeatable): may set "
                            "collaborator roles, branch protection and the Actions settings")
    serve.add_argument("--secondary-rate-limit", type=_per_minute, default=None, metavar="N",
                       help="answer content-creating requests (POST, PATCH, PUT, DELETE) past N a minute "
                            "with GitHub's secondary-rate-limit 403 and Retry-After (default: off)")
    return p


def _per_minute(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive number of requests a minute, got {text!r}")
    return int(text)


def loopback(host: str) -> str:
    # A test double with no real authentication must never listen beyond this machine.
    if host != "localhost" and not host.startswith("127.") and host != "::1":
        raise argparse.ArgumentTypeError(f"ghfake listens on loopback only, not {host!r}")
    return host


def serve(args: argparse.Namespace) -> None:
    # Imported here so that argument errors answer at once, before Flask and the schemas load.
    from werkzeug.serving import make_server

    from ghfake.app import create_app

    args.data.mkdir(parents=True, exist_ok=True)
    # One access-log line per request drowns the schema-violation lines that matter.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app = create_app(args.data.resolve(), args.token, dict(args.user), dict(args.admin),
                     args.secondary_rate_limit)
    httpd = make_server(args.host, args.port, app, threaded=True)

    def stop(signum: int, frame: FrameType | None) -> None:
        # shutdown() waits for serve_forever to return, so it must run on another thread.
        threading.Thread(target=httpd.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"ready http://{args.host}:{httpd.server_port}/api/v3", flush=True)
    httpd.serve_forever()
    httpd.server_close()


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    if args.command == "serve":
        serve(args)
    sys.exit(0)
