# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Shared helpers of the emulator tests: clients, accounts, AWS error assertions."""

import contextlib
import json
import urllib.request

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

REGION = "eu-west-1"
DEFAULT_ACCOUNT = "123456789012"
# Fail fast: an unimplemented action answers 500, which botocore would retry.
NO_RETRIES = Config(retries={"max_attempts": 1})
# Lets a test send what boto3 would refuse, to see the emulator's own validation.
NO_CLIENT_VALIDATION = Config(retries={"max_attempts": 1}, parameter_validation=False)


class Emulator:
    """boto3 clients pointed at the emulator, in the default or an assumed account."""

    def __init__(self, server):
        self.server = server
        self.url = server.url

    def client(self, service, region=REGION, credentials=None, validate=True):
        credentials = credentials or {"AccessKeyId": "testing", "SecretAccessKey": "testing", "SessionToken": None}
        return boto3.client(
            service,
            endpoint_url=self.url,
            region_name=region,
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
            config=NO_RETRIES if validate else NO_CLIENT_VALIDATION,
        )

    def assume_account(self, account_id):
        """Credentials that act in `account_id` (moto lets any role be assumed)."""
        role_arn = f"arn:aws:iam::{account_id}:role/emulator-test"
        return self.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="emulator-test")["Credentials"]

    def reset(self):
        request = urllib.request.Request(f"{self.url}/moto-api/reset", data=b"", method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200

    def logged_requests(self):
        with open(self.server.request_log_file, encoding="utf-8") as log_file:
            return [json.loads(line) for line in log_file]


@contextlib.contextmanager
def raises_aws_error(code, message_part=""):
    """Expect a ClientError with this AWS error code (and message fragment)."""
    with pytest.raises(ClientError) as excinfo:
        yield excinfo
    error = excinfo.value.response["Error"]
    assert error["Code"] == code, error
    assert message_part in error["Message"], error


RECORD_EVERYTHING = {"allSupported": True, "includeGlobalResourceTypes": True}

AUTOMATION_DOCUMENT = {
    "schemaVersion": "0.3",
    "assumeRole": "{{ AutomationAssumeRole }}",
    "parameters": {"AutomationAssumeRole": {"type": "String"}, "ResourceId": {"type": "String"}},
    "mainSteps": [{"name": "wait", "action": "aws:sleep", "inputs": {"Duration": "PT1S"}}],
}


def start_recorder(config_client, recording_group=None):
    """A recorder (recording everything unless told), a delivery channel, recording started."""
    recorder = {"name": "default", "roleARN": f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/config-recorder"}
    recorder["recordingGroup"] = recording_group or RECORD_EVERYTHING
    config_client.put_configuration_recorder(ConfigurationRecorder=recorder)
    config_client.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "config-bucket"})
    config_client.start_configuration_recorder(ConfigurationRecorderName="default")


def put_access_keys_rule(config_client, name="access-keys-rotated", **extra):
    rule = {
        "ConfigRuleName": name,
        "Source": {"Owner": "AWS", "SourceIdentifier": "ACCESS_KEYS_ROTATED"},
        "InputParameters": json.dumps({"maxAccessKeyAge": "90"}),
        "MaximumExecutionFrequency": "TwentyFour_Hours",
    }
    rule.update(extra)
    config_client.put_config_rule(ConfigRule=rule)
    return name


def create_automation_document(ssm_client, name="notify-aged-keys"):
    ssm_client.create_document(Name=name, DocumentType="Automation", DocumentFormat="JSON", Content=json.dumps(AUTOMATION_DOCUMENT))
    return name
