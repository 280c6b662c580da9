"""Who the reconciler is in AWS: STS GetCallerIdentity and the access key of the same session.

Drift attribution uses it to leave the reconciler's own calls (apply's, and earlier runs' reverts)
out of "who changed it". GetCallerIdentity needs no IAM permission, so the least-privilege role
works unchanged.
"""

from __future__ import annotations

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from reconciler.adapters.aws import aws_error
from reconciler.drift.attribution import CallerIdentity
from reconciler.errors import AwsError


def caller_identity(session: boto3.Session) -> CallerIdentity:
    """The identity behind `session`'s credentials (one STS call)."""
    try:
        sts = session.client("sts", region_name=session.region_name or "us-east-1")
        found = sts.get_caller_identity()
        credentials = session.get_credentials()
    except ClientError as exc:
        raise aws_error("GetCallerIdentity", exc) from exc
    except BotoCoreError as exc:
        raise AwsError(f"GetCallerIdentity failed: {exc}") from exc
    return CallerIdentity(str(found["Arn"]), credentials.access_key if credentials else None)
