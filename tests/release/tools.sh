#!/usr/bin/env bash
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Runs a docs or release tool (antsibull-docs, sphinx-build, galaxy-importer) from the tools'
# own venv, .build/release-venv (tests/release-requirements.txt explains why it is not .venv).
# Called by the Makefile:
#
#   tests/release/tools.sh antsibull-docs lint-collection-docs --plugin-docs .
#
# Environment: VENV (default .venv) and RELEASE_VENV (default .build/release-venv), as in the
# Makefile.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="${VENV:-.venv}"
release_venv="${RELEASE_VENV:-.build/release-venv}"
case "$venv" in /*) ;; *) venv="$repo_root/$venv" ;; esac
case "$release_venv" in /*) ;; *) release_venv="$repo_root/$release_venv" ;; esac

if [ ! -x "$release_venv/bin/antsibull-docs" ] || [ ! -x "$venv/bin/python" ]; then
    echo "tools.sh: $release_venv or $venv is missing: run make release-venv venv" >&2
    exit 1
fi

# amazon.aws and community.aws (and awx.awx, which playbooks/awx_configure.yml uses) come from
# .venv's `ansible` package. Its ansible_collections directory is linked into a directory of
# its own and put on the Python path, where ansible-core finds collections too: galaxy-importer
# runs ansible-doc and ansible-lint with ANSIBLE_COLLECTIONS_PATH set to its own unpacked copy
# of the tarball only, and nothing else of .venv comes along.
site_packages="$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
deps="$repo_root/.build/release-deps"
# The venv's collections and awx.awx (which `make venv` puts in .build/collections: the `ansible`
# package no longer bundles it), one link per namespace.
rm -rf "$deps/ansible_collections"
mkdir -p "$deps/ansible_collections"
for namespace in "$site_packages/ansible_collections"/*/ "$repo_root/.build/collections/ansible_collections/awx/"; do
    if [ -d "$namespace" ] && [ "$(basename "$namespace")" != __pycache__ ]; then
        ln -sfn "${namespace%/}" "$deps/ansible_collections/$(basename "$namespace")"
    fi
done
export PYTHONPATH="$deps"

# antsibull-docs copies each dependency with `git ls-files` when it sits in a Git work tree;
# .venv's site-packages sit in this checkout (ignored), so the copy would be empty and the docs
# of modules using amazon.aws's doc fragments would not load. Git stops looking for a
# repository at a ceiling directory.
GIT_CEILING_DIRECTORIES="$(realpath "$site_packages")${GIT_CEILING_DIRECTORIES:+:$GIT_CEILING_DIRECTORIES}"
export GIT_CEILING_DIRECTORIES

# This collection through ansible.cfg (.build/collections, made by make venv).
export ANSIBLE_CONFIG="${ANSIBLE_CONFIG:-$repo_root/ansible.cfg}"
export PATH="$release_venv/bin:$PATH"
exec "$@"
