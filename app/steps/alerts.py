"""Step 6 — Root activity notifications: Rootwarden sets the alert up, then the page polls
``alerts.root-activity`` until the e-mail subscription is confirmed."""
from __future__ import annotations

from app.model import Reason, Status, Step
from app.steps.base import Action, Poll, StepDescription, StepFacts

ALERTS = "alerts.root-activity"
# What "Set up alerts" repairs: nothing in place, a disabled rule, no subscriber, a topic that
# refuses the alert, or a rule that sees only part of root's activity (Rootwarden adds its own
# complete rule and a topic whose policy lets it publish).
SET_UP_FOR = (Reason.NO_ALERT.value, Reason.RULE_DISABLED.value, Reason.NO_CONFIRMED_SUBSCRIBER.value,
              Reason.DELIVERY_BLOCKED.value, Reason.PARTIAL_COVERAGE.value, Reason.NON_COMPLIANT.value)


class AlertsStep(StepDescription):
    step = Step.ALERTS

    def _pending(self, facts: StepFacts) -> bool:
        return facts.status(ALERTS) is Status.WARN and facts.reason(ALERTS) == Reason.PENDING_CONFIRMATION.value

    def _waiting(self, facts: StepFacts) -> bool:
        return self._pending(facts)

    def _actions(self, facts: StepFacts) -> tuple[Action, ...]:
        if self._pending(facts):
            return (Action.CONFIRM_SUBSCRIPTION, Action.SIMULATE_CONFIRMATION)
        if facts.status(ALERTS) in (Status.FAIL, Status.WARN) and facts.reason(ALERTS) in SET_UP_FOR:
            return (Action.SET_UP_ALERTS,)
        return ()

    def _poll(self, facts: StepFacts) -> Poll | None:
        return Poll((ALERTS,)) if self._pending(facts) else None


def default_address(facts: StepFacts) -> str | None:
    """Where alerts go unless the user says otherwise (SPEC §4 Step 6): the security contact's
    e-mail address, when AWS has one."""
    security = facts.findings.get("contacts.security")
    if security is None or security.status is not Status.PASS:
        return None
    address = security.evidence.get("EmailAddress")
    return address if isinstance(address, str) and address else None
