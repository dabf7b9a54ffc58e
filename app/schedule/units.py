"""The OS scheduler's files for one schedule (SPEC §13): a systemd user service and timer
(Linux), a launchd agent (macOS), a Task Scheduler task (Windows). Pure text; ``install``
writes them.

Every scheduler starts the same command daily (``rootwarden schedule run NAME``), and the run
itself skips until ``every_days`` have passed since the schedule's last run: that keeps
"every N days" exact across sleep and reboots, and systemd's ``Persistent=true`` (launchd and
Task Scheduler likewise) makes a run missed while the machine was off happen at next login.
"""
from __future__ import annotations

import plistlib
import sys
from xml.sax.saxutils import escape

from app.schedule.store import Schedule

LABEL_PREFIX = "io.rootwarden.verify."
TASK_NS = "http://schemas.microsoft.com/windows/2004/02/mit/task"


def command(schedule: Schedule, python: str | None = None) -> list[str]:
    """What the scheduler runs: this Python, Rootwarden's CLI module, ``schedule run NAME``."""
    return [python or sys.executable, "-m", "app.cli", "schedule", "run", schedule.name]


def unit_name(schedule: Schedule) -> str:
    return f"rootwarden-verify-{schedule.name}"


def systemd_units(schedule: Schedule, python: str | None = None) -> tuple[str, str]:
    """(service, timer) unit files."""
    exec_start = " ".join(_systemd_quote(part) for part in command(schedule, python))
    service = (
        "[Unit]\n"
        f"Description=Rootwarden: re-verify the AWS account of profile {schedule.name}\n"
        "Documentation=https://github.com/rootwarden/rootwarden#re-verify-on-a-schedule\n"
        "After=network-online.target\n\n"
        "[Service]\n"
        "Type=oneshot\n"
        f"ExecStart={exec_start}\n"
        # exit 1 (a check failed) and 2 (some unknown) are results, not a failing service
        "SuccessExitStatus=1 2\n"
        "Nice=10\n"
    )
    timer = (
        "[Unit]\n"
        f"Description=Rootwarden re-verification every {schedule.every_days} days (profile {schedule.name})\n\n"
        "[Timer]\n"
        "OnCalendar=daily\n"
        "RandomizedDelaySec=1h\n"
        "Persistent=true\n"
        f"Unit={unit_name(schedule)}.service\n\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
    )
    return service, timer


def launchd_plist(schedule: Schedule, python: str | None = None) -> bytes:
    return plistlib.dumps({
        "Label": LABEL_PREFIX + schedule.name,
        "ProgramArguments": command(schedule, python),
        "StartCalendarInterval": {"Hour": 9, "Minute": 0},  # launchd runs a missed interval on wake
        "RunAtLoad": False,
        "ProcessType": "Background",
        "StandardOutPath": "/dev/null",
        "StandardErrorPath": "/dev/null",
    })


def task_scheduler_xml(schedule: Schedule, python: str | None = None, start: str = "2026-01-01T09:00:00") -> str:
    program, *arguments = command(schedule, python)
    args = " ".join(_windows_quote(a) for a in arguments)
    return (
        '<?xml version="1.0" encoding="UTF-16"?>\n'
        f'<Task version="1.2" xmlns="{TASK_NS}">\n'
        "  <RegistrationInfo>\n"
        f"    <Description>{escape(f'Rootwarden: re-verify the AWS account of profile {schedule.name} every {schedule.every_days} days')}</Description>\n"
        f"    <URI>\\Rootwarden\\{escape(schedule.name)}</URI>\n"
        "  </RegistrationInfo>\n"
        "  <Triggers>\n"
        "    <CalendarTrigger>\n"
        f"      <StartBoundary>{start}</StartBoundary>\n"
        "      <Enabled>true</Enabled>\n"
        "      <ScheduleByDay><DaysInterval>1</DaysInterval></ScheduleByDay>\n"
        "    </CalendarTrigger>\n"
        "  </Triggers>\n"
        "  <Principals><Principal id=\"Author\"><LogonType>InteractiveToken</LogonType>"
        "<RunLevel>LeastPrivilege</RunLevel></Principal></Principals>\n"
        "  <Settings>\n"
        "    <StartWhenAvailable>true</StartWhenAvailable>\n"
        "    <RunOnlyIfNetworkAvailable>true</RunOnlyIfNetworkAvailable>\n"
        "    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>\n"
        "    <ExecutionTimeLimit>PT30M</ExecutionTimeLimit>\n"
        "    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>\n"
        "  </Settings>\n"
        '  <Actions Context="Author">\n'
        f"    <Exec><Command>{escape(program)}</Command><Arguments>{escape(args)}</Arguments></Exec>\n"
        "  </Actions>\n"
        "</Task>\n"
    )


def _systemd_quote(word: str) -> str:
    """One ExecStart word: quoted, with systemd's specifiers (%) and variables ($) escaped."""
    text = word.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%").replace("$", "$$")
    return f'"{text}"'


def _windows_quote(word: str) -> str:
    return f'"{word}"' if any(c in word for c in ' \t"') else word
