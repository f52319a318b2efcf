#!/usr/bin/env bash
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Builds the collection's docsite into .build/docs (`make docs`; run through tests/release/tools.sh):
# antsibull-docs sphinx-init writes the Sphinx project afresh each time (nothing of it is kept in
# the repository), its build.sh renders every plugin's and role's documentation to RST
# (failing on a documentation error) and Sphinx renders the HTML to .build/docs/build/html.
#
# Offline, Sphinx cannot fetch the intersphinx inventories of docs.ansible.com and
# docs.python.org: it warns, and references into Ansible's own docs (common return values,
# community.aws's modules) stay plain text.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dest="$repo_root/.build/docs"
rm -rf "$dest"
mkdir -p "$dest"
antsibull-docs sphinx-init \
    --use-current \
    --squash-hierarchy \
    --lenient \
    --fail-on-error \
    --project cloudsec.aged_keys \
    --copyright "cloudsec.aged_keys contributors" \
    --title "cloudsec.aged_keys" \
    --dest-dir "$dest" \
    cloudsec.aged_keys
"$dest/build.sh"
echo "docs.sh: the docsite is in $dest/build/html/index.html"
