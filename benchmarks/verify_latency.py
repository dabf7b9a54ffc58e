"""Benchmark: re-verification of the practice account (SPEC §11). Prints figures; asserts nothing.

Part 1 adds a simulated network round trip to every AWS request (in-process moto) and reports
the number of requests, distinct calls, wall time, and how many round trips the run waited for
one after another (the longest chain of non-overlapping requests).
Part 2 times the whole `rootwarden verify` process against a moto server on 127.0.0.1.

Run: make bench   (or: python benchmarks/verify_latency.py --rtt-ms 80 --runs 5)
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def sequential_round_trips(intervals: list[tuple[float, float]]) -> int:
    """The most requests that ran strictly one after another (greedy by end time)."""
    count, last_end = 0, float("-inf")
    for start, end in sorted(intervals, key=lambda i: i[1]):
        if start >= last_end:
            count, last_end = count + 1, end
    return count


def simulated_latency(rtt_ms: float) -> None:
    from app.practice.account import PracticeAccount
    from app.runner import run_checks

    practice = PracticeAccount().start()
    aws = practice.aws_context(parallel=12)  # simulating a real, network-bound account
    intervals: list[tuple[float, float]] = []
    calls: Counter = Counter()
    lock = threading.Lock()
    started: dict[int, float] = {}

    measuring = False

    def before(model, params=None, **_):
        if not measuring:
            return
        started[threading.get_ident()] = time.perf_counter()
        time.sleep(rtt_ms / 1000)  # the simulated round trip
        with lock:
            body = json.dumps(params.get("body") if isinstance(params, dict) else None, sort_keys=True, default=str)
            calls[(f"{model.service_model.service_name}:{model.name}", body)] += 1

    def after(model, **_):
        if measuring:
            with lock:
                intervals.append((started.pop(threading.get_ident()), time.perf_counter()))

    aws.add_hook("before-call", before)
    aws.add_hook("after-call", after)
    list(run_checks(aws))  # warm-up, unmeasured: imports, botocore models, clients
    measuring = True
    t0 = time.perf_counter()
    findings = list(run_checks(aws))
    wall = time.perf_counter() - t0
    practice.stop()
    repeated = {k[0]: v for k, v in calls.items() if v > 1}
    print(f"Simulated round trip: {rtt_ms:.0f} ms")
    print(f"  checks:                      {len(findings)}")
    print(f"  API requests:                {sum(calls.values())}")
    print(f"  distinct calls:              {len(calls)}")
    print(f"  calls made more than once:   {repeated or 'none (GenerateCredentialReport polls by design)'}")
    print(f"  sequential round trips:      {sequential_round_trips(intervals)}")
    print(f"  wall time:                   {wall:.2f} s  ({wall / (rtt_ms / 1000):.1f} × the round trip)")


def whole_process(runs: int) -> None:
    from moto.server import ThreadedMotoServer

    from app.practice import moto_gaps
    from app.practice.account import seed

    moto_gaps.install()
    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    os.environ["AWS_ENDPOINT_URL"] = endpoint
    from datetime import datetime, timezone

    keys = seed(datetime.now(timezone.utc))
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ENDPOINT_URL=endpoint, AWS_ACCESS_KEY_ID=keys.access_key_id, AWS_SECRET_ACCESS_KEY=keys.secret_access_key,
               AWS_DEFAULT_REGION="us-east-1", AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "app.cli", "verify", "--format", "json"], env=env, capture_output=True)
        times.append(time.perf_counter() - t0)
        if result.returncode not in (0, 1, 2):
            print(result.stderr.decode())
    server.stop()
    print(f"Whole `rootwarden verify` process against moto on 127.0.0.1 ({runs} runs, {os.cpu_count()} cores):")
    print(f"  median {statistics.median(times):.2f} s, best {min(times):.2f} s, worst {max(times):.2f} s (target ≤ 1.5 s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rtt-ms", type=float, default=80.0)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    simulated_latency(args.rtt_ms)
    print()
    whole_process(args.runs)


if __name__ == "__main__":
    main()
