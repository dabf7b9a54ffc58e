"""Scheduled re-verification (SPEC §13): the OS scheduler files validated as their systems read
them, profiles that cannot run unattended refused, and a scheduled run end to end — the same
command line the timer runs, against a moto server, with the real D-Bus notification call
answered by a notification server on the private session bus."""
from __future__ import annotations

import json
import os
import plistlib
import shutil
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from datetime import timedelta
from pathlib import Path

import pytest

from app.practice import moto_gaps
from app.schedule import units
from app.schedule.store import Schedule
from tests.cli_support import admin_keys, run_cli
from tests.support import ACCOUNT_ID, NOW
from tests.test_cli_profile import keyring_env  # noqa: F401  (fixture, used by name)

SCHEDULE = Schedule("prod", "prod", 30, sign=False)


def test_systemd_units_pass_systemd_analyze_verify(tmp_path):
    if not shutil.which("systemd-analyze"):
        if os.environ.get("CI"):
            pytest.fail("systemd-analyze missing: .ci/run must install systemd")
        pytest.skip("systemd-analyze is not installed here; CI installs it")
    service, timer = units.systemd_units(SCHEDULE)
    name = units.unit_name(SCHEDULE)
    (tmp_path / f"{name}.service").write_text(service)
    (tmp_path / f"{name}.timer").write_text(timer)
    result = subprocess.run(["systemd-analyze", "verify", "--man=no", str(tmp_path / f"{name}.timer"), str(tmp_path / f"{name}.service")],
                            capture_output=True, text=True, timeout=60)
    problems = [line for line in (result.stdout + result.stderr).splitlines() if name in line or "Unknown" in line]
    assert result.returncode == 0 and not problems, result.stderr
    assert "Persistent=true" in timer and "OnCalendar=daily" in timer and "SuccessExitStatus=1 2" in service
    assert f'ExecStart="{sys.executable}" "-m" "app.cli" "schedule" "run" "prod"' in service


def test_systemd_quoting_keeps_odd_paths_one_word():
    service, _ = units.systemd_units(SCHEDULE, python='/opt/my tools/py%th$on"x')
    assert 'ExecStart="/opt/my tools/py%%th$$on\\"x" "-m"' in service


def test_launchd_plist_and_task_scheduler_xml_are_valid_documents():
    plist = plistlib.loads(units.launchd_plist(SCHEDULE, python="/usr/local/bin/python3"))
    assert plist["Label"] == "io.rootwarden.verify.prod"
    assert plist["ProgramArguments"] == ["/usr/local/bin/python3", "-m", "app.cli", "schedule", "run", "prod"]
    assert plist["StartCalendarInterval"] == {"Hour": 9, "Minute": 0}
    text = units.task_scheduler_xml(SCHEDULE, python=r"C:\Program Files\Python311\python.exe")
    root = ET.fromstring(text.split("\n", 1)[1])  # the declaration names UTF-16, the file's encoding on disk
    ns = {"t": units.TASK_NS}
    assert root.tag == f"{{{units.TASK_NS}}}Task" and root.get("version") == "1.2"
    assert root.find("t:Triggers/t:CalendarTrigger/t:ScheduleByDay/t:DaysInterval", ns).text == "1"
    assert root.find("t:Settings/t:StartWhenAvailable", ns).text == "true"
    assert root.find("t:Actions/t:Exec/t:Command", ns).text == r"C:\Program Files\Python311\python.exe"
    assert root.find("t:Actions/t:Exec/t:Arguments", ns).text == "-m app.cli schedule run prod"
    assert "every 30 days" in root.find("t:RegistrationInfo/t:Description", ns).text


@pytest.mark.parametrize("fields,config,words", [
    (dict(sso_start_url="https://d-1.awsapps.com/start", sso_region="eu-west-1", sso_role="Audit"), "", "IAM Identity Center"),
    (dict(access_key_id="ASIAIOSFODNN7EXAMPLE"), "", "temporary"),
    (dict(aws_profile="sso"), "[profile sso]\nsso_session = c\n[sso-session c]\nsso_start_url = https://x.awsapps.com/start\n", "Identity Center"),
    (dict(aws_profile="login"), "[profile login]\nlogin_session = arn:aws:iam::123456789012:root\n", "aws login"),
    (dict(aws_profile="mfa"), "[profile mfa]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = b\nmfa_serial = arn:aws:iam::1:mfa/a\n", "MFA code"),
    (dict(access_key_id="AKIAIOSFODNN7EXAMPLE"), "", None),
    (dict(aws_profile="role"), "[profile role]\nrole_arn = arn:aws:iam::1:role/r\ncredential_source = Environment\n", None),
])
def test_only_profiles_that_work_unattended_can_be_scheduled(fields, config, words, tmp_path, monkeypatch):
    from app.profiles import Profile
    from app.schedule.unattended import refusal

    (tmp_path / "config").write_text(config)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    why = refusal(Profile("p", "123456789012", "us-east-1", **fields))
    assert (why is None) if words is None else (words in why)


class NotificationServer:
    """org.freedesktop.Notifications on the private session bus: records every Notify."""

    def __init__(self, address: str) -> None:
        from jeepney.bus_messages import message_bus
        from jeepney.io.blocking import open_dbus_connection

        self.shown: list[tuple[str, str]] = []
        self.connection = open_dbus_connection(bus=address)
        reply = self.connection.send_and_get_reply(message_bus.RequestName("org.freedesktop.Notifications"), timeout=5)
        assert reply.body[0] == 1, "another notification server owns the name"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        from jeepney import MessageType, new_method_return

        while True:
            try:
                message = self.connection.receive()
            except Exception:
                return
            if message.header.message_type is MessageType.method_call and message.header.fields.get(3) == "Notify":
                self.shown.append((message.body[3], message.body[4]))
                self.connection.send(new_method_return(message, "u", (len(self.shown),)))

    def close(self) -> None:
        self.connection.close()


@pytest.mark.server
def test_a_scheduled_run_notifies_on_change_and_stays_silent_when_nothing_changed(endpoint, keyring_env, tmp_path):  # noqa: F811
    env = {**keyring_env, "ROOTWARDEN_NO_SYSTEMCTL": "1"}
    key_id, secret = admin_keys(endpoint)
    assert run_cli(endpoint, None, "add", "prod", "--account-id", ACCOUNT_ID, "--access-key-id", key_id, command="profile",
                   stdin=secret + "\n", extra_env=env).returncode == 0
    added = run_cli(endpoint, None, "add", "--profile", "prod", "--every", "30d", command="schedule", extra_env=env)
    assert added.returncode == 0 and "every 30 days" in added.stdout and "systemctl --user" in added.stdout
    unit_dir = Path(env["XDG_CONFIG_HOME"]) / "systemd" / "user"
    service = (unit_dir / "rootwarden-verify-prod.service").read_text()
    command_line = service.split("ExecStart=", 1)[1].splitlines()[0]
    timer_argv = [part.strip('"') for part in command_line.split('" "')]  # the timer's exact command
    assert timer_argv[1:] == ["-m", "app.cli", "schedule", "run", "prod"]

    server = NotificationServer(env["DBUS_SESSION_BUS_ADDRESS"])
    try:
        def timer_run(*extra: str) -> subprocess.CompletedProcess:
            base = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
            return subprocess.run([*timer_argv, *extra], env={**base, **env, "AWS_ENDPOINT_URL": endpoint,
                                                              "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull},
                                  capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL, cwd=Path(__file__).parents[1])

        first = timer_run()
        assert first.returncode == 1, first.stderr
        assert len(server.shown) == 1
        summary, body = server.shown[0]
        assert ACCOUNT_ID in summary and "root.mfa fail" in body and secret not in summary + body

        assert timer_run().returncode == 0 and len(server.shown) == 1  # not due yet: nothing run, nothing said
        assert timer_run("--now").returncode == 1 and len(server.shown) == 1  # due, nothing changed: silent

        moto_gaps.extras(ACCOUNT_ID).root.mfa_active = True  # the account changes between runs
        assert timer_run("--now").returncode == 1
        assert len(server.shown) == 2 and "root.mfa fail → pass" in server.shown[1][1]
    finally:
        server.close()

    listed = run_cli(endpoint, None, "list", command="schedule", extra_env=env)
    assert "prod" in listed.stdout and "every 30 days" in listed.stdout and "exit 1" in listed.stdout
    log = [json.loads(line) for line in (Path(env["XDG_DATA_HOME"]) / "rootwarden" / "schedule-log.jsonl").read_text().splitlines()]
    assert [entry["notified"] for entry in log if "notified" in entry] == [True, True] and len(log) == 3
    assert secret not in json.dumps(log)
    removed = run_cli(endpoint, None, "remove", "prod", command="schedule", extra_env=env)
    assert removed.returncode == 0 and not (unit_dir / "rootwarden-verify-prod.timer").exists()


def test_a_schedule_for_an_expiring_sign_in_is_refused_with_the_reason(endpoint, keyring_env, tmp_path):  # noqa: F811
    config = tmp_path / "aws-config"
    config.write_text("[profile corp]\nsso_session = c\n[sso-session c]\nsso_start_url = https://x.awsapps.com/start\nsso_region = eu-west-1\n")
    env = {**keyring_env, "AWS_CONFIG_FILE": str(config), "ROOTWARDEN_NO_SYSTEMCTL": "1"}
    run_cli(endpoint, None, "add", "corp", "--account-id", ACCOUNT_ID, "--aws-profile", "corp", command="profile", extra_env=env)
    result = run_cli(endpoint, None, "add", "--profile", "corp", "--every", "7d", command="schedule", extra_env=env)
    assert result.returncode == 3 and "cannot run unattended" in result.stderr and "IAM Identity Center" in result.stderr
    assert "No schedules" in run_cli(endpoint, None, "list", command="schedule", extra_env=env).stdout


@pytest.mark.parametrize("every", ["30", "0d", "366d", "30days", "-1d"])
def test_a_bad_interval_is_refused(every):
    from app.errors import InvalidInput
    from app.schedule.store import parse_every

    with pytest.raises(InvalidInput):
        parse_every(every)


def test_a_run_is_due_after_its_interval_with_slack():
    from app.schedule.run import due

    assert due(SCHEDULE, None, NOW)
    assert not due(SCHEDULE, {"time": (NOW - timedelta(days=29)).isoformat()}, NOW)
    assert due(SCHEDULE, {"time": (NOW - timedelta(days=29, hours=23)).isoformat()}, NOW)
    assert due(SCHEDULE, {"time": "garbage"}, NOW)


@pytest.mark.server
def test_a_signed_schedule_saves_a_record_that_verifies(endpoint, keyring_env):  # noqa: F811
    env = {**keyring_env, "ROOTWARDEN_NO_SYSTEMCTL": "1"}
    key_id, secret = admin_keys(endpoint)
    run_cli(endpoint, None, "add", "prod", "--account-id", ACCOUNT_ID, "--access-key-id", key_id, command="profile",
            stdin=secret + "\n", extra_env=env)
    assert run_cli(endpoint, None, "add", "--profile", "prod", "--every", "7d", "--sign", command="schedule", extra_env=env).returncode == 0
    ran = run_cli(endpoint, None, "run", "prod", command="schedule", extra_env=env)
    assert ran.returncode == 1, ran.stderr
    entry = json.loads((Path(env["XDG_DATA_HOME"]) / "rootwarden" / "schedule-log.jsonl").read_text().splitlines()[-1])
    assert entry["record"] and Path(entry["record"]).exists()
    checked = run_cli(endpoint, None, "verify", entry["record"], command="record", extra_env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
