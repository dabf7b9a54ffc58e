"""The wizard's flow as a graph, without Qt (ARCHITECTURE idea 1).

Each page says what comes next, as a pure function of the flow state. Qt's ``nextId()`` only
asks ``next_page``; tests walk every path with plain data.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Callable

from app.model import Step


class PageId(enum.IntEnum):
    WELCOME = 0
    CONNECT = 1
    STEP_1 = 2
    STEP_2 = 3
    STEP_3 = 4
    STEP_4 = 5
    STEP_5 = 6
    STEP_6 = 7
    CHECKLIST = 8
    REVIEW = 9
    DONE = 10


class Mode(str, enum.Enum):
    SETUP = "setup"
    REVERIFY = "re-verify"


@dataclass
class FlowState:
    """What the flow depends on. Owned and changed by the UI thread only."""

    mode: Mode | None = None
    practice: bool = False


STEP_PAGES: dict[Step, PageId] = {step: PageId(PageId.STEP_1 + i) for i, step in enumerate(Step)}
PAGE_STEPS: dict[PageId, Step] = {page: step for step, page in STEP_PAGES.items()}


def _after_connect(state: FlowState) -> PageId:
    return PageId.CHECKLIST if state.mode is Mode.REVERIFY else PageId.STEP_1


FLOW: dict[PageId, Callable[[FlowState], PageId | None]] = {
    PageId.WELCOME: lambda s: PageId.CONNECT,
    PageId.CONNECT: _after_connect,
    **{PageId(PageId.STEP_1 + i): (lambda s, n=PageId(PageId.STEP_2 + i): n) for i in range(5)},
    PageId.STEP_6: lambda s: PageId.REVIEW,
    PageId.CHECKLIST: lambda s: PageId.REVIEW,
    PageId.REVIEW: lambda s: PageId.DONE,
    PageId.DONE: lambda s: None,
}


def next_page(page: PageId, state: FlowState) -> PageId | None:
    """The page after ``page``; None when ``page`` is the last. No side effects."""
    return FLOW[page](state)


def path(state: FlowState, start: PageId = PageId.WELCOME) -> list[PageId]:
    pages, page = [], start
    while page is not None:
        pages.append(page)
        page = next_page(page, state)
    return pages
