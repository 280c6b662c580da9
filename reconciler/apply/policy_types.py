"""Enabling policy types, which AWS does in the background.

EnablePolicyType answers at once with the type PENDING_ENABLE on the root (botocore: "This is an
asynchronous request"); AttachPolicy of that type is refused until ListRoots shows it ENABLED. So
apply enables the type where the plan says, goes on with the changes that do not need it, and
waits (ListRoots, with the account creations' back-off and clock) before the first attachment of a
policy of that type. A run killed after EnablePolicyType finds the type PENDING_ENABLE or ENABLED
(the live reader counts only ENABLED, so the plan enables it again): AWS refuses the second request,
and apply takes the root's status as the answer instead of failing.
"""

from __future__ import annotations

from reconciler.apply.accounts import Poll
from reconciler.apply.organizations import OrganizationsWriter
from reconciler.errors import AwsError

ENABLED = "ENABLED"
PENDING_ENABLE = "PENDING_ENABLE"


class PolicyTypeWaiter:
    def __init__(self, writer: OrganizationsWriter, poll: Poll) -> None:
        self.writer, self.poll = writer, poll
        self.pending: set[str] = set()  # enabled by this run, not yet seen ENABLED

    def enable(self, root_id: str, policy_type: str) -> str | None:
        """EnablePolicyType, or the status a killed run's request left; returns AWS's request id."""
        try:
            status, request = self.writer.enable_policy_type(root_id, policy_type)
        except AwsError:
            status, request = self.writer.policy_type_status(root_id, policy_type), None
            if status not in (ENABLED, PENDING_ENABLE):
                raise
        if status != ENABLED:
            self.pending.add(policy_type)
        return request

    def wait_enabled(self, root_id: str, policy_type: str) -> None:
        """Return once the type is ENABLED on the root; a bounded wait, then a plain error."""
        if policy_type not in self.pending:
            return
        wait, started = self.poll.first, self.poll.clock()
        while (status := self.writer.policy_type_status(root_id, policy_type)) != ENABLED:
            if status != PENDING_ENABLE:
                raise AwsError(f"the policy type {policy_type} was enabled, but ListRoots now shows it "
                               f"{status or 'not enabled at all'}; someone changed it meanwhile: make a "
                               "new plan and apply it")
            if self.poll.clock() - started > self.poll.policy_type_deadline:
                raise AwsError(f"the policy type {policy_type} is still PENDING_ENABLE after "
                               f"{self.poll.policy_type_deadline:.0f}s, so its policies cannot be attached "
                               "yet; re-run apply later: it waits for the type instead of enabling it again")
            self.poll.sleep(wait)
            wait = min(wait * self.poll.factor, self.poll.longest)
        self.pending.discard(policy_type)
