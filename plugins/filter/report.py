# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Filters that turn the target accounts' compliance reads into the compliance report.

``report`` gathers what ``target_account``'s ``report`` entry point registered on every host
(the JSON report); ``report_rows`` flattens its users into one row each; ``report_table`` and
``report_csv`` print those rows; ``report_summary`` counts them (report_html.py draws the HTML
report from it). Their documentation is in the YAML files beside this one.

Key ages are the ones config_rule_compliance_info counted when it read the account: the report's
time, not the time of the runbook's run.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import csv
from collections.abc import Mapping
from io import StringIO

from ansible.errors import AnsibleFilterError

from ansible_collections.cloudsec.aged_keys.plugins.module_utils.constants import MAX_ACCESS_KEY_AGE_DEFAULT

# What target_account's report entry point registers on each host.
RESULT_VAR = "target_account_report"
# The account's limit of key age (the rule's maxAccessKeyAge), as the rollout sets it.
MAX_AGE_VAR = "aged_keys_max_access_key_age"

# Buckets of the key-age histogram: the first starts at the accounts' limit (the smallest, where they
# differ), the others at these ages in days (half a year, a year, two years) above it.
AGE_BUCKET_STARTS = (180, 365, 730)
UNKNOWN_AGE = "unknown"

# Console table: account, user, compliance, age of the oldest aged key, remediation, notification, exception.
TABLE_LINE = "{0:<12}  {1:<32}  {2:<13}  {3:<10}  {4:<11}  {5:<48}  {6}"
TABLE_HEADER = ("ACCOUNT", "USER", "COMPLIANCE", "OLDEST KEY", "REMEDIATION", "NOTIFICATION", "EXCEPTION")

# CSV columns: who, what the runbook did about them, then AWS Config's remediation and exception.
CSV_FIELDS = (
    "account_id", "host", "user_name", "resource_id", "compliance", "notification_event", "aged_keys",
    "aged_key_ages", "oldest_key_age_days", "deactivation_date", "deactivated_keys", "exempt_until", "next_reminder", "remediation_state",
    "remediation_error", "exception_message", "exception_expiration_time", "result_recorded_time",
)

# A spreadsheet runs a cell starting with one of these as a formula; user names and tags come
# from the accounts, so such a cell gets a leading quote (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text(value):
    """Fields AWS left empty (None or missing) read as empty text in the table and the CSV."""
    return "" if value is None else value


# ---------------------------------------------------------------- the JSON report


def account_result(host_vars):
    """The host's registered read, or None where it did not run or failed (no rule was read)."""
    result = host_vars.get(RESULT_VAR)
    return result if isinstance(result, Mapping) and "rule" in result else None


def max_access_key_age(host, host_vars):
    value = host_vars.get(MAX_AGE_VAR, MAX_ACCESS_KEY_AGE_DEFAULT)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise AnsibleFilterError("{0} of {1} must be a number of days, got '{2}'.".format(MAX_AGE_VAR, host, value))


def report(hosts, hostvars):
    """Accounts (rule, counts, key age limit) and users of the hosts that read their account, and the hosts that did not, by host name."""
    accounts, users, unread = [], [], []
    for host in sorted(hosts):
        result = account_result(hostvars[host])
        if result is None:
            unread.append({"host": host, "account_id": hostvars[host].get("account_id")})
            continue
        account_id = hostvars[host].get("account_id")
        accounts.append({"host": host, "account_id": account_id, "rule": result["rule"], "counts": result.get("counts"),
                         "max_access_key_age": max_access_key_age(host, hostvars[host])})
        # Users carry their host and account, so that each entry stands on its own in the JSON.
        users.extend(dict(user, host=host, account_id=account_id) for user in result.get("resources") or [])
    return {"accounts": accounts, "users": users, "unread_accounts": unread}


# ---------------------------------------------------------------- rows


def notification_status(notification):
    """What the runbook's latest run did about the user, in a few words; '-' when unknown."""
    note = notification or {}
    event = note.get("event")
    if event == "exempt":
        return "exempt until " + (note.get("exempt_until") or "?")
    if event == "access-key-deactivated":
        return "deactivated " + " ".join(note.get("deactivated_keys") or [])
    if event == "access-key-deactivation-planned":
        # The date alone: the table has no room for the time of day.
        return "notified; deactivation " + (note.get("deactivation_date") or "due")[:10]
    return {"aged-access-key": "notified", "rotated": "rotated"}.get(event, "-")


def key_ages(notification):
    """Ages in days of the aged keys the notification names, None where unknown (a run of an earlier runbook)."""
    note = notification or {}
    known = dict((key["access_key_id"], key.get("age_days")) for key in note.get("aged_key_ages") or [])
    return [known.get(key_id) for key_id in note.get("aged_keys") or []]


def oldest(ages):
    """The largest known age, or None."""
    return max((age for age in ages if age is not None), default=None)


def report_row(user):
    """One flat row for a user of the report: every value is text, except exempt."""
    remediation = user.get("remediation") or {}
    exception = user.get("exception") or {}
    note = user.get("notification") or {}
    ages = key_ages(note)
    return {
        "account_id": text(user.get("account_id")),
        "host": text(user.get("host")),
        "user_name": text(user.get("user_name")),
        "resource_id": text(user.get("resource_id")),
        "compliance": text(user.get("compliance")),
        "result_recorded_time": text(user.get("result_recorded_time")),
        "remediation_state": text(remediation.get("state")),
        "remediation_error": text(remediation.get("error_message")),
        "exception_message": text(exception.get("message")),
        "exception_expiration_time": text(exception.get("expiration_time")),
        "exempt": bool(user.get("exempt")),
        "notification_event": text(note.get("event")),
        "exempt_until": text(note.get("exempt_until")),
        "aged_keys": " ".join(note.get("aged_keys") or []),
        "aged_key_ages": " ".join(UNKNOWN_AGE if age is None else str(age) for age in ages),
        "oldest_key_age_days": str(text(oldest(ages))),
        "deactivated_keys": " ".join(note.get("deactivated_keys") or []),
        "deactivation_date": text(note.get("deactivation_date")),
        "next_reminder": text(note.get("next_reminder")),
        "notification_status": notification_status(user.get("notification")),
    }


def oldest_key_age(row):
    """A row's oldest aged key in days; "unknown" when its keys were named without their ages; empty without aged keys."""
    if row["oldest_key_age_days"] or not row["aged_key_ages"]:
        return row["oldest_key_age_days"]
    return UNKNOWN_AGE


def report_rows(data):
    return [report_row(user) for user in data.get("users") or []]


# ---------------------------------------------------------------- summary


def unexempt(rows):
    """The users the alarm is about: non-compliant and exempt neither by tag nor by exception."""
    return [row for row in rows if row["compliance"] == "NON_COMPLIANT" and not row["exempt"]]


def total(accounts, kind):
    return sum((account.get("counts") or {}).get(kind) or 0 for account in accounts)


def exemption_state(user):
    """Why a user is exempt, or not: a remediation exception wins over the tag; a reminder pause is no exemption."""
    exception = user.get("exception") or {}
    if exception and not exception.get("reminder_pause"):
        return "exempt_by_exception"
    if (user.get("notification") or {}).get("event") == "exempt":
        return "exempt_by_tag"
    return "reminder_pause" if exception else "not_exempt"


def tally(values):
    """{value: how often}, by value."""
    counted = {}
    for value in values:
        counted[value] = counted.get(value, 0) + 1
    return dict(sorted(counted.items()))


def age_limits(accounts):
    """The accounts' limits of key age, smallest first (where the histogram starts); the default without accounts."""
    return sorted(set(account.get("max_access_key_age") or MAX_ACCESS_KEY_AGE_DEFAULT for account in accounts)) or [MAX_ACCESS_KEY_AGE_DEFAULT]


def age_buckets(limit):
    """(label, first day, first day of the next bucket or None) of the histogram, from the limit on."""
    starts = [limit] + [start for start in AGE_BUCKET_STARTS if start > limit]
    ends = starts[1:] + [None]
    return [("{0}+".format(start) if end is None else "{0}-{1}".format(start, end - 1), start, end) for start, end in zip(starts, ends)]


def key_age_histogram(accounts, non_compliant):
    """Aged keys of the non-compliant users per age bucket; keys younger than the limit (it was raised since the run)
    under "under <limit>" only when there are any; keys of unknown age under "unknown"."""
    limit = age_limits(accounts)[0]
    buckets = age_buckets(limit)
    counted = dict((label, 0) for label, start, end in buckets)
    counted[UNKNOWN_AGE] = 0
    for user in non_compliant:
        for age in key_ages(user.get("notification")):
            if age is None:
                label = UNKNOWN_AGE
            elif age < limit:
                label = "under {0}".format(limit)
            else:
                label = next(label for label, start, end in buckets if end is None or age < end)
            counted[label] = counted.get(label, 0) + 1
    return counted


def report_summary(data):
    """The report in numbers: accounts, users, and the non-compliant users' remediation and exemption states."""
    accounts, users = data.get("accounts") or [], data.get("users") or []
    non_compliant = [user for user in users if user.get("compliance") == "NON_COMPLIANT"]
    return {
        "accounts": len(accounts),
        "accounts_without_rule": [account["host"] for account in accounts if not (account.get("rule") or {}).get("exists")],
        "unread_accounts": [account["host"] for account in data.get("unread_accounts") or []],
        "users": len(users),
        "compliant": total(accounts, "compliant"),
        "non_compliant": total(accounts, "non_compliant"),
        "non_compliant_unexempt": len(unexempt(report_rows(data))),
        "exempt": len([user for user in non_compliant if user.get("exempt")]),
        "remediation_states": tally((user.get("remediation") or {}).get("state") or "none" for user in non_compliant),
        "exemption_states": tally(exemption_state(user) for user in non_compliant),
        "aged_key_ages": key_age_histogram(accounts, non_compliant),
    }


# ---------------------------------------------------------------- table


def summary_line(summary):
    return "{0} accounts reported; {1} non-compliant users ({2} not exempt), {3} compliant; accounts without the rule: {4}".format(
        summary["accounts"], summary["non_compliant"], summary["non_compliant_unexempt"], summary["compliant"],
        ", ".join(summary["accounts_without_rule"]) or "none")


def table_line(row):
    # A user AWS Config could not name is shown by its resource id.
    age = oldest_key_age(row)
    return TABLE_LINE.format(row["account_id"], row["user_name"] or row["resource_id"], row["compliance"],
                             age + " days" if row["oldest_key_age_days"] else age or "-",
                             row["remediation_state"] or "-", row["notification_status"], row["exception_message"] or "-")


def report_table(data):
    rows = report_rows(data)
    return [summary_line(report_summary(data)), TABLE_LINE.format(*TABLE_HEADER)] + [table_line(row) for row in rows]


# ---------------------------------------------------------------- CSV


def csv_cell(value):
    cell = str(text(value))
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def report_csv(data):
    """A header line, then one line per user with every cell quoted; lines end with a newline."""
    stream = StringIO()
    stream.write(",".join(CSV_FIELDS) + "\n")
    writer = csv.writer(stream, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerows([csv_cell(row[field]) for field in CSV_FIELDS] for row in report_rows(data))
    return stream.getvalue()


class FilterModule(object):
    def filters(self):
        return {
            "report": report,
            "report_rows": report_rows,
            "report_table": report_table,
            "report_csv": report_csv,
            "report_summary": report_summary,
        }
