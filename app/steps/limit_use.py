"""Step 3 — Limit root use. Nothing can make this pass today when root was used recently: the
check passes once the threshold (30 days by default) goes by without root use. The page says
so, with what counts as legitimate root use; the practice account can let time pass."""
from __future__ import annotations

from app.model import Reason, Status, Step
from app.steps.base import Action, StepDescription, StepFacts

RECENT_USE = "root.recent-use"


class LimitUseStep(StepDescription):
    step = Step.LIMIT_USE

    def _actions(self, facts: StepFacts) -> tuple[Action, ...]:
        if facts.status(RECENT_USE) is Status.FAIL and facts.reason(RECENT_USE) == Reason.USED_RECENTLY.value:
            return (Action.ROOT_USE_ADVICE, Action.SIMULATE_TIME_PASSES)
        return ()


def root_use_advice(threshold_days: int, last_used: str | None) -> tuple[str, ...]:
    """Step 3's advice when root was used within the threshold, one paragraph per item.
    ``last_used`` is the check's evidence (RFC 3339) and is shown as data."""
    when = f" (last on {last_used[:10]})" if last_used else ""
    return (
        f"Root was used within the last {threshold_days} days{when}. No change in the account makes this check pass "
        f"today: it passes once {threshold_days} days go by without any root sign-in or root access-key use.",
        "Skip this step for now with that reason (it is recorded), finish the other steps, and re-verify after "
        f"{threshold_days} quiet days with Welcome → Re-verify (or the command rootwarden verify).",
        "Using root for a task on the list below is legitimate; it restarts the count, so do those tasks first and "
        "everything else with an administrator identity.",
    )
