# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""tests/emulator/server.py as a process: ready line, patches active, clean exit on signals."""

import json
import os
import re
import signal
import subprocess
import sys

import boto3
import pytest

from emulator_testing import NO_RETRIES, raises_aws_error

SERVER_SCRIPT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "emulator", "server.py"))
READY_LINE = re.compile(r"emulator ready on (http://127\.0\.0\.1:(\d+))\n")


@pytest.fixture
def start_server():
    processes = []

    def start(*arguments):
        environment = {key: value for key, value in os.environ.items() if not key.startswith("MOTO_")}
        command = [sys.executable, SERVER_SCRIPT, "--port", "0", *arguments]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=environment)  # pylint: disable=consider-using-with
        processes.append(process)
        ready = READY_LINE.fullmatch(process.stdout.readline())
        assert ready, "the server did not print its ready line"
        return process, ready.group(1)

    yield start
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        process.stdout.close()


def client(service, url):
    return boto3.client(service, endpoint_url=url, region_name="eu-west-1", aws_access_key_id="testing", aws_secret_access_key="testing", config=NO_RETRIES)


def test_serves_patched_moto_and_stops_cleanly_on_sigterm(start_server, tmp_path):
    request_log = tmp_path / "requests.jsonl"
    process, url = start_server("--request-log", str(request_log))

    with raises_aws_error("NoSuchConfigRuleException"):
        client("config", url).describe_config_rules(ConfigRuleNames=["missing"])
    # AWS managed policies are loaded by default.
    assert client("iam", url).get_policy(PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")["Policy"]["PolicyName"] == "ReadOnlyAccess"

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0
    assert process.stdout.read() == "", "only the ready line goes to stdout"
    entries = [json.loads(line) for line in request_log.read_text(encoding="utf-8").splitlines()]
    assert [entry["action"] for entry in entries] == ["DescribeConfigRules", "GetPolicy"]


def test_stops_cleanly_on_sigint(start_server):
    process, url = start_server()

    assert client("sts", url).get_caller_identity()["Account"] == "123456789012"

    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=10) == 0


def test_enforce_role_policies_switches_the_authorization_of_assumed_role_sessions_on(start_server):
    process, url = start_server("--enforce-role-policies")
    iam = client("iam", url)
    trust = json.dumps({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}]})
    role_arn = iam.create_role(RoleName="nothing-allowed", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    credentials = client("sts", url).assume_role(RoleArn=role_arn, RoleSessionName="run")["Credentials"]
    session = boto3.client("sns", endpoint_url=url, region_name="eu-west-1", aws_access_key_id=credentials["AccessKeyId"],
                           aws_secret_access_key=credentials["SecretAccessKey"], aws_session_token=credentials["SessionToken"], config=NO_RETRIES)
    with raises_aws_error("AuthorizationError", "because no identity-based policy allows the SNS:ListTopics action"):
        session.list_topics()
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0
