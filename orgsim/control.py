"""The control API under /_orgsim/ on the simulator's own port."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from orgsim import clock
from orgsim.faults import parse_fault
from orgsim.sim import Sim
from orgsim.spend import parse_rows

Reply = tuple[int, dict[str, Any]]


def handle(sim: Sim, method: str, path: str, body: bytes) -> Reply:
    route = ROUTES.get((method, path.rstrip("/")))
    if route is None:
        return 404, {"error": f"no control route {method} {path}"}
    try:
        payload = json.loads(body) if body.strip() else {}
        if not isinstance(payload, dict):
            raise ValueError("body must be a JSON object")
        return 200, route(sim, payload)
    except ValueError as exc:
        return 400, {"error": str(exc)}


def _calls(sim: Sim, _: dict[str, Any]) -> dict[str, Any]:
    return sim.calls.snapshot()


def _reset(sim: Sim, body: dict[str, Any]) -> dict[str, Any]:
    state, settings = bool(body.get("state", False)), bool(body.get("settings", False))
    sim.reset(state=state, settings=settings)
    return {"reset": True, "state": state, "settings": settings}


def _add_fault(sim: Sim, body: dict[str, Any]) -> dict[str, Any]:
    sim.faults.add(parse_fault(body))
    return {"faults": sim.faults.pending()}


def _faults(sim: Sim, _: dict[str, Any]) -> dict[str, Any]:
    return {"faults": sim.faults.pending()}


def _configure(sim: Sim, body: dict[str, Any]) -> dict[str, Any]:
    with sim.lock:
        sim.settings.update(body)
    return sim.settings.public()


def _config(sim: Sim, _: dict[str, Any]) -> dict[str, Any]:
    return sim.settings.public()


def _clock(sim: Sim, body: dict[str, Any]) -> dict[str, Any]:
    if "now" in body:
        try:
            clock.set_to(datetime.fromisoformat(str(body["now"]).replace("Z", "+00:00")))
        except ValueError as exc:
            raise ValueError(f"bad clock instant {body['now']!r}: {exc}") from exc
    if "advance_seconds" in body:
        clock.advance(float(body["advance_seconds"]))
    return {"now": clock.iso_now()}


def _spend(sim: Sim, body: dict[str, Any]) -> dict[str, Any]:
    rows = parse_rows(body)
    return {"rows": sim.spend.seed(rows, replace=bool(body.get("replace", True)))}


ROUTES = {
    ("GET", "/_orgsim/calls"): _calls,
    ("POST", "/_orgsim/reset"): _reset,
    ("POST", "/_orgsim/faults"): _add_fault,
    ("GET", "/_orgsim/faults"): _faults,
    ("POST", "/_orgsim/config"): _configure,
    ("GET", "/_orgsim/config"): _config,
    ("POST", "/_orgsim/spend"): _spend,
    ("POST", "/_orgsim/clock"): _clock,
    ("GET", "/_orgsim/clock"): _clock,
}
