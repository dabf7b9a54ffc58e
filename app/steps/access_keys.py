"""Step 1 — Remove root access keys.

Root deletes its own keys here (the key this session signs with last, at the very end); anyone
else is guided to the console, and the page polls ``root.access-keys`` until it passes.
"""
from __future__ import annotations

from app.model import Reason, Status, Step
from app.steps.base import Action, Poll, StepDescription, StepFacts

KEYS = "root.access-keys"
KEY_REASONS = (Reason.ROOT_KEY_ACTIVE.value, Reason.ROOT_KEY_INACTIVE.value)


class AccessKeysStep(StepDescription):
    step = Step.ACCESS_KEYS

    def _keys_remain(self, facts: StepFacts) -> bool:
        return facts.status(KEYS) is Status.FAIL and facts.reason(KEYS) in KEY_REASONS

    def _finishes_later(self, facts: StepFacts) -> bool:
        """As root with the key in use deferred: the keys that remain are deleted at the end.
        The other check (signing certificates) must still be judged and acceptable."""
        others = [i for i in self.check_ids if i != KEYS]
        return (facts.key_in_use_deferred and self._keys_remain(facts)
                and all(i in facts.findings and self._acceptable(facts.findings[i], facts) for i in others))

    def _actions(self, facts: StepFacts) -> tuple[Action, ...]:
        if not self._keys_remain(facts) or facts.key_in_use_deferred:
            return ()
        if facts.caller_is_root:
            return (Action.DELETE_ROOT_KEYS,)
        return (Action.CONSOLE_DELETE_ROOT_KEYS, Action.SIMULATE_DELETE_ROOT_KEYS)

    def _poll(self, facts: StepFacts) -> Poll | None:
        if self._keys_remain(facts) and not facts.caller_is_root:
            return Poll((KEYS,))
        return None
