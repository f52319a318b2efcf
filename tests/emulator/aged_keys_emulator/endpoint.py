# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The emulator's own URL, and boto3 clients that call back into it.

Emulated AWS services call each other through the public API, as they do on AWS:
AWS Config starts SSM Automation executions, and an Automation step calls the
service its document names. Going through HTTP keeps every such call subject to
the same validation, request log and policy checks as a client's call.
"""

import secrets
import threading

import boto3
from botocore.config import Config

_LOCK = threading.Lock()
_STATE = {"url": None}

# Calls between emulated services fail fast: an unimplemented action answers 500,
# which botocore would otherwise retry.
INTERNAL_CLIENT_CONFIG = Config(retries={"max_attempts": 1})

# Credentials moto accepts from anyone; used only to obtain account-scoped ones.
BOOTSTRAP_CREDENTIALS = {"AccessKeyId": "testing", "SecretAccessKey": "testing", "SessionToken": None}

# Marks the emulator's own calls (Automation steps, AWS Config remediation): they are checked where
# they are made (automation/access.py), so the request authorization (authorization/) lets them
# through. A secret of this process, so no client can claim it.
INTERNAL_HEADER = "X-Aged-Keys-Emulator-Internal"
INTERNAL_TOKEN = secrets.token_hex(16)


def set_url(url):
    with _LOCK:
        _STATE["url"] = url


def url():
    with _LOCK:
        current = _STATE["url"]
    if current is None:
        raise RuntimeError("The emulator's URL is unknown: start it with aged_keys_emulator.runtime.EmulatorServer")
    return current


def client(service, region, credentials=None):
    """A boto3 client for the emulator; `credentials` as STS returns them (default: bootstrap)."""
    credentials = credentials or BOOTSTRAP_CREDENTIALS
    internal_client = boto3.session.Session().client(
        service,
        endpoint_url=url(),
        region_name=region,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials.get("SessionToken"),
        config=INTERNAL_CLIENT_CONFIG,
    )
    internal_client.meta.events.register("before-sign.*.*", mark_internal)
    return internal_client


def mark_internal(request, **_kwargs):
    request.headers[INTERNAL_HEADER] = INTERNAL_TOKEN


def is_internal(environ):
    """True for a request (WSGI environ) made by a client of `client`."""
    value = environ.get("HTTP_" + INTERNAL_HEADER.upper().replace("-", "_"), "")
    return secrets.compare_digest(value, INTERNAL_TOKEN)


def assume_role(role_arn, session_name, region):
    """STS AssumeRole through the emulator; returns the Credentials mapping."""
    return client("sts", region).assume_role(RoleArn=role_arn, RoleSessionName=session_name)["Credentials"]
