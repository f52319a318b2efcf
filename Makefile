# cloudsec.aged_keys — developer and CI entry points.
#   make demo   run the rollout against the local AWS emulator
#   make test   unit, integration, Molecule, sanity and lint checks, and the release checks
#   make docs   the docsite, in .build/docs/build/html
#   make release VERSION=x.y.z   version, changelog, tarball, proven by installing it
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
COLLECTION_LINK := .build/collections/ansible_collections/cloudsec/aged_keys
PYTEST := $(BIN)/python -m pytest
# Docs and release tools, in a venv of their own (tests/release-requirements.txt says why).
RELEASE_VENV := .build/release-venv
RELEASE_INSTALLED := $(RELEASE_VENV)/.installed
RELEASE_TOOLS := VENV=$(VENV) RELEASE_VENV=$(RELEASE_VENV) tests/release/tools.sh
DIST := .build/dist
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: venv release-venv demo test units integration molecule sanity lint changelog docs-lint docs dist \
	release-check release benchmark benchmark-1000 clean

venv: $(INSTALLED) $(COLLECTION_LINK)

$(INSTALLED): requirements.txt tests/requirements.txt tests/constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c tests/constraints.txt -r tests/requirements.txt
	touch $@

# Playbooks of this checkout find the collection through ansible.cfg's collections_path.
$(COLLECTION_LINK):
	mkdir -p $(dir $@)
	ln -sfn ../../../.. $@

demo: venv
	$(BIN)/python demo/run.py

$(RELEASE_INSTALLED): tests/release-requirements.txt tests/release-constraints.txt
	$(PYTHON) -m venv $(RELEASE_VENV)
	$(RELEASE_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(RELEASE_VENV)/bin/python -m pip install --quiet -c tests/release-constraints.txt -r tests/release-requirements.txt
	touch $@

release-venv: $(RELEASE_INSTALLED)

test: units integration molecule sanity lint changelog release-check

units: venv
	$(PYTEST) tests/unit -q -n 2

# Tests run in parallel, each worker with its own emulator; the tests of a module that shares
# a module-scoped estate are one xdist group and stay on one worker.
INTEGRATION_WORKERS ?= 3
integration: venv
	$(PYTEST) tests/integration -q -n $(INTEGRATION_WORKERS) --dist loadgroup --durations=20

# The roles' Molecule scenarios (extensions/molecule/), one after the other, each with an emulator of
# its own. A run whose cleanup failed leaves its emulator running: destroy stops it.
molecule: venv
	$(BIN)/molecule test --all || { $(BIN)/molecule destroy --all; exit 1; }

sanity: venv
	tests/sanity/run.sh

# ansible-lint syntax-checks playbooks without an inventory, which ansible.cfg's
# unparsed_is_failed would turn into an error.
lint: venv
	ANSIBLE_INVENTORY_UNPARSED_FAILED=false $(BIN)/ansible-lint

changelog: venv
	$(BIN)/antsibull-changelog lint

# The documentation of every plugin and role, as the Ansible docsite renders it.
docs-lint: venv release-venv
	$(RELEASE_TOOLS) antsibull-docs lint-collection-docs --plugin-docs \
		--validate-collection-refs dependent --disallow-unknown-collection-refs .

docs: venv release-venv
	$(RELEASE_TOOLS) tests/release/docs.sh

# The release artifact of the checkout as it is: .build/dist/cloudsec-aged_keys-<version>.tar.gz
dist: venv
	rm -rf $(DIST)
	$(BIN)/ansible-galaxy collection build --output-path $(DIST) .

# What Ansible Galaxy checks when the tarball is uploaded, and the docs linter.
release-check: docs-lint dist
	$(RELEASE_TOOLS) python tests/release/galaxy_import.py $(DIST)/cloudsec-aged_keys-*.tar.gz

# make release VERSION=x.y.z (tests/release/release.sh): commits nothing.
release: venv
	VENV=$(VENV) tests/release/release.sh "$(VERSION)"

benchmark: venv
	$(BIN)/python benchmarks/run.py

# Organisation scale: about an hour on 2 cores, most of it the first rollout.
benchmark-1000: venv
	$(BIN)/python benchmarks/run.py --accounts 1000 --forks 20

clean:
	rm -rf .build tests/output
