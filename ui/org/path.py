"""The Organization path's pages and its step-list outline, without Qt.

The single-account flow graph is ``app.flow``; the Organization path shares its first two pages
(Welcome, Connect) and adds its own page IDs after ``PageId``'s. ``OrgState`` says whether the
path is chosen and holds the last audit; the UI thread owns it.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Callable, Sequence

from app.flow import PageId
from app.org.scan import OrgScan
from app.org.summary import account_verdict
from app.model import Status
from app.steps import Progress
from app.steps.outline import Entry, can_jump_back


class OrgPage(enum.IntEnum):
    SCAN = 20
    RESULTS = 21


ORG_PATH: tuple[int, ...] = (PageId.WELCOME, PageId.CONNECT, OrgPage.SCAN, OrgPage.RESULTS)
LABELS = {PageId.WELCOME: "Welcome", PageId.CONNECT: "Connect", OrgPage.SCAN: "Audit the members",
          OrgPage.RESULTS: "Member accounts"}


@dataclass
class OrgState:
    chosen: bool = False  # the Welcome page's Organization entry was taken
    result: OrgScan | None = None  # the last audit, complete or cancelled
    busy: bool = False  # an audit is running (or still stopping): its simulation must not be stopped


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
        elif visited and page != current and (page != OrgPage.SCAN or state.result is not None):
            progress, word = Progress.DONE, "Done"
        else:
            progress, word = Progress.NOT_CHECKED, "Current" if page == current else "Not yet"
        entries.append(Entry(page, LABELS[page], word, progress, page == current, visited,  # type: ignore[arg-type]
                             can_jump_back(list(history), page, is_commit)))  # type: ignore[arg-type]
    return entries
