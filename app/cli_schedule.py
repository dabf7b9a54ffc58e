"""``rootwarden schedule add|list|remove|run`` (SPEC §13)."""
from __future__ import annotations

import argparse

from app.errors import InvalidInput
from app.text_safety import for_terminal


def schedule_command(args: argparse.Namespace) -> int:
    from app.schedule import install, store

    action = args.schedule_command
    if action == "add":
        return _add(args)
    if action == "run":
        from app.schedule.run import run_scheduled

        return run_scheduled(args.name, force=args.now)
    schedules = store.load()
    if action == "list":
        if not schedules:
            print("No schedules. Add one with `rootwarden schedule add --profile NAME --every 30d`.")
        for schedule in schedules.values():
            last = store.last_outcome(schedule.name)
            outcome = (f"last run {last.get('time')}: exit {last.get('exit_code')}, {last.get('summary')}" if last else "not run yet")
            print(for_terminal(f"{schedule.name:<24} every {schedule.every_days} days{', signed' if schedule.sign else ''}  {outcome}"))
        return 0
    schedule = schedules.pop(args.name, None)
    if schedule is None:
        raise store.ScheduleProblem(f"No schedule named “{args.name}”. `rootwarden schedule list` shows them.")
    install.uninstall(schedule)
    store.save(schedules)
    print(f"Removed the schedule {args.name}.")
    return 0


def _add(args: argparse.Namespace) -> int:
    from app.profiles import ProfileStore
    from app.schedule import install, store
    from app.schedule.unattended import refusal

    every = store.parse_every(args.every)  # before the keyring is opened
    profile = ProfileStore().get(args.profile)
    why = refusal(profile)
    if why:
        raise InvalidInput("--profile", f"the profile {args.profile} cannot run unattended: {why}")
    if args.sign:
        from app.record.signing_key import SigningKey

        SigningKey().private_key()  # a keyring that cannot sign stops here
    schedules = store.load()
    schedule = store.Schedule(profile.name, profile.name, every, bool(args.sign))
    schedules[schedule.name] = schedule
    store.save(schedules)
    print(f"Scheduled: re-verify {profile.name} (account {profile.account_id}) every {every} days"
          f"{', saving a signed record each time' if args.sign else ''}. {install.install(schedule)}")
    return 0
