"""Which simulation a practice window runs: the practice organization for the Organization path,
the plain practice account for the single-account flow (kept exactly as it was).

``switch_to_organization`` runs on a worker (it starts moto and seeds 50 members); the caller
hands the result to the session on the UI thread. ``is_organization`` is a plain check.
"""
from __future__ import annotations

from typing import Any


def is_organization(practice: Any) -> bool:
    from app.practice.organization import PracticeOrganization

    return isinstance(practice, PracticeOrganization)


def switch_to_organization(previous: Any) -> Any:
    """Stop ``previous`` (a practice account, or None) and start the practice organization."""
    from app.practice.organization import PracticeOrganization

    if previous is not None:
        previous.stop()
    return PracticeOrganization().start()
