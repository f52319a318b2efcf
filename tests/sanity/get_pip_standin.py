# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Offline stand-in for the pip bootstrap script that ansible-test downloads.

ansible-test bootstraps pip into every virtual environment it creates by running
``get-pip-<version>.py`` from https://ci-files.testing.ansible.com, cached as
``~/.ansible/test/cache/get_pip_<version with _>.py``. That host is not reachable
here, PyPI is. tests/sanity/run.sh copies this file to the cache path when it is
absent, so ansible-test runs it instead of downloading the real one.

Interface (ansible_test/_util/target/setup/requirements.py, ``bootstrap()``): the
file is run as ``__main__`` with the venv's interpreter and the arguments of
get-pip.py, e.g. ``--disable-pip-version-check pip==24.2 --no-setuptools --no-wheel``:
pip install options and requirements, plus get-pip's own ``--no-setuptools`` and
``--no-wheel``. This script gets a first pip from the interpreter's ``ensurepip``,
then lets that pip install the requested packages from PyPI.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys

GET_PIP_ONLY_OPTIONS = ('--no-setuptools', '--no-wheel')


def installed(name):
    """Return True when the package ``name`` is importable in this interpreter."""
    importlib.invalidate_caches()  # packages may have been installed by a subprocess meanwhile
    return importlib.util.find_spec(name) is not None


def main():
    """Install pip (and setuptools/wheel unless refused) the way get-pip.py does."""
    args = sys.argv[1:]
    pip_args = [arg for arg in args if arg not in GET_PIP_ONLY_OPTIONS]
    had_setuptools = installed('setuptools')

    if '--no-setuptools' not in args:
        pip_args.append('setuptools')

    if '--no-wheel' not in args:
        pip_args.append('wheel')

    if not installed('pip'):
        # ensurepip of Python 3.11 also installs setuptools; removed below when refused.
        subprocess.check_call([sys.executable, '-m', 'ensurepip', '--default-pip'])

    subprocess.check_call([sys.executable, '-m', 'pip', 'install'] + pip_args)

    if '--no-setuptools' in args and not had_setuptools and installed('setuptools'):
        subprocess.check_call([sys.executable, '-m', 'pip', 'uninstall', '--yes', '--disable-pip-version-check', 'setuptools'])


if __name__ == '__main__':
    main()
