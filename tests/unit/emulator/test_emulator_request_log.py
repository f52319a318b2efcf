# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The request log: one JSON line per AWS API request, attributed to the calling account."""

from concurrent.futures import ThreadPoolExecutor

from emulator_testing import DEFAULT_ACCOUNT, REGION, raises_aws_error

OTHER_ACCOUNT = "210987654321"


def requests_during(emulator, action):
    """Entries logged while `action()` runs."""
    before = len(emulator.logged_requests())
    action()
    return emulator.logged_requests()[before:]


def test_each_request_is_one_line_with_service_action_account_and_region(emulator):
    config = emulator.client("config")

    entries = requests_during(emulator, lambda: (config.describe_config_rules(), emulator.client("ssm", region="us-east-1").list_documents()))

    assert entries == [
        {"service": "config", "action": "DescribeConfigRules", "account_id": DEFAULT_ACCOUNT, "region": REGION},
        {"service": "ssm", "action": "ListDocuments", "account_id": DEFAULT_ACCOUNT, "region": "us-east-1"},
    ]


def test_assumed_role_requests_count_for_the_assumed_account(emulator):
    credentials = emulator.assume_account(OTHER_ACCOUNT)
    config = emulator.client("config", credentials=credentials)

    entries = requests_during(emulator, config.describe_config_rules)

    assert [(entry["action"], entry["account_id"]) for entry in entries] == [("DescribeConfigRules", OTHER_ACCOUNT)]


def test_assume_role_itself_counts_for_the_caller(emulator):
    entries = requests_during(emulator, lambda: emulator.assume_account(OTHER_ACCOUNT))

    assert [(entry["service"], entry["action"], entry["account_id"]) for entry in entries] == [("sts", "AssumeRole", DEFAULT_ACCOUNT)]


def test_failed_requests_are_logged(emulator):
    config = emulator.client("config")

    def describe_missing_rule():
        with raises_aws_error("NoSuchConfigRuleException"):
            config.describe_config_rules(ConfigRuleNames=["missing"])

    assert [entry["action"] for entry in requests_during(emulator, describe_missing_rule)] == ["DescribeConfigRules"]


def test_rest_services_are_logged_with_their_region(emulator):
    s3 = emulator.client("s3")

    entries = requests_during(emulator, lambda: s3.create_bucket(Bucket="log-test", CreateBucketConfiguration={"LocationConstraint": REGION}))

    assert entries == [{"service": "s3", "action": "CreateBucket", "account_id": DEFAULT_ACCOUNT, "region": REGION}]


def test_moto_api_calls_are_not_logged(emulator):
    assert requests_during(emulator, emulator.reset) == []


def test_concurrent_requests_each_write_one_whole_line(emulator):
    clients = [emulator.client("sts") for index in range(4)]

    def call_many():
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(lambda number: clients[number % 4].get_caller_identity(), range(40)))

    entries = requests_during(emulator, call_many)

    assert len(entries) == 40
    assert {entry["action"] for entry in entries} == {"GetCallerIdentity"}
