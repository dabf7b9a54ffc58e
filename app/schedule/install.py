"""Putting a schedule's files where the OS scheduler reads them, and taking them away.

Linux: ``$XDG_CONFIG_HOME/systemd/user/`` and ``systemctl --user enable --now`` when a user
manager runs (otherwise the files are written and the message says how to enable them).
macOS and Windows: the launchd agent and the Task Scheduler XML are written; loading them is
``launchctl``'s and ``schtasks``' job (the message gives the command). Blocking; CLI only.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from app.schedule import units
from app.schedule.store import Schedule


def systemd_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "systemd" / "user"


def install(schedule: Schedule) -> str:
    """Write and enable the schedule; returns what was done, in words."""
    if sys.platform == "darwin":
        path = Path.home() / "Library" / "LaunchAgents" / f"{units.LABEL_PREFIX}{schedule.name}.plist"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(units.launchd_plist(schedule))
        return f"Wrote {path}. Load it with: launchctl load -w {path}"
    if sys.platform == "win32":
        path = Path(os.environ.get("LOCALAPPDATA", Path.home())) / "Rootwarden" / f"schedule-{schedule.name}.xml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(units.task_scheduler_xml(schedule), encoding="utf-16")
        return f"Wrote {path}. Register it with: schtasks /Create /TN \"Rootwarden\\{schedule.name}\" /XML \"{path}\""
    folder = systemd_dir()
    folder.mkdir(parents=True, exist_ok=True)
    service, timer = units.systemd_units(schedule)
    name = units.unit_name(schedule)
    (folder / f"{name}.service").write_text(service, encoding="utf-8")
    (folder / f"{name}.timer").write_text(timer, encoding="utf-8")
    if _systemctl("daemon-reload") and _systemctl("enable", "--now", f"{name}.timer"):
        return f"Enabled the systemd user timer {name}.timer ({folder})."
    return (f"Wrote {folder}/{name}.service and .timer, but no systemd user manager answered. Enable it with: "
            f"systemctl --user daemon-reload && systemctl --user enable --now {name}.timer")


def uninstall(schedule: Schedule) -> None:
    if sys.platform == "darwin":
        (Path.home() / "Library" / "LaunchAgents" / f"{units.LABEL_PREFIX}{schedule.name}.plist").unlink(missing_ok=True)
        return
    if sys.platform == "win32":
        (Path(os.environ.get("LOCALAPPDATA", Path.home())) / "Rootwarden" / f"schedule-{schedule.name}.xml").unlink(missing_ok=True)
        return
    name = units.unit_name(schedule)
    _systemctl("disable", "--now", f"{name}.timer")
    for suffix in (".service", ".timer"):
        (systemd_dir() / f"{name}{suffix}").unlink(missing_ok=True)
    _systemctl("daemon-reload")


def _systemctl(*args: str) -> bool:
    if os.environ.get("ROOTWARDEN_NO_SYSTEMCTL"):
        return False
    try:
        return subprocess.run(["systemctl", "--user", *args], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False
