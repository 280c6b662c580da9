"""Drift and import pull requests as text: branch names, hidden markers, titles, bodies, and the
account-file fields a pull request changes. Pure; `remediate` pushes them through the GitHub port.

One pull request per drift, found again on later runs by its branch name (stable per address) and
the marker in its body, which also names the drifted live value's fingerprint: a pull request
closed without merging is a rejection of exactly that value, so the same drift is then reverted,
while a different drift on the same address gets a new pull request.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reconciler.drift.detect import Drift
from reconciler.model import metadata_from_tags
from reconciler.pullrequests.port import Issue

BRANCH_PREFIX = "reconciler/drift/"
IMPORT_PREFIX = "reconciler/import/"
_MARKER = re.compile(r"<!-- reconciler:drift (\{.*?\}) -->")


@dataclass(frozen=True)
class Attribution:
    """Who changed a resource, and when, as CloudTrail tells it."""

    actor: str
    event: str
    time: str


def branch_for(drift: Drift) -> str:
    return branches_for(drift.address)[drift.decision == "import_pr"]


def branches_for(address: str) -> tuple[str, str]:
    """The drift branch and the import branch of an address."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", address).strip("-").lower()[:100]
    return BRANCH_PREFIX + slug, IMPORT_PREFIX + slug


def retired(body: str) -> str:
    """The body with its marker defused: closing a pull request whose drift went away by itself
    is no rejection, so the same drift later must get a pull request again."""
    return _MARKER.sub("<!-- reconciler:drift-resolved -->", body)


def marker(drift: Drift) -> str:
    return hidden_marker("drift", {"address": drift.address, "fingerprint": drift.fingerprint})


def hidden_marker(kind: str, data: Mapping[str, Any]) -> str:
    """`<!-- reconciler:<kind> {json} -->`: found again by later runs, invisible to readers."""
    text = json.dumps(data, sort_keys=True)
    # An address is user text; keep it from ending the HTML comment early.
    return f"<!-- reconciler:{kind} " + text.replace("<", "\\u003c").replace(">", "\\u003e") + " -->"


def own_issue(issues: Iterable[Issue], marker: str, authors: Iterable[str]) -> Issue | None:
    """The open issue the product itself wrote with this marker: a marker pasted by anyone else
    does not count (GitHub logins compare case-insensitively)."""
    ours = {a.lower() for a in authors}
    return next((i for i in issues if marker in i.body and i.author.lower() in ours), None)


def parse_marker(body: str | None) -> tuple[str, str] | None:
    found = _MARKER.search(body or "")
    if not found:
        return None
    try:
        data = json.loads(found.group(1))
        return str(data["address"]), str(data["fingerprint"])
    except (ValueError, KeyError, TypeError):
        return None


def account_updates(drift: Drift) -> dict[str, Any]:
    """The account-file fields that bring the repository to the live state: `ou`, `account_name`,
    metadata fields read back from their tags, and the extra `tags`."""
    change = drift.change
    if change is None or change.before is None or change.after is None:
        return {}
    live, wanted = change.before, change.after
    updates: dict[str, Any] = {}
    if live.get("ou") != wanted.get("ou"):
        updates["ou"] = live.get("ou")
    if live.get("name") != wanted.get("name"):
        updates["account_name"] = live.get("name")
    live_meta = metadata_from_tags(live.get("tags") or {})
    wanted_meta = metadata_from_tags(wanted.get("tags") or {})
    for key in sorted(set(live_meta) | set(wanted_meta)):
        # A metadata tag removed in AWS cannot remove a required field: the revert is the fix.
        if key in live_meta and live_meta[key] != wanted_meta.get(key):
            value = live_meta[key]
            updates["tags" if key == "extra_tags" else key] = (
                list(value) if isinstance(value, tuple) else value)
    return updates


def title(drift: Drift) -> str:
    if drift.decision == "import_pr":
        return f"Import {drift.resource} {_name(drift)} into the repository"
    return f"Drift: accept the live state of {drift.address}"


def _name(drift: Drift) -> str:
    return drift.address.split(".", 1)[1]


def body(drift: Drift, updates: Mapping[str, Any], who: Sequence[Attribution], files: Sequence[str],
         note: str = "") -> str:
    lines = [f"The reconciler found drift on `{_code(drift.address)}` ({drift.kind}): {_code(drift.reason)}.",
             ""]
    if drift.decision == "import_pr":
        lines += ["It exists in AWS but not in this repository. Merging this pull request adds it, so the",
                  "reconciler manages it from then on. Closing it leaves it unmanaged."]
    else:
        lines += ["AWS was changed outside this repository. Merging this pull request accepts the change",
                  "(the repository then says what AWS says). Closing it without merging rejects it: the",
                  "next run puts AWS back to what the repository says.", "",
                  "| field | repository | AWS now |", "|---|---|---|"]
        before = drift.change.after if drift.change and drift.change.after else {}
        lines += [f"| `{k}` | {_cell(_repo_value(before, k))} | {_cell(v)} |" for k, v in updates.items()]
    lines += ["", "Files: " + ", ".join(f"`{_code(f)}`" for f in files), ""]
    lines += _attribution(who)
    return "\n".join([*lines, "", marker(drift), ""]) + (note.strip("\n") + "\n" if note else "")


def _attribution(who: Sequence[Attribution]) -> list[str]:
    if not who:
        return ["CloudTrail has no record of who made this change since the last run."]
    rows = [f"- `{_code(a.event)}` by `{_code(a.actor)}` at {_code(a.time)}" for a in who]
    return ["Changed in AWS (from CloudTrail):", *rows]


def _repo_value(before: Mapping[str, Any], key: str) -> Any:
    if key == "account_name":
        return before.get("name")
    if key == "ou":
        return before.get("ou")
    meta = metadata_from_tags(before.get("tags") or {})
    return meta.get("extra_tags" if key == "tags" else key)


def _cell(value: Any) -> str:
    text = json.dumps(list(value) if isinstance(value, tuple) else value, sort_keys=True)
    return f"`{_code(text)}`"


def _code(text: str) -> str:
    """User text inside markdown: no backticks to break out of code spans, no table pipes."""
    return str(text).replace("`", "'").replace("|", "\\|").replace("\n", " ")
