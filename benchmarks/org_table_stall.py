"""Benchmark: the UI stall while the Organization path's results table fills (SPEC §12: smooth at
10,000 rows; SPEC §11: the UI thread never stalls more than 50 ms). Prints figures; asserts nothing.

A synthetic audit of N member accounts (default 5,000 and 10,000; five checks each plus the three
contact checks, verdicts and OUs varied) is built as the scan would deliver it, then handed to
the real ``ResultsPage`` on a shown wizard-sized window (offscreen) exactly as the wizard does
after an audit, while ``ui.stall_meter.StallMeter`` measures the longest time the event loop
could not run. Also measured: a sort by clicking the verdict column and a text filter.

Run: make bench-org   (or: QT_QPA_PLATFORM=offscreen python benchmarks/org_table_stall.py --accounts 10000)
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def synthetic_scan(n: int):
    from app.model import Outcome, Reason, Status
    from app.org import member_checks
    from app.org.contacts import MEMBER_CONTACT_CHECKS
    from app.org.inventory import Member
    from app.org.scan import MemberResult, OrgScan

    now = datetime.now(timezone.utc)
    checks = list(member_checks.MEMBER_CHECKS) + list(MEMBER_CONTACT_CHECKS)
    members = []
    for i in range(n):
        member = Member(f"{400000000000 + i}", f"account-{i:05d}", "ACTIVE", "CREATED", ou=f"Root/Team{i % 7}/Env{i % 3}")
        kind = i % 10
        if kind == 1:
            outcomes = member_checks.same_for_all(Status.UNKNOWN, Reason.ASSUME_ROOT_DENIED, "denied")
            members.append(MemberResult(member, member_checks.findings(outcomes, now), False, reason="assume-root-denied"))
            continue
        failing = kind in (0, 5)
        outcomes = [(info, Outcome(Status.FAIL if failing and j == 0 else Status.PASS, "x", {},
                                   Reason.NON_COMPLIANT if failing and j == 0 else Reason.COMPLIANT))
                    for j, info in enumerate(checks)]
        members.append(MemberResult(member, member_checks.findings(outcomes, now), True))
    return OrgScan("o-benchmark001", "123456789012", "arn:aws:iam::123456789012:user/admin", ("RootSessions",), now, now,
                   tuple(members))


def measure(n: int) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from ui.org.path import OrgState
    from ui.org.results_page import ResultsPage
    from ui.stall_meter import StallMeter

    app = QApplication.instance() or QApplication([])
    built = time.perf_counter()
    scan = synthetic_scan(n)
    built = time.perf_counter() - built
    session = SimpleNamespace(identity=None, aws=None, flow=SimpleNamespace(practice=False))
    org = OrgState()
    org.result = scan
    page = ResultsPage(session, org)  # type: ignore[arg-type]
    page.resize(1200, 780)
    page.show()
    app.processEvents()
    meter = StallMeter()
    meter.start()
    began = time.perf_counter()
    page.initializePage()
    while page.model.rowCount() < n + 0 and time.perf_counter() - began < 60:
        app.processEvents()
    filled = time.perf_counter() - began
    for _ in range(20):
        app.processEvents()
        time.sleep(0.005)
    fill_stall = meter.stop()

    meter.start()
    page.table.sortByColumn(4, Qt.SortOrder.DescendingOrder)
    app.processEvents()
    sort_stall = meter.stop()
    meter.start()
    page.text_filter.setText("account-0999")
    app.processEvents()
    filter_stall = meter.stop()
    print(f"{n:>6} accounts: scan built in {built:.2f} s (off the UI thread in the app); table filled in {filled * 1000:.0f} ms; "
          f"longest UI stall while filling {fill_stall:.0f} ms, sorting {sort_stall:.0f} ms, filtering {filter_stall:.0f} ms "
          f"(goal ≤ 50 ms: {'met' if max(fill_stall, sort_stall, filter_stall) <= 50 else 'NOT met'})")
    page.close()
    page.deleteLater()
    app.processEvents()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, nargs="*", default=[5000, 10000])
    for n in parser.parse_args().accounts:
        measure(n)


if __name__ == "__main__":
    main()
