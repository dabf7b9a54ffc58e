"""The Organization path's pages and its step-list outline, without Qt.

The single-account flow graph is ``app.flow``; the Organization path shares its first two pages
(Welcome, Connect) and adds its own page IDs after ``PageId``'s. ``OrgState`` says whether the
path is chosen and holds the last audit; the UI thread owns it.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from app.flow import PageId
from app.org.scan import OrgScan
from app.org.summary import account_verdict
from app.org.workflow import OrgWorkflow
from app.model import Status
from app.steps import Progress
from app.steps.outline import Entry, can_jump_back


class OrgPage(enum.IntEnum):
    SCAN = 20
    RESULTS = 21
    READINESS = 22
    REVIEW = 23
    DONE = 24


ORG_PATH: tuple[int, ...] = (PageId.WELCOME, PageId.CONNECT, OrgPage.READINESS, OrgPage.SCAN, OrgPage.RESULTS, OrgPage.REVIEW,
                             OrgPage.DONE)
LABELS = {PageId.WELCOME: "Welcome", PageId.CONNECT: "Connect", OrgPage.READINESS: "Readiness", OrgPage.SCAN: "Audit the members",
          OrgPage.RESULTS: "Member accounts & fixes", OrgPage.REVIEW: "Review & sign", OrgPage.DONE: "Done"}


@dataclass
class OrgState:
    chosen: bool = False  # the Welcome page's Organization entry was taken
    busy: bool = False  # an audit or a change is running (or still stopping): its simulation must not be stopped
    work: OrgWorkflow = field(default_factory=OrgWorkflow)  # readiness, the audit as it stands, changes, sessions
    saved: Any = None  # app.org.record.SavedOrgRecord once signed

    @property
    def result(self) -> OrgScan | None:
        """The last audit (complete or cancelled), with the changes made since applied."""
        return self.work.scan

    @result.setter
    def result(self, scan: OrgScan | None) -> None:
        self.work.record_scan(scan)


def next_org_page(page: int) -> int | None:
    """The page after ``page`` on the Organization path; None after the last (for now, the table)."""
    index = ORG_PATH.index(page) if page in ORG_PATH else len(ORG_PATH) - 1
    return ORG_PATH[index + 1] if index + 1 < len(ORG_PATH) else None


def _results_progress(state: OrgState) -> Progress:
    if state.result is None:
        return Progress.NOT_CHECKED
    verdicts = {account_verdict(m) for m in state.result.members}
    if Status.FAIL in verdicts:
        return Progress.NEEDS_ACTION
    if Status.UNKNOWN in verdicts:
        return Progress.UNKNOWN
    return Progress.WARNING if Status.WARN in verdicts else Progress.DONE


def org_outline(state: OrgState, history: Sequence[int], is_commit: Callable[[int], bool] = lambda page: False) -> list[Entry]:
    """The step list's entries on the Organization path: the audit is done once a result
    exists; the table shows the organization's worst verdict in words."""
    current = history[-1] if history else PageId.WELCOME
    entries = []
    for page in ORG_PATH:
        visited = page in history
        if page == OrgPage.RESULTS and visited:
            progress = _results_progress(state)
            word = progress.word
        elif page == OrgPage.REVIEW and visited and page != current:
            progress, word = (Progress.DONE, "Signed") if state.saved is not None else (Progress.NOT_CHECKED, "Not signed")
        elif visited and page != current and (page != OrgPage.SCAN or state.result is not None):
            progress, word = Progress.DONE, "Done"
        else:
            progress, word = Progress.NOT_CHECKED, "Current" if page == current else "Not yet"
        entries.append(Entry(page, LABELS[page], word, progress, page == current, visited,  # type: ignore[arg-type]
                             can_jump_back(list(history), page, is_commit)))  # type: ignore[arg-type]
    return entries
