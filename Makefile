# cloudsec.aged_keys — developer and CI entry points.
#   make demo   run the rollout against the local AWS emulator
#   make test   unit, integration, sanity and lint checks
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
COLLECTION_LINK := .build/collections/ansible_collections/cloudsec/aged_keys
PYTEST := $(BIN)/python -m pytest
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: venv demo test units integration sanity lint changelog benchmark benchmark-1000 clean

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

test: units integration sanity lint changelog

units: venv
	$(PYTEST) tests/unit -q -n 2

# Tests run in parallel, each worker with its own emulator; the tests of a module that shares
# a module-scoped estate are one xdist group and stay on one worker.
INTEGRATION_WORKERS ?= 3
integration: venv
	$(PYTEST) tests/integration -q -n $(INTEGRATION_WORKERS) --dist loadgroup --durations=20

sanity: venv
	tests/sanity/run.sh

# ansible-lint syntax-checks playbooks without an inventory, which ansible.cfg's
# unparsed_is_failed would turn into an error.
lint: venv
	ANSIBLE_INVENTORY_UNPARSED_FAILED=false $(BIN)/ansible-lint

changelog: venv
	$(BIN)/antsibull-changelog lint

benchmark: venv
	$(BIN)/python benchmarks/run.py

# Organisation scale: about an hour on 2 cores, most of it the first rollout.
benchmark-1000: venv
	$(BIN)/python benchmarks/run.py --accounts 1000 --forks 20

clean:
	rm -rf .build tests/output
