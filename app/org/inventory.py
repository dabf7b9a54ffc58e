"""The organization's member accounts (organizations:ListAccounts), read completely or not at all.

ListAccounts answers in pages of at most 20 and may answer an empty page that still carries a
``NextToken``; a token seen twice, or more pages than any organization can need, means the
listing cannot be trusted and raises ``IncompleteListing`` — nothing is judged from part of an
inventory. ``State`` is read (``Status`` is retired by AWS; used only when ``State`` is absent).
Pure functions over an ``AwsContext``; safe from any thread.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from app.account_id import is_account_id
from app.errors import IncompleteListing, MalformedResponse

PAGE_SIZE = 20
# 10,000 accounts (AWS's default quota is far lower) in pages of 20, plus room for empty pages.
MAX_PAGES = 1_200
ENDED_STATES = ("SUSPENDED", "CLOSED", "PENDING_CLOSURE")


@dataclass(frozen=True)
class Member:
    """One account of the organization, as ListAccounts describes it."""

    id: str
    name: str
    state: str
    joined_method: str
    email: str = ""
    ou: str = ""  # the organizational unit's path, e.g. "Root/Workloads/Prod"; "" when not read

    @property
    def active(self) -> bool:
        return self.state == "ACTIVE"

    @property
    def ended(self) -> bool:
        """Suspended, closed or closing: nothing to audit (``not_applicable``)."""
        return self.state in ENDED_STATES


def list_members(call: Callable[..., dict[str, Any]], max_pages: int = MAX_PAGES) -> list[Member]:
    """Every account of the organization. ``call(**params)`` makes one ListAccounts request
    (``AwsContext.call`` bound to organizations/ListAccounts)."""
    action = "organizations:ListAccounts"
    members: list[Member] = []
    seen: set[str] = set()
    token: str | None = None
    for _ in range(max_pages):
        response = call(MaxResults=PAGE_SIZE, **({"NextToken": token} if token else {}))
        accounts = response.get("Accounts")
        if not isinstance(accounts, list):
            raise MalformedResponse(action, "no Accounts list")
        members += [_member(a, action) for a in accounts]
        token = response.get("NextToken")
        if not token:
            return members
        if token in seen:
            raise IncompleteListing(action, "a page token repeated")
        seen.add(token)
    raise IncompleteListing(action, f"more than {max_pages} pages")


def _member(data: Any, action: str) -> Member:
    if not isinstance(data, dict) or not is_account_id(str(data.get("Id", ""))):
        raise MalformedResponse(action, "an account without a 12-digit Id")
    state = data.get("State") or data.get("Status")
    if not isinstance(state, str) or not state:
        raise MalformedResponse(action, f"account {data['Id']} without a State")
    return Member(id=data["Id"], name=str(data.get("Name", "")), state=state,
                  joined_method=str(data.get("JoinedMethod", "")), email=str(data.get("Email", "")))
