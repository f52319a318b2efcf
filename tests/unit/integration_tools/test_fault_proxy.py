# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fault-injecting proxy of the integration tests (tests/integration/faults.py).

Forwarding is byte-exact; rates, seeds and limits decide which requests fail; every injected
error parses with botocore into the intended code and is retried by botocore's standard and
legacy retry modes. Which of them amazon.aws's AWSRetry retries is pinned too: the
integration tests' findings about retries depend on it.
"""

import socket
import threading

import boto3
import botocore.endpoint
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

import faults
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "eu-west-1"}


class RawUpstream:
    """A TCP server that records each raw request and answers with fixed raw bytes."""

    def __init__(self, answer):
        self.answer = answer
        self.requests = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.url = "http://127.0.0.1:{0}".format(self.sock.getsockname()[1])
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while True:
            try:
                connection, _address = self.sock.accept()
            except OSError:
                return
            with connection:
                data = b""
                while b"\r\n\r\n" not in data:
                    data += connection.recv(65536)
                head, _blank, rest = data.partition(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _colon, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value.strip())
                while len(rest) < length:
                    rest += connection.recv(65536)
                self.requests.append(head + b"\r\n\r\n" + rest)
                connection.sendall(self.answer)

    def close(self):
        self.sock.close()


def exchange(url, raw_request):
    """Send raw bytes to the proxy and read one whole answer (Content-Length framed)."""
    host, port = url.split("//", 1)[1].split(":")
    with socket.create_connection((host, int(port))) as connection:
        connection.sendall(raw_request)
        data = b""
        while b"\r\n\r\n" not in data:
            data += connection.recv(65536)
        head, _blank, rest = data.partition(b"\r\n\r\n")
        length = int([line for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")][0].split(b":")[1])
        while len(rest) < length:
            rest += connection.recv(65536)
        return head + b"\r\n\r\n" + rest


@pytest.fixture
def no_sleep(monkeypatch):
    """botocore sleeps between retries in botocore.endpoint; the tests count retries, not wait."""
    monkeypatch.setattr(botocore.endpoint.time, "sleep", lambda seconds: None)


def client(service, url, mode="standard", attempts=1):
    return boto3.session.Session(**CREDENTIALS).client(
        service, endpoint_url=url, config=Config(retries={"mode": mode, "total_max_attempts": attempts}))


# One cheap call per protocol and service the rollout uses.
CALLS = {
    "config": lambda c: c.describe_config_rules(),
    "ssm": lambda c: c.describe_document(Name="doc"),
    "kms": lambda c: c.list_aliases(),
    "organizations": lambda c: c.list_roots(),
    "sqs": lambda c: c.list_queues(),
    "iam": lambda c: c.list_roles(),
    "sts": lambda c: c.get_caller_identity(),
    "sns": lambda c: c.get_topic_attributes(TopicArn="arn:aws:sns:eu-west-1:123456789012:t"),
    "s3": lambda c: c.list_buckets(),
}
EXPECTED_THROTTLING = {
    "config": (400, "ThrottlingException"),
    "ssm": (400, "ThrottlingException"),
    "kms": (400, "ThrottlingException"),
    "organizations": (400, "TooManyRequestsException"),
    "sqs": (400, "RequestThrottled"),
    "iam": (400, "Throttling"),
    "sts": (400, "Throttling"),
    "sns": (429, "Throttled"),
    "s3": (503, "SlowDown"),
}
EXPECTED_SERVER_ERRORS = {
    "json": {(500, "InternalFailure"), (503, "ServiceUnavailable")},
    "query": {(500, "InternalFailure"), (503, "ServiceUnavailable")},
    "rest": {(500, "InternalError"), (503, "SlowDown")},
}
PROTOCOLS = {"config": "json", "ssm": "json", "kms": "json", "organizations": "json", "sqs": "json",
             "iam": "query", "sts": "query", "sns": "query", "s3": "rest"}
# amazon.aws 10.1.2 retries/AWSRetry.found: the codes its decorators retry.
AWSRETRY_RETRIES = {"Throttling", "TooManyRequestsException", "InternalFailure", "ServiceUnavailable", "InternalError"}


def failed_call(service, proxy, mode="standard", attempts=1, made=None):
    with pytest.raises(ClientError) as caught:
        CALLS[service](made or client(service, proxy.url, mode, attempts))
    return caught.value.response


# ---------------------------------------------------------------- forwarding


def test_requests_and_answers_are_forwarded_byte_for_byte():
    body = bytes(range(256)) * 3
    answer = (b"HTTP/1.1 207 Odd Reason\r\nx-AMZN-requestid: abc\r\nContent-Type: application/octet-stream\r\n"
              b"X-Dup: 1\r\nX-Dup: 2\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    upstream = RawUpstream(answer)
    try:
        with faults.FaultProxy(upstream.url, rate=0.0) as proxy:
            request_body = b'{"a": "\xc3\xa9", "b": [1, 2]}\x00\xff'
            request = (b"POST /some/path?x=1&y=%2F HTTP/1.1\r\nHost: example.test:1234\r\nX-Amz-Target: AmazonSSM.DescribeDocument\r\n"
                       b"content-type: application/x-amz-json-1.1\r\nX-Weird-Case: Value  with  spaces\r\n"
                       b"Authorization: AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-1/ssm/aws4_request, SignedHeaders=host, Signature=00\r\n"
                       b"Content-Length: " + str(len(request_body)).encode() + b"\r\n\r\n" + request_body)
            received = exchange(proxy.url, request)
            assert upstream.requests == [request]
            assert received == answer
            assert proxy.forwarded == {("ssm", "DescribeDocument"): 1}
            assert proxy.total_injected() == 0
    finally:
        upstream.close()


def test_boto3_calls_through_a_proxy_without_faults_reach_the_upstream_unchanged():
    answer_body = b'{"ConfigRules": []}'
    answer = b"HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: %d\r\n\r\n%s" % (len(answer_body), answer_body)
    upstream = RawUpstream(answer)
    try:
        with faults.FaultProxy(upstream.url, rate=0.0) as proxy:
            assert client("config", proxy.url).describe_config_rules()["ConfigRules"] == []
        assert len(upstream.requests) == 1
        assert b"X-Amz-Target: StarlingDoveService.DescribeConfigRules" in upstream.requests[0]
    finally:
        upstream.close()


# ---------------------------------------------------------------- classification


def request(method="POST", path="/", headers=(), body=b""):
    return faults.Request(method, path, list(headers), body)


def scope(service):
    return ("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-1/{0}/aws4_request, SignedHeaders=host, Signature=0".format(service))


@pytest.mark.parametrize("made, expected", [
    (request(headers=[scope("config"), ("X-Amz-Target", "StarlingDoveService.PutConfigRule")], body=b"{}"),
     ("json", "config", "PutConfigRule")),
    (request(headers=[("X-Amz-Target", "TrentService.CreateKey")]), ("json", "kms", "CreateKey")),
    (request(headers=[scope("iam"), ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
             body=b"Action=GetRole&Version=2010-05-08&RoleName=r"), ("query", "iam", "GetRole")),
    (request("GET", "/?Action=GetCallerIdentity&Version=2011-06-15", [scope("sts")]), ("query", "sts", "GetCallerIdentity")),
    (request("PUT", "/bucket?policy", [scope("s3")]), ("rest", "s3", "PUT ?policy")),
    (request("GET", "/", [scope("s3")]), ("rest", "s3", "GET")),
    (request("POST", "/moto-api/reset"), ("emulator", "emulator", "/moto-api/reset")),
    (request("POST", "/_emulator/iam/access-keys/age"), ("emulator", "emulator", "/_emulator/iam/access-keys/age")),
])
def test_requests_are_classified_by_protocol_service_and_action(made, expected):
    assert (made.protocol, made.service, made.action) == expected


def test_emulator_paths_are_never_faulted():
    proxy = faults.FaultProxy("http://127.0.0.1:9", rate=1.0)
    for path in ("/moto-api/reset", "/moto-api/reset-auth", "/_emulator/iam/access-keys/age", "/_emulator/sns/deliveries"):
        assert proxy.decide(request(path=path, headers=[scope("iam")], body=b"Action=GetRole")) is None
    assert proxy.total_injected() == 0


# ---------------------------------------------------------------- rates, seeds and limits


def decisions(proxy, count, service="config", action="DescribeConfigRules"):
    made = request(headers=[scope(service), ("X-Amz-Target", "StarlingDoveService." + action)], body=b"{}")
    return [proxy.decide(made) is not None for _call in range(count)]


def test_the_rate_is_the_share_of_faulted_requests():
    assert not any(decisions(faults.FaultProxy("http://x:1", rate=0.0), 500))
    assert all(decisions(faults.FaultProxy("http://x:1", rate=1.0), 500))
    proxy = faults.FaultProxy("http://x:1", rate=0.10, seed=3)
    faulted = sum(decisions(proxy, 5000))
    assert 400 <= faulted <= 600
    assert proxy.injected[("config", "DescribeConfigRules")] == faulted
    assert proxy.forwarded[("config", "DescribeConfigRules")] == 5000 - faulted
    assert sum(count for (_service, _action, _code), count in proxy.injected_codes.items()) == faulted


def test_a_seed_fixes_the_decisions_of_each_action_whatever_the_other_actions_do():
    first = faults.FaultProxy("http://x:1", rate=0.2, seed=11)
    second = faults.FaultProxy("http://x:1", rate=0.2, seed=11)
    expected = decisions(first, 200)
    # Calls of another action in between do not change this action's sequence.
    decisions(second, 37, action="PutConfigRule")
    assert decisions(second, 200) == expected
    assert decisions(faults.FaultProxy("http://x:1", rate=0.2, seed=12), 200) != expected


def test_the_first_calls_of_every_action_can_be_made_to_fail():
    proxy = faults.FaultProxy("http://x:1", rate=0.0, first_calls_fail=2)
    assert decisions(proxy, 5) == [True, True, False, False, False]
    assert decisions(proxy, 3, action="PutConfigRule") == [True, True, False]
    assert proxy.unfaulted_actions() == []
    proxy.reset_counts()
    assert decisions(proxy, 3) == [True, True, False]


def test_injection_can_be_limited_to_services_and_actions():
    form = ("Content-Type", "application/x-www-form-urlencoded")
    by_service = faults.FaultProxy("http://x:1", rate=1.0, services={"sts"})
    assert not any(decisions(by_service, 20))
    assert by_service.decide(request(headers=[scope("sts"), form], body=b"Action=AssumeRole")) is not None
    assert by_service.injected == {("sts", "AssumeRole"): 1}

    by_action = faults.FaultProxy("http://x:1", rate=1.0, actions={"PutConfigRule", ("iam", "CreateRole")})
    assert not any(decisions(by_action, 20))
    assert all(decisions(by_action, 20, action="PutConfigRule"))
    assert by_action.decide(request(headers=[scope("iam"), form], body=b"Action=CreateRole")) is not None
    assert by_action.decide(request(headers=[scope("sts"), form], body=b"Action=CreateRole")) is None


def test_refusals_answer_matching_requests_only():
    proxy = faults.FaultProxy("http://x:1", rate=0.0)
    proxy.refuse("sts", "AssumeRole", {"RoleArn": "arn:aws:iam::111122223333:role/R"}, code="AccessDenied", message="no")
    form = ("Content-Type", "application/x-www-form-urlencoded")
    denied = proxy.decide(request(headers=[scope("sts"), form], body=b"Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2FR"))
    allowed = proxy.decide(request(headers=[scope("sts"), form], body=b"Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A444455556666%3Arole%2FR"))
    assert denied[0] == 403 and b"<Code>AccessDenied</Code>" in denied[3]
    assert allowed is None
    assert proxy.refused == {("sts", "AssumeRole"): 1}
    assert proxy.total_injected() == 0


# ---------------------------------------------------------------- error shapes, as botocore reads them


@pytest.mark.parametrize("service", sorted(CALLS))
def test_throttling_errors_parse_into_each_services_documented_code(service):
    with faults.FaultProxy("http://127.0.0.1:9", rate=1.0, server_error_share=0.0) as proxy:
        response = failed_call(service, proxy)
    assert (response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"]) == EXPECTED_THROTTLING[service]
    if service != "s3":
        assert response["Error"]["Message"] == "Rate exceeded"
    assert response["ResponseMetadata"]["RequestId"]
    assert sum(proxy.injected.values()) == 1


@pytest.mark.parametrize("service", sorted(CALLS))
def test_server_errors_parse_into_the_protocols_5xx_codes(service):
    seen = set()
    with faults.FaultProxy("http://127.0.0.1:9", rate=1.0, server_error_share=1.0, seed=5) as proxy:
        made = client(service, proxy.url)
        for _call in range(12):
            response = failed_call(service, proxy, made=made)
            seen.add((response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"]))
    assert seen == EXPECTED_SERVER_ERRORS[PROTOCOLS[service]]


@pytest.mark.parametrize("share", [0.0, 1.0], ids=["throttling", "server-error"])
@pytest.mark.parametrize("service", sorted(CALLS))
@pytest.mark.usefixtures("no_sleep")
def test_botocores_standard_retry_mode_retries_every_injected_error(service, share):
    # standard is botocore's default mode (configprovider.py: retry_mode defaults to 'standard').
    with faults.FaultProxy("http://127.0.0.1:9", rate=1.0, server_error_share=share, seed=1) as proxy:
        response = failed_call(service, proxy, mode="standard", attempts=4)
        assert proxy.total_injected() == 4, "botocore's standard mode gave up on {0} early".format(response["Error"]["Code"])
    assert response["ResponseMetadata"]["RetryAttempts"] == 3


@pytest.mark.parametrize("share", [0.0, 1.0], ids=["throttling", "server-error"])
@pytest.mark.parametrize("service", sorted(CALLS))
@pytest.mark.usefixtures("no_sleep")
def test_botocores_legacy_retry_mode_retries_the_injected_errors_but_sqs_throttling(service, share):
    # Legacy mode (botocore/data/_retry.json) knows Throttling, ThrottlingException, any 429 and 5xx, but
    # not SQS's RequestThrottled, which only standard mode lists. The rollout makes no SQS call.
    with faults.FaultProxy("http://127.0.0.1:9", rate=1.0, server_error_share=share, seed=1) as proxy:
        response = failed_call(service, proxy, mode="legacy", attempts=4)
        expected = 1 if (service, share) == ("sqs", 0.0) else 4
        assert proxy.total_injected() == expected, "botocore's legacy mode and {0}".format(response["Error"]["Code"])


@pytest.mark.usefixtures("no_sleep")
def test_the_injected_faults_are_recovered_from_by_botocores_default_retries():
    answer_body = b'{"ConfigRules": []}'
    answer = b"HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: %d\r\n\r\n%s" % (len(answer_body), answer_body)
    upstream = RawUpstream(answer)
    try:
        with faults.FaultProxy(upstream.url, rate=0.5, seed=2) as proxy:
            config = client("config", proxy.url, attempts=10)
            for _call in range(20):
                assert config.describe_config_rules()["ConfigRules"] == []
            assert proxy.total_injected() > 5
            assert proxy.total_forwarded() == 20
    finally:
        upstream.close()


@pytest.mark.parametrize("service", sorted(CALLS))
def test_which_injected_codes_amazon_aws_awsretry_retries(service):
    """AWSRetry.found (amazon.aws module_utils/retries.py) does not know the JSON services'
    ThrottlingException, SNS's Throttled, SQS's RequestThrottled or S3's SlowDown: for those,
    its decorators give up at once and only botocore's own retries help."""
    _status, code = EXPECTED_THROTTLING[service]
    assert AWSRetry.found(code) is (code in AWSRETRY_RETRIES)
    for _status, server_code in EXPECTED_SERVER_ERRORS[PROTOCOLS[service]]:
        assert AWSRetry.found(server_code) is (server_code in AWSRETRY_RETRIES)
    assert not AWSRetry.found("ThrottlingException")
