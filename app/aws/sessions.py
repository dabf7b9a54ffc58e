"""Opening a boto3 session the way AWS users really sign in (SPEC §3): shared-config profiles of
every kind, an MFA code asked for openly (never botocore's hidden terminal prompt), regions
checked against botocore's partition data, and the user's own retry settings honoured.

``open_profile`` resolves the credentials before it returns, so every credential problem
surfaces here, with the profile's name, and not half-way through a check run. It may make
network calls (SSO, assume-role, `aws login` refresh): call it off the UI thread.
"""
from __future__ import annotations

import difflib
import os
import re
import threading
from typing import TYPE_CHECKING, Any, Callable

from app.aws.credential_errors import explain, mfa_session_ended
from app.aws.shared_config import ProfileFacts, facts as profile_facts
from app.errors import ConnectionProblem, InvalidInput

if TYPE_CHECKING:
    import boto3

MfaCode = Callable[[str], str]  # the MFA device's serial/ARN → the code the user typed
MFA_CODE = re.compile(r"[0-9]{6}")
RETRY_MODES = ("legacy", "standard", "adaptive")


class MfaCodes:
    """Codes typed up front (``--mfa-code``, once per role that asks), matched to the role chain's
    MFA devices in the order ``ProfileFacts.mfa_serials`` lists them (the order the roles are
    assumed; for a device that two roles use, the code now and then the next one)."""

    def __init__(self, codes: tuple[str, ...]) -> None:
        self.codes = tuple(validate_mfa_code(code) for code in codes)

    def for_devices(self, facts: ProfileFacts) -> MfaCode:
        serials = facts.mfa_serials or ((facts.mfa_serial,) if facts.mfa_serial else ())
        if serials and len(self.codes) != len(serials):
            listed = ", ".join(serials)
            raise ConnectionProblem(
                f"{facts.label.capitalize()} assumes {len(serials)} role{'s' if len(serials) != 1 else ''} with MFA, asking for codes "
                f"from {listed}. Pass --mfa-code once per role, in that order ({len(self.codes)} given); for a device listed twice, "
                "give the code it shows now, then the next one.", "mfa-needed",
                f"{facts.label.capitalize()} needs a code for each role that asks for MFA: {listed}.")
        return codes_by_device(serials, self.codes) if serials else (lambda serial: self.codes[0])


def codes_by_device(serials: tuple[str, ...], codes: tuple[str, ...]) -> MfaCode:
    """serial → code, for codes given in the order the roles are assumed. botocore asks for the
    profile's own code first and assumes its source's role first, so a device asked twice gets
    the later-typed code first (the earlier one goes to the role assumed first)."""
    queues: dict[str, list[str]] = {}
    for serial, code in zip(serials, codes):
        queues.setdefault(serial, []).append(code)
    lock = threading.Lock()

    def code_for(serial: str) -> str:
        with lock:
            queue = queues.get(serial) or []
            return queue.pop() if queue else ""

    return code_for


def validate_mfa_code(text: str) -> str:
    code = text.strip().replace(" ", "")
    if not MFA_CODE.fullmatch(code):
        raise InvalidInput("MFA code", "enter the 6 digits your MFA device shows now")
    return code


def check_region(region: str | None) -> None:
    """Refuse a region no partition has (a typo), before any call, naming the closest ones."""
    from app.aws.partition import every_region, for_region

    if region is None or for_region(region) is not None:
        return
    every = sorted(every_region())
    close = difflib.get_close_matches(region, every, n=2, cutoff=0.6)
    hint = f" Did you mean {' or '.join(close)}?" if close else " Regions look like us-east-1 or eu-west-2."
    raise ConnectionProblem(f"“{region[:40]}” is not an AWS region.{hint}", "region-unknown")


def check_ca_bundle(profile_config: dict[str, Any]) -> None:
    """A CA bundle named by AWS_CA_BUNDLE or the profile's ca_bundle must be a readable file;
    otherwise every call would fail as if the network were down."""
    bundle = os.environ.get("AWS_CA_BUNDLE") or profile_config.get("ca_bundle")
    if bundle and not os.path.isfile(os.path.expanduser(str(bundle))):
        raise ConnectionProblem(f"The CA bundle {str(bundle)[:200]} (AWS_CA_BUNDLE or the profile's ca_bundle) does not exist. "
                                "Point it at your organisation's CA bundle (a PEM file), or unset it.", "tls")


def retry_settings(profile_config: dict[str, Any], default_attempts: int) -> dict[str, Any]:
    """botocore ``retries`` for our client config: standard mode and ``default_attempts``, except
    what the user set with AWS_RETRY_MODE / AWS_MAX_ATTEMPTS or the profile's retry_mode /
    max_attempts (those are left out, so botocore applies the user's value)."""
    mode = os.environ.get("AWS_RETRY_MODE") or profile_config.get("retry_mode")
    attempts = os.environ.get("AWS_MAX_ATTEMPTS") or profile_config.get("max_attempts")
    if mode is not None and str(mode) not in RETRY_MODES:
        raise ConnectionProblem(f"The retry mode “{str(mode)[:20]}” (AWS_RETRY_MODE or retry_mode) is not one of "
                                f"{', '.join(RETRY_MODES)}. Fix or unset it.", "retry-config")
    if attempts is not None and not (str(attempts).isdigit() and 1 <= int(attempts) <= 50):
        raise ConnectionProblem(f"The number of attempts “{str(attempts)[:20]}” (AWS_MAX_ATTEMPTS or max_attempts) "
                                "must be a whole number from 1 to 50. Fix or unset it.", "retry-config")
    retries: dict[str, Any] = {}
    if mode is None:
        retries["mode"] = "standard"
    if attempts is None:
        retries["max_attempts"] = default_attempts
    return retries


def open_profile(profile: str | None, region: str | None, mfa_code: MfaCode | None = None
                 ) -> tuple["boto3.Session", ProfileFacts]:
    """A session for shared-config ``profile`` (None: the standard chain) with its credentials
    already resolved. ``mfa_code`` answers an MFA-protected role; without it such a profile
    stops at once with ``mfa-needed``. With no ``region``, AWS_REGION, then AWS_DEFAULT_REGION,
    then the profile's region apply (the AWS CLI v2's order; ``shared_config.facts`` shows it)."""
    import boto3
    import botocore.session

    region = region or os.environ.get("AWS_REGION") or None  # as the AWS CLI v2 does; botocore reads only AWS_DEFAULT_REGION
    check_region(region)
    facts = profile_facts(profile)
    if isinstance(mfa_code, MfaCodes):
        mfa_code = mfa_code.for_devices(facts)  # a wrong number of codes stops here, before any call
    try:
        core = botocore.session.Session(profile=profile)
        check_ca_bundle(core.get_scoped_config())  # a missing profile, or CA bundle file, is reported now
        provider = core.get_component("credential_provider").get_provider("assume-role")
        provider._prompter = _one_code(facts, mfa_code)  # botocore's default is a hidden getpass prompt
        session = boto3.Session(botocore_session=core, region_name=region)
        credentials = session.get_credentials()
        if credentials is None:
            from botocore.exceptions import NoCredentialsError

            raise NoCredentialsError()
        credentials.get_frozen_credentials()  # SSO, assume-role, `aws login` and processes run now
    except Exception as error:
        raise explain(error, facts, resolving=True) from None
    return session, facts


def _one_code(facts: ProfileFacts, mfa_code: MfaCode | None) -> Callable[[str], str]:
    """botocore's MFA prompter: the user's code once; a second request (the role session ran
    out and botocore refreshes it) ends the connection with a clear message instead of
    reusing a spent code or prompting on a terminal nobody watches."""
    asked: dict[str, int] = {}
    allowed = {serial: facts.mfa_serials.count(serial) for serial in facts.mfa_serials}
    lock = threading.Lock()

    def prompter(prompt: str) -> str:
        # botocore asks "Enter MFA code for <serial>: ", once per role of the chain that has a device
        serial = prompt.removeprefix("Enter MFA code for ").rstrip(": ") or facts.mfa_serial or ""
        if mfa_code is None:
            devices = ", ".join(facts.mfa_serials) or serial
            each = " once per role, in that order" if len(facts.mfa_serials) > 1 else ""
            raise ConnectionProblem(
                f"{facts.label.capitalize()} assumes a role with MFA ({devices}) and needs a code: pass --mfa-code CODE{each}, or "
                "run in a terminal to be asked for it.", "mfa-needed",
                f"{facts.label.capitalize()} assumes a role with MFA ({devices}) and needs a code from your MFA device.")
        with lock:
            if asked.get(serial, 0) >= allowed.get(serial, 1):  # asked again: the session ran out, botocore renews it
                raise mfa_session_ended(facts)
            asked[serial] = asked.get(serial, 0) + 1
        return validate_mfa_code(mfa_code(serial))

    return prompter
