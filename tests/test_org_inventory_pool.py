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


# -- the OU walk on several threads, beside the ListAccounts paging ---------------------------------
class Tree:
    """An organizations stand-in for the OU walk: ``units`` maps a parent to its child OUs,
    ``accounts`` a parent to its account count (answered in pages of 20). Each request sleeps
    ``delay`` seconds (a round trip) and is recorded; the most requests in flight at once are
    counted. ``fail`` maps (operation, parent) to the error that request raises."""

    def __init__(self, units: dict, accounts: dict, delay: float = 0.002, fail: dict | None = None) -> None:
        self.units, self.accounts, self.delay, self.fail = units, accounts, delay, fail or {}
        self.requests: list[tuple[str, str | None, str | None]] = []
        self.lock = threading.Lock()
        self.in_flight = self.peak = 0
        self.failed_at: int | None = None

    def ids(self, parent: str) -> list[str]:
        base = sum(self.accounts.get(p, 0) for p in sorted(self.accounts) if p < parent)
        return [f"{base + n:012d}" for n in range(self.accounts.get(parent, 0))]

    def call(self, operation: str, ParentId: str | None = None, NextToken: str | None = None, **_):
        with self.lock:
            self.requests.append((operation, ParentId, NextToken))
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        try:
            time.sleep(self.delay)
            if (operation, ParentId) in self.fail:
                with self.lock:
                    self.failed_at = len(self.requests)
                raise self.fail[(operation, ParentId)]
            if operation == "ListRoots":
                return {"Roots": [{"Id": "r-ab12", "Name": "Root"}]}
            items = ([{"Id": ou, "Name": ou.upper()} for ou in self.units.get(ParentId, [])] if operation == "ListOrganizationalUnitsForParent"
                     else [{"Id": i} for i in self.ids(ParentId)])
            start = int(NextToken or 0)
            page = {"Accounts" if operation == "ListAccountsForParent" else "OrganizationalUnits": items[start:start + 20]}
            if start + 20 < len(items):
                page["NextToken"] = str(start + 20)
            return page
        finally:
            with self.lock:
                self.in_flight -= 1


def walk_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("rw-ou-walk")]


WIDE = {"r-ab12": ["ou-a", "ou-b", "ou-c"], "ou-a": ["ou-a1", "ou-a2"], "ou-c": ["ou-c1"]}
SIZES = {"r-ab12": 3, "ou-a": 45, "ou-a1": 60, "ou-a2": 21, "ou-b": 100, "ou-c": 0, "ou-c1": 40}


def test_the_walk_lists_several_parents_at_once_and_places_every_account():
    from app.org.inventory import placements

    tree = Tree(WIDE, SIZES, delay=0.005)
    found = placements(tree.call, workers=3)
    assert 1 < tree.peak <= 3  # several parents at once, never more than the bound
    expected = {account: parent for parent in SIZES for account in tree.ids(parent)}
    assert set(found) == set(expected) and len(found) == sum(SIZES.values())
    assert found[tree.ids("ou-a1")[0]].path == "Root/OU-A/OU-A1" and found[tree.ids("ou-a1")[0]].ids == ("r-ab12", "ou-a", "ou-a1")
    assert {found[a].ids[-1] for a in tree.ids("ou-b")} == {"ou-b"} and found[tree.ids("r-ab12")[0]].path == "Root"
    # each listing's pages are asked in order, each exactly once
    for parent, size in SIZES.items():
        tokens = [t for op, p, t in tree.requests if op == "ListAccountsForParent" and p == parent]
        assert tokens == [None] + [str(n) for n in range(20, size, 20)], (parent, tokens)
    assert not walk_threads()


def test_one_failed_branch_fails_the_whole_walk_and_leaves_no_thread():
    from app.errors import AccessDenied
    from app.org.inventory import placements

    # ou-b's 2,000 accounts take 100 pages; ou-c's OUs are denied after the first requests
    tree = Tree(WIDE, {**SIZES, "ou-b": 2_000}, delay=0.005,
                fail={("ListOrganizationalUnitsForParent", "ou-c"): AccessDenied("denied", "organizations:ListOrganizationalUnitsForParent",
                                                                                 "AccessDeniedException")})
    with pytest.raises(AccessDenied):
        placements(tree.call, workers=3)
    assert not walk_threads()  # every walk thread has ended when placements raises
    assert tree.failed_at is not None and len(tree.requests) < tree.failed_at + 20  # the rest stopped soon after
    assert sum(1 for op, p, _ in tree.requests if p == "ou-b") < 100


@pytest.mark.parametrize("units, sizes, error", [
    ({"r-ab12": ["ou-a"], "ou-a": ["ou-b"], "ou-b": ["ou-a"]}, {}, IncompleteListing),  # a cycle below the root
    ({"r-ab12": ["ou-a", "ou-b"], "ou-a": ["ou-c"], "ou-b": ["ou-c"]}, {}, IncompleteListing),  # one OU under two parents
])
def test_a_tree_that_is_not_a_tree_is_refused_on_threads_too(units, sizes, error):
    from app.org.inventory import placements

    with pytest.raises(error):
        placements(Tree(units, sizes).call, workers=3)
    assert not walk_threads()


def test_an_account_in_two_ous_is_an_incomplete_listing_not_a_guess():
    from app.org.inventory import placements

    tree = Tree({"r-ab12": ["ou-a", "ou-b"]}, {"ou-a": 5, "ou-b": 5})
    tree.ids = lambda parent: [f"{n:012d}" for n in range(5)] if parent in ("ou-a", "ou-b") else []  # moved mid-walk
    with pytest.raises(IncompleteListing, match="two OUs"):
        placements(tree.call, workers=3)


def test_the_request_budget_is_shared_by_the_walks_threads():
    from app.org.inventory import placements

    tree = Tree(WIDE, SIZES)
    with pytest.raises(IncompleteListing, match="more than 8 requests"):
        placements(tree.call, max_calls=8, workers=3)
    assert len(tree.requests) <= 8 and not walk_threads()


def test_stop_from_another_thread_ends_the_walk_unfinished():
    from app.org.inventory import placements

    tree = Tree(WIDE, {**SIZES, "ou-b": 8_000}, delay=0.005)  # 400 pages: two seconds at least
    stop = threading.Event()
    threading.Timer(0.1, stop.set).start()
    with pytest.raises(IncompleteListing, match="stopped"):
        placements(tree.call, workers=3, stop=stop)
    assert len(tree.requests) < 150 and not walk_threads()


class FakeContext:
    """What ``_placed`` needs of an AwsContext: ``call`` (organizations) and ``parallel``."""

    parallel = 12

    def __init__(self, tree: Tree) -> None:
        self.tree = tree

    def call(self, service: str, operation: str, **params):
        assert service == "organizations"
        return self.tree.call(operation, **params)


def test_accounts_are_listed_while_the_tree_is_walked():
    from app.org.inventory import list_members
    from app.org.scan import _placed

    tree = Tree(WIDE, SIZES, delay=0.005)
    everyone = [account(int(i)) for parent in SIZES for i in tree.ids(parent)]
    walked_meanwhile = []

    def listing(**params):
        start = int(params.get("NextToken") or 0)
        walked_meanwhile.append(len(tree.requests))
        time.sleep(0.005)
        page = {"Accounts": everyone[start:start + 20]}
        if start + 20 < len(everyone):
            page["NextToken"] = str(start + 20)
        return page

    members, notices = _placed(FakeContext(tree), lambda: list_members(listing), None)
    assert not notices and len(members) == len(everyone) and all(m.ou for m in members)
    assert walked_meanwhile[0] < walked_meanwhile[-1]  # the walk went on while ListAccounts paged: neither waited for the other
    assert {m.ou for m in members if m.id in tree.ids("ou-a2")} == {"Root/OU-A/OU-A2"}
    assert not walk_threads()


def test_a_failed_account_listing_stops_the_walk_and_is_what_is_raised():
    from app.org.inventory import list_members
    from app.org.scan import _placed

    tree = Tree(WIDE, {**SIZES, "ou-b": 4_000}, delay=0.005)

    def listing(**params):
        time.sleep(0.02)
        return {"Accounts": None}  # malformed

    for ou in (None, "Root/OU-B"):
        tree.requests.clear()
        with pytest.raises(MalformedResponse, match="ListAccounts"):
            _placed(FakeContext(tree), lambda: list_members(listing), ou)
        assert not walk_threads() and len(tree.requests) < 50


def test_a_walk_that_fails_leaves_the_ou_column_empty_or_stops_an_ou_run():
    from app.errors import Throttled
    from app.org.inventory import list_members
    from app.org.scan import _placed

    tree = Tree(WIDE, SIZES, fail={("ListAccountsForParent", "ou-a2"): Throttled("slow down", "organizations:ListAccountsForParent",
                                                                                    "TooManyRequestsException")})
    everyone = [account(int(i)) for parent in SIZES for i in tree.ids(parent)]
    members, notices = _placed(FakeContext(tree), lambda: list_members(lambda **p: {"Accounts": everyone}), None)
    assert len(members) == len(everyone) and not any(m.ou for m in members)
    assert len(notices) == 1 and "OU column is empty" in notices[0]
    with pytest.raises(Throttled):
        _placed(FakeContext(tree), lambda: list_members(lambda **p: {"Accounts": everyone}), "Root/OU-A")
    assert not walk_threads()
