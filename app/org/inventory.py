"""The organization's member accounts (organizations:ListAccounts), read completely or not at all.

ListAccounts answers in pages of at most 20 and may answer an empty page that still carries a
``NextToken``; a token seen twice, an account listed twice, or more pages than any organization
can need, means the listing cannot be trusted and raises ``IncompleteListing`` — nothing is judged from part of an
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
    ou_ids: tuple[str, ...] = ()  # the root's and every enclosing OU's ID, nearest last

    def under(self, unit: str) -> bool:
        """Whether the account sits in ``unit`` (an ``ou-…``/``r-…`` ID, or a path such as
        ``Root/Workloads`` or ``Workloads``), directly or in an OU below it."""
        if unit in self.ou_ids:
            return True
        path = self.ou.split("/")
        wanted = [part for part in unit.strip("/").split("/") if part]
        return bool(wanted) and any(path[i:i + len(wanted)] == wanted for i in range(0, 2 if path[:1] == ["Root"] else 1))

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
        if len({m.id for m in members}) != len(members):  # pages that shifted: counting it twice is wrong coverage
            raise IncompleteListing(action, "an account was listed twice")
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


@dataclass(frozen=True)
class Placement:
    """Where an account sits: the OU path by names ("Root/Workloads/Prod") and the IDs of the
    root and every OU above it, nearest last."""

    path: str
    ids: tuple[str, ...]


def placements(call: Callable[..., dict[str, Any]], max_calls: int = 20_000) -> dict[str, Placement]:
    """Every account's OU, walking the tree from the root: ``call(operation, **params)`` makes
    one organizations request (ListRoots, ListOrganizationalUnitsForParent,
    ListAccountsForParent). Read completely or not at all (``IncompleteListing``)."""
    budget = [max_calls]

    def pages(operation: str, key: str, **params: Any) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        seen: set[str] = set()
        token: str | None = None
        while True:
            budget[0] -= 1
            if budget[0] < 0:
                raise IncompleteListing(f"organizations:{operation}", f"more than {max_calls} requests for the OU tree")
            response = call(operation, **params, **({"NextToken": token} if token else {}))
            page = response.get(key)
            if not isinstance(page, list) or not all(isinstance(i, dict) and isinstance(i.get("Id"), str) for i in page):
                raise MalformedResponse(f"organizations:{operation}", f"no {key} list")
            items += page
            token = response.get("NextToken")
            if not token:
                return items
            if token in seen:
                raise IncompleteListing(f"organizations:{operation}", "a page token repeated")
            seen.add(token)

    found: dict[str, Placement] = {}
    queue = [(root["Id"], Placement(str(root.get("Name") or "Root"), (root["Id"],))) for root in pages("ListRoots", "Roots")]
    visited: set[str] = set()
    while queue:
        parent, where = queue.pop()
        if parent in visited:
            raise IncompleteListing("organizations:ListOrganizationalUnitsForParent", "the OU tree has a cycle")
        visited.add(parent)
        for account in pages("ListAccountsForParent", "Accounts", ParentId=parent):
            found[account["Id"]] = where
        for unit in pages("ListOrganizationalUnitsForParent", "OrganizationalUnits", ParentId=parent):
            queue.append((unit["Id"], Placement(f"{where.path}/{unit.get('Name') or unit['Id']}", where.ids + (unit["Id"],))))
    return found
