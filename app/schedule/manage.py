"""Adding a schedule, shared by ``rootwarden schedule add`` and the wizard's Done page.
Blocking (keyring, systemctl): call off the UI thread."""
from __future__ import annotations

from typing import Any

from app.errors import InvalidInput
from app.schedule import install, store
from app.schedule.unattended import refusal


def add(profile_name: str, every_days: int, sign: bool, keyring_backend: Any = None) -> tuple[store.Schedule, str]:
    """Schedule ``profile_name``; returns the schedule and what was installed, in words."""
    from app.profiles import ProfileStore

    if not 1 <= every_days <= 365:
        raise InvalidInput("Every", "a number of days from 1 to 365")
    profile = ProfileStore(keyring_backend).get(profile_name)
    why = refusal(profile)
    if why:
        raise InvalidInput("Profile", f"{profile_name} cannot run unattended: {why}")
    if sign:
        from app.record.signing_key import SigningKey

        SigningKey(keyring_backend).private_key()  # a keyring that cannot sign stops here
    schedules = store.load()
    schedule = store.Schedule(profile.name, profile.name, every_days, sign)
    schedules[schedule.name] = schedule
    store.save(schedules)
    done = install.install(schedule)
    return schedule, (f"Re-verifying {profile.name} (account {profile.account_id}) every {every_days} days"
                      f"{', saving a signed record each time' if sign else ''}. {done}")
