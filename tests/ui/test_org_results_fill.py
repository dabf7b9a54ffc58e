"""A large organization's table fills in batches (the UI keeps running between them) and ends
complete and sorted, exceptions first — as a small one fills at once."""
from __future__ import annotations

from datetime import datetime, timezone
from types import SimpleNamespace

from PySide6.QtCore import QTimer

from app.model import Status
from app.org.scan import OrgScan
from tests.ui.test_org_wizard import synthetic
from ui.org.path import OrgState
from ui.org.results_page import FILL_BATCH, ResultsPage
from ui.org.table_model import ROW_ROLE


def test_a_large_table_fills_in_batches_and_ends_sorted(qtbot):
    n = FILL_BATCH * 3 + 7
    now = datetime.now(timezone.utc)
    scan = OrgScan("o-abcdefghij", "123456789012", "arn:aws:iam::123456789012:user/a", ("RootSessions",), now, now,
                   tuple(synthetic(i) for i in range(n)))
    org = OrgState()
    org.result = scan
    page = ResultsPage(SimpleNamespace(identity=None, aws=None, flow=SimpleNamespace(practice=False)), org)
    qtbot.addWidget(page)
    page.show()
    ticks = []
    timer = QTimer(interval=0)
    timer.timeout.connect(lambda: ticks.append(page.model.rowCount()))
    timer.start()
    page.initializePage()
    assert page.model.rowCount() == FILL_BATCH  # the first batch at once, the rest between turns of the event loop
    qtbot.waitUntil(lambda: page.model.rowCount() == n and page.showing.text() == f"{n} accounts", timeout=10000)
    timer.stop()
    assert any(0 < count < n for count in ticks)  # the event loop ran while the table filled
    verdicts = [page.proxy.data(page.proxy.index(r, 0), ROW_ROLE).verdict for r in range(page.proxy.rowCount())]
    assert verdicts.index(Status.FAIL) == 0 and verdicts[-1] == Status.NOT_APPLICABLE  # sorted once all were in
