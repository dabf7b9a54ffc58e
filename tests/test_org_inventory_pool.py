"""The organization inventory (paged ListAccounts, read completely or not at all) and the
adaptive worker pool (halves on throttling, grows slowly, cancels honestly)."""
from __future__ import annotations

import threading
import time

import pytest

from app.errors import IncompleteListing, MalformedResponse, Throttled
from app.org.inventory import list_members
from app.org.pool import AdaptivePool


def account(n: int, state: str = "ACTIVE", **extra) -> dict:
    return {"Id": f"{n:012d}", "Name": f"a{n}", "State": state, "JoinedMethod": "CREATED", **extra}


def pages(*contents: list, repeat_token: bool = False):
    """A ListAccounts stand-in answering the given pages in order, recording each request."""
    requests = []

    def call(**params):
        requests.append(params)
        index = len(requests) - 1
        page = {"Accounts": contents[index]}
        if index + 1 < len(contents):
            page["NextToken"] = "same" if repeat_token else f"t{index + 1}"
        return page

    return call, requests


def test_twenty_item_pages_and_empty_pages_are_read_to_the_end():
    call, requests = pages([account(n) for n in range(20)], [], [account(n) for n in range(20, 40)], [], [account(40)])
    members = list_members(call)
    assert [m.id for m in members] == [f"{n:012d}" for n in range(41)]
    assert all(r["MaxResults"] == 20 for r in requests) and [r.get("NextToken") for r in requests] == [None, "t1", "t2", "t3", "t4"]


def test_a_repeated_token_is_an_incomplete_listing_not_a_short_one():
    call, _ = pages([account(1)], [account(2)], [account(3)], repeat_token=True)
    with pytest.raises(IncompleteListing):
        list_members(call)


def test_endless_pages_are_bounded():
    with pytest.raises(IncompleteListing):
        list_members(lambda **p: {"Accounts": [], "NextToken": f"t{time.perf_counter_ns()}"}, max_pages=50)


def test_state_decides_and_status_is_only_a_fallback():
    call, _ = pages([account(1, "SUSPENDED", Status="ACTIVE"), account(2, "PENDING_CLOSURE"), account(3, "CLOSED"),
                     {"Id": f"{4:012d}", "Name": "old", "Status": "ACTIVE"}, account(5, "PENDING_ACTIVATION")])
    members = list_members(call)
    assert [(m.state, m.active, m.ended) for m in members] == [
        ("SUSPENDED", False, True), ("PENDING_CLOSURE", False, True), ("CLOSED", False, True),
        ("ACTIVE", True, False), ("PENDING_ACTIVATION", False, False)]


@pytest.mark.parametrize("bad", [{"Accounts": None}, {"Accounts": [{"Id": "12", "State": "ACTIVE"}]},
                                 {"Accounts": [{"Id": f"{1:012d}"}]}])
def test_malformed_pages_are_refused(bad):
    with pytest.raises(MalformedResponse):
        list_members(lambda **p: bad)


def throttle(action: str = "sts:AssumeRoot") -> Throttled:
    return Throttled("throttled", action, "Throttling")


def test_throttling_halves_the_pool_and_the_run_still_completes():
    throttled_once = {3, 7}
    seen: set[int] = set()
    lock = threading.Lock()
    peak = [0, 0]

    def work(n: int) -> str:
        with lock:
            peak[0] += 1
            peak[1] = max(peak[1], peak[0])
        try:
            time.sleep(0.005)
            with lock:
                if n in throttled_once and n not in seen:
                    seen.add(n)
                    raise throttle()
            return f"done {n}"
        finally:
            with lock:
                peak[0] -= 1

    progress = []
    pool = AdaptivePool(work, lambda n, e: "gave up", max_workers=16, start=16, backoff=0.01, on_progress=progress.append)
    result = pool.run(list(range(60)))
    assert result.results == {n: f"done {n}" for n in range(60)} and not result.cancelled
    assert result.limits[0] == 16 and any(b == a // 2 for a, b in zip(result.limits, result.limits[1:])), result.limits
    assert result.throttles == 2 and peak[1] <= 16
    assert progress[-1].done == 60 and progress[-1].total == 60 and progress[-1].eta_seconds == 0
    assert any(p.throttled for p in progress)


def test_an_item_throttled_every_time_is_given_up_after_max_attempts():
    calls = []

    def work(n: int) -> str:
        calls.append(n)
        if n == 0:
            raise throttle()
        return "ok"

    result = AdaptivePool(work, lambda n, e: f"gave up: {e.code}", max_workers=4, start=4, max_attempts=3, backoff=0.001).run([0, 1, 2])
    assert result.results == {0: "gave up: Throttling", 1: "ok", 2: "ok"}
    assert calls.count(0) == 3 and result.limits[:2] == [4, 2] and 1 in result.limits


def test_the_pool_grows_slowly_up_to_its_maximum():
    result = AdaptivePool(lambda n: n, lambda n, e: None, max_workers=6, start=2).run(list(range(40)))
    assert result.limits == [2, 3, 4, 5, 6]


def test_cancel_stops_the_run_keeping_what_was_done():
    cancel = threading.Event()

    def work(n: int) -> int:
        if n == 5:
            cancel.set()
        time.sleep(0.002)
        return n * n

    result = AdaptivePool(work, lambda n, e: None, max_workers=1, start=1, cancel=cancel).run(list(range(20)))
    assert result.cancelled
    assert result.results == {n: n * n for n in range(6)}
    assert result.unfinished == list(range(6, 20))


def test_a_bug_in_the_work_is_raised_not_swallowed():
    def work(n: int) -> int:
        if n == 3:
            raise KeyError("bug")
        return n

    with pytest.raises(KeyError):
        AdaptivePool(work, lambda n, e: None, max_workers=2, start=2).run(list(range(10)))


def test_ctrl_c_in_the_calling_thread_cancels_keeping_what_was_done():
    import _thread

    def work(n: int) -> int:
        if n == 4:
            _thread.interrupt_main()  # as if the user pressed Ctrl-C while run() waits
        time.sleep(0.05)
        return n

    result = AdaptivePool(work, lambda n, e: None, max_workers=1, start=1).run(list(range(30)))
    assert result.cancelled and set(range(5)) <= set(result.results)  # done before Ctrl-C (and the one in flight) kept
    assert result.unfinished and sorted(set(result.results) | set(result.unfinished)) == list(range(30))
