"""Benchmark: re-verification of the practice account (SPEC §11). Prints figures; asserts nothing.

Part 1 runs the checks against the in-process practice account (moto) with a simulated network
round trip added to every AWS request, in two cases: the seeded account as it is, and the same
account plus 200 EventBridge rules in us-east-1 that have nothing to do with root activity
(about half with an SNS or Lambda target). Each case is measured at two round-trip times; for
each it prints the checks, API requests, distinct calls, the busiest operations, the sequential
round trips (the longest chain of non-overlapping requests), the wall time, and the slope
(wall₂ − wall₁) / (rtt₂ − rtt₁): how many round trips the run waited for one after another,
with waits that do not scale with the round trip (the credential report's polling back-off,
the simulation's own CPU time) cancelled out.
Part 2 times the whole `rootwarden verify` process against a moto server on 127.0.0.1.

Run: make bench   (or: python benchmarks/verify_latency.py --rtt-ms 250 --rtt2-ms 500 --runs 5)
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
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

if TYPE_CHECKING:
    from app.aws.context import AwsContext
    from app.practice.account import PracticeAccount

RULES_REGION = "us-east-1"  # where the alert check looks (root sign-ins are delivered only there)
TOP_OPERATIONS = 6


def sequential_round_trips(intervals: list[tuple[float, float]]) -> int:
    """The most requests that ran strictly one after another (greedy by end time)."""
    count, last_end = 0, float("-inf")
    for start, end in sorted(intervals, key=lambda i: i[1]):
        if start >= last_end:
            count, last_end = count + 1, end
    return count


# -- the recorder: a simulated round trip on every request, and what was asked ---------------------
class Recorder:
    """botocore hooks that sleep for the simulated round trip and record each request.

    Idle (``rtt_s is None``) it neither sleeps nor records: the warm-up run goes through
    untouched. Hooks run on the calling thread; the shared tallies sit under a lock. A request
    still running when its run ended (a prefetch nobody waited for) is counted as sent, but its
    interval is dropped, and ``drain`` lets it finish before the next run is measured.
    """

    def __init__(self) -> None:
        self.rtt_s: float | None = None
        self._generation = 0
        self._inflight = 0
        self._idle = threading.Condition()
        self._local = threading.local()
        self.calls: Counter[tuple[str, str]] = Counter()
        self.intervals: list[tuple[float, float]] = []

    def begin(self, rtt_ms: float) -> None:
        with self._idle:
            self._generation += 1
            self.calls, self.intervals = Counter(), []
            self.rtt_s = rtt_ms / 1000

    def end(self) -> int:
        """Stop measuring; returns how many requests were still running."""
        with self._idle:
            self.rtt_s = None
            self._generation += 1
            return self._inflight

    def drain(self, timeout: float) -> None:
        with self._idle:
            self._idle.wait_for(lambda: self._inflight == 0, timeout)

    def install(self, aws: "AwsContext") -> None:
        aws.add_hook("before-call", self._before)
        aws.add_hook("after-call", self._after)
        aws.add_hook("after-call-error", self._after)  # a request that raised still ends its interval

    def _before(self, model: Any, params: Any = None, **_: Any) -> None:
        with self._idle:
            self._inflight += 1
            rtt, generation = self.rtt_s, self._generation
            if rtt is not None:
                body = json.dumps(params.get("body") if isinstance(params, dict) else None, sort_keys=True, default=str)
                self.calls[(f"{model.service_model.service_name}:{model.name}", body)] += 1
        self._local.started = (generation, time.perf_counter())
        if rtt is not None:
            time.sleep(rtt)  # the simulated round trip

    def _after(self, **_: Any) -> None:
        started = getattr(self._local, "started", None)
        self._local.started = None
        if started is None:
            return
        with self._idle:
            self._inflight -= 1
            if self.rtt_s is not None and started[0] == self._generation:
                self.intervals.append((started[1], time.perf_counter()))
            self._idle.notify_all()


@dataclass
class Measurement:
    rtt_ms: float
    checks: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    requests: int = 0
    distinct: int = 0
    per_operation: Counter[str] = field(default_factory=Counter)
    repeated: dict[str, int] = field(default_factory=dict)
    sequential: int = 0
    unfinished: int = 0
    wall: float = 0.0
    error: str | None = None


def measure(aws: "AwsContext", recorder: Recorder, rtt_ms: float) -> Measurement:
    """One measured check run at ``rtt_ms``; a failure is kept in ``error``, never raised."""
    from app.runner import run_checks

    result = Measurement(rtt_ms)
    recorder.begin(rtt_ms)
    t0 = time.perf_counter()
    try:
        for finding in run_checks(aws):
            result.checks += 1
            result.statuses[finding.status.value] += 1
    except Exception as error:  # a benchmark reports what it saw, even when the run broke
        result.error = f"{type(error).__name__}: {error}"
    result.wall = time.perf_counter() - t0
    result.unfinished = recorder.end()
    recorder.drain(timeout=10 * rtt_ms / 1000 + 5)
    calls, intervals = recorder.calls, recorder.intervals
    result.requests = sum(calls.values())
    result.distinct = len(calls)
    for (operation, _), count in calls.items():
        result.per_operation[operation] += count
    repeated: Counter[str] = Counter()
    for (operation, _), count in calls.items():
        if count > 1:
            repeated[operation] += count
    result.repeated = dict(repeated)
    result.sequential = sequential_round_trips(intervals)
    return result


# -- the unrelated rules ---------------------------------------------------------------------------
def unrelated_pattern(i: int) -> dict[str, Any]:
    """The i-th of a varied set of everyday EventBridge patterns, each rule's its own, none
    matching a root sign-in (source aws.signin) or a root API call (source aws.iam)."""
    kind = i % 10
    if kind == 0:
        return {"source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"],
                "detail": {"state": ["stopped" if i % 20 == 0 else "terminated"], "instance-id": [f"i-{i:017x}"]}}
    if kind == 1:
        return {"source": ["aws.s3"], "detail-type": ["Object Created"], "detail": {"bucket": {"name": [f"bench-bucket-{i}"]}}}
    if kind == 2:
        return {"source": [{"prefix": "com.example."}], "detail-type": [f"order-{i}"]}
    if kind == 3:
        return {"source": ["aws.autoscaling"], "detail-type": ["EC2 Instance Launch Successful", "EC2 Instance Terminate Successful"],
                "detail": {"AutoScalingGroupName": [f"bench-asg-{i}"]}}
    if kind == 4:
        return {"source": ["aws.guardduty"], "detail-type": ["GuardDuty Finding"],
                "detail": {"severity": [{"numeric": [">=", round(4 + i / 100, 2)]}]}}
    if kind == 5:  # a CloudTrail-based rule, but on S3 bucket policies, not on root
        return {"source": ["aws.s3"], "detail-type": ["AWS API Call via CloudTrail"],
                "detail": {"eventSource": ["s3.amazonaws.com"], "eventName": ["PutBucketPolicy", "DeleteBucketPolicy"],
                           "requestParameters": {"bucketName": [f"bench-bucket-{i}"]}}}
    if kind == 6:
        return {"source": ["aws.codepipeline"], "detail-type": ["CodePipeline Pipeline Execution State Change"],
                "detail": {"state": ["FAILED"], "pipeline": [f"bench-pipeline-{i}"]}}
    if kind == 7:
        return {"source": ["aws.health"], "detail": {"service": [{"anything-but": "EC2"}], "eventTypeCode": [f"AWS_BENCH_{i}"]}}
    if kind == 8:
        return {"source": ["aws.ecs"], "detail-type": ["ECS Task State Change"],
                "detail": {"lastStatus": ["STOPPED"], "clusterArn": [{"suffix": f"/bench-{i}"}]}}
    return {"source": [{"prefix": "custom."}], "detail": {"tenant": [f"team-{i}"]}}


def add_unrelated_rules(practice: "PracticeAccount", count: int) -> tuple[int, int]:
    """Put ``count`` rules on the default bus in us-east-1; every 7th disabled, about half with
    one target (an SNS topic or a Lambda-shaped ARN). Returns (rules, rules with a target)."""
    setup = practice.aws_context(region=RULES_REGION)
    events = setup.client("events", RULES_REGION)
    account = practice.account_id
    topic = setup.client("sns", RULES_REGION).create_topic(Name="bench-unrelated-ops")["TopicArn"]
    targeted = 0
    for i in range(count):
        name = f"bench-unrelated-{i:03d}"
        events.put_rule(Name=name, EventPattern=json.dumps(unrelated_pattern(i)),
                        State="DISABLED" if i % 7 == 6 else "ENABLED", Description="benchmark: unrelated to root activity")
        if i % 2 == 0:
            arn = topic if i % 4 == 0 else f"arn:aws:lambda:{RULES_REGION}:{account}:function:bench-handler-{i % 13}"
            events.put_targets(Rule=name, Targets=[{"Id": "t1", "Arn": arn}])
            targeted += 1
    return count, targeted


# -- part 1 ---------------------------------------------------------------------------------------
def run_case(label: str, rules: int, rtts: tuple[float, float]) -> list[Measurement]:
    """A fresh practice account (plus ``rules`` unrelated rules), one warm-up run, then one
    measured run per round-trip time. Errors are printed, never raised."""
    from app.practice.account import PracticeAccount
    from app.runner import run_checks

    measurements: list[Measurement] = []
    practice: PracticeAccount | None = None
    try:
        practice = PracticeAccount().start()
        if rules:
            made, targeted = add_unrelated_rules(practice, rules)
            print(f"  ({label}: put {made} rules, {targeted} of them with a target)")
        aws = practice.aws_context(parallel=12)  # simulating a real, network-bound account
        recorder = Recorder()
        recorder.install(aws)
        list(run_checks(aws))  # warm-up, unmeasured
        recorder.drain(timeout=10)
        for rtt in rtts:
            measurements.append(measure(aws, recorder, rtt))
    except Exception:
        print(f"  {label}: the case failed before it finished:")
        print("    " + traceback.format_exc().strip().replace("\n", "\n    "))
    finally:
        if practice is not None:
            try:
                practice.stop()
            except Exception as error:
                print(f"  {label}: stopping the practice account failed: {error!r}")
    return measurements


def slope(measurements: list[Measurement]) -> float | None:
    """Round trips waited one after another: (wall₂ − wall₁) / (rtt₂ − rtt₁)."""
    done = [m for m in measurements if m.error is None]
    if len(done) < 2 or done[1].rtt_ms == done[0].rtt_ms:
        return None
    return (done[1].wall - done[0].wall) / ((done[1].rtt_ms - done[0].rtt_ms) / 1000)


def print_case(label: str, measurements: list[Measurement]) -> None:
    print(f"{label}:")
    if not measurements:
        print("  no measurement")
    for m in measurements:
        statuses = ", ".join(f"{count} {status}" for status, count in sorted(m.statuses.items()))
        top = ", ".join(f"{op} {n}" for op, n in m.per_operation.most_common(TOP_OPERATIONS))
        print(f"  simulated round trip {m.rtt_ms:.0f} ms" + (f"  — RUN FAILED: {m.error}" if m.error else ""))
        print(f"    checks:                    {m.checks}" + (f" ({statuses})" if statuses else ""))
        print(f"    API requests:              {m.requests}"
              + (f" ({m.unfinished} still running when the run ended: prefetches nobody waited for)" if m.unfinished else ""))
        print(f"    distinct calls:            {m.distinct}")
        print(f"    requests per operation:    {top or 'none'}"
              + (f" (+{len(m.per_operation) - TOP_OPERATIONS} more operations)" if len(m.per_operation) > TOP_OPERATIONS else ""))
        print(f"    calls made more than once: {m.repeated or 'none'}")
        print(f"    sequential round trips:    {m.sequential}")
        print(f"    wall time:                 {m.wall:.2f} s  ({m.wall / (m.rtt_ms / 1000):.1f} × the round trip)")
    s = slope(measurements)
    print(f"  slope:                       {'n/a (needs two finished runs)' if s is None else f'{s:.1f} round trips waited one after another'}")


def simulated_latency(rtt_ms: float, rtt2_ms: float, rules: int) -> None:
    rtts = (rtt_ms, rtt2_ms)
    print(f"Simulated round trip per request: {rtt_ms:.0f} ms and {rtt2_ms:.0f} ms (in-process practice account, "
          f"up to 12 requests at a time, {os.cpu_count()} cores)")
    cases = (("no extra rules", 0), (f"{rules} unrelated rules", rules))
    results: dict[str, list[Measurement]] = {}
    for label, count in cases:
        results[label] = run_case(label, count, rtts)
        print_case(label, results[label])
        print()
    base_label = cases[0][0]
    base = next((m for m in results[base_label] if m.error is None), None)
    print("Summary:")
    for label, _ in cases:
        first = next((m for m in results[label] if m.error is None), None)
        s = slope(results[label])
        waited = "n/a" if s is None else f"{s:.1f}"
        seq = "/".join(str(m.sequential) for m in results[label]) or "n/a"
        if label == base_label:
            extra = f"{first.requests} requests" if first else "requests n/a"
        elif first and base:
            extra = f"{first.requests - base.requests:+d} requests vs no rules"
        else:
            extra = "requests vs no rules n/a"
        print(f"  {label}: {extra}; waited ≈ {waited} round trips (slope); sequential round trips {seq}")


# -- part 2 ---------------------------------------------------------------------------------------
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
    parser.add_argument("--rtt-ms", type=float, default=250.0, help="first simulated round trip (ms)")
    parser.add_argument("--rtt2-ms", type=float, default=500.0, help="second simulated round trip, for the slope (ms)")
    parser.add_argument("--rules", type=int, default=200, help="unrelated EventBridge rules in the second case")
    parser.add_argument("--runs", type=int, default=5, help="runs of the whole process (part 2)")
    args = parser.parse_args()
    simulated_latency(args.rtt_ms, args.rtt2_ms, args.rules)
    print()
    whole_process(args.runs)


if __name__ == "__main__":
    main()
