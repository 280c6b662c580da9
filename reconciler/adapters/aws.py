"""The AWS adapter: every boto3 call the stages make goes through `AwsClient.call`, which
implements their port (reconciler.live.calls.AwsCalls).

One place paces calls (a token bucket per operation, reconciler.adapters.pacing), counts them
(benchmarks, progress), wraps botocore's exceptions in `AwsError` with the cause chained, and keeps
credentials out of every message. Sessions come from an injected factory, so boto3's own
configuration (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL, ...) applies unchanged. The one call
outside the port is `caller_identity` (STS), which a reconcile run makes at most once.
"""

from __future__ import annotations

import datetime
import functools
import os
import re
import signal
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any, Final

import boto3
import botocore.session
import botocore.utils
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, NoRegionError

from reconciler.adapters.fast_parse import CompiledParserFactory
from reconciler.adapters.pacing import RateLimiter
from reconciler.drift.attribution import CallerIdentity
from reconciler.errors import AwsError
from reconciler.live.calls import Response, page_items

SessionFactory = Callable[[], boto3.Session]

MAX_ATTEMPTS: Final = 10
MAX_MESSAGE: Final = 400
PAGE_SIZE: Final = 20  # the largest page the Organizations list operations accept
# Test seam for crash safety: the process SIGKILLs itself right after its Nth AWS call returns,
# which is the worst moment (AWS acted, the reconciler recorded nothing).
CRASH_AFTER_ENV: Final = "RECONCILER_CRASH_AFTER_CALLS"
# "off" turns client-side pacing off: for simulators run without throttling (benchmarks).
PACING_ENV: Final = "RECONCILER_AWS_PACING"

HINTS: Final = {
    "AccessDeniedException": "the credentials lack the permission; run from the management "
    "account with the policy in docs/apply.md",
    "AccessDeniedException:LookupEvents": "the credentials lack cloudtrail:LookupEvents; add it to the "
    "role's policy (docs/reconcile.md)",
    "AccessDeniedException:GetResources": "the credentials lack tag:GetResources; add it to the "
    "role's policy (docs/pull-requests.md)",
    "AWSOrganizationsNotInUseException": "these credentials are not in an organization",
    "TooManyRequestsException": "AWS kept throttling after retries; wait a minute and re-run",
    "ConcurrentModificationException": "something else is changing the organization; re-run",
}


def default_session() -> boto3.Session:
    # botocore's component for response parsers: JSON-protocol responses parsed by converters
    # compiled per shape, to the same values (reconciler/adapters/fast_parse.py), with timestamps
    # parsed by parse_timestamp (botocore's documented parser default; the AWS CLI sets it too).
    factory = CompiledParserFactory()
    factory.set_parser_defaults(timestamp_parser=parse_timestamp)
    core = botocore.session.get_session()
    core.register_component("response_parser_factory", factory)
    return boto3.Session(botocore_session=core)


def parse_timestamp(value: Any) -> datetime.datetime:
    """A response timestamp as an aware datetime. The JSON protocols send epoch seconds, which
    botocore's default turns into the machine's local zone through dateutil's tzlocal, about
    75 microseconds each (10,000 ListAccounts JoinedTimestamps: most of a second of a 10,000-account
    read); UTC is the same instant at a fraction of the cost. Text (other protocols) is botocore's."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.datetime.fromtimestamp(value, datetime.UTC)
    parsed: datetime.datetime = botocore.utils.parse_timestamp(value)
    return parsed


class AwsClient:
    """Paced, counted, error-wrapped access to the Organizations and Account APIs."""

    def __init__(
        self,
        session_factory: SessionFactory = default_session,
        limiter: RateLimiter | None = None,
    ) -> None:
        config = client_config()
        try:
            session = session_factory()  # an unknown AWS_PROFILE is found here or on the next line
            # Organizations is global and answers in us-east-1; a missing region is not an error.
            region = session.region_name or "us-east-1"
            # CloudTrail keeps Organizations' events only in the partition's Organizations Region
            # (Organizations User Guide, "Logging API calls with AWS CloudTrail"), whatever AWS_REGION says.
            # The Tagging API indexes Organizations resources in that Region only, likewise.
            home = organizations_region(region)
            # Cost Explorer has one endpoint, in us-east-1 (ce.us-east-1.amazonaws.com). Budgets is
            # global (us-east-1); Identity Center answers in the Region its instance lives in, which
            # AWS_REGION names (docs/apply.md, "Account baselines"). CloudWatch and CloudWatch Logs
            # hold a rollout's alarms, denial metric and metric filter (docs/rollout.md).
            self._regions = {"organizations": region, "account": region, "cloudtrail": home,
                             "resourcegroupstaggingapi": home, "ce": home, "budgets": home,
                             "sso-admin": region, "identitystore": region,
                             "cloudwatch": region, "logs": region}
            self._session, self._config = session, config
            self._clients: dict[str, Any] = {}
            self._building = threading.Lock()
            self._client("organizations")  # the one every command needs: set-up errors surface here
        except (BotoCoreError, NoRegionError, ValueError) as exc:  # ValueError: a malformed endpoint URL
            raise _setup_error(exc) from exc
        pacing = os.environ.get(PACING_ENV, "on").lower() != "off"
        self.limiter = limiter or RateLimiter(enabled=pacing)
        self.calls: Counter[str] = Counter()
        self._counting = threading.Lock()
        self._methods: dict[tuple[str, str], Callable[..., Response]] = {}
        crash = os.environ.get(CRASH_AFTER_ENV, "")
        self._crash_after = int(crash) if crash.isdigit() else 0

    def call(self, operation: str, service: str = "organizations", **params: Any) -> Response:
        """Call one operation, e.g. call("ListRoots"); params are the API's own names."""
        method = self._methods.get((service, operation))
        if method is None:  # botocore builds its methods once; spell the name once per operation too
            method = self._methods[(service, operation)] = getattr(self._client(service), snake(operation))
        self.limiter.acquire(operation, service)
        with self._counting:  # the live reader calls from several threads
            self.calls[operation] += 1
        try:
            response: Response = method(**params)
        except ClientError as exc:
            raise aws_error(operation, exc) from exc
        except NoCredentialsError as exc:
            raise AwsError(
                "no AWS credentials found: set AWS_PROFILE or the AWS_* credential variables"
            ) from exc
        except BotoCoreError as exc:
            raise AwsError(f"{operation} failed: {exc}") from exc
        finally:
            self._maybe_crash()
        return response

    def _client(self, service: str) -> Any:
        """The service's client, made on first use (a plan never builds CloudTrail's): building one
        loads its service model, a large share of a small run's CPU."""
        with self._building:
            client = self._clients.get(service)
            if client is None:
                try:
                    client = self._clients[service] = self._session.client(  # type: ignore[call-overload]
                        service, region_name=self._regions[service], config=self._config)
                except (BotoCoreError, ValueError) as exc:
                    raise _setup_error(exc) from exc
            return client

    def pages(self, operation: str, key: str, service: str = "organizations",
              **params: Any) -> Iterator[dict[str, Any]]:
        """Every item under `key` across all pages, one paced call per page. Organizations' pages
        are asked at their largest, 20; other services' callers give MaxResults themselves."""
        if operation != "ListTagsForResource" and service == "organizations":
            params.setdefault("MaxResults", PAGE_SIZE)
        return page_items(self.call, operation, key, service, params)

    def _maybe_crash(self) -> None:
        if self._crash_after and sum(self.calls.values()) >= self._crash_after:
            os.kill(os.getpid(), signal.SIGKILL)


def _setup_error(exc: Exception) -> AwsError:
    return AwsError(f"cannot set up the AWS client: {exc}; check AWS_PROFILE, AWS_REGION and "
                    "AWS_ENDPOINT_URL")


@functools.cache
def organizations_region(region: str) -> str:
    """The Region of `region`'s partition that Organizations answers in and CloudTrail keeps its
    events in: the partition endpoint's credential scope in botocore's endpoint data (us-east-1
    in aws, us-gov-west-1 in aws-us-gov, cn-northwest-1 in aws-cn)."""
    for partition in botocore.session.get_session().get_data("endpoints")["partitions"]:
        if re.match(partition.get("regionRegex", "$^"), region):
            service = partition["services"].get("organizations", {})
            scope = service.get("endpoints", {}).get(service.get("partitionEndpoint"), {})
            return str(scope.get("credentialScope", {}).get("region", "us-east-1"))
    return "us-east-1"


def client_config() -> Config:
    """Every boto3 client's settings: adaptive retries, timeouts, the product in the user agent."""
    return Config(
        # AWS_MAX_ATTEMPTS is boto3's own variable; an explicit Config would otherwise hide it.
        retries={"mode": "adaptive", "max_attempts": _max_attempts()},
        connect_timeout=10,
        read_timeout=60,
        user_agent_extra="org-reconciler",
    )


def _max_attempts() -> int:
    value = os.environ.get("AWS_MAX_ATTEMPTS", "")
    return int(value) if value.isdigit() and int(value) > 0 else MAX_ATTEMPTS


def aws_error(operation: str, exc: ClientError) -> AwsError:
    error = exc.response.get("Error", {})
    code = str(error.get("Code", "Unknown"))
    message = str(error.get("Message", "")).strip()
    if message.startswith("<"):  # an HTML error page (a proxy, or an endpoint without this API)
        message = "the endpoint answered with an HTML error page, not an AWS error"
    message = message if len(message) <= MAX_MESSAGE else message[:MAX_MESSAGE] + "..."
    hint = HINTS.get(f"{code}:{operation}", HINTS.get(code))
    text = f"AWS refused {operation}: {code}: {message}" if message else f"AWS refused {operation}: {code}"
    return AwsError(f"{text} ({hint})" if hint else text, code, str(exc.response.get("Reason") or ""))


def snake(operation: str) -> str:
    """boto3's method name for an operation (ListAWSServiceAccessForOrganization ->
    list_aws_service_access_for_organization), by botocore's own rule."""
    return str(xform_name(operation))


def caller_identity(session: boto3.Session) -> CallerIdentity:
    """The identity behind `session`'s credentials (one STS call), so that drift attribution can
    leave the reconciler's own calls out of "who changed it". GetCallerIdentity needs no IAM
    permission, so the least-privilege role works unchanged."""
    try:
        sts = session.client("sts", region_name=session.region_name or "us-east-1")
        found = sts.get_caller_identity()
        credentials = session.get_credentials()
    except ClientError as exc:
        raise aws_error("GetCallerIdentity", exc) from exc
    except BotoCoreError as exc:
        raise AwsError(f"GetCallerIdentity failed: {exc}") from exc
    return CallerIdentity(str(found["Arn"]), credentials.access_key if credentials else None)


class S3AuditSink:
    """The audit trail's durable copy: one JSON-lines object per run in S3, under a Hive-style
    date partition (`prefix/dt=YYYY-MM-DD/<run id>.jsonl`), replaced with the run's whole record
    after every line (S3 objects cannot be appended to). Opening it writes the run's (empty)
    object, so a bucket that cannot be written is found before the first change.

    Encryption: the bucket's default encryption is the bucket owner's choice and is kept (an
    SSE-KMS default is not overridden); where none can be read, SSE-S3 (AES256) is requested."""

    def __init__(self, uri: str, run_id: str, day: str,
                 session_factory: SessionFactory = default_session) -> None:
        bucket, _, prefix = uri.removeprefix("s3://").partition("/")
        self.bucket = bucket
        self.key = "/".join(p for p in (prefix.strip("/"), f"dt={day}", f"{run_id}.jsonl") if p)
        self.where = f"s3://{self.bucket}/{self.key}"
        try:
            session = session_factory()
            self._s3 = session.client("s3", region_name=session.region_name or "us-east-1")
        except (BotoCoreError, ValueError) as exc:
            raise AwsError(f"cannot set up the S3 client for the audit trail: {exc}") from exc
        self._extra = self._encryption()
        self.put("")

    def _encryption(self) -> dict[str, str]:
        try:
            found = self._s3.get_bucket_encryption(Bucket=self.bucket)
        except (ClientError, BotoCoreError):  # none configured, or not allowed to read it
            return {"ServerSideEncryption": "AES256"}
        rules = found.get("ServerSideEncryptionConfiguration", {}).get("Rules", [])
        return {} if rules else {"ServerSideEncryption": "AES256"}

    def put(self, text: str) -> None:
        try:
            self._s3.put_object(Bucket=self.bucket, Key=self.key, Body=text.encode("utf-8"),
                                ContentType="application/x-ndjson", **self._extra)
        except ClientError as exc:
            raise aws_error("PutObject", exc) from exc
        except BotoCoreError as exc:
            raise AwsError(f"PutObject failed: {exc}") from exc
