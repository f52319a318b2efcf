# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""AWS calls made by steps: through the emulator's HTTP endpoint, checked against policies first.

Every client a step (or a step's script) gets is bound to the execution's identity and
checks each request with access.authorize before botocore sends it, so a denial looks
to the step exactly like the service's own error.
"""

import functools

import boto3
from botocore import xform_name
from botocore.exceptions import BotoCoreError, ClientError

from .. import endpoint
from . import access
from .errors import step_failure
from .selectors import plain_json

EXECUTE_PHASE = "Execute/Cancelling action"


def authorized_client(identity, service, region):
    client = endpoint.client(service, region, identity.credentials)
    client.meta.events.register("before-parameter-build.*.*", functools.partial(authorize_request, identity, region, client.meta.service_model.service_name))
    return client


def authorize_request(identity, region, service, params, model, **_kwargs):
    access.authorize(identity, service, model.name, params, region)


def call_api(identity, region, service, api, params):
    """The JSON response of `service`.`api`(**params), or a StepFailure with the service's error.

    AWS Systems Manager User Guide, "aws:executeAwsApi": Service is the namespace, Api the
    operation name (PascalCase, as in the API reference); the other inputs are its parameters.
    """
    try:
        client = authorized_client(identity, service, region)
    except BotoCoreError as error:
        raise step_failure(EXECUTE_PHASE, f"Unknown service {service}: {error}") from error
    if api not in client.meta.service_model.operation_names:
        raise step_failure(EXECUTE_PHASE, f"{api} is not an API operation of service {service}")
    try:
        return plain_json(getattr(client, xform_name(api))(**params))
    except ClientError as error:
        raise step_failure(EXECUTE_PHASE, str(error)) from error
    except BotoCoreError as error:
        raise step_failure(EXECUTE_PHASE, f"Invalid input for {service} {api}: {error}") from error


class ScriptSession(boto3.session.Session):
    """The boto3.Session a script sees: the execution's credentials, region and endpoint, checked calls."""

    def __init__(self, identity, region, **_ignored):
        credentials = identity.credentials
        super().__init__(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials.get("SessionToken"),
            region_name=region,
        )
        self._identity = identity

    def client(self, service_name, region_name=None, *_args, **_kwargs):  # pylint: disable=arguments-differ,keyword-arg-before-vararg
        """A checked client; `region_name` is honoured, the endpoint and credentials are not negotiable."""
        return authorized_client(self._identity, service_name, region_name or self.region_name)

    def resource(self, *_args, **_kwargs):  # pylint: disable=arguments-differ
        raise NotImplementedError("The emulator gives scripts boto3 clients only; boto3 resources are not supported")
