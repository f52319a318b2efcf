# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A fault-injecting HTTP proxy between the controller and the emulator.

The controller's AWS_ENDPOINT_URL points at the proxy; the proxy forwards every request to
the emulator and every answer back, byte for byte (headers in order and case, body), except
that at a configurable rate it answers a request itself with one of the retryable errors
that AWS returns when it throttles or fails, shaped the way the request's protocol carries
errors. The request is then not forwarded: the emulator never sees it, as AWS does not act
on a request it throttles.

    with FaultProxy(emulator.url, rate=0.10, seed=7) as proxy:
        run = estate.run(env={"AWS_ENDPOINT_URL": proxy.url})
        assert proxy.total_injected() > 0
        proxy.injected[("config", "PutConfigRule")]   # faults injected into that action

Requests are classified from what botocore sends:

- JSON protocol (an ``X-Amz-Target`` header: Config, SSM, KMS, Organizations, SQS, ...).
  Throttling is HTTP 400 ``{"__type": CODE, "message": "Rate exceeded"}`` with the
  service's documented code (``THROTTLING_CODES``: ThrottlingException for Config, SSM and
  KMS, TooManyRequestsException for Organizations, RequestThrottled for SQS, which answers
  JSON with the query-compatible ``x-amzn-query-error`` header). Server errors are 500
  ``InternalFailure`` and 503 ``ServiceUnavailable``.
- Query protocol (a form body, or a query string, with ``Action=``: IAM, STS, SNS, ...).
  Throttling is HTTP 400 ``<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>
  <Message>Rate exceeded</Message></Error><RequestId>...</RequestId></ErrorResponse>``;
  SNS answers its modeled ``Throttled`` with HTTP 429. Server errors are 500
  ``InternalFailure`` and 503 ``ServiceUnavailable`` (Type Receiver).
- REST (S3 and anything else): 503 ``SlowDown`` and 500 ``InternalError`` as S3's XML
  ``<Error>``.

The service is the signing name of the request's SigV4 credential scope (``iam``, ``sts``,
``config``, ``s3``, ...); the action is the ``X-Amz-Target`` operation or the ``Action``
parameter, and for REST requests the method with the first query-string key
(``PUT ?policy``). Paths of the emulator itself (``/moto-api/...``, ``/_emulator/...``) are
always forwarded and never counted.

Every error injected here is one botocore retries in its standard retry mode, its default
(tests/unit/integration_tools/test_fault_proxy.py proves it with botocore's own parsers and
retry handlers); legacy mode retries them all but SQS's RequestThrottled. amazon.aws's ``AWSRetry`` decorators retry only some of them: its
``AWSRetry.found`` lists Throttling, TooManyRequestsException, RequestLimitExceeded,
InternalFailure, InternalError, ServiceUnavailable and Unavailable, not ThrottlingException,
Throttled, RequestThrottled or SlowDown.

Rates and seeds: each (service, action) has its own random sequence, seeded from ``seed``
and the pair, and every eligible request of the pair draws from it. The decisions for the
n-th call of an action are therefore the same in every run with the same seed; which of
several concurrent callers of one action makes the n-th call is up to the scheduler.

Limits: ``services`` (signing names) and ``actions`` (action names, or (service, action)
pairs) restrict injection to those requests; ``server_error_share`` is the part of the
faults that are 5xx instead of throttling. ``first_calls_fail=n`` also faults the first n
calls of every (service, action), so that a short run is sure to meet faults in every
action it makes. ``refuse()`` makes every matching request fail
with a fixed, non-retryable error (an account whose AssumeRole is denied).

Counters, all ``collections.Counter`` keyed by (service, action): ``injected``,
``refused`` and ``forwarded``; ``injected_codes`` is keyed by (service, action, code).
"""

import collections
import email.utils
import http.client
import http.server
import json
import random
import socketserver
import threading
import urllib.parse
import uuid

# Paths served by the emulator itself, not by AWS: never faulted.
EMULATOR_PATH_PREFIXES = ("/moto-api/", "/_emulator/")

# X-Amz-Target prefixes of JSON-protocol services, for requests without a SigV4 scope.
TARGET_PREFIX_SERVICES = {
    "StarlingDoveService": "config",
    "AmazonSSM": "ssm",
    "TrentService": "kms",
    "AWSOrganizationsV20161128": "organizations",
    "AmazonSQS": "sqs",
    "Logs_20140328": "logs",
    "AWSEvents": "events",
    "secretsmanager": "secretsmanager",
    "DynamoDB_20120810": "dynamodb",
}

# The throttling error of each service, as its API reference documents it: (HTTP status, code).
# Services not listed here use DEFAULT_THROTTLING for their protocol.
THROTTLING_CODES = {
    "config": (400, "ThrottlingException"),
    "ssm": (400, "ThrottlingException"),
    "kms": (400, "ThrottlingException"),
    "organizations": (400, "TooManyRequestsException"),
    "sqs": (400, "RequestThrottled"),
    "iam": (400, "Throttling"),
    "sts": (400, "Throttling"),
    # SNS models ThrottledException as code Throttled with HTTP 429 (SNS API Reference, Errors).
    "sns": (429, "Throttled"),
    "s3": (503, "SlowDown"),
}
DEFAULT_THROTTLING = {"json": (400, "ThrottlingException"), "query": (400, "Throttling"), "rest": (503, "SlowDown")}
# AWS's common errors: InternalFailure (500) and ServiceUnavailable (503); S3's InternalError (500).
SERVER_ERRORS = {
    "json": ((500, "InternalFailure", "The request processing has failed because of an unknown error, exception or failure."),
             (503, "ServiceUnavailable", "The request has failed due to a temporary failure of the server.")),
    "query": ((500, "InternalFailure", "The request processing has failed because of an unknown error, exception or failure."),
              (503, "ServiceUnavailable", "The request has failed due to a temporary failure of the server.")),
    "rest": ((500, "InternalError", "We encountered an internal error. Please try again."),
             (503, "SlowDown", "Please reduce your request rate.")),
}
THROTTLING_MESSAGES = {"SlowDown": "Please reduce your request rate."}
DEFAULT_THROTTLING_MESSAGE = "Rate exceeded"
# XML namespaces of query-protocol error responses.
QUERY_NAMESPACES = {
    "iam": "https://iam.amazonaws.com/doc/2010-05-08/",
    "sts": "https://sts.amazonaws.com/doc/2011-06-15/",
    "sns": "http://sns.amazonaws.com/doc/2010-03-31/",
}
# Services whose JSON errors also carry the query-compatible error header (awsQueryCompatible).
QUERY_COMPATIBLE_SERVICES = {"sqs"}


class Request:
    """What the proxy knows about one HTTP request: protocol, service, action and parameters."""

    def __init__(self, method, path, headers, body):
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.url_path, _mark, self.query = path.partition("?")
        self.protocol, self.service, self.action, self.params = self._classify()

    @property
    def is_emulator_path(self):
        return self.url_path.startswith(EMULATOR_PATH_PREFIXES)

    def header(self, name):
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def _scope_service(self):
        """The signing name of the SigV4 credential scope (Credential=AKID/date/region/SERVICE/aws4_request)."""
        authorization = self.header("Authorization") or ""
        marker = "Credential="
        if marker in authorization:
            scope = authorization.split(marker, 1)[1].split(",", 1)[0].strip().split("/")
            if len(scope) >= 5:
                return scope[3]
        # Presigned URLs carry the scope in the query string.
        credential = urllib.parse.parse_qs(self.query).get("X-Amz-Credential")
        if credential:
            scope = credential[0].split("/")
            if len(scope) >= 5:
                return scope[3]
        return None

    def _classify(self):
        if self.is_emulator_path:
            return "emulator", "emulator", self.url_path, {}
        service = self._scope_service()
        target = self.header("X-Amz-Target")
        if target:
            prefix, _dot, operation = target.rpartition(".")
            try:
                params = json.loads(self.body.decode("utf-8")) if self.body else {}
            except ValueError:
                params = {}
            return "json", service or TARGET_PREFIX_SERVICES.get(prefix, prefix or "unknown"), operation, params
        content_type = (self.header("Content-Type") or "").lower()
        form = {}
        if content_type.startswith("application/x-www-form-urlencoded") and self.body:
            form = dict(urllib.parse.parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True))
        if "Action" not in form and self.query:
            form.update(dict(urllib.parse.parse_qsl(self.query, keep_blank_values=True)))
        if "Action" in form:
            return "query", service or "unknown", form["Action"], form
        query_keys = [key for key, _value in urllib.parse.parse_qsl(self.query, keep_blank_values=True)]
        if not query_keys and self.query:
            query_keys = [self.query.split("&", 1)[0].split("=", 1)[0]]
        action = self.method + (" ?" + query_keys[0] if query_keys else "")
        return "rest", service or "unknown", action, {}


def _xml_escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def error_response(request, status, code, message):
    """(status, reason, headers, body) of an AWS error answer to `request`, in its protocol."""
    request_id = str(uuid.uuid4())
    reason = http.client.responses.get(status, "Error")
    headers = [("x-amzn-RequestId", request_id), ("Date", email.utils.formatdate(usegmt=True))]
    if request.protocol == "json":
        body = json.dumps({"__type": code, "message": message}).encode("utf-8")
        headers.append(("Content-Type", request.header("Content-Type") or "application/x-amz-json-1.1"))
        if request.service in QUERY_COMPATIBLE_SERVICES:
            headers.append(("x-amzn-query-error", "{0};{1}".format(code, "Receiver" if status >= 500 else "Sender")))
    elif request.protocol == "query":
        namespace = QUERY_NAMESPACES.get(request.service)
        opening = '<ErrorResponse xmlns="{0}">'.format(namespace) if namespace else "<ErrorResponse>"
        body = (
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{0}<Error><Type>{1}</Type><Code>{2}</Code><Message>{3}</Message></Error>"
            "<RequestId>{4}</RequestId></ErrorResponse>"
        ).format(opening, "Receiver" if status >= 500 else "Sender", _xml_escape(code), _xml_escape(message), request_id).encode("utf-8")
        headers.append(("Content-Type", "text/xml"))
    else:
        host_id = uuid.uuid4().hex
        body = (
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{0}</Code><Message>{1}</Message>"
            "<RequestId>{2}</RequestId><HostId>{3}</HostId></Error>"
        ).format(_xml_escape(code), _xml_escape(message), request_id, host_id).encode("utf-8")
        headers += [("Content-Type", "application/xml"), ("x-amz-request-id", request_id), ("x-amz-id-2", host_id)]
    if request.method == "HEAD":
        body = b""
    headers.append(("Content-Length", str(len(body))))
    return status, reason, headers, body


def throttling_error(protocol, service):
    """(status, code, message) of the service's throttling error."""
    status, code = THROTTLING_CODES.get(service, DEFAULT_THROTTLING[protocol])
    return status, code, THROTTLING_MESSAGES.get(code, DEFAULT_THROTTLING_MESSAGE)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "faults-proxy"

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass

    def _read_body(self):
        """(raw bytes as received, decoded body) of the request."""
        length = self.headers.get("Content-Length")
        if length is not None:
            body = self.rfile.read(int(length))
            return body, body
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            raw, body = bytearray(), bytearray()
            while True:
                size_line = self.rfile.readline()
                raw += size_line
                size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    # Trailers end with an empty line.
                    while True:
                        line = self.rfile.readline()
                        raw += line
                        if line in (b"\r\n", b"\n", b""):
                            return bytes(raw), bytes(body)
                chunk = self.rfile.read(size)
                raw += chunk
                body += chunk
                raw += self.rfile.readline()
        return b"", b""

    def _handle(self):
        raw_body, body = self._read_body()
        headers = list(self.headers.raw_items())
        request = Request(self.command, self.path, headers, body)
        answer = self.server.proxy.decide(request)
        if answer is None:
            try:
                answer = self._forward(request, raw_body)
            except OSError as error:
                message = "the fault proxy could not reach {0}: {1}".format(self.server.proxy.upstream, error).encode("utf-8")
                answer = (502, "Bad Gateway", [("Content-Type", "text/plain"), ("Content-Length", str(len(message)))], message)
        self._answer(*answer)

    def _forward(self, request, raw_body):
        proxy = self.server.proxy
        connection = http.client.HTTPConnection(proxy.upstream_host, proxy.upstream_port, timeout=proxy.upstream_timeout)
        try:
            connection.putrequest(request.method, request.path, skip_host=True, skip_accept_encoding=True)
            for name, value in request.headers:
                connection.putheader(name, value)
            connection.endheaders()
            if raw_body:
                connection.send(raw_body)
            response = connection.getresponse()
            body = response.read()
            response_headers = list(response.msg.raw_items())
        finally:
            connection.close()
        if any(name.lower() == "transfer-encoding" for name, _value in response_headers):
            # http.client has de-chunked the body: frame it with a length instead.
            response_headers = [(n, v) for n, v in response_headers if n.lower() != "transfer-encoding"]
            response_headers.append(("Content-Length", str(len(body))))
        elif not any(name.lower() == "content-length" for name, _value in response_headers) and request.method != "HEAD":
            response_headers.append(("Content-Length", str(len(body))))
        return response.status, response.reason, response_headers, body

    def _answer(self, status, reason, headers, body):
        lines = ["HTTP/1.1 {0} {1}\r\n".format(status, reason)]
        lines += ["{0}: {1}\r\n".format(name, value) for name, value in headers]
        lines.append("\r\n")
        self.wfile.write("".join(lines).encode("latin-1") + body)
        self.wfile.flush()
        if any(name.lower() == "connection" and value.lower() == "close" for name, value in headers):
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = _handle


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class FaultProxy:
    """The proxy in a thread of this process; `url` is what the controller's AWS_ENDPOINT_URL should be."""

    def __init__(self, upstream, rate=0.0, seed=0, services=None, actions=None, server_error_share=0.25,
                 first_calls_fail=0, host="127.0.0.1", port=0, upstream_timeout=300):
        parsed = urllib.parse.urlsplit(upstream)
        self.upstream = upstream
        self.upstream_host = parsed.hostname
        self.upstream_port = parsed.port or 80
        self.upstream_timeout = upstream_timeout
        self.rate = rate
        self.seed = seed
        self.services = set(services) if services else None
        self.actions = set(actions) if actions else None
        self.server_error_share = server_error_share
        self.first_calls_fail = first_calls_fail
        self.host = host
        self.port = port
        self.injected = collections.Counter()
        self.injected_codes = collections.Counter()
        self.refused = collections.Counter()
        self.forwarded = collections.Counter()
        self._refusals = []
        self._random = {}
        self._seen = collections.Counter()
        self._lock = threading.Lock()
        self._server = None
        self._thread = None

    @property
    def url(self):
        return "http://{0}:{1}".format(self.host, self.port)

    # ------------------------------------------------------------ life cycle

    def start(self):
        self._server = _Server((self.host, self.port), _Handler)
        self._server.proxy = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fault-proxy", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=10)
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # ------------------------------------------------------------ configuration

    def refuse(self, service, action, params=None, status=403, code="AccessDenied", message="Access denied"):
        """Answer every request of this service and action whose parameters include `params`
        with this error (never retryable as given: AccessDenied by default)."""
        with self._lock:
            self._refusals.append((service, action, dict(params or {}), status, code, message))

    def set_rate(self, rate):
        with self._lock:
            self.rate = rate

    def reset_counts(self):
        with self._lock:
            for counter in (self.injected, self.injected_codes, self.refused, self.forwarded, self._seen):
                counter.clear()

    # ------------------------------------------------------------ reading the counters

    def total_injected(self, service=None):
        with self._lock:
            return sum(count for (svc, _action), count in self.injected.items() if service in (None, svc))

    def total_forwarded(self, service=None):
        with self._lock:
            return sum(count for (svc, _action), count in self.forwarded.items() if service in (None, svc))

    def unfaulted_actions(self):
        """(service, action) pairs that were forwarded but never faulted."""
        with self._lock:
            return sorted(key for key in self.forwarded if not self.injected.get(key))

    def summary(self):
        """Injected faults per service and action, for assertion messages."""
        with self._lock:
            return {"{0}:{1}".format(*key): count for key, count in sorted(self.injected.items())}

    # ------------------------------------------------------------ the decision

    def _eligible(self, request):
        if self.services is not None and request.service not in self.services:
            return False
        if self.actions is not None and request.action not in self.actions and (request.service, request.action) not in self.actions:
            return False
        return True

    def _generator(self, key):
        generator = self._random.get(key)
        if generator is None:
            generator = self._random[key] = random.Random("{0}:{1}:{2}".format(self.seed, *key))
        return generator

    def decide(self, request):
        """The error answer for `request`, or None to forward it."""
        if request.protocol == "emulator":
            return None
        key = (request.service, request.action)
        with self._lock:
            for service, action, params, status, code, message in self._refusals:
                if service == request.service and action == request.action and all(
                    str(request.params.get(name)) == str(value) for name, value in params.items()
                ):
                    self.refused[key] += 1
                    return error_response(request, status, code, message)
            fault = None
            if (self.rate > 0 or self.first_calls_fail) and self._eligible(request):
                generator = self._generator(key)
                # Three draws per eligible request keep every pair's sequence independent of the rate.
                draw, kind, which = generator.random(), generator.random(), generator.random()
                self._seen[key] += 1
                if draw < self.rate or self._seen[key] <= self.first_calls_fail:
                    if kind < self.server_error_share:
                        fault = SERVER_ERRORS[request.protocol][0 if which < 0.5 else 1]
                    else:
                        fault = throttling_error(request.protocol, request.service)
            if fault is None:
                self.forwarded[key] += 1
                return None
            status, code, message = fault
            self.injected[key] += 1
            self.injected_codes[key + (code,)] += 1
        return error_response(request, status, code, message)
