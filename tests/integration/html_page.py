# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTML report read back with the standard library's parser: a small tree of elements, and the
summary, chart bars and table rows of the report (plugins/filter/report_html.py)."""

from html.parser import HTMLParser

# Elements without an end tag.
VOID = ("meta", "link", "br", "img", "input")


class Node:
    """An element: tag, attributes, child elements, and its parts (text and child elements in order)."""

    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent, self.children, self.parts = tag, dict(attrs), parent, [], []

    def text(self):
        return "".join(part if isinstance(part, str) else part.text() for part in self.parts)

    def find_all(self, tag, **attrs):
        """Descendants with this tag and these attribute values; data_key=... matches data-key."""
        found = []
        for child in self.children:
            if child.tag == tag and all(child.attrs.get(name.replace("_", "-")) == value for name, value in attrs.items()):
                found.append(child)
            found.extend(child.find_all(tag, **attrs))
        return found

    def find(self, tag, **attrs):
        """The one descendant find_all() finds (fails on none or several)."""
        [found] = self.find_all(tag, **attrs)
        return found


class Page(HTMLParser):
    """The page as a tree of Nodes; fails on an end tag that closes something else than the open element."""

    def __init__(self, markup):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#document", {})
        self.doctype = None
        self.feed(markup)
        self.close()
        assert self.current is self.root, "unclosed <{0}>".format(self.current.tag)

    def handle_decl(self, decl):
        self.doctype = decl

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        self.current.parts.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag):
        assert tag == self.current.tag, "</{0}> closes <{1}>".format(tag, self.current.tag)
        self.current = self.current.parent

    def handle_data(self, data):
        self.current.parts.append(data)


def summary_numbers(root):
    """{data-key: number} of the summary."""
    return {dd.attrs["data-key"]: int(dd.text()) for dd in root.find("section", id="summary").find_all("dd")}


def chart_bars(root, chart_id):
    """(label, value) of each bar of a chart, from its data attributes."""
    return [(drawn.attrs["data-label"], int(drawn.attrs["data-value"])) for drawn in root.find("figure", id=chart_id).find_all("g", **{"class": "bar"})]


def table_rows(root):
    """The text of each cell of each row of the users' table."""
    return [[cell.text() for cell in row.find_all("td")] for row in root.find("table").find("tbody").find_all("tr")]
