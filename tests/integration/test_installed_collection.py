# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection as users install it: the artifact holds only collection content, and an
installed copy runs its playbooks by name from any directory, writing reports where the user
ran ansible-playbook."""

import json
import os
import shutil
import subprocess
import sys
import tarfile

import pytest
import readback
from conftest import CENTRAL, TARGETS
from estate import REPO

# Its module-scoped estate keeps the module's tests on one worker.
pytestmark = pytest.mark.xdist_group("installed_collection")

BIN = os.path.dirname(sys.executable)
# What a user's checkout may hold besides the collection: none of it belongs in the artifact.
CHECKOUT_CLUTTER = ["venv/lib/python3.11/site-packages/big.py", "env/bin/python", ".tox/py311/log.txt",
                    "plugins/modules/__pycache__/sns_topic.cpython-311.pyc", ".pytest_cache/v/cache/nodeids",
                    ".mypy_cache/3.11/x.json", "tests/unit/.pytest_cache/README.md", "inventory/hosts.yml"]
# The checkout's ansible.cfg, Makefile, .gitignore, demo and Molecule scenarios (extensions/) stay out (galaxy.yml's build_ignore).
COLLECTION_CONTENT = {"MANIFEST.json", "FILES.json", "README.md", "galaxy.yml", "meta", "plugins", "roles", "playbooks",
                      "docs", "changelogs", "tests", "site.yml", "inventory.example", "inventory.organization.example",
                      "requirements.txt", "requirements.yml", "execution-environment.yml", ".ansible-lint"}
MAX_ARTIFACT_BYTES = 1024 * 1024


def tracked_files():
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            capture_output=True, check=True).stdout.decode().split("\0")
    return [path for path in listed if path and os.path.isfile(os.path.join(REPO, path))]


@pytest.fixture(scope="module")
def artifact(tmp_path_factory):
    """The artifact built from a copy of the checkout cluttered like a user's."""
    checkout = tmp_path_factory.mktemp("checkout")
    for path in tracked_files():
        os.makedirs(os.path.dirname(os.path.join(checkout, path)), exist_ok=True)
        shutil.copy2(os.path.join(REPO, path), os.path.join(checkout, path))
    for path in CHECKOUT_CLUTTER:
        os.makedirs(os.path.dirname(os.path.join(checkout, path)), exist_ok=True)
        with open(os.path.join(checkout, path), "w", encoding="utf-8") as stream:
            stream.write("x" * 4096)
    output = tmp_path_factory.mktemp("artifact")
    subprocess.run([os.path.join(BIN, "ansible-galaxy"), "collection", "build", "--output-path", str(output), str(checkout)],
                   check=True, capture_output=True)
    (built,) = output.iterdir()
    return built


@pytest.fixture(scope="module")
def installed(artifact, tmp_path_factory):
    """A collections path with the artifact installed, as `ansible-galaxy collection install` does."""
    path = tmp_path_factory.mktemp("collections")
    # --no-deps: amazon.aws and community.aws come from the `ansible` package here (no Galaxy).
    # --force: the checkout itself is on the configured collections path of this machine.
    env = {name: value for name, value in os.environ.items() if name != "ANSIBLE_CONFIG"}
    subprocess.run([os.path.join(BIN, "ansible-galaxy"), "collection", "install", "--offline", "--no-deps", "--force", "-p", str(path), str(artifact)],
                   check=True, capture_output=True, cwd=str(path), env=env)
    return path


def test_the_artifact_holds_only_collection_content(artifact):
    with tarfile.open(artifact) as archive:
        names = archive.getnames()
    assert {name.split("/")[0] for name in names} <= COLLECTION_CONTENT, sorted({name.split("/")[0] for name in names} - COLLECTION_CONTENT)
    for clutter in ("venv", "env", ".tox", "__pycache__", ".pytest_cache", ".mypy_cache", ".pyc"):
        assert not [name for name in names if clutter in name.split("/") or name.endswith(clutter)], clutter
    assert "playbooks/site.yml" in names
    assert os.path.getsize(artifact) < MAX_ARTIFACT_BYTES


def installed_environment(installed):
    """A controller that knows only the installed collection: no checkout, no checkout ansible.cfg."""
    return {"ANSIBLE_CONFIG": None, "ANSIBLE_COLLECTIONS_PATH": str(installed)}


def test_an_installed_collection_runs_its_playbooks_by_name_from_any_directory(estate, installed, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = installed_environment(installed)

    run = estate.run("cloudsec.aged_keys.site", cwd=str(elsewhere), env=env)
    assert run.rc == 0, run
    readback.assert_central_converged(estate.account(CENTRAL), TARGETS)
    for target in TARGETS:
        readback.assert_target_converged(estate.account(target), CENTRAL)
    drift = estate.run("cloudsec.aged_keys.site", check=True, cwd=str(elsewhere), env=env)
    assert drift.rc == 0 and drift.changed_tasks() == [], drift

    # Relative report paths are relative to where ansible-playbook was started.
    (elsewhere / "out").mkdir()
    report = estate.run("cloudsec.aged_keys.report", cwd=str(elsewhere), env=env,
                        extra_vars={"aged_keys_report_path": "report.json", "aged_keys_report_csv_path": "out/report.csv"})
    assert report.rc == 0, report
    assert len(json.loads((elsewhere / "report.json").read_text())["accounts"]) == len(TARGETS)
    assert (elsewhere / "out" / "report.csv").read_text().startswith("account_id,")
    collection_dir = installed / "ansible_collections" / "cloudsec" / "aged_keys"
    assert not list(collection_dir.rglob("report.json")) and not list(collection_dir.rglob("report.csv"))

    cleanup = estate.run("cloudsec.aged_keys.cleanup", cwd=str(elsewhere), env=env)
    assert cleanup.rc == 0, cleanup
    for target in TARGETS:
        readback.assert_target_empty(estate.account(target))
