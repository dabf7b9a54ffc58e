"""The step list beside the wizard's pages (SPEC §5), without Qt: one entry per page of the
current path, each with a status word, and whether the user can jump back to it.

A jump back is ``QWizard.back()`` repeated, so it is possible only to a page in the history
(visited) with no commit page between it and the current page (Qt forbids going back past a
commit page: signing is not undone).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

from app.flow import PAGE_STEPS, FlowState, PageId, path
from app.model import Step
from app.steps.base import Progress, StepView

PAGE_LABELS = {
    PageId.WELCOME: "Welcome",
    PageId.CONNECT: "Connect",
    PageId.CHECKLIST: "Re-verification checklist",
    PageId.REVIEW: "Review & sign",
    PageId.DONE: "Done",
}


@dataclass(frozen=True)
class Entry:
    page: PageId
    label: str
    word: str  # the status in words (never colour alone)
    progress: Progress  # step pages: the step's; other pages: DONE once passed, else NOT_CHECKED
    current: bool
    visited: bool
    reachable: bool  # a jump back to it is possible now

    @property
    def accessible_name(self) -> str:
        where = ", current page" if self.current else (", press Enter to go back to it" if self.reachable else "")
        return f"{self.label}: {self.word}{where}"


def label(page: PageId) -> str:
    step = PAGE_STEPS.get(page)
    return f"Step {int(step)} · {step.title}" if step else PAGE_LABELS[page]


def can_jump_back(history: Sequence[PageId], target: PageId, is_commit: Callable[[PageId], bool]) -> bool:
    """Whether repeated ``back()`` from the last page of ``history`` reaches ``target``."""
    if target not in history[:-1]:
        return False
    index = len(history) - 1 - list(reversed(history)).index(target)
    return not any(is_commit(page) for page in history[index:-1])


def outline(flow: FlowState, views: Mapping[Step, StepView], history: Sequence[PageId],
            is_commit: Callable[[PageId], bool] = lambda page: False) -> list[Entry]:
    """The entries for the path the flow takes now (six steps, or the checklist in re-verify)."""
    current = history[-1] if history else PageId.WELCOME
    entries = []
    for page in path(flow):
        visited = page in history
        step = PAGE_STEPS.get(page)
        if step is not None and (visited or views[step].progress is not Progress.NOT_CHECKED):
            progress = views[step].progress
            word = progress.word
        elif visited and page is not current:
            progress, word = Progress.DONE, "Done"
        else:
            progress, word = Progress.NOT_CHECKED, "Current" if page is current else "Not yet"
        entries.append(Entry(page, label(page), word, progress, page is current, visited,
                             can_jump_back(history, page, is_commit)))
    return entries
