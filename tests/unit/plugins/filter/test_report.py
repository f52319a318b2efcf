# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import csv
import io

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.cloudsec.aged_keys.plugins.filter import report as filters
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.constants import MAX_ACCESS_KEY_AGE_DEFAULT


def user(name="build-bot", resource_id="AIDA1", compliance="NON_COMPLIANT", exempt=False, **fields):
    """A user as config_rule_compliance_info returns it, with the host and account report() adds."""
    return dict({"host": "account-a", "account_id": "111122223333", "resource_id": resource_id, "user_name": name,
                 "compliance": compliance, "result_recorded_time": "2026-01-02T03:04:05+00:00", "remediation": None,
                 "exception": None, "exempt": exempt, "notification": None}, **fields)


def notification(event, **fields):
    return dict({"event": event, "aged_keys": [], "deactivated_keys": [], "deactivation_date": None,
                 "exempt_until": None, "next_reminder": None}, **fields)


def account(host, exists=True, compliant=0, non_compliant=0, max_access_key_age=90):
    return {"host": host, "account_id": "1" * 12, "rule": {"name": "rule", "exists": exists},
            "counts": {"compliant": compliant, "non_compliant": non_compliant}, "max_access_key_age": max_access_key_age}


def aged(**ages):
    """A notification naming these aged keys, {key id: age in days or None (unknown)}, as config_rule_compliance_info returns it."""
    return notification("aged-access-key", aged_keys=list(ages), aged_key_ages=[
        {"access_key_id": key_id, "created": None if age is None else "2026-01-01T00:00:00Z", "age_days": age} for key_id, age in ages.items()])


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
        "b": {"account_id": "222", "target_account_report": registered([{"resource_id": "AIDA2", "user_name": "x"}]),
              "aged_keys_max_access_key_age": "45"},
        "a": {"account_id": "111", "target_account_report": registered([], exists=False)},
        # Not reached (credentials failed), or the read itself failed: left out.
        "c": {"account_id": "333"},
        "d": {"account_id": "444", "target_account_report": {"failed": True, "msg": "AccessDenied"}},
    }

    result = filters.report(["d", "b", "c", "a"], hostvars)

    assert result == {
        "accounts": [{"host": "a", "account_id": "111", "rule": {"name": "rule", "exists": False}, "counts": {"compliant": 1, "non_compliant": 0},
                      "max_access_key_age": MAX_ACCESS_KEY_AGE_DEFAULT},
                     {"host": "b", "account_id": "222", "rule": {"name": "rule", "exists": True}, "counts": {"compliant": 1, "non_compliant": 1},
                      "max_access_key_age": 45}],
        "users": [{"resource_id": "AIDA2", "user_name": "x", "host": "b", "account_id": "222"}],
        "unread_accounts": [{"host": "c", "account_id": "333"}, {"host": "d", "account_id": "444"}],
    }


@pytest.mark.parametrize("value", ["ninety", None])
def test_report_refuses_a_limit_that_is_not_a_number_of_days(value):
    hostvars = {"a": {"account_id": "111", "target_account_report": registered([]), "aged_keys_max_access_key_age": value}}
    with pytest.raises(AnsibleFilterError, match="aged_keys_max_access_key_age of a must be a number of days"):
        filters.report(["a"], hostvars)


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
        notification=dict(aged(AKIA1=120, AKIA2=400), next_reminder="2026-01-09T00:00:00+00:00"))

    assert row == {
        "account_id": "111122223333", "host": "account-a", "user_name": "build-bot", "resource_id": "AIDA1",
        "compliance": "NON_COMPLIANT", "result_recorded_time": "2026-01-02T03:04:05+00:00",
        "remediation_state": "FAILED", "remediation_error": "not authorized: SNS:Publish",
        "exception_message": "Leaves on Friday", "exception_expiration_time": "2026-02-01T00:00:00+00:00", "exempt": True,
        "notification_event": "aged-access-key", "exempt_until": "", "aged_keys": "AKIA1 AKIA2", "aged_key_ages": "120 400",
        "oldest_key_age_days": "400", "deactivated_keys": "",
        "deactivation_date": "", "next_reminder": "2026-01-09T00:00:00+00:00", "notification_status": "notified",
    }


def test_fields_aws_left_empty_are_empty_text():
    row = one_row(name=None, result_recorded_time=None, remediation={"state": "QUEUED", "error_message": None},
                  exception={"message": None, "expiration_time": None})
    assert {key for key, value in row.items() if value == ""} == {
        "user_name", "result_recorded_time", "remediation_error", "exception_message", "exception_expiration_time",
        "notification_event", "exempt_until", "aged_keys", "aged_key_ages", "oldest_key_age_days", "deactivated_keys",
        "deactivation_date", "next_reminder"}


@pytest.mark.parametrize("note", [
    # A run of the runbook before it recorded creation dates.
    notification("aged-access-key", aged_keys=["AKIA1", "AKIA2"]),
    aged(AKIA1=None, AKIA2=None),
])
def test_keys_named_without_their_ages_are_of_unknown_age(note):
    row = one_row(notification=note)
    assert (row["aged_keys"], row["aged_key_ages"], row["oldest_key_age_days"]) == ("AKIA1 AKIA2", "unknown unknown", "")
    assert filters.oldest_key_age(row) == "unknown"


def test_the_oldest_key_is_the_oldest_known_one():
    row = one_row(notification=aged(AKIA1=95, AKIA2=None, AKIA3=1200))
    assert (row["aged_key_ages"], row["oldest_key_age_days"], filters.oldest_key_age(row)) == ("95 unknown 1200", "1200", "1200")
    assert filters.oldest_key_age(one_row()) == ""


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
        "aged_key_ages": {"90-179": 0, "180-364": 0, "365-729": 0, "730+": 0, "unknown": 0},
    }


def test_the_summary_of_an_empty_report_or_one_from_before_unread_accounts_were_listed():
    assert filters.report_summary({"accounts": [], "users": []}) == {
        "accounts": 0, "accounts_without_rule": [], "unread_accounts": [], "users": 0, "compliant": 0, "non_compliant": 0,
        "non_compliant_unexempt": 0, "exempt": 0, "remediation_states": {}, "exemption_states": {},
        "aged_key_ages": {"90-179": 0, "180-364": 0, "365-729": 0, "730+": 0, "unknown": 0}}


def test_the_key_age_histogram_counts_the_aged_keys_of_non_compliant_users_by_age():
    data = {
        "accounts": [account("account-a")],
        "users": [
            user(notification=aged(AKIA1=90, AKIA2=179)),
            user(notification=aged(AKIA3=180, AKIA4=364)),
            user(notification=dict(aged(AKIA5=365, AKIA6=729), event="exempt"), exempt=True),
            user(notification=aged(AKIA7=730, AKIA8=5000)),
            # A run of the runbook before it recorded creation dates; a user no run named keys of.
            user(notification=notification("aged-access-key", aged_keys=["AKIA9"])),
            user(),
            # The run named a key; the user has rotated since.
            user(compliance="COMPLIANT", notification=aged(AKIAX=400)),
        ],
    }
    assert filters.report_summary(data)["aged_key_ages"] == {"90-179": 2, "180-364": 2, "365-729": 2, "730+": 2, "unknown": 1}


@pytest.mark.parametrize("limits, buckets", [
    ([90], ["90-179", "180-364", "365-729", "730+"]),
    ([30], ["30-179", "180-364", "365-729", "730+"]),
    ([400], ["400-729", "730+"]),
    ([1000], ["1000+"]),
    # Accounts with different limits: the histogram starts at the smallest.
    ([200, 45], ["45-179", "180-364", "365-729", "730+"]),
    # Accounts from a JSON report without limits.
    ([None], ["90-179", "180-364", "365-729", "730+"]),
])
def test_the_first_bucket_starts_at_the_accounts_limit(limits, buckets):
    data = {"accounts": [account("account-{0}".format(index), max_access_key_age=limit) for index, limit in enumerate(limits)], "users": []}
    assert list(filters.report_summary(data)["aged_key_ages"]) == buckets + ["unknown"]


def test_keys_younger_than_the_limit_have_a_bucket_of_their_own_only_when_there_are_some():
    # The limit was raised after the run that named the key.
    data = {"accounts": [account("account-a", max_access_key_age=120)], "users": [user(notification=aged(AKIA1=100, AKIA2=130))]}
    assert filters.report_summary(data)["aged_key_ages"] == {"120-179": 1, "180-364": 0, "365-729": 0, "730+": 0, "unknown": 0, "under 120": 1}


# ---------------------------------------------------------------- table


def test_the_table_has_a_summary_a_header_and_a_line_per_user():
    data = {
        "accounts": [account("account-a", compliant=3, non_compliant=3), account("account-b", exists=False),
                     account("account-c", exists=False, compliant=1)],
        "users": [
            user(remediation={"state": "SUCCEEDED", "error_message": None}, notification=aged(AKIA1=120, AKIA2=95)),
            user(name=None, resource_id="AIDA2", exception={"message": "cloudsec.aged_keys reminder: notified"},
                 notification=notification("aged-access-key", aged_keys=["AKIA3"])),
            user(name="break-glass", exempt=True, exception={"message": "Break-glass"}),
            user(name="fresh", compliance="COMPLIANT", notification=notification("rotated")),
        ],
    }

    assert filters.report_table(data) == [
        "3 accounts reported; 3 non-compliant users (2 not exempt), 4 compliant; accounts without the rule: account-b, account-c",
        "ACCOUNT       USER                              COMPLIANCE     OLDEST KEY  REMEDIATION  NOTIFICATION                                      EXCEPTION",
        "111122223333  build-bot                         NON_COMPLIANT  120 days    SUCCEEDED    notified                                          -",
        "111122223333  AIDA2                             NON_COMPLIANT  unknown     -            notified                                          "
        "cloudsec.aged_keys reminder: notified",
        "111122223333  break-glass                       NON_COMPLIANT  -           -            -                                                 Break-glass",
        "111122223333  fresh                             COMPLIANT      -           -            rotated                                           -",
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
    users = [user(exception={"message": 'said "no",\nthen yes'}, notification=dict(aged(AKIA1=100, AKIA2=None), event="exempt", exempt_until="2026-12-31"))]
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
