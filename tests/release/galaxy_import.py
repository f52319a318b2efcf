# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Import a built collection tarball the way Ansible Galaxy does, and fail on any finding.

    tests/release/tools.sh python tests/release/galaxy_import.py .build/dist/cloudsec-aged_keys-X.Y.Z.tar.gz

galaxy-importer (with tests/release/galaxy-importer.cfg: no ansible-test, no container, offline)
reads MANIFEST.json and FILES.json, renders every plugin's and role's documentation with
ansible-doc, checks the changelog and runs ansible-lint with Galaxy's rules. Galaxy accepts a
collection with warnings and shows them on its page; this check fails on any warning or error,
so a release shows none.

One warning is not the collection's: galaxy-importer runs ansible-lint with
ANSIBLE_COLLECTIONS_PATH set to a path that ends in ``ansible_collections``, and ansible-lint
looks for a playbook imported by name (``import_playbook: cloudsec.aged_keys.validate``) under
``<path>/ansible_collections/...``, so it reports that playbook missing. Such a warning is
dropped only when the tarball holds that playbook.
"""

import logging
import os
import re
import sys
import tarfile

from galaxy_importer import collection, config

HERE = os.path.dirname(os.path.abspath(__file__))
TARBALL_NAME = re.compile(r"^(?P<namespace>\w+)-(?P<name>\w+)-(?P<version>[0-9A-Za-z.+-]+)\.tar\.gz$")
PLAYBOOK_NOT_FOUND = re.compile(r"Failed to find (?P<collection>\w+\.\w+)\.(?P<playbook>\w+) playbook\.")


class Findings(logging.Handler):
    """Keeps every record at WARNING or above."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(record)


def shipped_playbook_warning(message, collection_name, members):
    """True for ansible-lint's 'Failed to find <collection>.<playbook> playbook' about a playbook the tarball has."""
    match = PLAYBOOK_NOT_FOUND.search(message)
    if not match or match.group("collection") != collection_name:
        return False
    playbook = match.group("playbook")
    return f"playbooks/{playbook}.yml" in members or f"playbooks/{playbook}.yaml" in members


def import_tarball(path, logger):
    """Run galaxy-importer on the tarball; return its findings (log records) or raise ImporterError."""
    match = TARBALL_NAME.match(os.path.basename(path))
    if not match:
        raise SystemExit(f"galaxy_import.py: {path} is not named <namespace>-<name>-<version>.tar.gz")
    filename = collection.CollectionFilename(match["namespace"], match["name"], match["version"])
    os.environ.setdefault("GALAXY_IMPORTER_CONFIG", os.path.join(HERE, "galaxy-importer.cfg"))
    # Galaxy has no ansible.cfg of this checkout; ansible-lint's syntax check must not use it.
    os.environ.pop("ANSIBLE_CONFIG", None)
    cfg = config.Config(config_data=config.ConfigFile.load())
    findings = Findings()
    logger.addHandler(findings)
    with open(path, "rb") as tarball:
        collection.import_collection(tarball, filename, logger=logger, cfg=cfg)
    return findings.records, f"{filename.namespace}.{filename.name}"


def main(argv):
    if len(argv) != 2:
        raise SystemExit(__doc__)
    path = argv[1]
    logger = logging.getLogger("galaxy_import")
    logger.setLevel(logging.INFO)
    console = logging.StreamHandler(sys.stdout)
    console.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    logger.addHandler(console)

    with tarfile.open(path) as tarball:
        members = set(tarball.getnames())
    try:
        records, collection_name = import_tarball(path, logger)
    except Exception as exc:  # pylint: disable=broad-exception-caught
        print(f"galaxy_import.py: the import of {path} failed: {exc}", file=sys.stderr)
        return 1
    problems = [r for r in records if not shipped_playbook_warning(r.getMessage(), collection_name, members)]
    if len(problems) < len(records):
        print(
            f"galaxy_import.py: {len(records) - len(problems)} 'Failed to find {collection_name}.<playbook> playbook' "
            "warning(s) left out: the tarball holds those playbooks (see this script's docstring)"
        )
    if problems:
        print(f"galaxy_import.py: {path}: {len(problems)} warning(s) or error(s) from galaxy-importer:", file=sys.stderr)
        for record in problems:
            print(f"  {record.levelname}: {record.getMessage()}", file=sys.stderr)
        return 1
    print(f"galaxy_import.py: {path} imports cleanly")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
