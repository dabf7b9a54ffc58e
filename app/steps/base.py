"""What a wizard step is, without Qt (ARCHITECTURE idea 7): its checks, when it is done, what to
poll and until when, and the actions it offers, all as pure functions of ``StepFacts``.

Decisions here read a finding's ``status`` and ``reason`` code only, never its sentence. Pages
and panels render a ``StepView``; they decide nothing themselves. Everything is an immutable
value: safe to build and read on any thread.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Mapping

from app.checks import REGISTRY
from app.model import Finding, Status, Step

POLL_SECONDS = 5


class Progress(str, enum.Enum):
    """Where a step stands, as the step list and the page show it (a word, not colour alone)."""

    NOT_CHECKED = "not-checked"
    NEEDS_ACTION = "needs-action"  # a check fails
    UNKNOWN = "unknown"  # no check fails, but one could not be judged
    FINISHES_LATER = "finishes-later"  # Step 1 as root: the key in use is deleted at the very end
    WAITING = "waiting"  # set up; waiting for the user to confirm outside Rootwarden (an e-mail link)
    SKIPPED = "skipped"
    WARNING = "warning"  # done, with a warning to read
    DONE = "done"

    @property
    def word(self) -> str:
        return PROGRESS_WORDS[self]

    @property
    def lets_the_user_go_on(self) -> bool:
        return self in (Progress.DONE, Progress.WARNING, Progress.SKIPPED, Progress.FINISHES_LATER, Progress.WAITING)


PROGRESS_WORDS = {
    Progress.NOT_CHECKED: "Not checked yet",
    Progress.NEEDS_ACTION: "Needs action",
    Progress.UNKNOWN: "Unknown",
    Progress.FINISHES_LATER: "Finishes at the end",
    Progress.WAITING: "Waiting for confirmation",
    Progress.SKIPPED: "Skipped",
    Progress.WARNING: "Done, with a warning",
    Progress.DONE: "Done",
}


class ActionKind(str, enum.Enum):
    FIX = "fix"  # Rootwarden changes the account, after a confirmation listing the changes
    CONSOLE = "console"  # what to do in the AWS console, with "Open in console"
    PRACTICE = "practice"  # a simulated console or mailbox action: the practice account only
    ADVICE = "advice"  # what to know or do next; changes nothing


class Action(str, enum.Enum):
    """Everything a step page can offer; a panel shows the widgets of the offered ones."""

    DELETE_ROOT_KEYS = "delete-root-keys"
    CONSOLE_DELETE_ROOT_KEYS = "console-delete-root-keys"
    SIMULATE_DELETE_ROOT_KEYS = "simulate-delete-root-keys"
    CONSOLE_ROOT_MFA = "console-root-mfa"
    SIMULATE_ROOT_MFA = "simulate-root-mfa"
    ENROLL_USER_MFA = "enroll-user-mfa"
    ROOT_USE_ADVICE = "root-use-advice"
    SIMULATE_TIME_PASSES = "simulate-time-passes"
    CONSOLE_IDENTITY_CENTER = "console-identity-center"
    SIMULATE_IDENTITY_CENTER = "simulate-identity-center"
    MOVE_CONSOLE_USERS = "move-console-users"
    ENABLE_CENTRAL_ROOT_ACCESS = "enable-central-root-access"
    SET_CONTACTS = "set-contacts"
    SET_UP_ALERTS = "set-up-alerts"
    CONFIRM_SUBSCRIPTION = "confirm-subscription"
    SIMULATE_CONFIRMATION = "simulate-confirmation"

    @property
    def kind(self) -> ActionKind:
        if self.name.startswith("SIMULATE_"):
            return ActionKind.PRACTICE
        if self.name.startswith("CONSOLE_"):
            return ActionKind.CONSOLE
        if self in (Action.ROOT_USE_ADVICE, Action.MOVE_CONSOLE_USERS, Action.CONFIRM_SUBSCRIPTION):
            return ActionKind.ADVICE
        return ActionKind.FIX


class PollStart(str, enum.Enum):
    NOW = "now"  # as soon as the plan exists: the only way forward is outside Rootwarden
    AFTER_CONSOLE = "after-console"  # once the user has opened the console from the page


@dataclass(frozen=True)
class Poll:
    """Re-run ``checks`` every ``every_seconds`` while the step's ``poll`` returns this plan;
    the plan disappears (``None``) once what it waits for has happened."""

    checks: tuple[str, ...]
    start: PollStart = PollStart.NOW
    every_seconds: int = POLL_SECONDS


@dataclass(frozen=True)
class StepFacts:
    """What a step's rules depend on, read from the session on the UI thread."""

    findings: Mapping[str, Finding] = field(default_factory=dict)  # by check ID (other steps' too)
    practice: bool = False
    caller_is_root: bool = False
    skipped: bool = False
    key_in_use_deferred: bool = False  # the session deletes the root key it signs with at the end

    def status(self, check_id: str) -> Status | None:
        finding = self.findings.get(check_id)
        return finding.status if finding else None

    def reason(self, check_id: str) -> str | None:
        finding = self.findings.get(check_id)
        return finding.reason if finding else None


@dataclass(frozen=True)
class StepView:
    """One step's description evaluated on the current facts: all a page renders."""

    step: Step
    progress: Progress
    actions: tuple[Action, ...]
    poll: Poll | None

    @property
    def can_go_on(self) -> bool:
        """Next may be enabled (the page adds its own busy state)."""
        return self.progress.lets_the_user_go_on

    def offers(self, action: Action) -> bool:
        return action in self.actions


ACCEPTABLE = (Status.PASS, Status.WARN, Status.NOT_APPLICABLE)


class StepDescription:
    """A step's rules. Subclasses override ``_actions``, ``_poll`` and, where a step has its
    own idea of done, ``_acceptable``; ``view`` is the one entry point."""

    step: Step

    @property
    def check_ids(self) -> tuple[str, ...]:
        return tuple(check.id for check in REGISTRY if check.info.step is self.step)

    def view(self, facts: StepFacts) -> StepView:
        actions = tuple(a for a in self._actions(facts) if facts.practice or a.kind is not ActionKind.PRACTICE)
        return StepView(self.step, self.progress(facts), actions, self._poll(facts))

    def progress(self, facts: StepFacts) -> Progress:
        findings = [facts.findings[i] for i in self.check_ids if i in facts.findings]
        if len(findings) == len(self.check_ids) and all(self._acceptable(f, facts) for f in findings):
            if self._waiting(facts):
                return Progress.WAITING
            return Progress.WARNING if any(f.status is Status.WARN for f in findings) else Progress.DONE
        if facts.skipped:
            return Progress.SKIPPED
        if self._finishes_later(facts):
            return Progress.FINISHES_LATER
        if len(findings) < len(self.check_ids):
            return Progress.NOT_CHECKED
        if any(f.status is Status.FAIL and not self._acceptable(f, facts) for f in findings):
            return Progress.NEEDS_ACTION
        return Progress.UNKNOWN

    def done(self, facts: StepFacts) -> bool:
        """Every check judged and acceptable (a skip does not make a step done)."""
        return self.progress(facts) in (Progress.DONE, Progress.WARNING)

    # -- per step ---------------------------------------------------------------------------
    def _acceptable(self, finding: Finding, facts: StepFacts) -> bool:
        return finding.status in ACCEPTABLE

    def _finishes_later(self, facts: StepFacts) -> bool:
        return False

    def _waiting(self, facts: StepFacts) -> bool:
        return False

    def _actions(self, facts: StepFacts) -> tuple[Action, ...]:
        return ()

    def _poll(self, facts: StepFacts) -> Poll | None:
        return None
