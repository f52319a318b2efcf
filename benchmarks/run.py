# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Time the rollout, a no-op drift check and a no-op rollout for N emulated target accounts.

For each N: CPU-seconds of ansible-playbook and its workers per account, the ratio to a
baseline of one amazon.aws.aws_caller_info per account, wall time, and AWS API calls per
target account (from the emulator's request log).

    python benchmarks/run.py [--accounts 10 50] [--forks 10]
"""

import argparse
import collections
import json
import os
import resource
import sys
import tempfile
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


def measure(estate, log_path, offset, accounts, playbook, **options):
    cpu, wall = children_cpu(), time.time()
    run = estate.run(playbook, **options)
    cpu, wall = children_cpu() - cpu, time.time() - wall
    if run.rc != 0:
        raise SystemExit("{0} failed:\n{1!r}".format(playbook, run))
    counts, offset = count_requests(log_path, offset, accounts)
    calls = sum(counts.values()) / float(len(accounts))
    return {"cpu": cpu, "wall": wall, "calls_per_account": calls, "changed": run.total("changed")}, offset


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
        "| accounts | run | wall s | CPU s | CPU s per account | ratio to baseline | API calls per target account | changed |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for count, results in all_results.items():
        baseline = results["baseline"]["cpu"]
        for name, result in results.items():
            lines.append("| {0} | {1} | {2:.0f} | {3:.0f} | {4:.2f} | {5:.1f} | {6:.1f} | {7} |".format(
                count, name, result["wall"], result["cpu"], result["cpu"] / count,
                result["cpu"] / baseline, result["calls_per_account"], result["changed"]))
    lines.append("")
    lines.append("forks={0}; CPU is user+system time of ansible-playbook and its workers; one central account "
                 "is included in the runs but not in the per-account figures' denominator.".format(forks))
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
