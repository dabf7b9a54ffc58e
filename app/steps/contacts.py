"""Step 5 — Alternate contacts: one form for all three (as the console edits them), offered
while any contact is missing."""
from __future__ import annotations

from app.model import Reason, Status, Step
from app.steps.base import Action, StepDescription, StepFacts

CONTACT_TYPES = ("SECURITY", "BILLING", "OPERATIONS")


def check_id(contact_type: str) -> str:
    return f"contacts.{contact_type.lower()}"


class ContactsStep(StepDescription):
    step = Step.CONTACTS

    def _acceptable(self, finding, facts: StepFacts) -> bool:
        return finding.status is Status.PASS

    def missing(self, facts: StepFacts) -> tuple[str, ...]:
        """The contact types AWS says are not set."""
        return tuple(t for t in CONTACT_TYPES if facts.status(check_id(t)) is Status.FAIL
                     and facts.reason(check_id(t)) == Reason.CONTACT_MISSING.value)

    def states(self, facts: StepFacts) -> dict[str, str]:
        """Each contact as the form shows it: "missing" (to fill in), "set" (AWS has it; the
        passing finding's evidence holds its values) or "unknown" (not read, or not readable)."""
        missing = self.missing(facts)
        return {t: "missing" if t in missing else "set" if facts.status(check_id(t)) is Status.PASS else "unknown"
                for t in CONTACT_TYPES}

    def _actions(self, facts: StepFacts) -> tuple[Action, ...]:
        return (Action.SET_CONTACTS,) if self.missing(facts) else ()
