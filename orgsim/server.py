"""Run moto's server app with orgsim's layer in front, on loopback, until SIGTERM or SIGINT.

The HTTP server is orgsim's own, on the standard library: werkzeug's development server closes
every connection after one response (and waits 10 ms draining each request), so a client paid a
TCP connect per call. This one speaks HTTP/1.1 with keep-alive, as AWS's endpoints do: a
connection stays open until the client closes it, asks `Connection: close`, or sits idle for
IDLE_SECONDS. Every response carries a Content-Length, so the next request on the socket is found.
"""

from __future__ import annotations

import io
import logging
import os
import signal
import socket
import struct
import sys
import threading
import traceback
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, HTTPServer
from socketserver import ThreadingMixIn
from types import FrameType
from typing import Any
from urllib.parse import unquote

from orgsim.settings import Settings

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
IDLE_SECONDS = 60
HOP_BY_HOP = frozenset({"connection", "content-length", "transfer-encoding", "keep-alive"})


def serve(host: str, port: int, settings: Settings) -> None:
    # moto reads the caller's account id from the x-moto-account-id header orgsim's layer sets on
    # each request (orgsim.member_accounts.account_of): the management account, or the member account
    # of credentials AssumeRole made there. MOTO_ACCOUNT_ID would override it, so it must be unset.
    os.environ.pop("MOTO_ACCOUNT_ID", None)
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    from orgsim.middleware import OrgSimMiddleware
    from orgsim.sim import Sim

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app = OrgSimMiddleware(DomainDispatcherApplication(create_backend_app), Sim(settings))
    server = KeepAliveServer((host, port), app)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    worker = threading.Thread(target=server.serve_forever, name="orgsim-http", daemon=True)
    worker.start()
    print(f"ready http://{host}:{server.server_port}", flush=True)
    while not stop.wait(0.5):
        pass
    server.shutdown()
    worker.join(timeout=5)
    server.server_close()
    sys.stdout.flush()


class KeepAliveServer(ThreadingMixIn, HTTPServer):
    """A thread per connection; connections (not requests) are what a client keeps open."""

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = False  # a busy port is an error, as with werkzeug

    def __init__(self, address: tuple[str, int], app: WsgiApp) -> None:
        self.app = app
        try:
            super().__init__(address, WsgiHandler)
        except OSError as exc:
            if exc.errno == 98 or "in use" in str(exc).lower():
                raise OSError(exc.errno, f"Port {address[1]} is in use by another program") from exc
            raise


class WsgiHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = IDLE_SECONDS
    disable_nagle_algorithm = True  # else each answer's body waits out the client's delayed ACK (~40 ms)
    server: KeepAliveServer

    def handle_one_request(self) -> None:
        try:
            self.raw_requestline = self.rfile.readline(65537)
        except (TimeoutError, OSError):
            self.close_connection = True
            return
        if not self.raw_requestline:
            self.close_connection = True
            return
        if len(self.raw_requestline) > 65536:
            self.send_error(414)
            return
        if not self.parse_request():  # sets close_connection from the version and Connection header
            return
        try:
            self._respond(self._read_body())
        except (ConnectionError, OSError):
            self.close_connection = True
        except Exception:  # a bug in orgsim or moto: say so, as werkzeug did, and answer 500
            traceback.print_exc(file=sys.stderr)
            self.close_connection = True
            self.send_error(500)

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _read_chunked(self) -> bytes:
        body = bytearray()
        while True:
            size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return bytes(body)
            body += self.rfile.read(size)
            self.rfile.readline()

    def _respond(self, body: bytes) -> None:
        captured: dict[str, Any] = {}
        chunks: list[bytes] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured.update(status=status, headers=headers)
            return chunks.append

        result = self.server.app(self._environ(body), start_response)
        try:
            chunks.extend(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        payload = b"".join(chunks)
        code, _, reason = str(captured["status"]).partition(" ")
        self.send_response(int(code), reason)
        for key, value in captured["headers"]:
            if key.lower() not in HOP_BY_HOP:
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)
        self.wfile.flush()

    def _environ(self, body: bytes) -> dict[str, Any]:
        path, _, query = self.path.partition("?")
        environ: dict[str, Any] = {
            "REQUEST_METHOD": self.command,
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote(path, "latin-1"),
            "QUERY_STRING": query,
            "RAW_URI": self.path,
            "REQUEST_URI": self.path,
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(len(body)),
            "SERVER_NAME": self.server.server_address[0],
            "SERVER_PORT": str(self.server.server_address[1]),
            "SERVER_PROTOCOL": self.request_version,
            "REMOTE_ADDR": self.client_address[0],
            "REMOTE_PORT": self.client_address[1],
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "orgsim.reset": self._reset,
        }
        for key, value in self.headers.items():
            name = "HTTP_" + key.upper().replace("-", "_")
            if name in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
                continue
            environ[name] = f"{environ[name]},{value}" if name in environ else value
        return environ

    def _reset(self) -> None:
        """Drop the connection with no response; linger 0 makes the close a TCP reset."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.shutdown(socket.SHUT_RDWR)
        self.close_connection = True
        raise ConnectionResetError("orgsim injected connection_reset")

    def log_message(self, format: str, *args: Any) -> None:
        return None  # one line per request would swamp the test logs
