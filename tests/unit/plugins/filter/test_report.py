# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import csv
import io

import pytest

from ansible_collections.cloudsec.aged_keys.plugins.filter import report as filters


def user(name="build-bot", resource_id="AIDA1", compliance="NON_COMPLIANT", exempt=False, **fields):
    """A user as config_rule_compliance_info returns it, with the host and account report() adds."""
    return dict({"host": "account-a", "account_id": "111122223333", "resource_id": resource_id, "user_name": name,
                 "compliance": compliance, "result_recorded_time": "2026-01-02T03:04:05+00:00", "remediation": None,
                 "exception": None, "exempt": exempt, "notification": None}, **fields)


def notification(event, **fields):
    return dict({"event": event, "aged_keys": [], "deactivated_keys": [], "deactivation_date": None,
                 "exempt_until": None, "next_reminder": None}, **fields)


def account(host, exists=True, compliant=0, non_compliant=0):
    return {"host": host, "account_id": "1" * 12, "rule": {"name": "rule", "exists": exists},
            "counts": {"compliant": compliant, "non_compliant": non_compliant}}


def one_row(**fields):
    [row] = filters.report_rows({"users": [user(**fields)]})
    return row


def csv_lines(users):
    return list(csv.reader(io.StringIO(filters.report_csv({"accounts": [], "users": users}), newline="")))


# ---------------------------------------------------------------- report


def registered(resources, exists=True):
    return {"rule": {"name": "rule", "exists": exists}, "counts": {"compliant": 1, "non_compliant": len(resources)},
            "resources": resources, "changed": False}


def test_report_gathers_the_hosts_that_read_their_account_in_host_order():
    hostvars = {
        "b": {"account_id": "222", "target_account_report": registered([{"resource_id": "AIDA2", "user_name": "x"}])},
        "a": {"account_id": "111", "target_account_report": registered([], exists=False)},
        # Not reached (credentials failed), or the read itself failed: left out.
        "c": {"account_id": "333"},
        "d": {"account_id": "444", "target_account_report": {"failed": True, "msg": "AccessDenied"}},
    }

    result = filters.report(["d", "b", "c", "a"], hostvars)

    assert result == {
        "accounts": [{"host": "a", "account_id": "111", "rule": {"name": "rule", "exists": False}, "counts": {"compliant": 1, "non_compliant": 0}},
                     {"host": "b", "account_id": "222", "rule": {"name": "rule", "exists": True}, "counts": {"compliant": 1, "non_compliant": 1}}],
        "users": [{"resource_id": "AIDA2", "user_name": "x", "host": "b", "account_id": "222"}],
        "unread_accounts": [{"host": "c", "account_id": "333"}, {"host": "d", "account_id": "444"}],
    }


def test_report_leaves_the_registered_results_unchanged():
    resource = {"resource_id": "AIDA2"}
    filters.report(["b"], {"b": {"account_id": "222", "target_account_report": registered([resource])}})
    assert resource == {"resource_id": "AIDA2"}


# ---------------------------------------------------------------- rows


@pytest.mark.parametrize("note, status", [
    (notification("aged-access-key", aged_keys=["AKIA1"]), "notified"),
    (notification("access-key-deactivation-planned", deactivation_date="2026-03-04T05:06:07+00:00"), "notified; deactivation 2026-03-04"),
    (notification("access-key-deactivation-planned"), "notified; deactivation due"),
    (notification("access-key-deactivated", deactivated_keys=["AKIA1", "AKIA2"]), "deactivated AKIA1 AKIA2"),
    (notification("exempt", exempt_until="2026-12-31"), "exempt until 2026-12-31"),
    (notification("exempt"), "exempt until ?"),
    (notification("rotated"), "rotated"),
    (notification("something-newer"), "-"),
    ({"event": None}, "-"),
    (None, "-"),
])
def test_each_notification_reads_as_a_few_words(note, status):
    assert one_row(notification=note)["notification_status"] == status


def test_a_row_flattens_the_remediation_exception_and_notification():
    row = one_row(
        remediation={"state": "FAILED", "last_updated": "t", "error_message": "not authorized: SNS:Publish"},
        exception={"message": "Leaves on Friday", "expiration_time": "2026-02-01T00:00:00+00:00", "reminder_pause": False},
        exempt=True,
        notification=notification("aged-access-key", aged_keys=["AKIA1", "AKIA2"], next_reminder="2026-01-09T00:00:00+00:00"))

    assert row == {
        "account_id": "111122223333", "host": "account-a", "user_name": "build-bot", "resource_id": "AIDA1",
        "compliance": "NON_COMPLIANT", "result_recorded_time": "2026-01-02T03:04:05+00:00",
        "remediation_state": "FAILED", "remediation_error": "not authorized: SNS:Publish",
        "exception_message": "Leaves on Friday", "exception_expiration_time": "2026-02-01T00:00:00+00:00", "exempt": True,
        "notification_event": "aged-access-key", "exempt_until": "", "aged_keys": "AKIA1 AKIA2", "deactivated_keys": "",
        "deactivation_date": "", "next_reminder": "2026-01-09T00:00:00+00:00", "notification_status": "notified",
    }


def test_fields_aws_left_empty_are_empty_text():
    row = one_row(name=None, result_recorded_time=None, remediation={"state": "QUEUED", "error_message": None},
                  exception={"message": None, "expiration_time": None})
    assert {key for key, value in row.items() if value == ""} == {
        "user_name", "result_recorded_time", "remediation_error", "exception_message", "exception_expiration_time",
        "notification_event", "exempt_until", "aged_keys", "deactivated_keys", "deactivation_date", "next_reminder"}


def test_missing_fields_are_empty_text_too():
    row = filters.report_rows({"users": [{"resource_id": "AIDA1", "notification": {"event": "exempt"}}]})[0]
    assert row["exempt"] is False and row["notification_status"] == "exempt until ?"
    assert all(value == "" for key, value in row.items() if key not in ("resource_id", "exempt", "notification_event", "notification_status"))


def test_no_users_no_rows():
    assert filters.report_rows({"accounts": [], "users": []}) == []


# ---------------------------------------------------------------- summary


def test_the_summary_counts_accounts_users_and_the_states_of_non_compliant_users():
    data = {
        "accounts": [account("account-a", compliant=3, non_compliant=5), account("account-b", exists=False)],
        "users": [
            user(remediation={"state": "SUCCEEDED"}, exception={"message": "cloudsec.aged_keys reminder: notified", "reminder_pause": True}),
            user(remediation={"state": "FAILED"}, exception={"message": "Leaves on Friday", "reminder_pause": False}, exempt=True),
            user(remediation={"state": "SUCCEEDED"}, notification=notification("exempt", exempt_until="2026-12-31"), exempt=True),
            user(remediation={"state": None}),
            user(),
            user(name="fresh", compliance="COMPLIANT", exception={"message": "Not counted", "reminder_pause": False}, exempt=True),
        ],
        "unread_accounts": [{"host": "account-c", "account_id": "333"}],
    }

    assert filters.report_summary(data) == {
        "accounts": 2, "accounts_without_rule": ["account-b"], "unread_accounts": ["account-c"], "users": 6,
        "compliant": 3, "non_compliant": 5, "non_compliant_unexempt": 3, "exempt": 2,
        "remediation_states": {"FAILED": 1, "SUCCEEDED": 2, "none": 2},
        "exemption_states": {"exempt_by_exception": 1, "exempt_by_tag": 1, "not_exempt": 2, "reminder_pause": 1},
    }


def test_the_summary_of_an_empty_report_or_one_from_before_unread_accounts_were_listed():
    assert filters.report_summary({"accounts": [], "users": []}) == {
        "accounts": 0, "accounts_without_rule": [], "unread_accounts": [], "users": 0, "compliant": 0, "non_compliant": 0,
        "non_compliant_unexempt": 0, "exempt": 0, "remediation_states": {}, "exemption_states": {}}


# ---------------------------------------------------------------- table


def test_the_table_has_a_summary_a_header_and_a_line_per_user():
    data = {
        "accounts": [account("account-a", compliant=3, non_compliant=3), account("account-b", exists=False),
                     account("account-c", exists=False, compliant=1)],
        "users": [
            user(remediation={"state": "SUCCEEDED", "error_message": None}, notification=notification("aged-access-key")),
            user(name=None, resource_id="AIDA2", exception={"message": "cloudsec.aged_keys reminder: notified"}),
            user(name="break-glass", exempt=True, exception={"message": "Break-glass"}),
            user(name="fresh", compliance="COMPLIANT", notification=notification("rotated")),
        ],
    }

    assert filters.report_table(data) == [
        "3 accounts reported; 3 non-compliant users (2 not exempt), 4 compliant; accounts without the rule: account-b, account-c",
        "ACCOUNT       USER                              COMPLIANCE     REMEDIATION  NOTIFICATION                                      EXCEPTION",
        "111122223333  build-bot                         NON_COMPLIANT  SUCCEEDED    notified                                          -",
        "111122223333  AIDA2                             NON_COMPLIANT  -            -                                                 "
        "cloudsec.aged_keys reminder: notified",
        "111122223333  break-glass                       NON_COMPLIANT  -            -                                                 Break-glass",
        "111122223333  fresh                             COMPLIANT      -            rotated                                           -",
    ]


def test_the_summary_of_an_empty_run():
    assert filters.report_table({"accounts": [], "users": []})[0] == (
        "0 accounts reported; 0 non-compliant users (0 not exempt), 0 compliant; accounts without the rule: none")


# ---------------------------------------------------------------- CSV


def test_the_csv_has_a_plain_header_and_quotes_every_cell():
    text = filters.report_csv({"accounts": [], "users": [user(exception={"message": 'said "no", twice'})]})

    header, line = text.split("\n")[:2]
    assert header == ",".join(filters.CSV_FIELDS) and '"' not in header
    assert line.startswith('"111122223333","account-a","build-bot","AIDA1","NON_COMPLIANT",""')
    assert '"said ""no"", twice"' in line
    assert text.endswith('"2026-01-02T03:04:05+00:00"\n')


def test_csv_cells_read_back_as_the_rows():
    users = [user(exception={"message": 'said "no",\nthen yes'}, notification=notification("exempt", exempt_until="2026-12-31"))]
    [header, cells] = csv_lines(users)
    assert dict(zip(header, cells)) == {field: filters.report_rows({"users": users})[0][field] for field in filters.CSV_FIELDS}


@pytest.mark.parametrize("name", ["=1+2", "+y", "-x", "@risky", "\tname", "\rname"])
def test_cells_a_spreadsheet_would_run_as_formulas_start_with_a_quote(name):
    [header, cells] = csv_lines([user(name=name, exception={"message": name})])
    assert cells[header.index("user_name")] == "'" + name
    assert cells[header.index("exception_message")] == "'" + name


@pytest.mark.parametrize("name", ["a=b", "x-1", "mail@example.com", "tab\tinside", ""])
def test_other_cells_are_left_alone(name):
    [header, cells] = csv_lines([user(name=name)])
    assert cells[header.index("user_name")] == name


def test_a_csv_without_users_is_its_header():
    assert filters.report_csv({"accounts": [], "users": []}) == ",".join(filters.CSV_FIELDS) + "\n"


def test_the_filters_are_offered_under_their_documented_names():
    assert sorted(filters.FilterModule().filters()) == ["report", "report_csv", "report_rows", "report_summary", "report_table"]
