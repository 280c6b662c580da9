"""One simulator's state: settings, the moto-backed organization and orgsim's own records."""

from __future__ import annotations

import copy
import dataclasses
import threading

from orgsim import clock, cloudwatch, member_accounts
from orgsim.backend import bootstrap
from orgsim.calls import CallCounter
from orgsim.faults import FaultBook
from orgsim.identity import Caller, caller
from orgsim.identity_center import Assignments
from orgsim.lifecycle import Lifecycle
from orgsim.organizations import Organizations
from orgsim.regions import Regions
from orgsim.settings import Settings
from orgsim.spend import SpendTable
from orgsim.tagging import TagIndex
from orgsim.throttle import Throttle
from orgsim.trail import Trail


class Sim:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._startup = copy.deepcopy(settings)
        # Organizations calls run one at a time: AWS answers ConcurrentModificationException for
        # overlapping writes; serialising keeps moto's and orgsim's state consistent instead.
        self.lock = threading.RLock()
        self.calls = CallCounter()
        self.faults = FaultBook()
        self.throttle = Throttle()
        self.lifecycle = Lifecycle(settings)
        self.trail = Trail(settings.management_account_id)
        self.spend = SpendTable()
        self.tag_index = TagIndex()
        self.regions = Regions()
        self.assignments = Assignments()
        self.organizations = Organizations(settings, self.lifecycle, self.faults)
        cloudwatch.install()
        member_accounts.extend_ec2()
        self.reset(state=True)

    def reset(self, state: bool, settings: bool = False) -> None:
        if settings:
            # in place: the lifecycle and the Organizations layer hold this same object
            for field in dataclasses.fields(self.settings):
                setattr(self.settings, field.name, copy.deepcopy(getattr(self._startup, field.name)))
        self.calls.reset()
        self.faults.clear()
        self.throttle.reset()
        if not state:
            return
        with self.lock:
            bootstrap(self.settings.management_account_id)
            self.lifecycle.reset()
            self.organizations.policy_types.reset()
            self.trail.reset()
            self.spend.reset()
            self.tag_index.reset()
            self.regions.reset()
            self.assignments.reset()
            clock.reset()

    def identity(self, access_key: str) -> Caller:
        """Who an access key is in CloudTrail: config `identities`' entry, else an IAM user named
        after the key (orgsim.identity)."""
        configured = self.settings.identities.get(access_key)
        return caller(access_key, configured, self.settings.management_account_id)
