# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Molecule scenarios' estate (tests/integration/molecule_estate.py): `destroy` stops exactly the
emulator that `create` recorded, and never a process that happens to have its id now."""

import json
import signal
import subprocess
import sys
import time

import pytest

import molecule_estate
from estate import SERVER

PORT = 40123


@pytest.fixture
def processes():
    started = []

    def start(*arguments):
        process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"] + list(arguments))
        started.append(process)
        # Until the new program runs, the process still shows the command line of this one.
        deadline = time.time() + 10
        while "time.sleep(60)" not in (molecule_estate.process_arguments(process.pid) or "") and time.time() < deadline:
            time.sleep(0.05)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait()


def record(directory, pid, started=None):
    started = started or molecule_estate.process_identity(pid)[0]
    (directory / molecule_estate.AWS_CONFIG_FILE).write_text("[default]\n")
    (directory / molecule_estate.STATE_FILE).write_text(json.dumps({"pid": pid, "started": started, "url": "http://127.0.0.1:{0}".format(PORT)}))


def test_destroy_stops_the_recorded_emulator(tmp_path, processes, capsys):
    emulator = processes(SERVER, "--port", "0")
    record(tmp_path, emulator.pid)
    molecule_estate.destroy(str(tmp_path))
    assert emulator.wait(timeout=5) == -signal.SIGTERM
    assert "stopped the emulator" in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("arguments, started", [((), None), ((SERVER, "--port", "0"), "Mon Jan  1 00:00:00 2024")],
                         ids=["another program", "an emulator started at another time (its process id reused)"])
def test_destroy_leaves_a_process_that_is_not_the_recorded_emulator_running(tmp_path, processes, capsys, arguments, started):
    other = processes(*arguments)
    record(tmp_path, other.pid, started)
    molecule_estate.destroy(str(tmp_path))
    assert other.poll() is None
    assert "no emulator to stop" in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == []


def test_destroy_without_an_estate_does_nothing(tmp_path, capsys):
    molecule_estate.destroy(str(tmp_path))
    assert "no emulator to stop" in capsys.readouterr().out
