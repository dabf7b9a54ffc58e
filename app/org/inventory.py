"""The organization's member accounts (organizations:ListAccounts), read completely or not at all.

ListAccounts answers in pages of at most 20 and may answer an empty page that still carries a
``NextToken``; a token seen twice, an account listed twice, or more pages than any organization
can need, means the listing cannot be trusted and raises ``IncompleteListing`` — nothing is judged from part of an
inventory. ``State`` is read (``Status`` is retired by AWS; used only when ``State`` is absent).
Functions over an ``AwsContext``, safe from any thread; the OU walk (``placements``) lists
several parents at once on threads of its own, all ended when it returns.
"""
from __future__ import annotations

import threading
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
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
    accounts = paged(lambda token: call(MaxResults=PAGE_SIZE, **({"NextToken": token} if token else {})), "Accounts",
                     action, max_pages=max_pages)
    members = [_member(a, action) for a in accounts]
    if len({m.id for m in members}) != len(members):  # pages that shifted: counting it twice is wrong coverage
        raise IncompleteListing(action, "an account was listed twice")
    return members


def paged(fetch: Callable[[str | None], dict[str, Any]], key: str, action: str,
          entry: Callable[[Any], bool] = lambda item: True, max_pages: int = MAX_PAGES, malformed: str = "") -> list[Any]:
    """Every item of one paged organizations listing, read to its end or not at all:
    ``fetch(token)`` makes one request (``token`` None for the first page). A page without its
    ``key`` list, or with an entry ``entry`` refuses, is ``MalformedResponse``; a repeated page
    token or more than ``max_pages`` pages is ``IncompleteListing``."""
    items: list[Any] = []
    seen: set[str] = set()
    token: str | None = None
    for _ in range(max_pages):
        response = fetch(token)
        page = response.get(key)
        if not isinstance(page, list) or not all(entry(item) for item in page):
            raise MalformedResponse(action, malformed or f"no {key} list")
        items += page
        token = response.get("NextToken")
        if not token:
            return items
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


# Parents whose children are listed at once. AWS publishes no rate for the Organizations read
# APIs, and answers TooManyRequestsException ("another request is already in progress") to
# bursts; botocore's standard retries (the AwsContext's) absorb that. Three here plus the
# ListAccounts paging that runs beside the walk keep the organization at four requests at once.
WALK_WORKERS = 3


def placements(call: Callable[..., dict[str, Any]], max_calls: int = 20_000, workers: int = WALK_WORKERS,
               stop: threading.Event | None = None) -> dict[str, Placement]:
    """Every account's OU, walking the tree from the root: ``call(operation, **params)`` makes
    one organizations request (ListRoots, ListOrganizationalUnitsForParent,
    ListAccountsForParent). Read completely or not at all (``IncompleteListing``).

    Threads: the accounts and the OUs of up to ``workers`` parents are listed at once, so
    ``call`` must be thread-safe (``AwsContext.call`` is); each listing's pages stay in order.
    The first failure of any branch fails the whole walk: no request starts after it, the ones in
    flight are awaited, and it is raised. ``stop``, set from another thread, ends the walk the same
    way (``IncompleteListing``). Every thread started here has ended when this returns or raises."""
    return _Walk(call, max_calls, stop).run(max(1, workers))


class _Walk:
    """One OU-tree walk: the request budget and the halt flag its threads share."""

    def __init__(self, call: Callable[..., dict[str, Any]], max_calls: int, stop: threading.Event | None) -> None:
        self._call = call
        self._max_calls = max_calls
        self._budget = max_calls
        self._lock = threading.Lock()
        self._stop = stop or threading.Event()
        self._halt = threading.Event()  # a branch failed: start no more requests

    def pages(self, operation: str, key: str, **params: Any) -> list[dict[str, Any]]:
        """Every item of one paged listing, page after page (one thread)."""
        action = f"organizations:{operation}"

        def fetch(token: str | None) -> dict[str, Any]:
            if self._halt.is_set() or self._stop.is_set():
                raise IncompleteListing(action, "the OU walk was stopped before the tree was read")
            with self._lock:
                self._budget -= 1
                spent = self._budget < 0
            if spent:
                raise IncompleteListing(action, f"more than {self._max_calls} requests for the OU tree")
            return self._call(operation, **params, **({"NextToken": token} if token else {}))

        return paged(fetch, key, action, lambda item: isinstance(item, dict) and isinstance(item.get("Id"), str),
                     max_pages=self._max_calls + 1)

    def run(self, workers: int) -> dict[str, Placement]:
        found: dict[str, Placement] = {}
        visited: set[str] = set()
        roots = self.pages("ListRoots", "Roots")
        with ThreadPoolExecutor(workers, thread_name_prefix="rw-ou-walk") as pool:
            pending: dict[Future[list[dict[str, Any]]], tuple[str, Placement]] = {}

            def visit(parent: str, where: Placement) -> None:
                if parent in visited:
                    raise IncompleteListing("organizations:ListOrganizationalUnitsForParent", "the OU tree has a cycle")
                visited.add(parent)
                # The OUs first: their children's listings can start while this parent's accounts page on.
                pending[pool.submit(self.pages, "ListOrganizationalUnitsForParent", "OrganizationalUnits",
                                    ParentId=parent)] = ("units", where)
                pending[pool.submit(self.pages, "ListAccountsForParent", "Accounts", ParentId=parent)] = ("accounts", where)

            try:
                for root in roots:
                    visit(root["Id"], Placement(str(root.get("Name") or "Root"), (root["Id"],)))
                while pending:
                    done, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        kind, where = pending.pop(future)
                        items = future.result()  # a failed branch raises here and fails the walk
                        if kind == "units":
                            for unit in items:
                                visit(unit["Id"], Placement(f"{where.path}/{unit.get('Name') or unit['Id']}",
                                                            where.ids + (unit["Id"],)))
                            continue
                        for account in items:
                            if account["Id"] in found:  # in two OUs: moved during the walk; which one is unknown
                                raise IncompleteListing("organizations:ListAccountsForParent",
                                                        f"account {account['Id']} was listed in two OUs")
                            found[account["Id"]] = where
            except BaseException:
                self._halt.set()  # the other branches end at their next request; leaving `with` awaits them
                for future in pending:
                    future.cancel()
                raise
        return found
