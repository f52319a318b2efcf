# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The compliance report as one self-contained HTML page (filter ``report_html``).

A summary, bar charts drawn as inline SVG, and a table of users that a small inline script sorts
by any column. The page loads nothing: its Content-Security-Policy allows only its own style and
its own script (by hash). Every value that comes from the accounts (user names, exception
messages, error messages, host names) is escaped. Documentation: report_html.yml beside this file.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import hashlib
from html import escape

from ansible_collections.cloudsec.aged_keys.plugins.filter.report import UNKNOWN_AGE
from ansible_collections.cloudsec.aged_keys.plugins.filter.report import age_limits
from ansible_collections.cloudsec.aged_keys.plugins.filter.report import oldest_key_age
from ansible_collections.cloudsec.aged_keys.plugins.filter.report import report_rows
from ansible_collections.cloudsec.aged_keys.plugins.filter.report import report_summary

TITLE = "Aged IAM access keys"

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; margin: 1.5rem; color: #1f2328; }
h1 { margin-bottom: 0.2rem; }
.generated, .note { color: #59636e; font-size: 0.9rem; }
.summary { display: flex; flex-wrap: wrap; gap: 0.75rem; padding: 0; }
.summary div { border: 1px solid #d1d9e0; border-radius: 6px; padding: 0.5rem 0.9rem; min-width: 9rem; }
.summary dt { color: #59636e; font-size: 0.85rem; }
.summary dd { margin: 0; font-size: 1.5rem; font-weight: 600; }
.charts { display: flex; flex-wrap: wrap; gap: 1.5rem; }
.chart { margin: 0; }
.chart .note { max-width: 560px; }
.chart figcaption { font-weight: 600; margin-bottom: 0.3rem; }
.chart text { font-size: 12px; fill: #1f2328; }
.chart rect { fill: #0969da; }
table { border-collapse: collapse; font-size: 0.9rem; }
th, td { border: 1px solid #d1d9e0; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; cursor: pointer; user-select: none; }
th[aria-sort="ascending"]::after { content: " \\25B2"; }
th[aria-sort="descending"]::after { content: " \\25BC"; }
tr.unexempt td { background: #fff1f0; }
"""

# Sorts the users' table by the clicked column, again in the other direction.
SORT_SCRIPT = """
document.querySelectorAll("table.users th").forEach(function (header) {
  header.addEventListener("click", function () {
    var table = header.closest("table"), body = table.tBodies[0], column = header.cellIndex;
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("th").forEach(function (other) { other.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows).sort(function (a, b) {
      var order = a.cells[column].textContent.localeCompare(b.cells[column].textContent, undefined, {numeric: true});
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  });
});
"""

# Bar charts, in pixels: labels left of the bars, values right of them.
LABEL_WIDTH = 190
BAR_LENGTH = 320
VALUE_WIDTH = 50
BAR_HEIGHT = 18
BAR_GAP = 6
LABEL_CHARS = 28
# Charts by account show the accounts with the most; the rest are counted in a note.
MOST_ACCOUNTS = 25

REMEDIATION_ORDER = ("SUCCEEDED", "FAILED", "IN_PROGRESS", "QUEUED", "none")
EXEMPTION_LABELS = {"not_exempt": "not exempt", "reminder_pause": "reminder pause", "exempt_by_tag": "exempt by tag",
                    "exempt_by_exception": "exempt by exception"}

# (summary key, label) of the numbers at the top of the page.
SUMMARY_NUMBERS = (
    ("accounts", "Accounts read"),
    ("accounts_without_rule", "Accounts without the rule"),
    ("unread_accounts", "Accounts whose read failed"),
    ("users", "Users listed"),
    ("non_compliant", "Non-compliant users"),
    ("non_compliant_unexempt", "Not exempt"),
    ("exempt", "Exempt"),
    ("compliant", "Compliant users"),
)
# (heading, field of report_rows) of the users' table.
TABLE_COLUMNS = (
    ("Account", "account_id"), ("Host", "host"), ("User", "user"), ("Compliance", "compliance"), ("Exempt", "exempt"),
    ("Remediation", "remediation_state"), ("Remediation error", "remediation_error"),
    ("Notification", "notification_status"), ("Aged keys", "aged_keys"), ("Oldest key age (days)", "oldest_key_age"),
    ("Exception", "exception_message"),
)


# ---------------------------------------------------------------- markup


def start_tag(name, attributes=None):
    """A start tag; attribute values are escaped here."""
    attrs = "".join(' {0}="{1}"'.format(key, escape(str(value), quote=True)) for key, value in (attributes or {}).items())
    return "<{0}{1}>".format(name, attrs)


def tag(name, content="", attributes=None):
    """An element; its content is markup already."""
    return "{0}{1}</{2}>".format(start_tag(name, attributes), content, name)


def script_hash(script):
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")


def content_security_policy():
    return "default-src 'none'; style-src 'unsafe-inline'; script-src '{0}'".format(script_hash(SORT_SCRIPT))


# ---------------------------------------------------------------- summary


def summary_value(value):
    """A number, or the length of a list of hosts."""
    return len(value) if isinstance(value, list) else value


def host_list(title, hosts, key):
    if not hosts:
        return ""
    return tag("p", escape(title) + ": " + ", ".join(escape(host) for host in hosts), {"class": "hosts", "data-key": key})


def summary_section(summary):
    numbers = "".join(tag("div", tag("dt", escape(label)) + tag("dd", str(summary_value(summary[key])), {"data-key": key}))
                      for key, label in SUMMARY_NUMBERS)
    return tag("section", tag("h2", "Summary") + tag("dl", numbers, {"class": "summary"})
               + host_list("Accounts whose read failed", summary["unread_accounts"], "unread_accounts")
               + host_list("Accounts without the rule", summary["accounts_without_rule"], "accounts_without_rule"),
               {"id": "summary"})


# ---------------------------------------------------------------- charts


def short(label):
    return label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1] + "\u2026"


def chart_bar(index, label, value, largest):
    """One bar of a chart; its full label and value in a tooltip and in data attributes."""
    top = BAR_GAP + index * (BAR_HEIGHT + BAR_GAP)
    length = round(BAR_LENGTH * value / largest) if largest else 0
    baseline = top + BAR_HEIGHT - 5
    return tag("g", "".join((
        tag("title", escape("{0}: {1}".format(label, value))),
        tag("text", escape(short(label)), {"x": LABEL_WIDTH - 6, "y": baseline, "text-anchor": "end"}),
        tag("rect", "", {"x": LABEL_WIDTH, "y": top, "width": length, "height": BAR_HEIGHT}),
        tag("text", str(value), {"x": LABEL_WIDTH + length + 4, "y": baseline}),
    )), {"class": "bar", "data-label": label, "data-value": value})


def bar_chart(chart_id, title, bars, note=""):
    """A horizontal bar chart of (label, value) pairs, scaled to the largest value."""
    width = LABEL_WIDTH + BAR_LENGTH + VALUE_WIDTH
    if bars:
        largest = max(value for label, value in bars)
        height = BAR_GAP + len(bars) * (BAR_HEIGHT + BAR_GAP)
        content = "".join(chart_bar(index, label, value, largest) for index, (label, value) in enumerate(bars))
    else:
        height = BAR_HEIGHT + 2 * BAR_GAP
        content = tag("text", "Nothing to show", {"x": 0, "y": BAR_HEIGHT})
    svg = tag("svg", content, {"xmlns": "http://www.w3.org/2000/svg", "role": "img", "aria-label": title,
                               "width": width, "height": height, "viewBox": "0 0 {0} {1}".format(width, height)})
    return tag("figure", tag("figcaption", escape(title)) + svg + (tag("p", escape(note), {"class": "note"}) if note else ""),
               {"class": "chart", "id": chart_id})


def most(counts):
    """The accounts with the most, largest first; a note counts the ones left out."""
    ordered = sorted(counts, key=lambda item: (-item[1], item[0]))
    left_out = len(ordered) - MOST_ACCOUNTS
    note = "The {0} accounts with the most; {1} more not shown.".format(MOST_ACCOUNTS, left_out) if left_out > 0 else ""
    return ordered[:MOST_ACCOUNTS], note


def in_order(counted, order, labels=None):
    """(label, count) pairs in the given order of keys, then any other key, without the zero ones."""
    keys = [key for key in order if counted.get(key)] + sorted(key for key in counted if key not in order)
    return [((labels or {}).get(key, key), counted[key]) for key in keys]


def non_compliant_chart(data):
    counts = [(account["host"], (account.get("counts") or {}).get("non_compliant") or 0) for account in data.get("accounts") or []]
    bars, note = most(counts)
    return bar_chart("chart-non-compliant", "Non-compliant users per account", bars, note)


def key_ages_note(data, histogram):
    """What the ages are, where the first bucket starts, and what the chart cannot count."""
    limits = age_limits(data.get("accounts") or [])
    sentences = [
        "Age at report time: days since the key's creation when the report read its account. Keys older than {0} days "
        "(aged_keys_max_access_key_age{1}) that the runbook's latest run about each non-compliant user named.".format(
            limits[0], "; the accounts' limits differ: " + ", ".join(str(limit) for limit in limits) if len(limits) > 1 else ""),
    ]
    if histogram[UNKNOWN_AGE]:
        sentences.append("Unknown: {0} named by a run of an earlier runbook version, which did not record creation dates."
                         .format(counted(histogram[UNKNOWN_AGE], "key")))
    unnamed = [user for user in data.get("users") or [] if user.get("compliance") == "NON_COMPLIANT" and not user.get("notification")]
    if unnamed:
        sentences.append("Not counted: the keys of {0} no run named (remediation exception, failed or pending run).".format(
            counted(len(unnamed), "non-compliant user")))
    return " ".join(sentences)


def counted(count, noun):
    """"1 key", "2 keys"."""
    return "{0} {1}{2}".format(count, noun, "" if count == 1 else "s")


def key_ages_chart(data, summary):
    """The histogram of the aged keys' ages; the bucket of unknown ages only when it has keys."""
    histogram = summary["aged_key_ages"]
    bars = [(label, count) for label, count in histogram.items() if label != UNKNOWN_AGE or count] if any(histogram.values()) else []
    return bar_chart("chart-key-ages", "Ages of aged access keys, in days at report time", bars, key_ages_note(data, histogram))


def charts_section(data, summary):
    return tag("section", tag("h2", "Charts") + tag("div", "".join((
        non_compliant_chart(data),
        key_ages_chart(data, summary),
        bar_chart("chart-remediation", "Remediation of non-compliant users", in_order(summary["remediation_states"], REMEDIATION_ORDER)),
        bar_chart("chart-exemption", "Exemption of non-compliant users", in_order(summary["exemption_states"], EXEMPTION_LABELS, EXEMPTION_LABELS)),
    )), {"class": "charts"}), {"id": "charts"})


# ---------------------------------------------------------------- users


def table_cells(row):
    """The row's cells in column order: the user by its resource id when AWS Config could not name it."""
    values = dict(row, user=row["user_name"] or row["resource_id"], exempt="yes" if row["exempt"] else "no",
                  remediation_state=row["remediation_state"] or "-", oldest_key_age=oldest_key_age(row))
    return [values[field] for heading, field in TABLE_COLUMNS]


def table_row(row):
    unexempt = row["compliance"] == "NON_COMPLIANT" and not row["exempt"]
    return tag("tr", "".join(tag("td", escape(value)) for value in table_cells(row)), {"class": "unexempt"} if unexempt else None)


def users_section(rows):
    header = tag("thead", tag("tr", "".join(tag("th", escape(heading), {"scope": "col", "title": "Sort"}) for heading, field in TABLE_COLUMNS)))
    body = tag("tbody", "".join(table_row(row) for row in rows))
    note = tag("p", "Click a heading to sort. Non-compliant users that are not exempt are highlighted.", {"class": "note"})
    table = tag("table", header + body, {"class": "users"}) if rows else tag("p", "No users to list.", {"class": "note"})
    return tag("section", tag("h2", "Users") + (note if rows else "") + table, {"id": "users"})


# ---------------------------------------------------------------- page


def report_html(data, generated_at=None):
    """The whole page, from a report of the report filter."""
    summary = report_summary(data)
    head = "".join((
        start_tag("meta", {"charset": "utf-8"}),
        start_tag("meta", {"http-equiv": "Content-Security-Policy", "content": content_security_policy()}),
        start_tag("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}),
        tag("title", escape(TITLE)),
        tag("style", STYLE),
    ))
    generated = tag("p", "Generated " + escape(generated_at), {"class": "generated"}) if generated_at else ""
    body = "".join((
        tag("h1", escape(TITLE)), generated, summary_section(summary), charts_section(data, summary),
        users_section(report_rows(data)), tag("script", SORT_SCRIPT),
    ))
    return "<!DOCTYPE html>\n" + tag("html", tag("head", head) + tag("body", body), {"lang": "en"}) + "\n"


class FilterModule(object):
    def filters(self):
        return {"report_html": report_html}
