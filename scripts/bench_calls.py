"""Measure the client CPU of one AWS call: botocore alone, and through `AwsClient.call`.

    .venv/bin/python scripts/bench_calls.py [--calls 2000] [--repeats 3]

The server always runs in another process, and only this thread's CPU is counted
(time.thread_time), so the numbers are the client's cost per call. Two servers, both keeping the
connection alive as AWS's endpoint does:

- orgsim (moto's answer behind orgsim's layer, on orgsim's HTTP/1.1 server);
- a stub on loopback that answers every call with the same ListTagsForResource body: botocore's
  own per-call cost with no server work at all.

It also times what the project does once per run: creating the boto3 session and clients.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from orgsim.testing import OrgSim
from reconciler.adapters.aws import AwsClient
from reconciler.adapters.pacing import RateLimiter

ANSWER = json.dumps({"Tags": [{"Key": "environment", "Value": "production"}]}).encode()


class KeepAlive(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else each answer waits out the client's delayed ACK (~40 ms)

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(ANSWER)))
        self.send_header("x-amzn-RequestId", "00000000-0000-0000-0000-000000000000")
        self.end_headers()
        self.wfile.write(ANSWER)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve_stub(ports: Any) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), KeepAlive)
    ports.put(server.server_port)
    server.serve_forever()


def per_call(fn: Callable[[], object], calls: int, repeats: int) -> float:
    """The best of `repeats` runs, in milliseconds of this thread's CPU per call."""
    for _ in range(50):
        fn()
    best = float("inf")
    for _ in range(repeats):
        start = time.thread_time()
        for _ in range(calls):
            fn()
        best = min(best, (time.thread_time() - start) / calls)
    return round(best * 1000, 3)


def measure(label: str, account: str, calls: int, repeats: int) -> dict[str, Any]:
    start = time.thread_time()
    client = AwsClient()
    setup = time.thread_time() - start
    paced = AwsClient(limiter=RateLimiter(enabled=True, scale=1e9))  # buckets work, never wait
    raw = client._clients["organizations"]
    return {
        "server": label,
        "setup_ms (session + 3 clients, once per run)": round(setup * 1000, 1),
        "botocore_ms_per_call": per_call(lambda: raw.list_tags_for_resource(ResourceId=account),
                                         calls, repeats),
        "AwsClient.call_ms_per_call (pacing off)": per_call(
            lambda: client.call("ListTagsForResource", ResourceId=account), calls, repeats),
        "AwsClient.call_ms_per_call (pacing on)": per_call(
            lambda: paced.call("ListTagsForResource", ResourceId=account), calls, repeats),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    os.environ["RECONCILER_AWS_PACING"] = "off"
    with OrgSim.start(throttle=False, create_account_seconds=0) as sim:
        os.environ.update(sim.env())
        org = sim.client()
        org.create_account(Email="bench@example.com", AccountName="bench",
                           Tags=[{"Key": "environment", "Value": "production"}])
        account = next(a["Id"] for a in org.list_accounts()["Accounts"] if a["Name"] == "bench")
        print(json.dumps(measure("orgsim (keep-alive)", account, args.calls, args.repeats),
                         indent=2), flush=True)
    ports: Any = multiprocessing.get_context("spawn").Queue()
    stub = multiprocessing.get_context("spawn").Process(target=serve_stub, args=(ports,), daemon=True)
    stub.start()
    try:
        os.environ["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{ports.get(timeout=30)}"
        result = measure("stub (keep-alive)", "123456789012", args.calls, args.repeats)
        print(json.dumps(result, indent=2), flush=True)
    finally:
        stub.terminate()
        stub.join(10)


if __name__ == "__main__":
    main()
