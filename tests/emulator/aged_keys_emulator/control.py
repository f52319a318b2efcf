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

    POST /_emulator/iam/access-keys/last-used
    {"account_id": ..., "user_name": ..., "access_key_id": ...,
     "days_ago": 3 | "date": "2024-01-31T12:00:00Z", "service": "s3", "region": "eu-west-1"}
     or {..., "never_used": true}

    POST /_emulator/sns/deliveries
    {"account_id": ..., "region": "eu-west-1", "subscription_arn": ...}   (subscription_arn optional)

    POST /_emulator/sns/delivery-failures
    {"account_id": ..., "region": "eu-west-1", "subscription_arn": ...}   (subscription_arn optional)

    POST /_emulator/authorization            {"enabled": true | false}   (without it: the current state)
    POST /_emulator/authorization/decisions  {"role_arn": ..., "clear": true}   (both optional)

    POST /_emulator/snapshots/take     {"name": "converged"}
    POST /_emulator/snapshots/restore  {"name": "converged"}

The key answers describe the key as ListAccessKeys would, plus LastUsed (null when never used).
The deliveries answer lists what email, email-json, sms and lambda subscribers received
({"Deliveries": [...]}, see sns.py); the failures answer the SQS deliveries SNS gave up on, in
the topic's account ({"Failures": [...]}, see sns_sqs_delivery.py). The authorization operations switch the authorization of
assumed-role sessions ({"Enabled": ...}) and list what each role was allowed, denied and refused
({"Roles": [...]}, see authorization/switch.py). A snapshot keeps the whole state under a name and
a restore puts it back (see snapshots.py); taking one while background work runs answers 409.
`set_access_key_age` and `set_access_key_last_used` call them from tests and the demo.

moto records a key's last use whenever the key itself signs a request to the emulator
(as AWS does): that overwrites what the control set.
"""

import datetime
import json
import re
import urllib.error
import urllib.request

from moto.iam.models import AccessKeyLastUsed, iam_backends

CONTROL_PATH_PREFIX = "/_emulator/"
ACCESS_KEY_AGE_PATH = "/_emulator/iam/access-keys/age"
ACCESS_KEY_LAST_USED_PATH = "/_emulator/iam/access-keys/last-used"
ACCOUNT_ID_PATTERN = re.compile(r"\d{12}")
KEY_FIELDS = {"account_id", "user_name", "access_key_id"}
AGE_FIELDS = KEY_FIELDS | {"age_days", "create_date", "last_used"}
LAST_USED_FIELDS = {"date", "service", "region"}
SET_LAST_USED_FIELDS = KEY_FIELDS | {"date", "days_ago", "service", "region", "never_used"}
SNS_DELIVERIES_PATH = "/_emulator/sns/deliveries"
SNS_DELIVERY_FAILURES_PATH = "/_emulator/sns/delivery-failures"
DELIVERIES_FIELDS = {"account_id", "region", "subscription_arn"}
AUTHORIZATION_PATH = "/_emulator/authorization"
AUTHORIZATION_DECISIONS_PATH = "/_emulator/authorization/decisions"
SNAPSHOT_TAKE_PATH = "/_emulator/snapshots/take"
SNAPSHOT_RESTORE_PATH = "/_emulator/snapshots/restore"


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
    reasons = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 409: "Conflict"}
    start_response(f"{status} {reasons[status]}", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def handle_control_request(path, method, body):
    operation = OPERATIONS.get(path)
    if operation is None:
        known = ", ".join(f"POST {known_path}" for known_path in OPERATIONS)
        raise ControlError(404, "UnknownPath", f"The emulator has no control operation at {path}; known: {known}")
    if method != "POST":
        raise ControlError(405, "MethodNotAllowed", f"{path} accepts POST only, not {method}")
    return operation(parse_json_object(body))


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
    key_reference = requested_key(request)
    create_date = requested_create_date(request)
    last_used = requested_last_used(request.get("last_used"))
    key = find_access_key(*key_reference)
    key.create_date = create_date
    if last_used is not None:
        key.last_used = last_used
    return describe_access_key(key)


def requested_key(request):
    """(account id, user name, access key id) of the request."""
    return requested_account(request), required_string(request, "user_name"), required_string(request, "access_key_id")


def requested_account(request):
    account_id = required_string(request, "account_id")
    if not ACCOUNT_ID_PATTERN.fullmatch(account_id):
        raise ControlError(400, "InvalidRequest", f"account_id must be 12 digits, got '{account_id}'")
    return account_id


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
    return requested_moment(request, "age_days", "create_date")


def requested_moment(request, days_field, date_field):
    """Exactly one of `days_field` (a number of days before now) or `date_field` (ISO-8601)."""
    given = [field for field in (days_field, date_field) if request.get(field) is not None]
    if len(given) != 1:
        raise ControlError(400, "MissingField" if not given else "InvalidRequest", f"Give exactly one of '{days_field}' or '{date_field}'")
    if given == [date_field]:
        return parse_date(request[date_field], date_field)
    days = request[days_field]
    if isinstance(days, bool) or not isinstance(days, (int, float)) or days < 0:
        raise ControlError(400, "InvalidRequest", f"'{days_field}' must be a non-negative number, got {json.dumps(days)}")
    return utc_now() - datetime.timedelta(days=days)


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


# --- POST /_emulator/iam/access-keys/last-used ----------------------------------------

def set_last_used(request):
    """Set when, with which service and in which region the key was last used, or that it never was."""
    check_known_fields(request, SET_LAST_USED_FIELDS, "request")
    key_reference = requested_key(request)
    never_used = request.get("never_used", False)
    if not isinstance(never_used, bool):
        raise ControlError(400, "InvalidRequest", "'never_used' must be true or false")
    if never_used:
        others = sorted(field for field in ("date", "days_ago", "service", "region") if field in request)
        if others:
            raise ControlError(400, "InvalidRequest", f"'never_used' excludes {', '.join(others)}")
        last_used = None
    else:
        date = requested_moment(request, "days_ago", "date")
        last_used = AccessKeyLastUsed(timestamp=date, service=required_string(request, "service"), region=required_string(request, "region"))
    key = find_access_key(*key_reference)
    key.last_used = last_used
    return dict(describe_access_key(key), LastUsed=describe_last_used(key.last_used))


# --- POST /_emulator/sns/deliveries -----------------------------------------------------

def sns_deliveries(request):
    """What email, email-json, sms and lambda subscribers of one account and region received."""
    account_id, region, subscription_arn = deliveries_request(request)
    from .sns import recorded_deliveries  # pylint: disable=import-outside-toplevel  # keeps the client helpers free of moto's SNS

    return {"Deliveries": recorded_deliveries(account_id, region, subscription_arn)}


def sns_delivery_failures(request):
    """The SQS deliveries the topics of one account and region could not make."""
    account_id, region, subscription_arn = deliveries_request(request)
    from .sns_sqs_delivery import recorded_failures  # pylint: disable=import-outside-toplevel  # keeps the client helpers free of moto

    return {"Failures": recorded_failures(account_id, region, subscription_arn)}


def deliveries_request(request):
    """(account id, region, subscription ARN or None) of a deliveries request."""
    check_known_fields(request, DELIVERIES_FIELDS, "request")
    account_id, region = requested_account(request), required_string(request, "region")
    subscription_arn = request.get("subscription_arn")
    if subscription_arn is not None:
        subscription_arn = required_string(request, "subscription_arn")
    return account_id, region, subscription_arn


# --- POST /_emulator/authorization, /_emulator/authorization/decisions ---------------------

def authorization(request):
    """Switch the authorization of assumed-role sessions on or off; answer its state."""
    check_known_fields(request, {"enabled"}, "request")
    from .authorization import switch  # pylint: disable=import-outside-toplevel  # keeps the client helpers free of moto

    if "enabled" in request:
        if not isinstance(request["enabled"], bool):
            raise ControlError(400, "InvalidRequest", "'enabled' must be true or false")
        switch.set_enabled(request["enabled"])
    return {"Enabled": switch.enabled()}


def authorization_decisions(request):
    """What each role (or `role_arn`) was allowed, denied and refused; `clear` forgets it after answering."""
    check_known_fields(request, {"role_arn", "clear"}, "request")
    role_arn = required_string(request, "role_arn") if request.get("role_arn") is not None else None
    if not isinstance(request.get("clear", False), bool):
        raise ControlError(400, "InvalidRequest", "'clear' must be true or false")
    from .authorization import switch  # pylint: disable=import-outside-toplevel

    roles = switch.decisions(role_arn)
    if request.get("clear"):
        switch.clear(role_arn)
    return {"Roles": roles}


# --- POST /_emulator/snapshots/take, /_emulator/snapshots/restore ------------------------

def take_snapshot(request):
    return snapshot_operation(request, "take")


def restore_snapshot(request):
    return snapshot_operation(request, "restore")


def snapshot_operation(request, operation):
    check_known_fields(request, {"name"}, "request")
    name = required_string(request, "name")
    from . import snapshots  # pylint: disable=import-outside-toplevel  # keeps the client helpers free of moto

    try:
        getattr(snapshots, operation)(name)
    except snapshots.SnapshotRefused as error:
        raise ControlError(409, "SnapshotRefused", str(error)) from error
    return {"Name": name}


def describe_access_key(key):
    description = {"AccessKeyId": key.access_key_id, "UserName": key.user_name, "Status": key.status, "CreateDate": iso_utc(key.create_date)}
    if key.last_used is not None:
        description["LastUsed"] = describe_last_used(key.last_used)
    return description


def describe_last_used(last_used):
    if last_used is None:
        return None
    return {"Date": iso_utc(last_used.timestamp), "ServiceName": last_used.service, "Region": last_used.region}


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


def set_access_key_last_used(endpoint_url, account_id, user_name, access_key_id, service=None, region=None, days_ago=None, date=None,
                             never_used=False, timeout=10):
    """Make the key look last used `days_ago` days ago (or at `date`) with `service` in `region`, or never used.

    Returns the key's description with LastUsed (None when never used); raises ControlError when refused.
    """
    request = {"account_id": account_id, "user_name": user_name, "access_key_id": access_key_id}
    if never_used:
        request["never_used"] = True
    optional = {"service": service, "region": region, "days_ago": days_ago, "date": date_text(date)}
    request.update({field: value for field, value in optional.items() if value is not None})
    return post_control(endpoint_url, ACCESS_KEY_LAST_USED_PATH, request, timeout)


def sns_deliveries_of(endpoint_url, account_id, region, subscription_arn=None, timeout=10):
    """The recorded deliveries to email, email-json, sms and lambda subscribers, oldest first."""
    request = {"account_id": account_id, "region": region}
    if subscription_arn is not None:
        request["subscription_arn"] = subscription_arn
    return post_control(endpoint_url, SNS_DELIVERIES_PATH, request, timeout)["Deliveries"]


def sns_delivery_failures_of(endpoint_url, account_id, region, subscription_arn=None, timeout=10):
    """The SQS deliveries that the topics of this account and region could not make, oldest first:
    [{"SubscriptionArn", "TopicArn", "Protocol", "Endpoint", "MessageId", "ErrorCode", "ErrorMessage"}]."""
    request = {"account_id": account_id, "region": region}
    if subscription_arn is not None:
        request["subscription_arn"] = subscription_arn
    return post_control(endpoint_url, SNS_DELIVERY_FAILURES_PATH, request, timeout)["Failures"]


def enforce_role_policies(endpoint_url, enabled=True, timeout=10):
    """Switch the authorization of assumed-role sessions on (or off); returns whether it is on."""
    return post_control(endpoint_url, AUTHORIZATION_PATH, {"enabled": enabled}, timeout)["Enabled"]


def authorization_decisions_of(endpoint_url, role_arn=None, clear=False, timeout=10):
    """[{"RoleArn", "Allowed", "Denied", "Unsupported", "Unchecked"}] of every role (or `role_arn`); `clear` forgets them."""
    request = {"clear": clear}
    if role_arn is not None:
        request["role_arn"] = role_arn
    return post_control(endpoint_url, AUTHORIZATION_DECISIONS_PATH, request, timeout)["Roles"]


def take_emulator_snapshot(endpoint_url, name, timeout=60):
    """Keep the emulator's whole state under `name`; ControlError 409 while background work runs."""
    return post_control(endpoint_url, SNAPSHOT_TAKE_PATH, {"name": name}, timeout)


def restore_emulator_snapshot(endpoint_url, name, timeout=60):
    """Replace the emulator's whole state by the snapshot `name`; ControlError 409 when there is none."""
    return post_control(endpoint_url, SNAPSHOT_RESTORE_PATH, {"name": name}, timeout)


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


OPERATIONS = {
    ACCESS_KEY_AGE_PATH: age_access_key,
    ACCESS_KEY_LAST_USED_PATH: set_last_used,
    SNS_DELIVERIES_PATH: sns_deliveries,
    SNS_DELIVERY_FAILURES_PATH: sns_delivery_failures,
    AUTHORIZATION_PATH: authorization,
    AUTHORIZATION_DECISIONS_PATH: authorization_decisions,
    SNAPSHOT_TAKE_PATH: take_snapshot,
    SNAPSHOT_RESTORE_PATH: restore_snapshot,
}
