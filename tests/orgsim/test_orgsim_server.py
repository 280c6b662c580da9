"""The simulator as a process: ready line, clean stop, the starting organization, control API."""

from __future__ import annotations

import http.client
import json
import signal
import subprocess
import sys

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, HTTPClientError, ReadTimeoutError
from botocore.exceptions import ConnectionError as BotoConnectionError
from orgsim_support import root_id

from orgsim.testing import OrgSim, OrgSimError


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_serve_prints_ready_line_and_stops_on_sigterm(stop: signal.Signals) -> None:
    """The test-world contract: one `ready URL` line once accepting connections; SIGTERM or
    SIGINT stops it with exit 0."""
    process = subprocess.Popen([sys.executable, "-m", "orgsim", "serve", "--port", "0"],
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.startswith("ready http://127.0.0.1:")
    process.send_signal(stop)
    assert process.wait(timeout=15) == 0


def test_serve_refuses_non_loopback_host() -> None:
    result = subprocess.run([sys.executable, "-m", "orgsim", "serve", "--host", "0.0.0.0"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "loopback" in result.stderr


def test_serve_reports_a_busy_port(orgsim_server: OrgSim) -> None:
    port = orgsim_server.url.rsplit(":", 1)[1]
    result = subprocess.run([sys.executable, "-m", "orgsim", "serve", "--port", port],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert f"Port {port} is in use" in result.stderr  # werkzeug's own message
    assert "Traceback" not in result.stderr


def test_organization_exists_with_management_account_and_nothing_enabled(orgsim: OrgSim) -> None:
    """AWS: a new organization (all features) has a root with no policy type enabled."""
    org = orgsim.client()
    described = org.describe_organization()["Organization"]
    assert described["FeatureSet"] == "ALL"
    assert described["MasterAccountId"] == "111111111111"
    assert org.list_roots()["Roots"][0]["PolicyTypes"] == []
    assert [a["Id"] for a in org.list_accounts()["Accounts"]] == ["111111111111"]
    assert orgsim.client("sts").get_caller_identity()["Account"] == "111111111111"
    policies = org.list_policies_for_target(TargetId=root_id(org), Filter="SERVICE_CONTROL_POLICY")
    assert policies["Policies"] == []


def test_calls_count_every_operation_and_reset_zeroes_them(orgsim: OrgSim) -> None:
    org = orgsim.client()
    org.list_roots()
    org.list_roots()
    orgsim.client("sts").get_caller_identity()
    calls = orgsim.calls()
    assert calls["ListRoots"] == 2
    assert calls["GetCallerIdentity"] == 1
    orgsim.reset(state=False)
    assert orgsim.calls() == {}


def test_reset_with_state_wipes_the_organization(orgsim: OrgSim) -> None:
    org = orgsim.client()
    org.create_organizational_unit(ParentId=root_id(org), Name="Gone")
    old_root = root_id(org)
    orgsim.reset(state=True)
    assert root_id(org) != old_root
    assert org.list_organizational_units_for_parent(ParentId=root_id(org))["OrganizationalUnits"] == []


def test_reset_with_settings_restores_the_startup_settings(orgsim: OrgSim) -> None:
    orgsim.configure(throttle=True, account_limit=3)
    orgsim.reset(state=False)
    assert orgsim.configure()["throttle"] is True
    orgsim.reset(state=False, settings=True)
    settings = orgsim.configure()
    assert (settings["throttle"], settings["account_limit"], settings["create_account_seconds"]) == (
        False, 1000, 0.2)


def test_fault_http500_is_retried_by_botocore(orgsim: OrgSim) -> None:
    orgsim.inject_fault("ListRoots", "http500", count=2)
    no_retry = orgsim.client(retries={"total_max_attempts": 1, "mode": "standard"})
    with pytest.raises(ClientError) as caught:
        no_retry.list_roots()
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    retrying = orgsim.client(retries={"max_attempts": 5, "mode": "standard"})
    response = retrying.list_roots()
    assert response["ResponseMetadata"]["RetryAttempts"] == 1
    assert orgsim.calls()["ListRoots"] == 3


def test_fault_connection_reset_raises_connection_error(orgsim: OrgSim) -> None:
    orgsim.inject_fault("ListAccounts", "connection_reset", count=1)
    client = orgsim.client(retries={"total_max_attempts": 1, "mode": "standard"})
    with pytest.raises((HTTPClientError, BotoConnectionError)):
        client.list_accounts()
    assert client.list_accounts()["Accounts"]


def test_fault_latency_delays_but_answers(orgsim: OrgSim) -> None:
    orgsim.inject_fault("ListRoots", "latency", count=1, latency_ms=300)
    client = orgsim.client(read_timeout=0.1, retries={"total_max_attempts": 1, "mode": "standard"})
    with pytest.raises(ReadTimeoutError):
        client.list_roots()
    assert client.list_roots()["Roots"]


def test_fault_aws_error_answers_that_code(orgsim: OrgSim) -> None:
    """ConcurrentModificationException: "AWS Organizations can't complete your request because it
    conflicts with another attempt to modify the same entity" (injected, HTTP 400)."""
    orgsim.inject_fault("MoveAccount", "aws_error", code="ConcurrentModificationException")
    client = orgsim.client(retries={"total_max_attempts": 1, "mode": "standard"})
    with pytest.raises(ClientError) as caught:
        client.move_account(AccountId="111111111111", SourceParentId=root_id(client),
                            DestinationParentId=root_id(client))
    assert caught.value.response["Error"]["Code"] == "ConcurrentModificationException"


def test_control_api_rejects_bad_input(orgsim: OrgSim) -> None:
    with pytest.raises(OrgSimError, match="kind must be one of"):
        orgsim.inject_fault("ListRoots", "explode")
    with pytest.raises(OrgSimError, match="unknown or read-only setting"):
        orgsim.configure(colour="blue")
    with pytest.raises(OrgSimError, match="must be bool"):
        orgsim.configure(throttle="yes")


def test_client_config_is_plain_boto3(orgsim: OrgSim) -> None:
    client = orgsim.client("organizations", retries={"max_attempts": 2, "mode": "adaptive"})
    assert isinstance(client.meta.config, Config)
    assert client.meta.endpoint_url == orgsim.url


UNCHECKED_SIGNATURE = ("AWS4-HMAC-SHA256 Credential=orgsim-admin/20260101/us-east-1/organizations/"
                       "aws4_request, SignedHeaders=host, Signature=0")


def test_connections_are_kept_alive_between_requests(orgsim_server: OrgSim) -> None:
    """HTTP/1.1 keep-alive, as AWS's endpoints answer: two requests (the second an Organizations
    call) go over one socket, and the server never asks to close it."""
    host, port = orgsim_server.url.removeprefix("http://").rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request("GET", "/_orgsim/calls")
        first = connection.getresponse()
        first.read()
        socket_used = connection.sock
        assert first.status == 200 and first.getheader("Connection") is None
        assert socket_used is not None  # http.client drops its socket when the server closes it
        connection.request("POST", "/", body=b"{}", headers={
            "X-Amz-Target": "AWSOrganizationsV20161128.ListRoots",
            "Content-Type": "application/x-amz-json-1.1", "Authorization": UNCHECKED_SIGNATURE})
        second = connection.getresponse()
        assert second.status == 200 and "Roots" in json.loads(second.read())
        assert connection.sock is socket_used
    finally:
        connection.close()


def test_connection_close_is_honoured(orgsim_server: OrgSim) -> None:
    host, port = orgsim_server.url.removeprefix("http://").rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request("GET", "/_orgsim/calls", headers={"Connection": "close"})
        response = connection.getresponse()
        response.read()
        assert response.getheader("Connection") == "close"
        assert connection.sock is None
    finally:
        connection.close()


def test_sigterm_stops_the_server_with_a_connection_still_open() -> None:
    """A kept-alive connection does not hold the process up: SIGTERM still exits 0."""
    process = subprocess.Popen([sys.executable, "-m", "orgsim", "serve", "--port", "0"],
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    host, port = process.stdout.readline().split(" ", 1)[1].strip().removeprefix("http://").rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request("GET", "/_orgsim/calls")
        connection.getresponse().read()
        assert connection.sock is not None
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
    finally:
        connection.close()
