"""Step 4 — Centralize identity: IAM Identity Center is enabled in the console (guided; polled
once the console is opened); centralized root access is a fix in a management account."""
from __future__ import annotations

from app.model import Reason, Status, Step
from app.steps.base import Action, Poll, PollStart, StepDescription, StepFacts

CENTRAL = "identity.central"
ORG = "org.root-credentials-management"
ORG_FIXABLE = (Reason.TRUSTED_ACCESS_DISABLED.value, Reason.FEATURES_DISABLED.value)


class IdentityStep(StepDescription):
    step = Step.IDENTITY

    def _no_central(self, facts: StepFacts) -> bool:
        return facts.status(CENTRAL) is Status.FAIL and facts.reason(CENTRAL) == Reason.NO_CENTRAL_IDENTITY.value

    def _actions(self, facts: StepFacts) -> tuple[Action, ...]:
        actions: list[Action] = []
        if self._no_central(facts):
            actions += [Action.CONSOLE_IDENTITY_CENTER, Action.SIMULATE_IDENTITY_CENTER]
        if facts.status(CENTRAL) is Status.WARN and facts.reason(CENTRAL) == Reason.CONSOLE_PASSWORDS_REMAIN.value:
            actions.append(Action.MOVE_CONSOLE_USERS)
        if facts.status(ORG) is Status.FAIL and facts.reason(ORG) in ORG_FIXABLE:
            actions.append(Action.ENABLE_CENTRAL_ROOT_ACCESS)
        return tuple(actions)

    def _poll(self, facts: StepFacts) -> Poll | None:
        return Poll((CENTRAL,), PollStart.AFTER_CONSOLE) if self._no_central(facts) else None
