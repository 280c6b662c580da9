#!/usr/bin/env python3
"""Keep one GitHub webhook example per event ghfake's payload builders start from.

    cd "$(mktemp -d)" && npm pack @octokit/webhooks-examples && tar xzf octokit-webhooks-examples-*.tgz
    python scripts/extract_webhook_examples.py package/ ghfake/data/

The package holds every example GitHub documents (hundreds of kB); ghfake.events needs one each
of pull_request (opened), push (to a branch) and workflow_dispatch. Actions' `schedule` event has
no webhook, so its builder reuses the push example's repository.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

NOTICE = """The examples in webhook-examples.json come from the npm package {name}@{version},
licensed {license}:

MIT License

Copyright (c) Octokit contributors

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction,
including without limitation the rights to use, copy, modify, merge, publish, distribute,
sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT
OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""


def pick(events: dict[str, Any], name: str, test: Any) -> Any:
    return next(example for example in events[name]["examples"] if test(example))


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        raise SystemExit("usage: extract_webhook_examples.py NPM_PACKAGE_DIR OUT_DIR")
    pkg, out = Path(argv[0]), Path(argv[1])
    meta = json.loads((pkg / "package.json").read_text())
    events = {e["name"]: e for e in json.loads((pkg / "api.github.com" / "index.json").read_text())}
    kept = {
        "source": {"package": meta["name"], "version": meta["version"], "license": meta["license"]},
        "pull_request": pick(events, "pull_request", lambda e: e.get("action") == "opened"),
        "push": pick(events, "push", lambda e: e["ref"].startswith("refs/heads/")),
        "workflow_dispatch": pick(events, "workflow_dispatch", lambda e: True),
    }
    (out / "webhook-examples.json").write_text(json.dumps(kept, indent=1) + "\n")
    (out / "webhook-examples-LICENSE").write_text(NOTICE.format(**meta))
    print(f"kept {len(kept) - 1} examples from {meta['name']}@{meta['version']}")


if __name__ == "__main__":
    main(sys.argv[1:])
