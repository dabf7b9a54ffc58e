"""Steps 1–3: the root user's credentials, MFA and recent use, judged from live (moto) data."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from app.checks import Settings
from app.model import Status
from tests.support import ACCOUNT_ID, NOW


# -- root.access-keys ------------------------------------------------------------------------
def test_no_root_keys_passes(account):
    finding = account.check("root.access-keys")
    assert finding.status is Status.PASS
    assert finding.evidence["account_summary"]["AccountAccessKeysPresent"] == 0


def test_active_root_key_fails_with_evidence(account):
    account.add_root_key(active=True, last_used_days=3)
    finding = account.check("root.access-keys")
    assert finding.status is Status.FAIL
    assert "an active access key" in finding.summary
    (key,) = finding.evidence["credential_report_keys"]
    assert key["active"] == "true" and key["last_used_region"] == "us-east-1" and key["last_used_service"] == "iam"


def test_inactive_root_key_still_fails(account):
    account.add_root_key(active=False)
    finding = account.check("root.access-keys")
    assert finding.status is Status.FAIL
    assert "inactive root access key still exists" in finding.summary


def test_root_without_any_credentials_passes_with_reason(account):
    account.root.password = False
    for check_id in ("root.access-keys", "root.mfa", "root.mfa-hardware"):
        finding = account.check(check_id)
        assert finding.status is Status.PASS, check_id
        assert "no password and no access keys" in finding.summary


@pytest.mark.parametrize("denied", ["iam:GenerateCredentialReport", "iam:GetCredentialReport"])
def test_credential_report_denied_is_unknown_naming_the_action(account, denied):
    finding = account.check("root.recent-use", deny=(denied,))
    assert finding.status is Status.UNKNOWN and finding.reason == "denied"
    assert denied in finding.summary and "rootwarden policy" in finding.summary


@pytest.mark.parametrize("denied", ["iam:GenerateCredentialReport", "iam:GetCredentialReport"])
def test_live_summary_decides_without_the_report(account, denied):
    """The report only adds detail: without it, the live summary still fails or passes."""
    assert account.check("root.access-keys", deny=(denied,)).status is Status.PASS
    account.add_root_key()
    finding = account.check("root.access-keys", deny=(denied,))
    assert finding.status is Status.FAIL
    assert finding.evidence["credential_report_error"]["action"] == denied


def test_summary_denied_report_can_still_show_a_key(account):
    account.add_root_key()
    finding = account.check("root.access-keys", deny=("iam:GetAccountSummary",))
    assert finding.status is Status.FAIL and finding.reason == "root-key-active"
    assert finding.evidence["account_summary"] is None


# -- root.signing-certificates -------------------------------------------------------------
def test_signing_certificate_warns(account):
    assert account.check("root.signing-certificates").status is Status.PASS
    account.root.signing_certificates = 1
    assert account.check("root.signing-certificates").status is Status.WARN


def test_signing_certificates_unknown_when_summary_denied(account):
    finding = account.check("root.signing-certificates", deny=("iam:GetAccountSummary",))
    assert finding.status is Status.UNKNOWN and finding.reason == "stale-source"
    assert "iam:GetAccountSummary" in finding.summary


# -- root.mfa / root.mfa-hardware ----------------------------------------------------------
def test_root_without_mfa_fails(account):
    assert account.check("root.mfa").status is Status.FAIL
    assert account.check("root.mfa-hardware").status is Status.FAIL


def test_root_with_hardware_mfa_passes_both(account):
    account.root.mfa_active = True
    assert account.check("root.mfa").status is Status.PASS
    finding = account.check("root.mfa-hardware")
    assert finding.status is Status.PASS
    assert finding.evidence["root_virtual_mfa_devices"] == []


def _assign_virtual(account, arn: str, name: str = "dev") -> str:
    from app.practice import moto_gaps

    serial = account.client("iam").create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]["SerialNumber"]
    moto_gaps.assign_virtual_mfa(ACCOUNT_ID, serial, arn)
    return serial


def test_virtual_root_mfa_warns_and_names_the_api_blind_spot(account):
    account.root.mfa_active = True
    serial = _assign_virtual(account, f"arn:aws:iam::{ACCOUNT_ID}:root")
    finding = account.check("root.mfa-hardware")
    assert finding.status is Status.WARN
    assert finding.evidence["root_virtual_mfa_devices"] == [serial]
    assert "cannot see whether a passkey" in finding.summary


def test_virtual_device_of_user_rootadmin_is_not_root(account):
    account.root.mfa_active = True
    _assign_virtual(account, f"arn:aws:iam::{ACCOUNT_ID}:user/rootadmin")
    finding = account.check("root.mfa-hardware")
    assert finding.status is Status.PASS
    assert finding.evidence["root_virtual_mfa_devices"] == []


def test_mfa_hardware_unknown_when_listing_denied(account):
    account.root.mfa_active = True
    finding = account.check("root.mfa-hardware", deny=("iam:ListVirtualMFADevices",))
    assert finding.status is Status.UNKNOWN and "iam:ListVirtualMFADevices" in finding.summary


def test_live_summary_wins_over_a_stale_report(account, monkeypatch):
    """AWS caches the report for hours: MFA enabled minutes ago shows in the summary only."""
    from app.practice import moto_gaps

    account.root.mfa_active = True
    real_row = moto_gaps.root_row
    monkeypatch.setattr(moto_gaps, "root_row", lambda acct: real_row(acct).replace(",true,", ",false,", 1))
    finding = account.check("root.mfa")
    assert finding.evidence["credential_report_mfa_active"] == "false"
    assert finding.status is Status.PASS


# -- root.recent-use -----------------------------------------------------------------------
def test_never_used_root_passes(account):
    finding = account.check("root.recent-use")
    assert finding.status is Status.PASS
    assert finding.evidence["password_last_used"] == "no_information"


def test_recent_use_takes_the_newest_date_not_the_first(account):
    account.root.password_last_used = NOW - timedelta(days=200)
    account.add_root_key(last_used_days=90, key_id="AKIAROOTKEY000000001")
    account.add_root_key(last_used_days=2, key_id="AKIAROOTKEY000000002")
    finding = account.check("root.recent-use")
    assert finding.status is Status.FAIL
    assert "used an access key 2 days ago" in finding.summary


def test_old_use_passes_and_threshold_is_configurable(account):
    account.root.password_last_used = NOW - timedelta(days=45)
    assert account.check("root.recent-use").status is Status.PASS
    assert account.check("root.recent-use", settings=Settings(recent_use_days=60)).status is Status.FAIL


def test_use_during_the_setup_session_warns(account):
    account.root.password_last_used = NOW - timedelta(minutes=5)
    finding = account.check("root.recent-use", settings=Settings(session_started_at=NOW - timedelta(minutes=20)))
    assert finding.status is Status.WARN
    assert "setup session" in finding.summary


def test_key_never_used_reads_as_no_date(account):
    account.add_root_key(last_used_days=None)
    finding = account.check("root.recent-use")
    assert finding.evidence["access_key_1_last_used_date"] == "N/A"
    assert finding.status is Status.PASS


def test_mfa_hardware_unknown_when_identity_denied(account):
    account.root.mfa_active = True
    finding = account.check("root.mfa-hardware", deny=("sts:GetCallerIdentity",))
    assert finding.status is Status.UNKNOWN and "sts:GetCallerIdentity" in finding.summary


# -- the credential report can be up to 4 hours old: CloudTrail covers the hours since ---------
def _recent_use_with_report_from(account, hours_ago: float, root_event_minutes_ago: float | None, deny: tuple[str, ...] = ()):
    from app.checks import BY_ID
    from app.practice import moto_gaps
    from app.runner import run_checks

    account.root.password_last_used = NOW - timedelta(days=45)
    if root_event_minutes_ago is not None:
        moto_gaps.extras(ACCOUNT_ID).root_events.append({
            "EventId": "fresh-root-sign-in", "EventName": "ConsoleLogin", "ReadOnly": "false", "EventSource": "signin.amazonaws.com",
            "EventTime": datetime.now(timezone.utc) - timedelta(minutes=root_event_minutes_ago), "Username": "root", "Resources": []})
    ctx = account.context(None, deny)

    def older_report(parsed, **_):
        if "GeneratedTime" in parsed:
            parsed["GeneratedTime"] = datetime.now(timezone.utc) - timedelta(hours=hours_ago)

    ctx.add_hook("after-call.iam.GetCredentialReport", older_report)
    (finding,) = run_checks(ctx, [BY_ID["root.recent-use"]], sleep=lambda s: None)
    return finding


def test_root_use_after_the_credential_report_was_made_is_seen_in_cloudtrail(account):
    finding = _recent_use_with_report_from(account, hours_ago=3, root_event_minutes_ago=30)
    assert finding.status is Status.FAIL and finding.reason == "used-recently"
    assert "CloudTrail" in finding.summary


def test_no_root_use_since_the_report_keeps_the_pass_and_says_so(account):
    finding = _recent_use_with_report_from(account, hours_ago=3, root_event_minutes_ago=None)
    assert finding.status is Status.PASS and "CloudTrail" in finding.summary


def test_an_event_older_than_the_report_is_already_in_it(account):
    assert _recent_use_with_report_from(account, hours_ago=1, root_event_minutes_ago=120).status is Status.PASS


def test_cloudtrail_denied_turns_the_reports_pass_into_unknown(account):
    """SPEC §2.2: a source up to 4 hours old without its live counterpart is never a pass."""
    finding = _recent_use_with_report_from(account, hours_ago=3, root_event_minutes_ago=30, deny=("cloudtrail:LookupEvents",))
    assert finding.status is Status.UNKNOWN and finding.reason == "stale-source" and "cloudtrail:LookupEvents" in finding.summary


def test_cloudtrail_denied_leaves_a_fail_from_the_report_standing(account):
    account.root.password_last_used = NOW - timedelta(days=2)
    assert account.check("root.recent-use", deny=("cloudtrail:LookupEvents",)).status is Status.FAIL


def test_a_report_older_than_four_hours_is_covered_back_to_its_own_time(account):
    """A clock ahead of AWS's (or an old report): the look-up reaches back to the report."""
    finding = _recent_use_with_report_from(account, hours_ago=30, root_event_minutes_ago=20 * 60)
    assert finding.status is Status.FAIL and "CloudTrail" in finding.summary


def test_the_simulated_credential_report_is_dated_when_it_was_made(account):
    """moto dates every report 2015-02-02; the practice account's summaries showed that date."""
    made = datetime.fromisoformat(account.check("root.recent-use").evidence["credential_report_generated"])
    assert abs((datetime.now(timezone.utc) - made).total_seconds()) < 300
