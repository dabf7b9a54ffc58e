"""Organizational units (SPEC §12: "filterable by verdict and OU", `org verify --ou`): the OU
tree is read completely or not at all, and a scope by OU takes exactly the accounts below it."""
from __future__ import annotations

import pytest

from app.errors import AccessDenied, IncompleteListing, InvalidInput, MalformedResponse
from app.org.inventory import Member, placements
from app.org.scan import ScanRequest, scan
from app.practice.organization import MEMBER_COUNT, member_id


def tree(pages: dict) -> callable:
    """A fake organizations client: (operation, parent, token) → one page."""
    def call(operation, ParentId=None, NextToken=None, **_):
        return pages[(operation, ParentId, NextToken)]
    return call


def test_placements_follow_pages_and_nesting():
    call = tree({
        ("ListRoots", None, None): {"Roots": [{"Id": "r-ab12", "Name": "Root"}]},
        ("ListAccountsForParent", "r-ab12", None): {"Accounts": [{"Id": "111111111111"}], "NextToken": "t1"},
        ("ListAccountsForParent", "r-ab12", "t1"): {"Accounts": []},  # an empty last page
        ("ListOrganizationalUnitsForParent", "r-ab12", None): {"OrganizationalUnits": [{"Id": "ou-ab12-11111111", "Name": "Prod"}]},
        ("ListAccountsForParent", "ou-ab12-11111111", None): {"Accounts": [{"Id": "222222222222"}]},
        ("ListOrganizationalUnitsForParent", "ou-ab12-11111111", None): {"OrganizationalUnits": []},
    })
    found = placements(call)
    assert found["111111111111"].path == "Root" and found["222222222222"].path == "Root/Prod"
    assert found["222222222222"].ids == ("r-ab12", "ou-ab12-11111111")


@pytest.mark.parametrize("broken, error", [
    ({("ListAccountsForParent", "r-ab12", "t1"): {"Accounts": [], "NextToken": "t1"}}, IncompleteListing),  # token repeats
    ({("ListAccountsForParent", "r-ab12", "t1"): {"Accounts": "none"}}, MalformedResponse),
    ({("ListOrganizationalUnitsForParent", "r-ab12", None): {"OrganizationalUnits": [{"Id": "r-ab12", "Name": "loop"}]}},
     IncompleteListing),  # a cycle
])
def test_a_tree_that_cannot_be_read_completely_is_refused(broken, error):
    pages = {("ListRoots", None, None): {"Roots": [{"Id": "r-ab12"}]},
             ("ListAccountsForParent", "r-ab12", None): {"Accounts": [], "NextToken": "t1"},
             ("ListAccountsForParent", "r-ab12", "t1"): {"Accounts": []},
             ("ListOrganizationalUnitsForParent", "r-ab12", None): {"OrganizationalUnits": []}}
    pages.update(broken)
    with pytest.raises(error):
        placements(tree(pages))


def test_under_matches_ids_and_paths_from_the_root():
    member = Member("111111111111", "a", "ACTIVE", "CREATED", ou="Root/Workloads/Prod", ou_ids=("r-ab12", "ou-1", "ou-2"))
    assert member.under("ou-1") and member.under("r-ab12") and member.under("Workloads") and member.under("Root/Workloads/Prod")
    assert not member.under("Prod") and not member.under("Work") and not member.under("ou-3") and not member.under("/")


def test_scan_by_ou_path_and_id(organization):
    context = organization.aws_context()
    dev = scan(context, ScanRequest(ou="Root/Workloads/Dev", backoff=0.01, contacts_rate=500.0))
    assert [m.member.id for m in dev.members] == [member_id(n) for n in range(16, 31)]
    assert {m.member.ou for m in dev.members} == {"Root/Workloads/Dev"}
    workloads = next(m for m in dev.members).member.ou_ids[1]
    everything_below = scan(context, ScanRequest(ou=workloads, accounts=(member_id(1), member_id(16), member_id(40)), backoff=0.01, contacts_rate=500.0))
    assert [m.member.id for m in everything_below.members] == [member_id(1), member_id(16)]
    with pytest.raises(InvalidInput, match="--ou"):
        scan(context, ScanRequest(ou="Root/Nowhere"))


class DeniedOus:
    """The management account's context with the OU reads denied (a narrower IAM policy)."""

    def __init__(self, context):
        self._context = context

    def __getattr__(self, name):
        return getattr(self._context, name)

    def call(self, service, operation, **params):
        if operation in ("ListRoots", "ListOrganizationalUnitsForParent", "ListAccountsForParent"):
            raise AccessDenied("denied", f"organizations:{operation}", "AccessDeniedException")
        return self._context.call(service, operation, **params)


def test_ous_that_cannot_be_read_leave_the_column_empty_and_say_so(organization):
    context = DeniedOus(organization.aws_context())
    result = scan(context, ScanRequest(accounts=(member_id(20),), backoff=0.01, contacts_rate=500.0))
    assert result.members[0].member.ou == "" and result.members[0].reached
    assert result.notices and "OU" in result.notices[0]
    with pytest.raises(AccessDenied):
        scan(context, ScanRequest(ou="Root/Workloads"))  # cannot be scoped: stops before any audit


def test_cli_ou_option():
    from tests.test_org_cli import run

    result = run("verify", "--demo", "--ou", "Root/Sandbox", "--format", "json")
    import json

    doc = json.loads(result.stdout)
    assert [a["id"] for a in doc["accounts"]] == [member_id(n) for n in range(31, 41)] and doc["accounts"][0]["ou"] == "Root/Sandbox"
    assert MEMBER_COUNT > 40
    bad = run("verify", "--demo", "--ou", "Root/\x1b[2J")
    assert bad.returncode == 3 and "\x1b" not in bad.stderr
