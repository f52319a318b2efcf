# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Local AWS emulator: moto's server with the patches of aged_keys_emulator.

    python tests/emulator/server.py --port 5101 [--host 127.0.0.1] [--request-log FILE] [--enforce-role-policies]

Prints `emulator ready on http://HOST:PORT` once it accepts connections and serves
every account until SIGTERM or SIGINT. See README.md beside this file.
"""

import argparse
import os
import signal
import sys
import threading


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description="Serve moto with the aged_keys emulator patches.")
    parser.add_argument("--port", type=int, required=True, help="TCP port to listen on")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--request-log", metavar="FILE", help="append one JSON line per AWS API request to FILE")
    parser.add_argument("--enforce-role-policies", action="store_true",
                        help="authorize every request of an sts:AssumeRole session against its role's IAM policies "
                        "(POST /_emulator/authorization switches it too)")
    return parser.parse_args(argv)


def prepare_environment():
    # AWS managed policies (e.g. for the automation role) exist only when moto loads them.
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")


def install_stop_signal_handlers():
    """An event set by SIGTERM or SIGINT; installed before the server starts so no signal is lost."""
    stop_requested = threading.Event()

    def request_stop(signum, frame):  # pylint: disable=unused-argument
        stop_requested.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    return stop_requested


def main(argv=None):
    arguments = parse_arguments(sys.argv[1:] if argv is None else argv)
    prepare_environment()
    stop_requested = install_stop_signal_handlers()
    # Imported after the environment is prepared: moto reads some settings when loaded.
    from aged_keys_emulator.runtime import EmulatorServer  # pylint: disable=import-outside-toplevel

    server = EmulatorServer(arguments.host, arguments.port, arguments.request_log, arguments.enforce_role_policies).start()
    # moto builds URLs back to itself from MOTO_PORT, as its own server command sets it.
    os.environ.setdefault("MOTO_PORT", str(server.port))
    try:
        print(f"emulator ready on http://{arguments.host}:{server.port}", flush=True)
        # A timeout keeps the main thread responsive to signals.
        while not stop_requested.wait(timeout=1.0):
            pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
