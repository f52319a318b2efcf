# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The WSGI layer in front of moto that authorizes assumed-role sessions while the switch is on.

Let through untouched: everything while the switch is off, /moto-api/ paths, the emulator's
own calls (endpoint.is_internal), unsigned requests, and requests signed with keys that are
not sts:AssumeRole session keys (moto's default credentials, IAM users). Any other request is
decided by enforcement.authorize before moto sees it; the outcome is left on the environ for
the request log (request_log.AUTHORIZATION_ENVIRON_KEY).
"""

from .. import endpoint
from ..request_log import AUTHORIZATION_ENVIRON_KEY
from . import enforcement, requests, responses, switch
from .resources import SERVICES
from .resources.common import Unsupported

MOTO_API_PATH = "/moto-api"


class AuthorizationMiddleware:
    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        if not switch.enabled() or environ.get("PATH_INFO", "").startswith(MOTO_API_PATH) or endpoint.is_internal(environ):
            return self.app(environ, start_response)
        signature = requests.signature_of(environ)
        assumed = signature.assumed_role() if signature is not None else None
        if assumed is None:
            return self.app(environ, start_response)
        body = requests.buffer_body(environ)
        protocol, outcome = decide(environ, body, signature, assumed)
        environ[AUTHORIZATION_ENVIRON_KEY] = dict(outcome.log, service=signature.service, account_id=signature.account, region=signature.region)
        if outcome.allowed:
            return self.app(environ, start_response)
        return responses.respond(environ, start_response, protocol, outcome.code, outcome.message)


def decide(environ, body, signature, assumed):
    """(protocol, Outcome) of a session's request."""
    try:
        protocol, operation, params = requests.operation_of(environ, body, signature.service)
    except requests.UnreadableRequest as error:
        refusal = Unsupported(signature.service, "(unreadable request)", str(error))
        switch.record(assumed.role_arn, "Unsupported", refusal.action, "", str(refusal))
        return "query", enforcement.Outcome(False, enforcement.UNSUPPORTED, str(refusal), {"decision": "unsupported"})
    if signature.service not in SERVICES:
        refusal = Unsupported(signature.service, operation)
        switch.record(assumed.role_arn, "Unsupported", refusal.action, "", str(refusal))
        return protocol, enforcement.Outcome(False, enforcement.UNSUPPORTED, str(refusal), {"decision": "unsupported", "action": refusal.action})
    outcome = enforcement.authorize(signature, assumed, signature.service, operation, params)
    outcome.log["action"] = operation
    return protocol, outcome
