"""Which AWS operation a request is, and how often each was called."""

from __future__ import annotations

import re
import threading
from collections import Counter
from urllib.parse import parse_qs

_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/")
# SigV4's credential scope: Credential=<key>/<date>/<region>/<service>/aws4_request
_SCOPE_REGION = re.compile(r"Credential=[^/,\s]+/[^/]+/([^/]+)/")
ACCOUNT_PATHS = {"/putAccountName": "PutAccountName", "/getAccountInformation": "GetAccountInformation",
                 "/enableRegion": "EnableRegion", "/disableRegion": "DisableRegion",
                 "/getRegionOptStatus": "GetRegionOptStatus", "/listRegions": "ListRegions"}
# Account Management calls moto serves itself; orgsim names them and checks their AccountId.
CONTACT_PATHS = {"/putAlternateContact": "PutAlternateContact", "/getAlternateContact": "GetAlternateContact",
                 "/deleteAlternateContact": "DeleteAlternateContact"}


def operation_name(headers: dict[str, str], query: str, body: bytes, path: str = "") -> str:
    """JSON protocols name the operation in X-Amz-Target, query protocols in Action, and the
    Account Management API in its path (/putAccountName). Other REST protocols (S3 and the like)
    carry no operation name; they count as "Unknown"."""
    target = headers.get("x-amz-target", "")
    if target:
        return target.rsplit(".", 1)[-1]
    for source in (query, body.decode("utf-8", "replace") if body else ""):
        action = parse_qs(source).get("Action")
        if action:
            return action[0]
    if path in ACCOUNT_PATHS:
        return ACCOUNT_PATHS[path]
    if path in CONTACT_PATHS:
        return CONTACT_PATHS[path]
    return "Unknown"


def access_key_id(headers: dict[str, str]) -> str:
    match = _CREDENTIAL.search(headers.get("authorization", ""))
    return match.group(1) if match else "anonymous"


def signing_region(headers: dict[str, str]) -> str:
    """The Region a request was signed for (its SigV4 credential scope); "" when unsigned."""
    match = _SCOPE_REGION.search(headers.get("authorization", ""))
    return match.group(1) if match else ""


class CallCounter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()

    def add(self, operation: str) -> None:
        with self._lock:
            self._counts[operation] += 1

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()
