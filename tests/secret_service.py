"""A private, throwaway Secret Service (dbus-daemon + gnome-keyring) for tests.

Never the developer's own keyring: HOME, XDG dirs and the D-Bus session are temporary, the
keyring is unlocked with a fixed test password fed on stdin without a trailing newline
(as `printf %s` does). In CI (.ci/run) the whole suite already runs inside such a session
(ROOTWARDEN_TEST_SECRET_SERVICE=1) and it is used as is.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

PASSWORD = "rootwarden-test-keyring"


def start(root: Path) -> tuple[dict[str, str], int | None]:
    if os.environ.get("ROOTWARDEN_TEST_SECRET_SERVICE") == "1" and os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return {k: os.environ[k] for k in ("DBUS_SESSION_BUS_ADDRESS", "HOME", "XDG_DATA_HOME", "XDG_RUNTIME_DIR") if k in os.environ}, None
    missing = [tool for tool in ("dbus-daemon", "gnome-keyring-daemon") if not shutil.which(tool)]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{', '.join(missing)} missing: .ci/run must install dbus and gnome-keyring")
        pytest.skip(f"{', '.join(missing)} not installed here; `make test` in CI installs and runs them")
    env = {"HOME": str(root / "home"), "XDG_DATA_HOME": str(root / "data"), "XDG_CONFIG_HOME": str(root / "config"),
           "XDG_RUNTIME_DIR": str(root / "run")}
    for path in env.values():
        Path(path).mkdir(parents=True, exist_ok=True)
    os.chmod(env["XDG_RUNTIME_DIR"], 0o700)
    full = {**os.environ, **env}
    out = subprocess.run(["dbus-daemon", "--session", "--fork", "--print-address=1", "--print-pid=1"],
                         env=full, capture_output=True, text=True, check=True, timeout=30).stdout.split()
    env["DBUS_SESSION_BUS_ADDRESS"], pid = out[0], int(out[1])
    subprocess.run(["gnome-keyring-daemon", "--unlock", "--components=secrets", "--daemonize"], input=PASSWORD,
                   env={**full, **env}, capture_output=True, text=True, check=True, timeout=30)
    return env, pid


def stop(pid: int | None) -> None:
    if pid:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
