"""The planner and the plan: `plan(desired, live) -> Plan`, a pure function of two organizations;
the plan as data, as a file, and rendered for people; the guardrails and quotas it is checked
against.

Pure: nothing here reads files, AWS or GitHub."""
