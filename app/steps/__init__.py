"""The six steps, each described once without Qt (SPEC §5): see ``app.steps.base``.

``describe(step)`` is the description; ``view(step, facts)`` evaluates it. The session builds
``StepFacts``; pages render ``StepView``s.
"""
from __future__ import annotations

from app.model import Step
from app.steps.access_keys import AccessKeysStep
from app.steps.alerts import AlertsStep
from app.steps.base import (Action, ActionKind, Poll, PollStart, Progress, StepDescription, StepFacts,
                            StepView)
from app.steps.contacts import ContactsStep
from app.steps.identity import IdentityStep
from app.steps.limit_use import LimitUseStep
from app.steps.mfa import MfaStep

DESCRIPTIONS: dict[Step, StepDescription] = {d.step: d for d in (
    AccessKeysStep(), MfaStep(), LimitUseStep(), IdentityStep(), ContactsStep(), AlertsStep())}


def describe(step: Step) -> StepDescription:
    return DESCRIPTIONS[step]


def view(step: Step, facts: StepFacts) -> StepView:
    return DESCRIPTIONS[step].view(facts)


__all__ = ["Action", "ActionKind", "DESCRIPTIONS", "Poll", "PollStart", "Progress", "StepDescription", "StepFacts",
           "StepView", "describe", "view"]
