# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Every operation of the authorization's table is served, authorized and documented in the README."""

import os
import re

import pytest
from aged_keys_emulator.authorization.resources import SERVICES, supported_operations
from authorization_testing import create_role, session, statement
from botocore.exceptions import ClientError
from moto.core.utils import camelcase_to_underscores, get_service_model

from emulator_testing import REGION

README = os.path.join(os.path.dirname(__file__), "..", "..", "emulator", "README.md")
RESPONSE_CLASSES = {
    "config": "moto.config.responses.ConfigResponse",
    "iam": "moto.iam.responses.IamResponse",
    "kms": "moto.kms.responses.KmsResponse",
    "organizations": "moto.organizations.responses.OrganizationsResponse",
    "sns": "moto.sns.responses.SNSResponse",
    "sqs": "moto.sqs.responses.SQSResponse",
    "ssm": "moto.ssm.responses.SimpleSystemManagerResponse",
    "sts": "moto.sts.responses.TokenResponse",
}
# Parameters that the required members alone do not make a request the table can name resources for.
OVERRIDES = {
    ("iam", "CreateServiceLinkedRole"): {"AWSServiceName": "config.amazonaws.com"},
    ("sns", "Publish"): {"TopicArn": f"arn:aws:sns:{REGION}:123456789012:xxx", "Message": "x"},
}


def response_class(path):
    module_name, _dot, class_name = path.rpartition(".")
    module = __import__(module_name, fromlist=[class_name])
    return getattr(module, class_name)


@pytest.mark.parametrize("service,operation", supported_operations())
def test_each_operation_is_an_api_operation_that_the_emulator_serves(emulator_server, service, operation):  # pylint: disable=unused-argument
    # emulator_server: the patches are applied, so the emulator's own actions count as served.
    assert operation in get_service_model(service).operation_names
    if service in RESPONSE_CLASSES:
        assert hasattr(response_class(RESPONSE_CLASSES[service]), camelcase_to_underscores(operation)), f"moto does not serve {service}:{operation}"


def readme_operations():
    with open(README, encoding="utf-8") as readme:
        text = readme.read()
    section = text.split("### Actions and resources of assumed-role requests", 1)[1].split("\n### ", 1)[0]
    return sorted((service, operation) for service, operation in re.findall(r"^\| `(\w+)` \| `(\w+)` \|", section, re.MULTILINE))


def test_the_readme_lists_exactly_the_supported_operations():
    assert readme_operations() == supported_operations()


def dummy(shape, name=""):
    """A value of `shape` with every required member set: enough for botocore to send the request."""
    if shape.type_name == "structure":
        return {member: dummy(shape.members[member], member) for member in shape.required_members}
    if shape.type_name == "list":
        return [dummy(shape.member, name)]
    if shape.type_name == "map":
        return {}
    if shape.type_name in ("integer", "long"):
        return max(1, int(shape.metadata.get("min", 1)))
    if shape.type_name == "boolean":
        return False
    if shape.type_name == "timestamp":
        return "2030-01-01T00:00:00Z"
    if shape.type_name == "blob":
        return b"x"
    if "enum" in shape.metadata:
        return shape.metadata["enum"][0]
    return "x" * max(3, int(shape.metadata.get("min", 1)))


def refusal(client, operation, params):
    """Why the call did not reach the service: refused by the authorization, or failed with HTTP 500; None when it did."""
    try:
        getattr(client, camelcase_to_underscores(operation))(**params)
    except ClientError as error:
        code, message = error.response["Error"]["Code"], error.response["Error"].get("Message", "")
        denied = " because no " in message or "with an explicit deny" in message
        if code == "UnsupportedOperation" or denied or error.response["ResponseMetadata"]["HTTPStatusCode"] >= 500:
            return f"{error.response['ResponseMetadata']['HTTPStatusCode']} {code}: {message[:160]!r}"
    except Exception as error:  # pylint: disable=broad-exception-caught  # an unparsable answer (moto's HTML 500 page) too
        return f"500 {type(error).__name__}: {str(error)[:160]}"
    return None


def test_an_allowed_session_reaches_the_service_for_every_operation(enforced):
    credentials = session(enforced, create_role(enforced, statement("*")))
    unserved = {}
    for service, operation in supported_operations():
        client = enforced.client(service, region="us-east-1" if service == "organizations" else REGION, credentials=credentials, validate=False)
        model = client.meta.service_model.operation_model(operation)
        params = dict(dummy(model.input_shape) if model.input_shape is not None else {}, **OVERRIDES.get((service, operation), {}))
        problem = refusal(client, operation, params)
        # moto's own failure on made-up input (HTTP 500) is no refusal when the ambient identity gets it too.
        if problem and problem.startswith("500") and refusal(enforced.client(service, region=client.meta.region_name, validate=False), operation, params):
            problem = None
        if problem:
            unserved[f"{service}:{operation}"] = problem
    assert not unserved, "\n".join(f"{name}: {problem}" for name, problem in sorted(unserved.items()))
    assert set(SERVICES) == {service for service, _operation in supported_operations()}
