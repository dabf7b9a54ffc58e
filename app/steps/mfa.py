"""Step 2 — Enable MFA on root: console only (AWS offers no API), so the page guides the console
flow and polls ``root.mfa`` every few seconds until it passes. In-app virtual MFA enrollment for
IAM users is always offered."""
from __future__ import annotations

from app.model import Reason, Status, Step
from app.steps.base import Action, Poll, StepDescription, StepFacts

MFA = "root.mfa"
HARDWARE = "root.mfa-hardware"


class MfaStep(StepDescription):
    step = Step.MFA

    def _missing(self, facts: StepFacts) -> bool:
        return facts.status(MFA) is Status.FAIL and facts.reason(MFA) == Reason.NO_MFA.value

    def _actions(self, facts: StepFacts) -> tuple[Action, ...]:
        guide = (Action.CONSOLE_ROOT_MFA, Action.SIMULATE_ROOT_MFA) if self._missing(facts) else ()
        return (*guide, Action.ENROLL_USER_MFA)

    def _poll(self, facts: StepFacts) -> Poll | None:
        return Poll((MFA, HARDWARE)) if self._missing(facts) else None
