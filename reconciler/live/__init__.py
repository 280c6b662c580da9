"""The live state: what to read from AWS and how a snapshot of the organization is built (the read's
scope, the full read, single accounts and policies re-read, CloudTrail's events).

AWS is reached only through the `AwsCalls` port (live.calls), which the AWS adapter implements."""
