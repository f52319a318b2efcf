# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/report.yml after a rollout and an evaluation: the written report (JSON, CSV, HTML)
and the summary it publishes with set_stats match what AWS Config and IAM say when read back
with boto3, and the alarm option fails exactly the accounts with a non-compliant user that has
no remediation exception."""

import collections
import csv
import datetime
import json
import os
from unittest import mock

import html_page
import pytest
import readback
import rehearsal
from conftest import TARGETS

# Its module-scoped estate keeps the module's tests on one worker.
pytestmark = pytest.mark.xdist_group("report")

# An account of the inventory where nothing was rolled out yet; its limit of key age differs.
NOT_ROLLED_OUT = "444455556666"
NOT_ROLLED_OUT_LIMIT = 100
# The limit of the other accounts: the collection's default.
LIMIT = 90
REPORT = "playbooks/report.yml"


@pytest.fixture(scope="module")
def evaluated(rolled_out):
    """Users in every target, evaluated. TARGETS[0]: fresh, aged (notified), old-but-inactive, exempted;
    TARGETS[1]: aged, whose notification fails (sns:Publish removed from the automation role);
    TARGETS[2]: fresh only."""
    first, second, third = (rolled_out.account(target) for target in TARGETS)
    rehearsal.create_user(first, "fresh", key_ages=[10])
    rehearsal.create_user(first, "aged", key_ages=[10, 120])
    rehearsal.create_user(first, "old-but-inactive", key_ages=[5], inactive_key_ages=[400])
    rehearsal.exempt(first, rehearsal.create_user(first, "break-glass", key_ages=[400]))
    rehearsal.create_user(second, "unlucky", key_ages=[200])
    remove_publish_permission(second)
    rehearsal.create_user(third, "fresh", key_ages=[1])
    for account in (first, second, third):
        rehearsal.evaluate(account)
    rolled_out.write_inventory(targets=TARGETS + [NOT_ROLLED_OUT],
                               host_vars={NOT_ROLLED_OUT: {"aged_keys_max_access_key_age": NOT_ROLLED_OUT_LIMIT}})
    return rolled_out


def remove_publish_permission(account):
    iam = account.client("iam")
    policy = iam.get_role_policy(RoleName=readback.ROLE_NAME, PolicyName=readback.POLICY_NAME)["PolicyDocument"]
    policy["Statement"] = [statement for statement in policy["Statement"] if statement.get("Sid") != "PublishToCentralTopic"]
    iam.put_role_policy(RoleName=readback.ROLE_NAME, PolicyName=readback.POLICY_NAME, PolicyDocument=json.dumps(policy))


def read_back(account):
    """The non-compliant users of one account as AWS Config and IAM report them, in the report's JSON shape."""
    config = account.client("config")
    names = {user["UserId"]: user["UserName"] for user in account.client("iam").list_users()["Users"]}
    statuses = rehearsal.remediation_statuses(config)
    exceptions = {item["ResourceId"]: item for item in config.describe_remediation_exceptions(ConfigRuleName=readback.RULE_NAME)["RemediationExceptions"]}
    users = {}
    for result in rehearsal.compliance_details(config):
        user_id = rehearsal.result_resource_id(result)
        if result["ComplianceType"] != "NON_COMPLIANT":
            continue
        status = statuses.get(user_id)
        failed_steps = [step for step in (status or {}).get("StepDetails", []) if step["State"] == "FAILED"]
        users[user_id] = {
            "user_name": names[user_id],
            "compliance": "NON_COMPLIANT",
            "remediation": status and (status["State"], failed_steps[-1]["ErrorMessage"] if failed_steps else None),
            "exception": user_id in exceptions and exceptions[user_id].get("Message"),
        }
    return users


def reported(users, account_id):
    return {
        user["resource_id"]: {
            "user_name": user["user_name"],
            "compliance": user["compliance"],
            "remediation": user["remediation"] and (user["remediation"]["state"], user["remediation"]["error_message"]),
            "exception": bool(user["exception"]) and user["exception"]["message"],
        }
        for user in users if user["account_id"] == account_id
    }


def users_by_name(report, account_id):
    """The report's users of one account, by name."""
    return {user["user_name"]: user for user in report["users"] if user["account_id"] == account_id}


def assert_html_report_matches_aws(html_path, evaluated, report):
    """The HTML page's summary, charts and table against boto3's read-back (and the JSON report where only it knows)."""
    root = html_page.Page(html_path.read_text(encoding="utf-8")).root
    aws = {target: read_back(evaluated.account(target)) for target in TARGETS}
    remediation_states = collections.Counter(user["remediation"][0] if user["remediation"] else "none"
                                             for users in aws.values() for user in users.values())
    non_compliant = sum(len(users) for users in aws.values())

    assert html_page.summary_numbers(root) == {
        "accounts": len(TARGETS) + 1, "accounts_without_rule": 1, "unread_accounts": 0, "users": len(report["users"]),
        "non_compliant": non_compliant, "non_compliant_unexempt": 1, "exempt": non_compliant - 1,
        "compliant": sum(account["counts"]["compliant"] for account in report["accounts"]),
    }
    assert root.find("p", data_key="accounts_without_rule").text() == "Accounts without the rule: " + evaluated.host_name(NOT_ROLLED_OUT)
    assert sorted(html_page.chart_bars(root, "chart-non-compliant")) == sorted(
        [(evaluated.host_name(target), len(users)) for target, users in aws.items()] + [(evaluated.host_name(NOT_ROLLED_OUT), 0)])
    assert dict(html_page.chart_bars(root, "chart-remediation")) == remediation_states
    assert sorted((row[0], row[2], row[5], row[6]) for row in html_page.table_rows(root)) == sorted(
        (target, user["user_name"], user["remediation"][0] if user["remediation"] else "-",
         (user["remediation"][1] or "") if user["remediation"] else "")
        for target, users in aws.items() for user in users.values())
    return html_page.summary_numbers(root), remediation_states


def aged_key_ages_from_iam(account, users):
    """{access key id: (creation time, age in days)} of the active keys older than the limit that IAM lists for
    the users whose notification succeeded: the keys the runbook named."""
    iam = account.client("iam")
    ages = {}
    for user in users.values():
        if user["remediation"] and user["remediation"][0] == "SUCCEEDED":
            keys = {key["AccessKeyId"]: key["CreateDate"] for key in iam.list_access_keys(UserName=user["user_name"])["AccessKeyMetadata"]}
            for key_id, (status, age) in rehearsal.access_keys(account, user["user_name"]).items():
                if status == "Active" and age >= LIMIT:
                    ages[key_id] = (keys[key_id], age)
    return ages


def assert_key_ages_match_iam(evaluated, report, csv_rows, root):
    """The aged keys' ages in the JSON, the CSV and the HTML page are their ages in IAM when the report ran."""
    iam = {}
    for target in TARGETS:
        iam.update(aged_key_ages_from_iam(evaluated.account(target), read_back(evaluated.account(target))))
    reported_ages = {key["access_key_id"]: (key["created"], key["age_days"]) for user in report["users"]
                     for key in (user["notification"] or {}).get("aged_key_ages") or []}
    assert {key_id: (datetime.datetime.fromisoformat(created.replace("Z", "+00:00")), age) for key_id, (created, age) in reported_ages.items()} == iam
    # The "aged" user's 120-day key is the one aged key whose notification went out.
    assert sorted(age for created, age in iam.values()) == [120]
    assert accounts_limits(report) == {evaluated.host_name(target): LIMIT for target in TARGETS} | {evaluated.host_name(NOT_ROLLED_OUT): NOT_ROLLED_OUT_LIMIT}

    assert {row["user_name"]: row["oldest_key_age_days"] for row in csv_rows} == {"aged": "120", "break-glass": "", "unlucky": ""}
    assert [(row[2], row[9]) for row in html_page.table_rows(root) if row[9]] == [("aged", "120")]
    # The histogram starts at the smallest limit; the users no run named keys of (excepted, failed) are said to be left out.
    assert html_page.chart_bars(root, "chart-key-ages") == [("90-179", 1), ("180-364", 0), ("365-729", 0), ("730+", 0)]
    note = root.find("figure", id="chart-key-ages").find("p").text()
    assert "the accounts' limits differ: 90, 100" in note and "Not counted: the keys of 2 non-compliant users no run named" in note


def accounts_limits(report):
    return {account["host"]: account["max_access_key_age"] for account in report["accounts"]}


def assert_published_summary(run, html_numbers, remediation_states, evaluated):
    """What set_stats published (the json callback's global custom stats) is the page's summary."""
    summary = run.data["global_custom_stats"]["aged_keys_report_summary"]
    assert {key: len(value) if isinstance(value, list) else value for key, value in summary.items()
            if key in html_numbers} == html_numbers
    assert summary["accounts_without_rule"] == [evaluated.host_name(NOT_ROLLED_OUT)] and summary["unread_accounts"] == []
    assert summary["remediation_states"] == remediation_states
    assert summary["aged_key_ages"] == {"90-179": 1, "180-364": 0, "365-729": 0, "730+": 0, "unknown": 0}
    assert sum(summary["exemption_states"].values()) == summary["non_compliant"]


def failed_hosts(run):
    return sorted(host for task, host, dummy in run.failures() if task.startswith("Fail every account"))


def test_the_report_matches_aws_and_the_alarm_fails_accounts_with_unexcepted_users(evaluated, tmp_path):
    json_path, csv_path, html_path = tmp_path / "report.json", tmp_path / "report.csv", tmp_path / "report.html"
    run = evaluated.run(REPORT, extra_vars={"aged_keys_report_path": str(json_path), "aged_keys_report_csv_path": str(csv_path),
                                            "aged_keys_report_html_path": str(html_path), "aged_keys_report_fail_on_non_compliant": True},
                        env={"ANSIBLE_SHOW_CUSTOM_STATS": "true"})

    assert run.rc != 0
    # TARGETS[1]'s user failed every attempt, so AWS Config placed a remediation exception: the
    # report shows it (FAILED, with the exception) and the alarm counts the user as excepted.
    assert failed_hosts(run) == [evaluated.host_name(TARGETS[0])]
    report = json.loads(json_path.read_text())
    for target in TARGETS:
        assert reported(report["users"], target) == read_back(evaluated.account(target)), target
    first, second = reported(report["users"], TARGETS[0]), reported(report["users"], TARGETS[1])
    assert sorted((user["user_name"], user["remediation"] and user["remediation"][0], user["exception"]) for user in first.values()) == [
        ("aged", "SUCCEEDED", mock.ANY), ("break-glass", None, "Break-glass user, rotated by hand")]
    # Notified: the runbook paused the user's reminders, which is not an exemption.
    assert users_by_name(report, TARGETS[0])["aged"]["exception"]["message"].startswith("cloudsec.aged_keys reminder: notified; next reminder after ")
    assert users_by_name(report, TARGETS[0])["aged"]["notification"]["event"] == "aged-access-key"
    assert not users_by_name(report, TARGETS[0])["aged"]["exempt"] and users_by_name(report, TARGETS[0])["break-glass"]["exempt"]
    [unlucky] = second.values()
    assert unlucky["remediation"][0] == "FAILED" and "sns:publish" in unlucky["remediation"][1].lower()
    assert unlucky["exception"], unlucky

    accounts = {account["account_id"]: account for account in report["accounts"]}
    assert sorted(accounts) == sorted(TARGETS + [NOT_ROLLED_OUT])
    assert accounts[TARGETS[0]]["counts"] == {"compliant": 2, "non_compliant": 2}
    assert accounts[TARGETS[2]]["counts"] == {"compliant": 1, "non_compliant": 0}
    assert accounts[NOT_ROLLED_OUT]["rule"] == {"name": readback.RULE_NAME, "exists": False}
    warnings = [result.get("warnings") for task, host, result in run.results(evaluated.host_name(NOT_ROLLED_OUT))
                if task == "Read the rule's compliance, remediation states and exceptions"]
    assert warnings and "does not exist" in warnings[0][0]

    with open(csv_path, newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert sorted((row["account_id"], row["user_name"], row["remediation_state"], row["exception_message"]) for row in rows) == sorted(
        (user["account_id"], user["user_name"], user["remediation"]["state"] if user["remediation"] else "",
         user["exception"]["message"] if user["exception"] else "") for user in report["users"])

    html_numbers, remediation_states = assert_html_report_matches_aws(html_path, evaluated, report)
    assert_key_ages_match_iam(evaluated, report, rows, html_page.Page(html_path.read_text(encoding="utf-8")).root)
    assert_published_summary(run, html_numbers, remediation_states, evaluated)
    assert report["unread_accounts"] == []


def test_the_alarm_passes_when_only_excepted_users_remain_and_covers_only_the_limited_accounts(evaluated, tmp_path):
    second = evaluated.account(TARGETS[1])
    [user] = [user for user in second.client("iam").list_users()["Users"] if user["UserName"] == "unlucky"]
    rehearsal.exempt(second, user["UserId"], message="Leaves on Friday")
    json_path = tmp_path / "report.json"
    limit = ",".join(evaluated.host_name(target) for target in TARGETS[1:])

    run = evaluated.run(REPORT, check=True, limit=limit,
                        extra_vars={"aged_keys_report_path": str(json_path), "aged_keys_report_fail_on_non_compliant": True})

    assert run.rc == 0, run
    assert [task for task, host in run.changed_tasks() if not task.startswith("Write the report")] == []
    report = json.loads(json_path.read_text())
    assert sorted(account["account_id"] for account in report["accounts"]) == sorted(TARGETS[1:])
    assert [(user["user_name"], user["exception"]["message"]) for user in report["users"]] == [("unlucky", "Leaves on Friday")]


def test_relative_report_paths_are_relative_to_where_ansible_playbook_was_started(evaluated, tmp_path):
    run = evaluated.run(REPORT, cwd=str(tmp_path), extra_vars={"aged_keys_report_path": "report.json", "aged_keys_report_csv_path": "report.csv"})
    assert run.rc == 0, run
    assert json.loads((tmp_path / "report.json").read_text())["accounts"]
    assert (tmp_path / "report.csv").read_text().startswith("account_id,")
    for written in ("report.json", "report.csv"):
        assert not os.path.exists(os.path.join(readback.REPO, "playbooks", written))


def test_csv_cells_a_spreadsheet_would_run_as_formulas_are_quoted(evaluated, tmp_path):
    third = evaluated.account(TARGETS[2])
    for name in ("=1+2", "@risky", "-x", "+y"):
        rehearsal.create_user(third, name, key_ages=[3])
    rehearsal.evaluate(third)
    csv_path = tmp_path / "report.csv"
    run = evaluated.run(REPORT, limit=evaluated.host_name(TARGETS[2]),
                        extra_vars={"aged_keys_report_csv_path": str(csv_path), "aged_keys_report_include_compliant": True})
    assert run.rc == 0, run
    with open(csv_path, newline="") as stream:
        names = sorted(row["user_name"] for row in csv.DictReader(stream))
    assert names == sorted(["'=1+2", "'@risky", "'-x", "'+y", "fresh"])
