"""The planner: `plan(desired, live) -> Plan`, a pure function of two organizations.

It pairs desired and live objects, diffs the pairs, applies the safety rules and returns the
changes in the order apply runs them:

1. policy types enabled            5. accounts updated (moved, re-tagged, renamed)
2. OUs created (parents first),     6. attachments created
   then OU tags updated            7. attachments deleted (after every attach: AWS refuses to
3. policies created and updated       detach a target's last SCP, and a gap would open access)
4. accounts created                8. account baselines (contacts, Regions, access, budgets)
                                   9. deletions: policies, OUs (children first), account closes

Nothing live is deleted unless the repository says so (or it is a rollout's shadow policy whose
rollout is over: reconciler.plan.policies.retired_shadows); see docs/plan.md for the rules.
"""

from __future__ import annotations

from reconciler.errors import RepositoryError
from reconciler.model import FULL_AWS_ACCESS, RCP, ROOT, SCP, Organization
from reconciler.plan.accounts import (
    AccountMatching,
    account_changes,
    account_dict,
    create_changes,
    match_accounts,
)
from reconciler.plan.baselines import baseline_changes
from reconciler.plan.changes import Change, Plan, Unmanaged
from reconciler.plan.checks import check_destructive, check_per_target, check_structure
from reconciler.plan.effective_diff import effective_notes
from reconciler.plan.file import PlanFileError, plan_from_json, plan_to_json
from reconciler.plan.fingerprint import fingerprint
from reconciler.plan.lifecycle import account_limit_note, with_quarantine
from reconciler.plan.policies import (
    NewTargets,
    plan_policies,
    policy_dict,
    unmanaged_targets,
)
from reconciler.plan.targets import Reach, TargetSpace, display

__all__ = ["PlanFileError", "plan", "plan_from_json", "plan_to_json"]

def plan(desired: Organization, live: Organization) -> Plan:
    if desired.management_account_id != live.management_account_id:
        raise RepositoryError(
            f"the repository describes the organization managed by {desired.management_account_id}, "
            f"but AWS answers for {live.management_account_id}: check the credentials or the repository"
        )
    desired = with_quarantine(desired)
    check_structure(desired)
    matching = match_accounts(desired, live)
    space = TargetSpace.of(matching)
    reach = Reach(desired)
    types = [Change(f"policy_type.{t}", "policy_type", "create", after={"type": t})
             for t in sorted(desired.policy_types - live.policy_types)]
    ou_creates, ou_updates = _ou_changes(desired, live)
    new = NewTargets(frozenset(c.after["path"] for c in ou_creates if c.after),
                     frozenset(a.name for a in matching.to_create))
    policies = plan_policies(desired, live, space, reach, new)
    updates, closes, notes = account_changes(matching, desired)
    changes = [
        *types, *ou_creates, *ou_updates, *policies.changes, *create_changes(matching), *updates,
        *policies.attach, *policies.detach, *baseline_changes(desired, live, matching), *policies.deletes,
        *closes,
    ]
    retired = {id(c) for c in policies.retired}  # a retired rollout shadow's: not the repository's deletes
    check_destructive([c for c in changes if id(c) not in retired], desired)
    check_per_target(_final_targets(desired, live, space, policies.final), desired)
    return Plan(
        changes=tuple(changes),
        unmanaged=tuple(sorted(_unmanaged(desired, live, matching, space), key=lambda u: u.address)),
        notes=(*matching.notes, *notes,
               *filter(None, [account_limit_note(desired, live, len(matching.to_create))])),
        effective=tuple(effective_notes(desired, live, space, changes)),
        repository_fingerprint=fingerprint(desired),
        live_fingerprint=fingerprint(live),
    )


def _ou_changes(desired: Organization, live: Organization) -> tuple[list[Change], list[Change]]:
    live_ous = {o.path: o for o in live.ous}
    creates: list[Change] = []
    updates: list[Change] = []
    for ou in sorted(desired.ous, key=lambda o: (o.depth, o.path)):
        want = {"path": ou.path, "tags": dict(sorted(ou.tags.items()))}
        have = live_ous.get(ou.path)
        if have is None:
            creates.append(Change(f"ou.{ou.path}", "ou", "create", after=want))
        elif dict(have.tags) != dict(ou.tags):
            before = {"path": have.path, "tags": dict(sorted(have.tags.items()))}
            updates.append(Change(f"ou.{ou.path}", "ou", "update", before=before, after=want,
                                  changed=("tags",)))
    return creates, updates


def _final_targets(
    desired: Organization, live: Organization, space: TargetSpace,
    managed: list[tuple[str, frozenset[str]]],
) -> list[tuple[str, frozenset[str]]]:
    final = list(managed)
    names = {p.name for p in desired.policies}
    everywhere = {ROOT, *(f"ou:{o.path}" for o in (*desired.ous, *live.ous))}
    everywhere |= {f"account:{a.name}" for a in desired.accounts}
    everywhere |= {space.from_live(f"account:{a.name}") for a in live.accounts}
    enabled = desired.policy_types | live.policy_types
    if FULL_AWS_ACCESS not in names and SCP in enabled:
        # Undeclared, FullAWSAccess stays where AWS puts it: on every target. Counting it there
        # (rather than where the live read found it, which may have skipped those targets) errs
        # on the side of refusing a plan AWS might refuse.
        final.append((SCP, frozenset(everywhere)))
    if RCP in enabled:  # RCPFullAWSAccess is on every target while RCPs are enabled, never detached
        final.append((RCP, frozenset(everywhere)))
    final.extend((p.type, p.targets) for p in unmanaged_targets(live, names, space))
    return final


def _unmanaged(
    desired: Organization, live: Organization, matching: AccountMatching, space: TargetSpace
) -> list[Unmanaged]:
    # The management account is declared by id in organization.yaml: known, even without a file.
    found = [Unmanaged(f"account.{a.name}", "account", account_dict(a)) for a in matching.unmatched_live
             if a.account_id != desired.management_account_id]
    paths = {o.path for o in desired.ous}
    found += [Unmanaged(f"ou.{o.path}", "ou", {"path": o.path, "tags": dict(o.tags)})
              for o in live.ous if o.path not in paths]
    found += [Unmanaged(f"policy_type.{t}", "policy_type", {"type": t})
              for t in live.policy_types - desired.policy_types]
    for policy in unmanaged_targets(live, (p.name for p in desired.policies), space):
        found.append(Unmanaged(f"policy.{policy.name}", "policy", policy_dict(policy)))
        found += [Unmanaged(f"attachment.{policy.name}.{display(k)}", "attachment",
                            {"policy": policy.name, "target": display(k)}) for k in policy.targets]
    return found
