# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import hashlib

import pytest
from html_page import Page, chart_bars, summary_numbers, table_rows

from ansible_collections.cloudsec.aged_keys.plugins.filter import report_html as html_filter


def user(name="build-bot", host="account-a", account_id="111122223333", compliance="NON_COMPLIANT", **fields):
    """A user of the report, as config_rule_compliance_info returns it with the host and account report() adds."""
    return dict({"host": host, "account_id": account_id, "resource_id": "AIDA" + (name or "X").upper()[:8], "user_name": name,
                 "compliance": compliance, "result_recorded_time": "2026-01-02T03:04:05+00:00", "remediation": None,
                 "exception": None, "exempt": False, "notification": None}, **fields)


def notified(*keys, event="aged-access-key", ages=None, **fields):
    """The runbook's latest run named these keys, with these ages in days (unknown without them: an earlier runbook)."""
    return dict({"event": event, "aged_keys": list(keys), "deactivated_keys": [], "deactivation_date": None,
                 "exempt_until": None, "next_reminder": None,
                 "aged_key_ages": [{"access_key_id": key, "created": "2025-01-01T00:00:00Z", "age_days": age} for key, age in zip(keys, ages or [])]},
                **fields)


def account(host, account_id, compliant=0, non_compliant=0, exists=True, max_access_key_age=90):
    return {"host": host, "account_id": account_id, "rule": {"name": "rule", "exists": exists},
            "counts": {"compliant": compliant, "non_compliant": non_compliant}, "max_access_key_age": max_access_key_age}


PAUSE = {"message": "cloudsec.aged_keys reminder: notified", "expiration_time": None, "reminder_pause": True}
REPORT = {
    "accounts": [account("account-a", "111122223333", compliant=4, non_compliant=3),
                 account("account-b", "222233334444", compliant=1, non_compliant=1),
                 account("account-c", "333344445555", exists=False)],
    "users": [
        user("build-bot", remediation={"state": "SUCCEEDED", "error_message": None}, exception=PAUSE,
             notification=notified("AKIA1", "AKIA2", ages=[95, 1000])),
        user("break-glass", exempt=True, exception={"message": "Break-glass user", "expiration_time": None, "reminder_pause": False}),
        user("etl", remediation={"state": "SUCCEEDED", "error_message": None}, exempt=True,
             notification=notified("AKIA3", event="exempt", exempt_until="2026-12-31", ages=[200])),
        # Its latest run was of the runbook before it recorded creation dates.
        user("unlucky", host="account-b", account_id="222233334444", notification=notified("AKIA4"),
             remediation={"state": "FAILED", "error_message": "not authorized to perform: SNS:Publish"}),
    ],
    "unread_accounts": [{"host": "account-d", "account_id": "444455556666"}],
}


def page(data=None, **options):
    return Page(html_filter.report_html(REPORT if data is None else data, **options)).root


def bar_lengths(root, chart_id):
    return [int(drawn.find("rect").attrs["width"]) for drawn in root.find("figure", id=chart_id).find_all("g", **{"class": "bar"})]


# ---------------------------------------------------------------- the page


def test_the_summary_shows_the_report_in_numbers():
    root = page()
    assert summary_numbers(root) == {"accounts": 3, "accounts_without_rule": 1, "unread_accounts": 1, "users": 4,
                                     "non_compliant": 4, "non_compliant_unexempt": 2, "exempt": 2, "compliant": 5}
    assert root.find("p", data_key="unread_accounts").text() == "Accounts whose read failed: account-d"
    assert root.find("p", data_key="accounts_without_rule").text() == "Accounts without the rule: account-c"


def test_the_charts_bars_carry_their_values_and_are_scaled_to_the_largest():
    root = page()
    assert chart_bars(root, "chart-non-compliant") == [("account-a", 3), ("account-b", 1), ("account-c", 0)]
    assert bar_lengths(root, "chart-non-compliant") == [html_filter.BAR_LENGTH, round(html_filter.BAR_LENGTH / 3), 0]
    assert chart_bars(root, "chart-key-ages") == [("90-179", 1), ("180-364", 1), ("365-729", 0), ("730+", 1), ("unknown", 1)]
    assert chart_bars(root, "chart-remediation") == [("SUCCEEDED", 2), ("FAILED", 1), ("none", 1)]
    assert chart_bars(root, "chart-exemption") == [("not exempt", 1), ("reminder pause", 1), ("exempt by tag", 1),
                                                   ("exempt by exception", 1)]


def key_ages_note(root):
    return root.find("figure", id="chart-key-ages").find("p").text()


def test_the_key_age_chart_says_what_the_ages_are_and_what_it_cannot_count():
    note = key_ages_note(page())
    assert note == (
        "Age at report time: days since the key's creation when the report read its account. Keys older than 90 days "
        "(aged_keys_max_access_key_age) that the runbook's latest run about each non-compliant user named. "
        "Unknown: 1 key named by a run of an earlier runbook version, which did not record creation dates. "
        "Not counted: the keys of 1 non-compliant user no run named (remediation exception, failed or pending run).")
    assert page().find("figure", id="chart-key-ages").find("figcaption").text() == "Ages of aged access keys, in days at report time"


def test_the_key_age_chart_starts_at_the_smallest_limit_and_names_the_others():
    data = {"accounts": [account("account-a", "1", max_access_key_age=120), account("account-b", "2", max_access_key_age=60)],
            "users": [user(notification=notified("AKIA1", ages=[61]))]}
    root = page(data)
    assert chart_bars(root, "chart-key-ages") == [("60-179", 1), ("180-364", 0), ("365-729", 0), ("730+", 0)]
    note = key_ages_note(root)
    assert "Keys older than 60 days (aged_keys_max_access_key_age; the accounts' limits differ: 60, 120)" in note
    assert "Unknown" not in note and "Not counted" not in note


def test_a_bar_shows_its_value_and_its_full_label_in_a_tooltip():
    [first] = page().find("figure", id="chart-non-compliant").find_all("g", data_label="account-a")
    assert [text.text() for text in first.find_all("text")] == ["account-a", "3"]
    assert first.find("title").text() == "account-a: 3"


def test_charts_by_account_show_the_accounts_with_the_most():
    accounts = [account("account-{0:02}".format(number), str(number), non_compliant=number) for number in range(30)]
    root = page({"accounts": accounts, "users": []})
    bars = chart_bars(root, "chart-non-compliant")
    assert len(bars) == html_filter.MOST_ACCOUNTS and bars[0] == ("account-29", 29) and bars[-1] == ("account-05", 5)
    assert root.find("figure", id="chart-non-compliant").find("p").text() == "The 25 accounts with the most; 5 more not shown."


def test_the_table_has_a_row_per_user_and_highlights_the_unexempt():
    root = page()
    headings = [th.text() for th in root.find("table").find_all("th")]
    assert headings == [heading for heading, field in html_filter.TABLE_COLUMNS]
    assert table_rows(root) == [
        ["111122223333", "account-a", "build-bot", "NON_COMPLIANT", "no", "SUCCEEDED", "", "notified", "AKIA1 AKIA2", "1000",
         "cloudsec.aged_keys reminder: notified"],
        ["111122223333", "account-a", "break-glass", "NON_COMPLIANT", "yes", "-", "", "-", "", "", "Break-glass user"],
        ["111122223333", "account-a", "etl", "NON_COMPLIANT", "yes", "SUCCEEDED", "", "exempt until 2026-12-31", "AKIA3", "200", ""],
        ["222233334444", "account-b", "unlucky", "NON_COMPLIANT", "no", "FAILED", "not authorized to perform: SNS:Publish",
         "notified", "AKIA4", "unknown", ""],
    ]
    highlighted = [row.find_all("td")[2].text() for row in root.find("tbody").find_all("tr", **{"class": "unexempt"})]
    assert highlighted == ["build-bot", "unlucky"]


def test_a_user_aws_config_could_not_name_is_listed_by_its_resource_id():
    root = page({"accounts": [], "users": [user(None, resource_id="AIDAUNNAMED")]})
    assert table_rows(root)[0][2] == "AIDAUNNAMED"


HOSTILE = '<script>alert("x")</script>&amp;\'"<img src=x onerror=alert(1)>'


def test_hostile_names_and_messages_are_text_not_markup():
    data = {
        "accounts": [account(HOSTILE, "111122223333", non_compliant=1)],
        "users": [user(HOSTILE, host=HOSTILE, notification=notified("AKIA1"), exempt=True,
                       remediation={"state": HOSTILE, "error_message": HOSTILE},
                       exception={"message": HOSTILE, "expiration_time": None, "reminder_pause": False})],
        "unread_accounts": [{"host": HOSTILE, "account_id": "2"}],
    }
    markup = html_filter.report_html(data, generated_at=HOSTILE)
    root = Page(markup).root

    assert len(root.find_all("script")) == 1 and not root.find_all("img")
    [row] = table_rows(root)
    assert row[1] == row[2] == row[5] == row[6] == row[10] == HOSTILE
    assert chart_bars(root, "chart-non-compliant") == [(HOSTILE, 1)]
    assert chart_bars(root, "chart-remediation") == [(HOSTILE, 1)]
    assert root.find("p", data_key="unread_accounts").text() == "Accounts whose read failed: " + HOSTILE
    assert root.find("p", **{"class": "generated"}).text() == "Generated " + HOSTILE
    assert HOSTILE not in markup and "<img" not in markup


def test_the_page_loads_nothing_and_allows_only_its_own_script():
    markup = html_filter.report_html(REPORT)
    root = Page(markup).root
    policy = root.find("meta", http_equiv="Content-Security-Policy").attrs["content"]
    [script] = root.find_all("script")
    digest = base64.b64encode(hashlib.sha256(script.text().encode("utf-8")).digest()).decode("ascii")

    assert policy == "default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{0}'".format(digest)
    assert "src" not in script.attrs
    assert not [node for tag in ("link", "img", "iframe", "object") for node in root.find_all(tag)]
    assert "http://" not in markup.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in markup


def test_the_page_is_a_complete_document():
    parsed = Page(html_filter.report_html(REPORT, generated_at="2026-11-29 07:00 UTC"))
    assert parsed.doctype == "DOCTYPE html"
    assert parsed.root.find("html").attrs == {"lang": "en"}
    assert parsed.root.find("meta", charset="utf-8")
    assert parsed.root.find("p", **{"class": "generated"}).text() == "Generated 2026-11-29 07:00 UTC"


@pytest.mark.parametrize("data", [{"accounts": [], "users": []}, {}])
def test_an_empty_report_is_a_page_of_zeros_and_empty_charts(data):
    root = page(data)
    assert set(summary_numbers(root).values()) == {0}
    assert not root.find_all("p", data_key="unread_accounts") and not root.find_all("p", **{"class": "generated"})
    for figure in root.find("section", id="charts").find_all("figure"):
        assert not figure.find_all("g") and figure.find("svg").find("text").text() == "Nothing to show"
    assert not root.find_all("table") and "No users to list." in root.find("section", id="users").text()


def test_the_filter_is_offered_under_its_documented_name():
    assert html_filter.FilterModule().filters() == {"report_html": html_filter.report_html}
