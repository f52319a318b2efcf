# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Time the rollout, a no-op drift check and a no-op rollout for N emulated target accounts.

For each N: CPU-seconds of ansible-playbook and its workers per account, the ratio to a
baseline of one amazon.aws.aws_caller_info per account, wall time, AWS API calls per target
account (from the emulator's request log) and the controller's peak memory.

    python benchmarks/run.py [--accounts 10 50] [--forks 10]
"""

import argparse
import collections
import json
import os
import resource
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))

from estate import Emulator, Estate  # noqa: E402

CENTRAL = "900000000000"


def target_ids(count):
    return ["9{0:011d}".format(index) for index in range(1, count + 1)]


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def count_requests(log_path, offset, accounts):
    """API calls per account in the request log from offset on; returns (counts, new offset)."""
    counts = collections.Counter()
    with open(log_path) as stream:
        stream.seek(offset)
        for line in stream:
            entry = json.loads(line)
            if entry.get("account_id") in accounts:
                counts[entry["account_id"]] += 1
        return counts, stream.tell()


class ControllerMemory(threading.Thread):
    """Peak memory of the controller while a playbook runs, from /proc (Linux).

    main: the peak resident set of ansible-playbook's main process (VmHWM), which holds the
    inventory, the variables and the results; workers: the largest sum of the resident sets of
    its forked workers seen at one time (an upper bound: forks share most of their pages).
    """

    def __init__(self, interval=0.5):
        super(ControllerMemory, self).__init__(daemon=True)
        self.interval = interval
        self.main_kib = self.workers_kib = 0
        self._done = threading.Event()

    @staticmethod
    def _processes():
        """(pid, parent pid, peak kiB, resident kiB) of every ansible-playbook process."""
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open("/proc/{0}/cmdline".format(pid), "rb") as stream:
                    if b"ansible-playbook" not in stream.read():
                        continue
                with open("/proc/{0}/status".format(pid)) as stream:
                    fields = dict(line.split(":", 1) for line in stream if ":" in line)
            except OSError:
                continue  # ended meanwhile
            kib = [int(fields.get(name, "0 kB").split()[0]) for name in ("VmHWM", "VmRSS")]
            yield int(pid), int(fields["PPid"]), kib[0], kib[1]

    def run(self):
        while not self._done.wait(self.interval):
            processes = list(self._processes())
            # This benchmark's ansible-playbook is its child; its workers are that process's children.
            mains = {pid: peak for pid, parent, peak, _rss in processes if parent == os.getpid()}
            self.main_kib = max([self.main_kib] + list(mains.values()))
            self.workers_kib = max(self.workers_kib, sum(rss for _pid, parent, _peak, rss in processes if parent in mains))

    def stop(self):
        self._done.set()
        self.join()


def measure(estate, log_path, offset, accounts, playbook, **options):
    memory = ControllerMemory()
    memory.start()
    cpu, wall = children_cpu(), time.time()
    run = estate.run(playbook, **options)
    cpu, wall = children_cpu() - cpu, time.time() - wall
    memory.stop()
    if run.rc != 0:
        raise SystemExit("{0} failed:\n{1!r}".format(playbook, run))
    counts, offset = count_requests(log_path, offset, accounts)
    calls = sum(counts.values()) / float(len(accounts))
    return {"cpu": cpu, "wall": wall, "calls_per_account": calls, "changed": run.total("changed"),
            "main_mib": memory.main_kib / 1024.0, "workers_mib": memory.workers_kib / 1024.0}, offset


def benchmark(count, directory):
    log_path = os.path.join(directory, "requests-{0}.jsonl".format(count))
    open(log_path, "w").close()
    # The rollout attaches no AWS managed policy: accounts are made faster without them.
    with Emulator(request_log=log_path, load_managed_policies=False) as emulator:
        targets = target_ids(count)
        estate = Estate(emulator, directory, CENTRAL, targets)
        estate.prepare_targets()
        estate.write_inventory()
        offset = count_requests(log_path, 0, set(targets))[1]
        accounts = set(targets)
        results = {}
        results["baseline"], offset = measure(estate, log_path, offset, accounts, "benchmarks/baseline.yml")
        results["rollout"], offset = measure(estate, log_path, offset, accounts, "site.yml")
        results["drift check"], offset = measure(estate, log_path, offset, accounts, "site.yml", check=True)
        results["no-op rollout"], offset = measure(estate, log_path, offset, accounts, "site.yml")
    return results


def report(all_results, forks):
    lines = [
        "| accounts | run | wall s | CPU s | CPU s per account | ratio to baseline | API calls per target account | changed "
        "| controller peak MiB | workers peak MiB |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for count, results in all_results.items():
        baseline = results["baseline"]["cpu"]
        for name, result in results.items():
            lines.append("| {0} | {1} | {2:.0f} | {3:.0f} | {4:.2f} | {5:.1f} | {6:.1f} | {7} | {8:.0f} | {9:.0f} |".format(
                count, name, result["wall"], result["cpu"], result["cpu"] / count,
                result["cpu"] / baseline, result["calls_per_account"], result["changed"], result["main_mib"], result["workers_mib"]))
    lines.append("")
    lines.append("forks={0}; CPU is user+system time of ansible-playbook and its workers; one central account "
                 "is included in the runs but not in the per-account figures' denominator; controller peak: the "
                 "ansible-playbook process's peak resident set; workers peak: the largest sum of its workers' resident "
                 "sets at one time (forks share most pages).".format(forks))
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, nargs="+", default=[10, 50])
    parser.add_argument("--forks", type=int, default=10)
    args = parser.parse_args()
    os.environ["ANSIBLE_FORKS"] = str(args.forks)
    all_results = {}
    with tempfile.TemporaryDirectory() as directory:
        for count in args.accounts:
            all_results[count] = benchmark(count, directory)
    print(report(all_results, args.forks))


if __name__ == "__main__":
    main()
