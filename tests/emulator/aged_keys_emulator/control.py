# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The emulator's control endpoint: test-only operations that no AWS API offers.

AWS has no way to create an access key with an old CreateDate, yet the whole
collection is about keys older than N days. The control endpoint ages a key in
place. It is served under /_emulator/ by a WSGI middleware in front of moto's app,
so it can never be mistaken for an AWS API: it speaks plain JSON, has no
signature, and its errors are {"error": ..., "message": ...} with HTTP 400/404/405.

    POST /_emulator/iam/access-keys/age
    {"account_id": "111122223333", "user_name": "alice", "access_key_id": "AKIA...",
     "age_days": 400 | "create_date": "2024-01-31T12:00:00Z",
     "last_used": {"date": "...", "service": "s3", "region": "eu-west-1"}}   (optional)

The answer describes the key as ListAccessKeys would, plus LastUsed when set.
`set_access_key_age` calls it from tests and the demo.
"""

import datetime
import json
import re
import urllib.error
import urllib.request

from moto.iam.models import AccessKeyLastUsed, iam_backends

CONTROL_PATH_PREFIX = "/_emulator/"
ACCESS_KEY_AGE_PATH = "/_emulator/iam/access-keys/age"
ACCOUNT_ID_PATTERN = re.compile(r"\d{12}")
AGE_FIELDS = {"account_id", "user_name", "access_key_id", "age_days", "create_date", "last_used"}
LAST_USED_FIELDS = {"date", "service", "region"}


class ControlError(Exception):
    """An HTTP error answer of the control endpoint."""

    def __init__(self, status, error, message):
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message


class ControlEndpointMiddleware:
    """Serves /_emulator/ paths itself and hands every other request to moto's app."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if not path.startswith(CONTROL_PATH_PREFIX):
            return self.app(environ, start_response)
        try:
            status, answer = 200, handle_control_request(path, environ.get("REQUEST_METHOD", ""), read_body(environ))
        except ControlError as error:
            status, answer = error.status, {"error": error.error, "message": error.message}
        return respond(start_response, status, answer)


def read_body(environ):
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return environ["wsgi.input"].read(length) if length > 0 else b""


def respond(start_response, status, answer):
    body = json.dumps(answer).encode("utf-8")
    reasons = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed"}
    start_response(f"{status} {reasons[status]}", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def handle_control_request(path, method, body):
    if path != ACCESS_KEY_AGE_PATH:
        raise ControlError(404, "UnknownPath", f"The emulator has no control operation at {path}; known: POST {ACCESS_KEY_AGE_PATH}")
    if method != "POST":
        raise ControlError(405, "MethodNotAllowed", f"{ACCESS_KEY_AGE_PATH} accepts POST only, not {method}")
    return age_access_key(parse_json_object(body))


def parse_json_object(body):
    try:
        request = json.loads(body or b"null")
    except ValueError as error:
        raise ControlError(400, "InvalidJson", f"The request body is not JSON: {error}") from error
    if not isinstance(request, dict):
        raise ControlError(400, "InvalidRequest", "The request body must be a JSON object")
    return request


# --- POST /_emulator/iam/access-keys/age --------------------------------------------

def age_access_key(request):
    """Set the key's create date (and optionally its last use); return the key's description."""
    check_known_fields(request, AGE_FIELDS, "request")
    account_id = required_string(request, "account_id")
    if not ACCOUNT_ID_PATTERN.fullmatch(account_id):
        raise ControlError(400, "InvalidRequest", f"account_id must be 12 digits, got '{account_id}'")
    user_name = required_string(request, "user_name")
    access_key_id = required_string(request, "access_key_id")
    create_date = requested_create_date(request)
    last_used = requested_last_used(request.get("last_used"))
    key = find_access_key(account_id, user_name, access_key_id)
    key.create_date = create_date
    if last_used is not None:
        key.last_used = last_used
    return describe_access_key(key)


def check_known_fields(request, known, where):
    unknown = sorted(set(request) - known)
    if unknown:
        raise ControlError(400, "InvalidRequest", f"Unknown field(s) in {where}: {', '.join(unknown)}; known: {', '.join(sorted(known))}")


def required_string(request, field):
    value = request.get(field)
    if value is None:
        raise ControlError(400, "MissingField", f"The field '{field}' is required")
    if not isinstance(value, str) or not value:
        raise ControlError(400, "InvalidRequest", f"The field '{field}' must be a non-empty string")
    return value


def requested_create_date(request):
    """Exactly one of age_days (a number of days before now) or create_date (ISO-8601)."""
    given = [field for field in ("age_days", "create_date") if request.get(field) is not None]
    if len(given) != 1:
        raise ControlError(400, "MissingField" if not given else "InvalidRequest", "Give exactly one of 'age_days' or 'create_date'")
    if given == ["create_date"]:
        return parse_date(request["create_date"], "create_date")
    age_days = request["age_days"]
    if isinstance(age_days, bool) or not isinstance(age_days, (int, float)) or age_days < 0:
        raise ControlError(400, "InvalidRequest", f"'age_days' must be a non-negative number, got {json.dumps(age_days)}")
    return utc_now() - datetime.timedelta(days=age_days)


def requested_last_used(last_used):
    if last_used is None:
        return None
    if not isinstance(last_used, dict):
        raise ControlError(400, "InvalidRequest", "'last_used' must be an object with date, service and region")
    check_known_fields(last_used, LAST_USED_FIELDS, "last_used")
    date = parse_date(required_string(last_used, "date"), "last_used.date")
    return AccessKeyLastUsed(timestamp=date, service=required_string(last_used, "service"), region=required_string(last_used, "region"))


def parse_date(text, field):
    """An ISO-8601 date as moto stores dates: naive UTC. A date without offset is UTC."""
    if not isinstance(text, str):
        raise ControlError(400, "InvalidRequest", f"'{field}' must be an ISO-8601 string")
    try:
        parsed = datetime.datetime.fromisoformat(text)
    except ValueError as error:
        raise ControlError(400, "InvalidRequest", f"'{field}' is not an ISO-8601 date: '{text}'") from error
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return parsed


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def find_access_key(account_id, user_name, access_key_id):
    # IAM is global: moto keeps an account's users in the backend of its partition.
    users = iam_backends[account_id]["global"].users
    user = users.get(user_name)
    if user is None:
        raise ControlError(404, "NoSuchUser", f"Account {account_id} has no IAM user '{user_name}'")
    for key in user.access_keys:
        if key.access_key_id == access_key_id:
            return key
    raise ControlError(404, "NoSuchAccessKey", f"IAM user '{user_name}' of account {account_id} has no access key '{access_key_id}'")


def describe_access_key(key):
    description = {"AccessKeyId": key.access_key_id, "UserName": key.user_name, "Status": key.status, "CreateDate": iso_utc(key.create_date)}
    if key.last_used is not None:
        description["LastUsed"] = {"Date": iso_utc(key.last_used.timestamp), "ServiceName": key.last_used.service, "Region": key.last_used.region}
    return description


def iso_utc(naive_utc):
    return naive_utc.replace(tzinfo=datetime.timezone.utc).isoformat()


# --- Client helper ------------------------------------------------------------------------

def set_access_key_age(endpoint_url, account_id, user_name, access_key_id, age_days=None, create_date=None, last_used=None, timeout=10):
    """Make an access key look `age_days` old (or created at `create_date`) in the emulator at `endpoint_url`.

    `create_date` is a datetime (naive means UTC) or an ISO-8601 string; `last_used` an optional
    {"date", "service", "region"} mapping whose date may be a datetime too. Returns the key's
    description; raises ControlError with the endpoint's status, error and message when it refuses.
    """
    request = {"account_id": account_id, "user_name": user_name, "access_key_id": access_key_id}
    if age_days is not None:
        request["age_days"] = age_days
    if create_date is not None:
        request["create_date"] = date_text(create_date)
    if last_used is not None:
        request["last_used"] = dict(last_used, date=date_text(last_used.get("date")))
    return post_control(endpoint_url, ACCESS_KEY_AGE_PATH, request, timeout)


def date_text(value):
    return value.isoformat() if isinstance(value, datetime.datetime) else value


def post_control(endpoint_url, path, request, timeout):
    http_request = urllib.request.Request(
        endpoint_url.rstrip("/") + path, data=json.dumps(request).encode("utf-8"), method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(http_request, timeout=timeout) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        answer = json.loads(error.read() or b"{}")
        raise ControlError(error.code, answer.get("error", "HTTPError"), answer.get("message", str(error))) from error
