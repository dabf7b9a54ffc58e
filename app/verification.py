"""One verification run without output (SPEC §8, §13): connect, run every check, compare with
the account's latest record, sign when asked. ``rootwarden verify`` prints its result and a
schedule's timer logs it; neither is needed to run it.

Runs on the calling thread (checks fan out to the runner's own pool). May prompt for an MFA
code only when a person is at the terminal (``mfa_source``); otherwise it never reads input.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from app.aws.context import AwsContext
from app.aws.partition import is_root_arn
from app.account_id import check_pin
from app.errors import InvalidInput
from app.model import Finding, rfc3339


@dataclass(frozen=True)
class VerifyRequest:
    """What to verify and how: the options of ``rootwarden verify`` (and of a schedule's run)."""

    demo: bool = False
    profile: str | None = None
    aws_profile: str | None = None
    region: str | None = None
    mfa_code: str | tuple[str, ...] | None = None  # one code per MFA device of the role chain
    recent_use_days: int = 30
    sign: bool = False
    out: str | None = None
    operator: str = ""

    @classmethod
    def from_args(cls, args: Any) -> "VerifyRequest":
        """The request an ``argparse`` namespace with these option names describes."""
        return cls(**{f.name: getattr(args, f.name) for f in fields(cls)})


def connect(request: VerifyRequest) -> tuple[AwsContext, str | None]:
    """The AwsContext the request asks for, and the account it is pinned to (if any).
    The practice account only with --demo."""
    if request.demo:
        from app.practice.account import PracticeAccount

        return PracticeAccount().start().aws_context(request.region), None
    mfa = mfa_source(request.mfa_code)
    if request.profile:
        from app.profiles import ProfileStore, connect as profile_connect

        profile, aws = profile_connect(ProfileStore(), request.profile, request.region, mfa_code=mfa)
        return aws, profile.account_id
    return AwsContext.from_aws_profile(request.aws_profile, request.region, mfa_code=mfa), None


def mfa_source(code: str | tuple[str, ...] | list[str] | None) -> Any:
    """Where an MFA-protected role's codes come from: --mfa-code, once per device of the role
    chain (checked now, before any call), else a prompt per device when a person is at the
    terminal, else nowhere (the profile then stops with a message instead of waiting for input
    that cannot come)."""
    from app.aws.sessions import MfaCodes

    if code:
        return MfaCodes((code,) if isinstance(code, str) else tuple(code))
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        return lambda serial: getpass.getpass(f"MFA code for {serial}: ")
    return None


@dataclass
class VerifyRun:
    """One verify run's results, before anything is printed."""

    context: dict[str, Any]
    findings: list[Finding]
    drift: list
    note: str | None
    saved: Any  # the signed record saved, or None
    notices: tuple[str, ...] = ()  # what the user should know about the connection (e.g. a sign-in not kept)


def run(request: VerifyRequest) -> VerifyRun:
    """Connect, run every check, compare with the latest record, sign when asked. Prints nothing."""
    from app.aws.snapshot import AccountSnapshot
    from app.checks import REGISTRY, Settings
    from app.runner import run_checks, utc_now

    if request.recent_use_days < 1:
        raise InvalidInput("--recent-use-days", "must be at least 1")
    if request.out and not request.sign:
        raise InvalidInput("--out", "only makes sense with --sign")
    if request.out and Path(request.out).exists():
        raise InvalidInput("--out", f"{request.out} already exists; choose another name (records are never overwritten)")
    if request.out and not Path(request.out).resolve().parent.is_dir():
        raise InvalidInput("--out", f"the folder of {request.out} does not exist")
    from app.aws.sessions import check_region

    check_region(request.region)
    mfa_source(request.mfa_code)  # malformed codes are refused before anything else happens
    signing = _signing_key(request)  # before any AWS call: no keyring, no signing, nothing done
    aws, pinned = connect(request)
    started = utc_now()
    with AccountSnapshot(aws) as snapshot:
        snapshot.warm()
        identity = snapshot.identity()  # a connection problem stops here, exit 3
        check_pin(pinned, str(identity["Account"]))
        order = {check.id: i for i, check in enumerate(REGISTRY)}
        findings = sorted(run_checks(aws, settings=Settings(request.recent_use_days), snapshot=snapshot), key=lambda f: order[f.id])
        alias = _alias(snapshot)
    finished = utc_now()
    caller = str(identity["Arn"])
    context = {
        "account_id": str(identity["Account"]),
        "account_alias": alias,
        "caller_arn": caller,
        "caller_is_root": is_root_arn(caller, str(identity["Account"])),
        "partition": snapshot.partition.name,
        "region": aws.region,
        "started_at": rfc3339(started),
        "finished_at": rfc3339(finished),
    }
    drift, _, note = _drift(context["account_id"], findings, signing, request.demo)
    saved = None
    if request.sign:
        from app.record.completion import make_predicate
        from app.record.history import sign_and_save

        predicate = make_predicate(mode="re-verify", account_id=context["account_id"], account_alias=alias, caller_arn=caller,
                                   operator=request.operator, notes="rootwarden verify --sign", started_at=context["started_at"],
                                   finished_at=context["finished_at"], findings=[f.as_dict() for f in findings], audit_log=[],
                                   skipped=[], previous_record=None, practice=bool(request.demo))  # set when signed
        saved = sign_and_save(predicate, signing, also_to=Path(request.out) if request.out else None)
    return VerifyRun(context, findings, drift, note, saved, tuple(aws.notices))


def _signing_key(request: VerifyRequest) -> Any:
    """The local signing key when --sign asks for it (the keyring must work), else None."""
    if not request.sign:
        return None
    from app.record.signing_key import SigningKey

    key = SigningKey(practice=bool(request.demo))  # the practice account signs with its own key
    key.private_key()  # created on first use; a keyring problem stops here, before any AWS call
    return key


def _drift(account_id: str, findings: list[Finding], signing: Any, practice: bool) -> tuple[list, str | None, str | None]:
    """Changes since the account's latest record (none for the practice account)."""
    from app.record import history

    if practice or not history.records(account_id):
        return [], None, None  # nothing to compare with: no need to open the keyring
    from app.keyring_access import KeyringUnavailable
    from app.record.signing_key import SigningKey

    try:
        key = signing or SigningKey()
    except KeyringUnavailable:
        return [], None, None  # no keyring: no key, so no records of ours to compare with
    return history.drift_since_latest(account_id, [f.as_dict() for f in findings], key)


def _alias(snapshot: Any) -> str | None:
    try:
        return snapshot.account_alias()
    except Exception:
        return None
