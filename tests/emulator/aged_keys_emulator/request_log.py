# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A JSON line per AWS API request: {"service", "action", "account_id", "region"}.

Used to count API calls per account. moto already resolves service, action,
account (from the request's access key, including assumed-role credentials, see
moto.core.responses.BaseResponse.get_current_account) and region while it sets up
its response object; a hook remembers that object on the WSGI environ and a WSGI
middleware writes the line once the request is answered. Calls to /moto-api/ are
not AWS API calls and are not logged.
"""

import json
import threading

from moto.core.responses import BaseResponse

from .patching import is_patched, wrap_attribute

RESPONSE_ENVIRON_KEY = "aged_keys_emulator.response"
# Set by the authorization of assumed-role sessions (authorization/middleware.py) for each request it decided.
AUTHORIZATION_ENVIRON_KEY = "aged_keys_emulator.authorization"
MOTO_API_PATH = "/moto-api"


class RequestLog:
    """Appends entries to a file; safe to share between request threads."""

    def __init__(self, path):
        # Line buffered: each entry reaches the file when written, for readers of a running server.
        self._file = open(path, "a", encoding="utf-8", buffering=1)  # pylint: disable=consider-using-with
        self._lock = threading.Lock()

    def write(self, entry):
        line = json.dumps(entry, separators=(",", ":")) + "\n"
        with self._lock:
            self._file.write(line)

    def close(self):
        with self._lock:
            self._file.close()


class RequestLoggingMiddleware:
    """WSGI middleware logging each answered AWS API request."""

    def __init__(self, app, request_log):
        self.app = app
        self.request_log = request_log

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO", "").startswith(MOTO_API_PATH):
            return self.app(environ, start_response)
        try:
            return self.app(environ, start_response)
        finally:
            entry = with_authorization(environ.pop(RESPONSE_ENVIRON_KEY, None), environ.pop(AUTHORIZATION_ENVIRON_KEY, None))
            if entry is not None:
                self.request_log.write(entry)


def with_authorization(response, authorization):
    """The entry of a request moto answered, or of one the authorization refused, with its decision."""
    entry = log_entry(response) if response is not None else None
    if authorization is None:
        return entry
    if entry is None:
        keys = {"service": "service", "action": "action", "account_id": "account_id", "region": "region"}
        entry = {name: authorization.get(key, "") for name, key in keys.items()}
    entry["authorization"] = {key: authorization[key] for key in ("principal", "decision", "checked") if key in authorization}
    return entry


def log_entry(response):
    # Read after the request is served: S3 corrects its region after the common setup.
    return {"service": response.service_name, "action": action_name(response), "account_id": response.current_account, "region": response.region}


def action_name(response):
    try:
        return response._get_action() or ""
    except Exception:  # pylint: disable=broad-exception-caught
        # The log must never break a request that moto already answered.
        return ""


def install_response_hook():
    """Remember each request's moto response object on its WSGI environ (once per process)."""
    if not is_patched(BaseResponse, "setup_class"):
        wrap_attribute(BaseResponse, "setup_class", remember_response_on_environ)


def remember_response_on_environ(original):
    def setup_class(self, request, *args, **kwargs):
        original(self, request, *args, **kwargs)
        environ = getattr(request, "environ", None)
        if environ is not None:
            # Last one wins: a response built twice for one request is still one request.
            environ[RESPONSE_ENVIRON_KEY] = self

    return setup_class
