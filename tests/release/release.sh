#!/usr/bin/env bash
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# `make release VERSION=x.y.z`: prepares release x.y.z of the collection in this checkout.
#
# 1. Refuses a VERSION that is not x.y.z, not newer than the last release or older than
#    galaxy.yml's version, and a checkout with uncommitted changes (the tarball is built from
#    the files of the work tree).
# 2. Sets galaxy.yml's version and runs `antsibull-changelog release` (CHANGELOG.rst and
#    changelogs/changelog.yaml get the release; its fragments are removed).
# 3. Builds the tarball into .build/dist.
# 4. Proves the tarball works on its own: installs it into .build/release-install (without
#    Galaxy: amazon.aws and community.aws come from the venv's `ansible` package) and runs the
#    installed collection's playbook cloudsec.aged_keys.validate on its own example inventory,
#    with neither this checkout's ansible.cfg nor its collections path.
#
# It commits, tags and uploads nothing: the last lines say what to do.
# Environment: VENV (default .venv), as in the Makefile.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo_root"
venv="${VENV:-.venv}"
case "$venv" in /*) ;; *) venv="$repo_root/$venv" ;; esac
bin="$venv/bin"
# antsibull-changelog runs ansible-doc to list the release's new plugins.
export PATH="$bin:$PATH"
version="${1:-}"

fail() {
    echo "release.sh: $*" >&2
    exit 1
}

# 1. Checks before anything changes.
if [ -z "$version" ]; then
    fail "no version given: make release VERSION=x.y.z (for example VERSION=1.0.0)"
fi
if ! [[ "$version" =~ ^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$ ]]; then
    fail "VERSION '$version' is not a version x.y.z of three numbers (for example 1.0.0)"
fi
current="$(sed -n 's/^version: *//p' galaxy.yml)"
if [ "$(grep -c '^version:' galaxy.yml)" != 1 ] || [ -z "$current" ]; then
    fail "galaxy.yml must hold exactly one top-level 'version:' line"
fi
# Newer than every release in the changelog, and not older than galaxy.yml's version (which
# may be the first release's, not yet released).
if ! problem="$("$bin/python" - "$version" "$current" changelogs/changelog.yaml 2>&1 <<'PYTHON'
import sys
import yaml
from packaging.version import Version
version, current, changelog = Version(sys.argv[1]), Version(sys.argv[2]), sys.argv[3]
with open(changelog, encoding="utf-8") as stream:
    released = sorted(Version(v) for v in (yaml.safe_load(stream).get("releases") or {}))
if released and version <= released[-1]:
    sys.exit(f"VERSION {version} is not newer than the latest release in {changelog}, {released[-1]}")
if version < current:
    sys.exit(f"VERSION {version} is older than galaxy.yml's version {current}")
PYTHON
)"; then
    fail "$problem"
fi
if [ -n "$(git status --porcelain)" ]; then
    git status --short >&2
    fail "the checkout has uncommitted changes (above): commit or stash them, the tarball is built from the work tree"
fi

# 2. Version and changelog.
sed -i "s/^version: .*/version: $version/" galaxy.yml
"$bin/antsibull-changelog" release
"$bin/antsibull-changelog" lint

# 3. The tarball.
rm -rf .build/dist
"$bin/ansible-galaxy" collection build --output-path .build/dist .
tarball=".build/dist/cloudsec-aged_keys-$version.tar.gz"
[ -f "$tarball" ] || fail "ansible-galaxy did not build $tarball"

# 4. Install it where nothing else of this checkout is, and run one of its playbooks.
install_dir="$repo_root/.build/release-install"
rm -rf "$install_dir"
mkdir -p "$install_dir"
installed="$install_dir/ansible_collections/cloudsec/aged_keys"
tarball="$repo_root/$tarball"
(
    cd "$install_dir"
    unset ANSIBLE_CONFIG
    export ANSIBLE_COLLECTIONS_PATH="$install_dir"
    ansible-galaxy collection install --offline --no-deps --collections-path "$install_dir" "$tarball"
    installed_version="$("$bin/python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["collection_info"]["version"])' "$installed/MANIFEST.json")"
    [ "$installed_version" = "$version" ] || fail "the installed collection is version $installed_version, not $version"
    found="$(ansible-doc --type module cloudsec.aged_keys.config_rule --json | "$bin/python" -c 'import json, sys; print(json.load(sys.stdin)["cloudsec.aged_keys.config_rule"]["doc"]["filename"])')"
    case "$found" in
        "$installed"/*) ;;
        *) fail "ansible-doc found cloudsec.aged_keys at $found, not in $installed" ;;
    esac
    ansible-playbook -i "$installed/inventory.example/hosts.yml" cloudsec.aged_keys.validate
)

echo
echo "release.sh: cloudsec.aged_keys $version is ready in ${tarball#"$repo_root/"} (installed and validated from it)."
echo "Review and commit galaxy.yml, CHANGELOG.rst and changelogs/, tag $version, then publish:"
echo "  ansible-galaxy collection publish ${tarball#"$repo_root/"}"
