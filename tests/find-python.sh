#!/usr/bin/env bash
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# Prints the path of a Python X.Y interpreter that can make virtual environments, for the
# Makefile: tests/find-python.sh 3.12
# Looks, in order, at $PYTHON (when it is that version), pythonX.Y on PATH, and the newest
# pyenv X.Y.* (pyenv shims only answer for the version pyenv selects, so its versions are
# asked directly). Fails with what to install when none is found.
set -euo pipefail

wanted="${1:?usage: find-python.sh X.Y}"

# Prints the interpreter's own path (a pyenv shim resolves to the real one).
interpreter_path() {
    "$1" -c "
import sys, venv, ensurepip
if '%d.%d' % sys.version_info[:2] != '$wanted':
    sys.exit(1)
print(sys.executable)
" 2>/dev/null
}

candidates=()
if [ -n "${PYTHON:-}" ]; then candidates+=("$PYTHON"); fi
if command -v "python$wanted" >/dev/null 2>&1; then candidates+=("$(command -v "python$wanted")"); fi
if command -v pyenv >/dev/null 2>&1; then
    pyenv_root="$(pyenv root)"
    while IFS= read -r version; do
        candidates+=("$pyenv_root/versions/$version/bin/python$wanted")
    done < <(pyenv versions --bare 2>/dev/null | grep -E "^${wanted//./\\.}\.[0-9]+$" | sort -t. -k3,3nr)
fi

for candidate in "${candidates[@]}"; do
    if interpreter_path "$candidate"; then
        exit 0
    fi
done

cat >&2 <<MESSAGE
find-python.sh: no Python $wanted with venv and ensurepip was found.
Install one, then run make again:
  - with pyenv:        pyenv install $wanted
  - Debian or Ubuntu:  apt install python$wanted python$wanted-venv
  - Fedora or RHEL:    dnf install python$wanted
or name one: make PYTHON=/path/to/python$wanted ...
MESSAGE
exit 1
