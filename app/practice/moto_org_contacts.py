"""The Account Management gaps of moto 5.2.5 for organization mode, filled as ``moto_org`` does.

moto 5.2.5 answers Get/Put/DeleteAlternateContact with ``AccountId`` for any caller and any
account. AWS (Account Management API reference, ``AccountId``) requires more, and answers
``AccessDeniedException`` (HTTP 403) otherwise:

- the caller is the organization's management account, or the Account Management delegated
  administrator (registered for ``account.amazonaws.com``);
- the organization has all features and trusted access for ``account.amazonaws.com``;
- the ``AccountId`` is a member of the same organization; the management account may not name
  its own ID ("The management account can only be managed using the standalone context from
  the management account.").

Also: PutAlternateContact's field lengths and patterns (botocore's model; ``ValidationException``),
and per-account faults — ``TooManyRequestsException`` (HTTP 429) for the next N reads.
Requests without ``AccountId`` (an account reading its own contacts) are left to moto.
``store_contact`` writes a contact as it is, unchecked, for seeding odd or hostile data.
State: the faults here, under one lock; ``reset()`` clears them. Installed by ``moto_org.install``.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

from app.practice import moto_gaps

ACCOUNT_PRINCIPAL = "account.amazonaws.com"
_OWN_ID = " (The management account can only be managed using the standalone context from the management account.)"


@dataclass
class ContactFaults:
    throttle_reads: int = 0  # GetAlternateContact answers TooManyRequestsException this many more times


_lock = threading.RLock()
_faults: dict[str, ContactFaults] = {}
_installed = False


def faults(account_id: str) -> ContactFaults:
    with _lock:
        return _faults.setdefault(account_id, ContactFaults())


def reset() -> None:
    with _lock:
        _faults.clear()


def install() -> None:
    """Enforce AWS's rules for AccountId on moto's account service. Idempotent."""
    global _installed
    with _lock:
        if _installed:
            return
        from moto.account.responses import AccountResponse

        for name, action in (("get_alternate_contact", "GetAlternateContact"), ("put_alternate_contact", "PutAlternateContact"),
                             ("delete_alternate_contact", "DeleteAlternateContact")):
            setattr(AccountResponse, name, _guarded(getattr(AccountResponse, name), action))
        _installed = True


def store_contact(account_id: str, contact_type: str, name: str, title: str, email: str, phone: str,
                  partition: str = "aws") -> None:
    """Put a contact straight into moto's state, without any validation (seeding)."""
    from moto.account.models import account_backends

    account_backends[account_id][partition].put_alternate_contact(contact_type, email, name, phone, title)


def _error(code: str, message: str, status: int) -> Exception:
    from moto.core.exceptions import ServiceException

    class PracticeAccountError(ServiceException):
        pass

    error = PracticeAccountError(code, message)
    error.http_status_code = status  # type: ignore[attr-defined]
    return error


def _guarded(original: Any, action: str) -> Any:
    def method(self: Any) -> Any:
        target = self._get_param("AccountId")
        if target:
            _check(self, str(target), action)
            if action == "PutAlternateContact":
                _validate_put(self)
            if action == "GetAlternateContact":
                with _lock:
                    fault = faults(str(target))
                    if fault.throttle_reads > 0:
                        fault.throttle_reads -= 1
                        raise _error("TooManyRequestsException", "Rate exceeded", 429)
        return original(self)

    return method


def _caller_arn(response: Any) -> str:
    try:
        from moto.sts.models import sts_backends

        return sts_backends[response.current_account][response.partition].get_caller_identity(
            response.get_access_key(), response.region)[1]
    except Exception:
        return f"arn:aws:iam::{response.current_account}:user/unknown"


def _check(response: Any, target: str, action: str) -> None:
    caller = response.current_account
    denied = f"User: {_caller_arn(response)} is not authorized to perform: account:{action}"
    backend = moto_gaps.org_backend_of(caller)
    if backend is None:
        raise _error("AccessDeniedException", denied, 403)
    org = backend.org
    if target == caller and org.master_account_id == caller:
        raise _error("AccessDeniedException", denied + _OWN_ID, 403)
    trusted = any(s.get("ServicePrincipal") == ACCOUNT_PRINCIPAL for s in backend.services)
    delegated = any(a.account.id == caller and ACCOUNT_PRINCIPAL in a.services for a in getattr(backend, "admins", []))
    if org.feature_set != "ALL" or not trusted or not (caller == org.master_account_id or delegated):
        raise _error("AccessDeniedException", denied, 403)
    if not any(a.id == target for a in backend.accounts):
        raise _error("AccessDeniedException", denied, 403)




def _validate_put(response: Any) -> None:
    from app.org.contacts import field_rules

    for name, (low, high, pattern) in field_rules().items():
        value = response._get_param(name)
        if not isinstance(value, str) or not low <= len(value) <= high or (pattern and not re.fullmatch(pattern, value)):
            raise _error("ValidationException", f"Invalid {name}.", 400)
