"""Put alternate contacts onto member accounts (SPEC §12 fixes): plan, then apply, then re-read.

``plan`` reads each chosen (account, contact type) and decides: ``put`` when the contact is
missing (or, with ``overwrite``, when it differs from the new one), ``skip`` when it is already
set (or already exactly the new one), ``unreadable`` when it could not be read — nothing is put
where the current state is unknown. ``apply`` makes each planned PutAlternateContact (rate-limited
by its caller), then re-reads the contact: ``done`` only when AWS answers exactly what was put.
A failed put names AWS's error code and what to do; after ``cancel`` the rest is
``not-attempted``. Contacts are ``app.fixes.contacts.Contact``, validated before anything runs.

Threading: ``plan`` and ``apply`` block; ``cancel`` may be set from another thread.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Callable

from app.errors import AccessDenied, AwsCallFailed, RootwardenError, Throttled
from app.fixes.contacts import Contact
from app.model import Reason, Status
from app.org.contacts import FIELDS, AccountCaller, Cancelled, denied_advice, read_contact
from app.org.inventory import Member

PUT, SKIP, UNREADABLE = "put", "skip", "unreadable"
DONE, FAILED, NOT_ATTEMPTED, UNCONFIRMED = "done", "failed", "not-attempted", "unconfirmed"


def fields(contact: Contact) -> dict[str, str]:
    """The contact as AWS names its fields."""
    return dict(zip(FIELDS, (contact.name, contact.title, contact.email, contact.phone)))


@dataclass(frozen=True)
class Planned:
    member: Member
    contact: Contact
    action: str  # PUT, SKIP or UNREADABLE
    old: dict[str, str] | None = None  # the contact now (None: missing or unreadable)
    note: str = ""  # why skipped or unreadable
    reason: str = ""  # the read's reason code when unreadable


@dataclass(frozen=True)
class PutResult:
    planned: Planned
    result: str  # DONE, FAILED, NOT_ATTEMPTED or UNCONFIRMED
    message: str
    code: str = ""  # AWS's error code, or the re-read's reason code


def plan(reader: AccountCaller, members: list[Member], contacts: list[Contact], overwrite: bool,
         trusted: bool | None = None) -> list[Planned]:
    """One entry per (member, contact), in that order."""
    plans = []
    for member in members:
        for contact in contacts:
            outcome = read_contact(reader, member.id, contact.contact_type, trusted)
            new = fields(contact)
            if outcome.status == Status.FAIL and outcome.code == Reason.CONTACT_MISSING:
                plans.append(Planned(member, contact, PUT))
            elif outcome.status == Status.PASS:
                old = {k: str(outcome.evidence.get(k, "")) for k in FIELDS}
                if old == new:
                    plans.append(Planned(member, contact, SKIP, old, "already set to exactly this"))
                elif overwrite:
                    plans.append(Planned(member, contact, PUT, old))
                else:
                    plans.append(Planned(member, contact, SKIP, old, "already set (pass --overwrite to replace it)"))
            else:
                plans.append(Planned(member, contact, UNREADABLE, None, outcome.summary, outcome.code.value))
    return plans


def apply(writer: AccountCaller, reader: AccountCaller, plans: list[Planned], cancel: threading.Event,
          on_result: Callable[[PutResult], None] | None = None) -> list[PutResult]:
    """Every ``PUT`` plan, in order, each re-read afterwards."""
    results = []
    for planned in (p for p in plans if p.action == PUT):
        result = _put_one(writer, reader, planned, cancel)
        results.append(result)
        if on_result is not None:
            on_result(result)
    return results


def _put_one(writer: AccountCaller, reader: AccountCaller, planned: Planned, cancel: threading.Event) -> PutResult:
    contact, account = planned.contact, planned.member.id
    if cancel.is_set():
        return PutResult(planned, NOT_ATTEMPTED, "not attempted: the run was cancelled")
    # The confirmation may have stayed open a while: put only onto the contact it listed (missing,
    # or the old one it showed), never over one set meanwhile or one that cannot be read now.
    now = read_contact(reader, account, contact.contact_type)
    missing = now.status == Status.FAIL and now.code == Reason.CONTACT_MISSING
    seen = {k: str(now.evidence.get(k, "")) for k in FIELDS} if now.status == Status.PASS else None
    if not (missing if planned.old is None else seen == planned.old):
        return PutResult(planned, NOT_ATTEMPTED, "not put: the contact changed since it was listed for confirmation "
                         f"({now.status.value}, {now.code.value}); nothing was changed — run again to see it.", now.code.value)
    try:
        writer.call("PutAlternateContact", account, AlternateContactType=contact.contact_type, **fields(contact))
    except Cancelled:
        return PutResult(planned, NOT_ATTEMPTED, "not attempted: the run was cancelled")
    except AccessDenied as error:
        return PutResult(planned, FAILED, denied_advice(error, True), error.code)
    except Throttled as error:
        return PutResult(planned, FAILED, "AWS kept throttling account:PutAlternateContact; run the same command again "
                         "later (it puts only what is still missing).", error.code)
    except AwsCallFailed as error:
        advice = ("AWS refused a field of the contact: check the e-mail and phone number, then run again."
                  if error.code == "ValidationException" else f"{error} Run the same command again.")
        return PutResult(planned, FAILED, advice, error.code)
    except RootwardenError as error:
        return PutResult(planned, FAILED, f"{error} Nothing more was changed on this account.", error.reason)
    check = read_contact(reader, account, contact.contact_type)
    if check.status == Status.PASS and {k: str(check.evidence.get(k, "")) for k in FIELDS} == fields(contact):
        return PutResult(planned, DONE, "AWS now answers the new contact")
    return PutResult(planned, UNCONFIRMED, "AWS accepted the put, but reading the contact back did not show it "
                     f"({check.status.value}, {check.code.value}); re-check with `rootwarden org verify`.", check.code.value)


def describe(values: dict[str, Any] | None) -> str:
    """A contact's fields in one line (raw: the caller escapes it for its output)."""
    if values is None:
        return "(none)"
    return f"name {values.get('Name', '')}, title {values.get('Title', '')}, e-mail {values.get('EmailAddress', '')}, " \
           f"phone {values.get('PhoneNumber', '')}"


def change_log(results: list[PutResult]) -> list[dict[str, Any]]:
    """The record's change log entries for ``results`` (no contact details beyond the type: the
    findings carry what AWS now answers)."""
    from datetime import datetime, timezone

    from app.model import rfc3339

    now = rfc3339(datetime.now(timezone.utc))
    return [{"account_id": r.planned.member.id, "action": "account:PutAlternateContact", "target": r.planned.contact.contact_type,
             "outcome": r.result, "time": now, "error_code": r.code or None, "message": r.message} for r in results]
