#!/usr/bin/env bash
# The demo: the whole story against the local stand-ins, on a fresh machine, with no AWS account.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
export PATH="$PWD/.venv/bin:$PATH"
reconciler --version

# The core loop (docs/apply.md): validate, plan, apply against orgsim, ids written back on a
# branch, then a change made by hand in AWS shows up as drift in the next plan.
work="$(mktemp -d)"
sim_pid=""
cleanup() {
  if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "start orgsim (AWS Organizations, local) on a free port"
orgsim serve --port 0 --create-account-seconds 1 >"$work/orgsim.out" 2>"$work/orgsim.err" &
sim_pid=$!
for _ in $(seq 1 300); do grep -q '^ready ' "$work/orgsim.out" 2>/dev/null && break; sleep 0.1; done
url="$(sed -n 's/^ready //p' "$work/orgsim.out")"
[ -n "$url" ] || { echo "orgsim did not start:"; cat "$work/orgsim.err"; exit 1; }
echo "orgsim at $url"
# Any Region: Organizations is global, and the reconciler asks CloudTrail for its events in
# us-east-1 (the only Region that has them) whatever AWS_REGION says.
export AWS_ENDPOINT_URL="$url" AWS_ACCESS_KEY_ID=orgsim-admin AWS_SECRET_ACCESS_KEY=orgsim-secret \
  AWS_REGION=eu-west-1 AWS_DEFAULT_REGION=eu-west-1 AWS_CONFIG_FILE=/dev/null \
  AWS_SHARED_CREDENTIALS_FILE=/dev/null RECONCILER_AWS_PACING=off
unset AWS_PROFILE AWS_SESSION_TOKEN
# mallory's key is a session of the role "admin", as a person's console or CLI session would be:
# CloudTrail then names the person behind the role, which the drift pull request shows.
python - "$url" <<'PY'
import json, sys, urllib.request
body = {"identities": {"AKIADEMOMALLORY00000": {"type": "AssumedRole", "role": "admin", "session": "mallory"}}}
request = urllib.request.Request(sys.argv[1] + "/_orgsim/config", json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
urllib.request.urlopen(request).read()
PY

step "the sample organization, copied into a git repository of its own"
repo="$work/org"
mkdir -p "$repo" && cp -R organization.yaml accounts policies "$repo/"
git -C "$repo" init -q -b main
git -C "$repo" -c user.name=demo -c user.email=demo@example.com add .
git -C "$repo" -c user.name=demo -c user.email=demo@example.com commit -q -m "desired state"
printf '.reconciler/\n' >"$repo/.git/info/exclude"   # the audit log stays out of git

step "reconciler validate"
reconciler validate --repo "$repo"

step "reconciler plan (a new organization: everything is created)"
reconciler plan --repo "$repo" | tail -n 25

step "reconciler apply --auto-approve"
reconciler apply --repo "$repo" --auto-approve | tail -n 3

step "account ids written back, committed on a branch of their own"
branch="$(git -C "$repo" for-each-ref --format='%(refname:short)' 'refs/heads/reconciler/account-ids-*')"
git -C "$repo" log --oneline main.."$branch"
git -C "$repo" diff --stat main "$branch" | tail -n 3
git -C "$repo" diff main "$branch" -- accounts/cust-acme-prod.yaml

step "merge the ids into main (what merging the write-back pull request does)"
# apply also wrote the ids into the working tree as it went; the branch holds the same content.
git -C "$repo" checkout -q -- accounts
git -C "$repo" merge -q --ff-only "$branch" && git -C "$repo" log --oneline -1

step "plan again: nothing to do"
reconciler plan --repo "$repo" --detailed-exitcode | tail -n 1

# The account factory (docs/apply.md, "Account baselines"): a team's request for a new account is
# a pull request adding its file; the plan shows the account and its baseline; the merge's apply
# creates, moves and tags it and gives it its contacts, Identity Center access and budget.
step "IAM Identity Center has the groups and permission sets organization.yaml's baselines name"
python - <<'PY'
import boto3
from orgsim.testing import seed_identity_center
# also turns on trusted access for the Account Management API, which contacts and Regions need
seed_identity_center(boto3.client, ["AdministratorAccess", "PowerUserAccess"], ["platform-admins", "developers"])
print("permission sets AdministratorAccess, PowerUserAccess; groups platform-admins, developers")
PY

step "a team requests an account: the request's pull request adds accounts/payments-dev.yaml"
git -C "$repo" checkout -q -b request/payments-dev
cat >"$repo/accounts/payments-dev.yaml" <<'YAML'
# yaml-language-server: $schema=../reconciler/repository/schemas/account.json
account_name: payments-dev
email: aws+payments-dev@example.com
ou: Workloads                 # with environment development: the team-workload baseline
environment: development
workload_type: internal
owner_team: payments
cost_center: CC-30001
automation_level: full
lifecycle_state: requested
baselines:
  add: [asia-pacific]         # and ap-east-1 enabled
YAML
git -C "$repo" -c user.name=demo -c user.email=demo@example.com add accounts/payments-dev.yaml
git -C "$repo" -c user.name=demo -c user.email=demo@example.com commit -q -m "account request: payments-dev"
cat "$repo/accounts/payments-dev.yaml"

step "plan on the request's pull request: the account and its baseline, before the merge"
reconciler plan --repo "$repo" | grep -E '^  [+~-] (account|baseline)\.|^Plan:'

step "merge, then apply: created, moved, tagged and given its baseline in one run"
git -C "$repo" checkout -q main && git -C "$repo" merge -q --ff-only request/payments-dev
reconciler apply --repo "$repo" --auto-approve | tail -n 1
branch="$(git -C "$repo" for-each-ref --sort=-creatordate --format='%(refname:short)' 'refs/heads/reconciler/account-ids-*' | head -n 1)"
git -C "$repo" checkout -q -- accounts
git -C "$repo" merge -q --ff-only "$branch"

step "in orgsim after the merge"
python - <<'PY'
import boto3
org, account = boto3.client("organizations"), boto3.client("account")
sso, budgets = boto3.client("sso-admin"), boto3.client("budgets")
member = next(a for a in org.list_accounts()["Accounts"] if a["Name"] == "payments-dev")
parent = org.list_parents(ChildId=member["Id"])["Parents"][0]["Id"]
ou = org.describe_organizational_unit(OrganizationalUnitId=parent)["OrganizationalUnit"]["Name"]
tags = {t["Key"]: t["Value"] for t in org.list_tags_for_resource(ResourceId=member["Id"])["Tags"]}
print(f"payments-dev {member['Id']} {member['State']} in OU {ou}, {len(tags)} tags "
      f"(owner-team={tags['owner-team']}, cost-center={tags['cost-center']})")
for kind in ("SECURITY", "BILLING"):
    contact = account.get_alternate_contact(AccountId=member["Id"], AlternateContactType=kind)["AlternateContact"]
    print(f"{kind} contact: {contact['Name']} <{contact['EmailAddress']}>")
region = account.get_region_opt_status(AccountId=member["Id"], RegionName="ap-east-1")["RegionOptStatus"]
print(f"ap-east-1: {region}")
instance = sso.list_instances()["Instances"][0]["InstanceArn"]
store = sso.list_instances()["Instances"][0]["IdentityStoreId"]
for group in ("platform-admins", "developers"):
    group_id = boto3.client("identitystore").get_group_id(IdentityStoreId=store, AlternateIdentifier={
        "UniqueAttribute": {"AttributePath": "displayName", "AttributeValue": group}})["GroupId"]
    found = sso.list_account_assignments_for_principal(InstanceArn=instance, PrincipalId=group_id,
                                                       PrincipalType="GROUP")["AccountAssignments"]
    sets = [sso.describe_permission_set(InstanceArn=instance, PermissionSetArn=a["PermissionSetArn"])
            ["PermissionSet"]["Name"] for a in found if a["AccountId"] == member["Id"]]
    print(f"Identity Center: {group} -> {', '.join(sets)}")
budget = budgets.describe_budget(AccountId="111111111111", BudgetName=f"baseline-{member['Id']}")["Budget"]
alerts = budgets.describe_notifications_for_budget(AccountId="111111111111", BudgetName=budget["BudgetName"])
print(f"budget {budget['BudgetName']}: {budget['BudgetLimit']['Amount']} USD a month for "
      f"{budget['CostFilters']['LinkedAccount'][0]}, alerts at "
      + ", ".join(f"{n['Threshold']:g}% {n['NotificationType'].lower()}" for n in alerts["Notifications"]))
PY

step "plan again: nothing to do"
reconciler plan --repo "$repo" --detailed-exitcode | tail -n 1

step "out of band, as another person (mallory, with plain boto3): move an account, loosen an SCP"
AWS_ACCESS_KEY_ID=AKIADEMOMALLORY00000 python - <<'PY'
import json
import boto3

org = boto3.client("organizations")
root = org.list_roots()["Roots"][0]["Id"]
ous = {o["Name"]: o["Id"] for o in org.list_organizational_units_for_parent(ParentId=root)["OrganizationalUnits"]}
account = next(a for a in org.list_accounts()["Accounts"] if a["Name"] == "sandbox-bob")
parent = org.list_parents(ChildId=account["Id"])["Parents"][0]["Id"]
org.move_account(AccountId=account["Id"], SourceParentId=parent, DestinationParentId=ous["Security"])
print(f"moved sandbox-bob ({account['Id']}) to Security")
policy = next(p for p in org.list_policies(Filter="SERVICE_CONTROL_POLICY")["Policies"]
              if p["Name"] == "deny-leave-organization")
document = json.loads(org.describe_policy(PolicyId=policy["Id"])["Policy"]["Content"])
document["Statement"][0]["Effect"] = "Allow"
org.update_policy(PolicyId=policy["Id"], Content=json.dumps(document))
print("edited deny-leave-organization: Deny -> Allow")
PY

step "plan again: the drift, as changes that put AWS back"
set +e
reconciler plan --repo "$repo" --detailed-exitcode
code=$?
set -e
echo "plan --detailed-exitcode exited $code (2: there are changes)"

# Drift handling (docs/reconcile.md), on the same organization: the repository goes to a local
# GitHub, more drift is made by hand, and `reconciler reconcile` reverts it or opens pull requests.
python scripts/demo_reconcile.py --repo "$repo" --work "$work"
