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
    from app.schedule import store
    from app.schedule.manage import add

    every = store.parse_every(args.every)  # before the keyring is opened
    try:
        _, message = add(args.profile, every, bool(args.sign))
    except InvalidInput as error:
        raise InvalidInput("--profile" if error.field == "Profile" else error.field, str(error).split(": ", 1)[1]) from None
    print(f"Scheduled. {message}")
    return 0
