# cloudsec.aged_keys — developer and CI entry points.
#   make demo   run the rollout against the local AWS emulator
#   make test   unit, integration, Molecule, sanity and lint checks, and the release checks
#   make docs   the docsite, in .build/docs/build/html
#   make release VERSION=x.y.z   version, changelog, tarball, proven by installing it
# The primary set runs on this Python (tests/find-python.sh finds it, or make PYTHON=/path/to/it).
PYTHON_VERSION := 3.12
FIND_PYTHON = PYTHON="$(PYTHON)" tests/find-python.sh
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
COLLECTION_LINK := .build/collections/ansible_collections/cloudsec/aged_keys
AWX_COLLECTION := .build/collections/ansible_collections/awx/awx
PYTEST := $(BIN)/python -m pytest
# Docs and release tools, in a venv of their own (tests/release-requirements.txt says why).
RELEASE_VENV := .build/release-venv
RELEASE_INSTALLED := $(RELEASE_VENV)/.installed
RELEASE_TOOLS := VENV=$(VENV) RELEASE_VENV=$(RELEASE_VENV) tests/release/tools.sh
DIST := .build/dist
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: venv release-venv oldest-venv demo test units integration molecule sanity lint changelog \
	docs-lint docs dist release-check release oldest benchmark benchmark-1000 clean

venv: $(INSTALLED) $(COLLECTION_LINK) $(AWX_COLLECTION)

# $(call fresh_venv,DIRECTORY,PYTHON VERSION,CONSTRAINTS,REQUIREMENTS): a new venv with the pinned packages.
define fresh_venv
rm -rf $(1)
python="$$($(FIND_PYTHON) $(2))" && "$$python" -m venv $(1)
$(1)/bin/python -m pip install --quiet --upgrade pip
$(1)/bin/python -m pip install --quiet -c $(3) -r $(4)
endef

$(INSTALLED): requirements.txt tests/requirements.txt tests/constraints.txt
	$(call fresh_venv,$(VENV),$(PYTHON_VERSION),tests/constraints.txt,tests/requirements.txt)
	touch $@

# Playbooks of this checkout find the collection through ansible.cfg's collections_path.
$(COLLECTION_LINK):
	mkdir -p $(dir $@)
	ln -sfn ../../../.. $@

# awx.awx, for playbooks/awx_configure.yml and its tests. Ansible 14 no longer bundles it; its last
# release (24.6.1) comes from the `ansible` package of the oldest set (tests/oldest/collections.txt),
# which still did, so no Ansible Galaxy is needed.
$(AWX_COLLECTION): tests/oldest/collections.txt tests/oldest/constraints.txt | $(INSTALLED)
	rm -rf $@ .build/wheels
	$(BIN)/python -m pip download --quiet --no-deps -c tests/oldest/constraints.txt \
		-r tests/oldest/collections.txt -d .build/wheels
	$(BIN)/python -c 'import sys, zipfile; wheel = zipfile.ZipFile(sys.argv[1]); \
		wheel.extractall(sys.argv[2], [name for name in wheel.namelist() if name.startswith(sys.argv[3])])' \
		.build/wheels/ansible-*.whl .build/collections ansible_collections/awx/awx/
	rm -rf .build/wheels

demo: venv
	$(BIN)/python demo/run.py

$(RELEASE_INSTALLED): tests/release-requirements.txt tests/release-constraints.txt
	$(call fresh_venv,$(RELEASE_VENV),$(PYTHON_VERSION),tests/release-constraints.txt,tests/release-requirements.txt)
	touch $@

release-venv: $(RELEASE_INSTALLED)

# The parts of `make test` run side by side, TEST_JOBS at a time, and each part's output is printed
# when it ends: the integration tests spend much of their time waiting on the emulator, which the
# other parts fill. Every part runs even when another fails; make reports each failure.
TEST_JOBS ?= 4
TEST_PARTS := units integration molecule sanity lint changelog release-check oldest
test:
	$(MAKE) --no-print-directory --jobs=$(TEST_JOBS) --keep-going --output-sync=target $(TEST_PARTS)

units: venv
	$(PYTEST) tests/unit -q -n 2

# Tests run in parallel, each worker with its own emulator; the tests of a module that shares
# a module-scoped estate are one xdist group and stay on one worker.
INTEGRATION_WORKERS ?= 4
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

# The oldest set meta/runtime.yml claims (tests/oldest/requirements.txt): ansible-core 2.17 on
# Python 3.11 runs the plugins' unit tests, ansible-test sanity and the rollout smoke tests
# (check mode, converge, idempotence). The emulator's own unit tests do not use Ansible.
OLDEST_PYTHON_VERSION := 3.11
OLDEST_VENV := .build/oldest-venv
OLDEST_INSTALLED := $(OLDEST_VENV)/.installed

$(OLDEST_INSTALLED): tests/oldest/requirements.txt tests/oldest/collections.txt tests/oldest/constraints.txt
	$(call fresh_venv,$(OLDEST_VENV),$(OLDEST_PYTHON_VERSION),tests/oldest/constraints.txt,tests/oldest/requirements.txt)
	$(OLDEST_VENV)/bin/python -m pip install --quiet --no-deps -c tests/oldest/constraints.txt -r tests/oldest/collections.txt
	touch $@

oldest-venv: $(OLDEST_INSTALLED) $(COLLECTION_LINK)

oldest: oldest-venv
	$(OLDEST_VENV)/bin/python -m pytest tests/unit/plugins tests/unit/integration_tools -q -n 2
	VENV=$(OLDEST_VENV) tests/sanity/run.sh
	$(OLDEST_VENV)/bin/python -m pytest tests/integration -m smoke -q

benchmark: venv
	$(BIN)/python benchmarks/run.py

# Organisation scale: about an hour on 2 cores, most of it the first rollout.
benchmark-1000: venv
	$(BIN)/python benchmarks/run.py --accounts 1000 --forks 20

clean:
	rm -rf .build tests/output
