"""Run moto's server app with orgsim's layer in front, on loopback, until SIGTERM or SIGINT."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from types import FrameType

from orgsim.settings import Settings


def serve(host: str, port: int, settings: Settings) -> None:
    # moto reads the caller's account id from here on each request; set it before moto loads.
    os.environ["MOTO_ACCOUNT_ID"] = settings.management_account_id
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    from orgsim.middleware import OrgSimMiddleware
    from orgsim.sim import Sim

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app = OrgSimMiddleware(DomainDispatcherApplication(create_backend_app), Sim(settings))
    server = make_server(host, port, app, threaded=True, request_handler=MotoRequestHandler)
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
