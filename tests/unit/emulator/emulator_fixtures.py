# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fixtures of a patched emulator served in-process on a free port, reset before each test.

Imported by the conftest files of the test directories that need them.
"""

import pytest

from aged_keys_emulator.runtime import EmulatorServer
from emulator_testing import Emulator


@pytest.fixture(scope="session")
def emulator_server(tmp_path_factory):
    request_log_path = tmp_path_factory.mktemp("emulator") / "requests.jsonl"
    server = EmulatorServer(port=0, request_log_path=str(request_log_path)).start()
    server.request_log_file = request_log_path
    yield server
    server.stop()


@pytest.fixture
def emulator(emulator_server):  # pylint: disable=redefined-outer-name
    emulator = Emulator(emulator_server)  # pylint: disable=redefined-outer-name
    emulator.reset()
    return emulator


@pytest.fixture
def config(emulator):  # pylint: disable=redefined-outer-name
    """AWS Config in the default account and region."""
    return emulator.client("config")


@pytest.fixture
def iam(emulator):  # pylint: disable=redefined-outer-name
    """IAM in the default account."""
    return emulator.client("iam")


@pytest.fixture
def sns(emulator):  # pylint: disable=redefined-outer-name
    """SNS in the default account and region."""
    return emulator.client("sns")


@pytest.fixture
def sqs(emulator):  # pylint: disable=redefined-outer-name
    """SQS in the default account and region."""
    return emulator.client("sqs")


@pytest.fixture
def topic_arn(sns):  # pylint: disable=redefined-outer-name
    """A topic of the default account, without subscribers."""
    return sns.create_topic(Name="aged-keys")["TopicArn"]
