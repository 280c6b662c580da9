"""New account ids back into the repository as a pull request, through the GitHub API.

In a workflow the checkout is throw-away and has no push credentials (persist-credentials:
false), so the ids go straight to GitHub: one branch, `reconciler/account-ids`, rebuilt on the
base branch's tip each time, and one open pull request for it. Each file is the base branch's
version with only the id line added (`with_account_id`), so edits made on main meanwhile stay.
"""

from __future__ import annotations

from collections.abc import Mapping

from reconciler.apply.writeback import with_account_id
from reconciler.model import Organization
from reconciler.pullrequests.comment import ACTIONS_BOT, checks_note
from reconciler.pullrequests.port import GitHubPort, PullRequest

BRANCH = "reconciler/account-ids"


def ids_to_record(desired: Organization, live: Organization, created: Mapping[str, str]) -> dict[str, str]:
    """Account name -> id for every repository account without an id that AWS has: the ones this
    run created, and any an earlier run created but never got into the repository."""
    by_email = {a.email.lower(): a.account_id for a in live.accounts if a.account_id}
    found = {a.name: by_email[a.email.lower()] for a in desired.accounts
             if not a.account_id and a.email.lower() in by_email}
    return {**found, **created}


def account_path(desired: Organization, name: str) -> str:
    account = desired.account(name)
    return account.source.path if account and account.source else f"accounts/{name}.yaml"


def open_writeback_pr(port: GitHubPort, desired: Organization, ids: Mapping[str, str], base: str,
                      source: str, author_login: str = ACTIONS_BOT) -> PullRequest | None:
    """Opens (or updates) the write-back pull request; None when there is nothing to write."""
    files: dict[str, str | None] = {}
    for name, account_id in sorted(ids.items()):
        path = account_path(desired, name)
        text = port.read_file(path, base)
        if text is not None:
            files[path] = with_account_id(text, account_id, path)
    if not files:
        return None
    # Names and paths passed the loader's schema (lowercase, digits, hyphens): safe in markdown.
    lines = "\n".join(f"| `{n}` | `{ids[n]}` | `{account_path(desired, n)}` |" for n in sorted(ids))
    body = ("Records the ids AWS assigned to accounts the reconciler created "
            f"({source}).\n\n| account | id | file |\n|---|---|---|\n{lines}\n\n"
            "Merging changes nothing in AWS: the next plan matches these accounts by id."
            + checks_note(author_login))
    title = f"Record account ids: {', '.join(sorted(ids))}"[:200]
    port.commit_files(BRANCH, base, files, f"{title}\n\nWritten back by reconciler apply-merged ({source}).")
    existing = port.find_open_pull_request(BRANCH, base)
    if existing is not None:
        port.edit_pull_request(existing.number, title, body)
        return existing
    return port.open_pull_request(BRANCH, base, title, body)
