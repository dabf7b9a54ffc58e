"""``rootwarden org contacts put``: one contact form onto member accounts (SPEC §12 fixes).

Every input is validated before any AWS call (the single-account form's rules,
``app.fixes.contacts.Contact``, plus no control characters). Then the chosen contacts are read
(≤ 8 requests/s), the confirmation lists per account exactly what changes (old → new, as plain
text), and only after ``yes`` typed on a terminal (or ``--yes``) are they put (≤ 4 requests/s)
and read back. Default: only missing contacts; ``--overwrite`` replaces differing ones too.
One form for several ``--type``s because AWS needs all four fields for each contact and most
organizations route them to one team mailbox; the types are never implied, so nothing is
written that was not named. Ctrl-C stops after the put in flight; the rest is "not attempted".

Exit codes: 0 every planned change done and confirmed (or nothing to do); 1 a put failed, or
the confirmation was declined (the contacts stay missing); 2 something could not be read,
confirmed or attempted; 3 bad usage or cannot connect.
"""
from __future__ import annotations

import argparse
import sys
import threading
from typing import Any

from app.errors import InvalidInput
from app.text_safety import for_terminal

ACTION = "contacts"
TYPES = ("SECURITY", "BILLING", "OPERATIONS")


def add_parser(actions: Any) -> None:
    from app.cli.org import add_connection_options

    contacts = actions.add_parser(ACTION, help="members' alternate contacts: put one contact form onto member accounts")
    sub = contacts.add_subparsers(dest="contacts_command", metavar="ACTION", required=True)
    put = sub.add_parser("put", help="put an alternate contact onto member accounts (account:PutAlternateContact)",
                         description="Put one alternate contact onto member accounts, after a confirmation that lists "
                                     "per account what changes. Exit 0: done; 1: a put failed or was declined; 2: "
                                     "something could not be read or confirmed; 3: bad usage or cannot connect.")
    add_connection_options(put)
    put.add_argument("--accounts", required=True, metavar="IDS|all", help="comma-separated member account IDs, or all "
                     "(every ACTIVE member)")
    put.add_argument("--type", required=True, dest="types", metavar="TYPES",
                     help="security, billing, operations (comma-separated), or all")
    put.add_argument("--name", required=True, help="the contact's name (at most 64 characters)")
    put.add_argument("--title", required=True, help="the contact's title, e.g. Security team (at most 50 characters)")
    put.add_argument("--email", required=True, help="the contact's e-mail address (a team mailbox is best)")
    put.add_argument("--phone", required=True, help="the phone number: digits, spaces and + - ( )")
    mode = put.add_mutually_exclusive_group()
    mode.add_argument("--only-missing", action="store_true", help="put only where the contact is missing (default)")
    mode.add_argument("--overwrite", action="store_true", help="also replace contacts that are set but differ")
    put.add_argument("--yes", action="store_true", help="do not ask for confirmation")


def contacts_from(args: argparse.Namespace) -> list[Any]:
    """The validated contacts of the form, one per chosen type (``InvalidInput`` otherwise)."""
    from app.fixes.contacts import Contact

    words = [w.strip().upper() for w in str(args.types).split(",") if w.strip()]
    types = list(TYPES) if words == ["ALL"] else list(dict.fromkeys(words))
    bad = [w for w in types if w not in TYPES]
    if not types or bad:
        raise InvalidInput("--type", "must be security, billing, operations (comma-separated) or all")
    for label, value in (("--name", args.name), ("--title", args.title), ("--email", args.email), ("--phone", args.phone)):
        if for_terminal(value) != value:
            raise InvalidInput(label, "must not contain control characters or line breaks")
    return [Contact(t, args.name, args.title, args.email, args.phone).validate() for t in types]


def run(args: argparse.Namespace) -> int:
    from app.cli import org as org_cli
    from app.org import contacts_put
    from app.org.contacts import AccountCaller, trusted_access
    from app.org.inventory import list_members
    from app.org.rate import CONTACT_PUTS, CONTACT_READS, RateLimiter

    wanted = None if args.accounts.strip().lower() == "all" else org_cli.account_ids(args.accounts, "--accounts")
    if wanted == ():
        raise InvalidInput("--accounts", "name at least one member account ID, or all")
    contacts = contacts_from(args)
    context = org_cli.connect(args)
    organization = context.call("organizations", "DescribeOrganization").get("Organization") or {}
    management = str(organization.get("MasterAccountId", ""))
    members = _chosen(list_members(lambda **p: context.call("organizations", "ListAccounts", **p)), wanted, management)
    if not members:
        print("No ACTIVE member account was chosen: nothing to do.")
        return 0
    trusted = trusted_access(context)
    if trusted is False:
        print("rootwarden: trusted access for AWS Account Management (account.amazonaws.com) is not enabled, so member "
              "contacts can be neither read nor put from here. Enable it (`aws organizations enable-aws-service-access "
              "--service-principal account.amazonaws.com`) and run again. Nothing was changed.", file=sys.stderr)
        return 2
    cancel = threading.Event()
    reader = AccountCaller(context, RateLimiter(CONTACT_READS), cancel=cancel)
    print(f"rootwarden: reading {len(members) * len(contacts)} contacts on {len(members)} accounts…", file=sys.stderr)
    from app.text.org_contacts import contact_listing

    plans = contacts_put.plan(reader, members, contacts, overwrite=args.overwrite, trusted=trusted)
    changes = [p for p in plans if p.action == contacts_put.PUT]
    unreadable = [p for p in plans if p.action == contacts_put.UNREADABLE]
    sys.stdout.write(contact_listing(plans))
    if not changes:
        print("Nothing to change." + (" Some contacts could not be read (above): nothing was put there." if unreadable else ""))
        return 2 if unreadable else 0
    accounts = len({p.member.id for p in changes})
    if not _confirmed(args, f"Type yes to put {len(changes)} contact(s) on {accounts} account(s): "):
        print("Nothing was changed.")
        return 1
    writer = AccountCaller(context, RateLimiter(CONTACT_PUTS), cancel=cancel)
    results = _apply(contacts_put, writer, reader, plans, cancel)
    sys.stdout.write(_results(results))
    kinds = {r.result for r in results}
    if contacts_put.FAILED in kinds:
        return 1
    return 2 if unreadable or kinds - {contacts_put.DONE} else 0


def _chosen(members: list[Any], wanted: tuple[str, ...] | None, management: str) -> list[Any]:
    by_id = {m.id: m for m in members}
    if wanted is None:
        return [m for m in members if m.active and m.id != management]
    strangers = [i for i in wanted if i not in by_id]
    if strangers:
        raise InvalidInput("--accounts", f"not accounts of this organization: {', '.join(strangers[:5])}")
    if management in wanted:
        raise InvalidInput("--accounts", f"{management} is the management account: AWS does not let it set its own contacts "
                           "with AccountId; set them with `rootwarden` (Step 5) instead")
    inactive = [i for i in wanted if not by_id[i].active]
    if inactive:
        raise InvalidInput("--accounts", f"not ACTIVE, so no contact can be put: {', '.join(inactive[:5])}")
    return [by_id[i] for i in dict.fromkeys(wanted)]


def _confirmed(args: argparse.Namespace, prompt: str) -> bool:
    if args.yes:
        return True
    if sys.stdin is None or not sys.stdin.isatty():
        raise InvalidInput("confirmation", "not on a terminal: pass --yes to confirm these changes (nothing was changed)")
    try:
        return input(prompt).strip() == "yes"
    except EOFError:
        return False


def _apply(contacts_put: Any, writer: Any, reader: Any, plans: list[Any], cancel: threading.Event) -> list[Any]:
    """Puts on a worker thread, so Ctrl-C here stops after the put in flight."""
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["results"] = contacts_put.apply(writer, reader, plans, cancel)
        except BaseException as error:  # reported by the caller's thread
            box["error"] = error

    thread = threading.Thread(target=work, name="org-contacts-put", daemon=True)
    thread.start()
    try:
        while thread.is_alive():
            thread.join(0.2)
    except KeyboardInterrupt:
        cancel.set()
        print("\nrootwarden: interrupted; finishing the put in flight, the rest is not attempted.", file=sys.stderr)
        thread.join()
    if "error" in box:
        raise box["error"]
    done = {id(r.planned) for r in box.get("results", [])}
    rest = [contacts_put.PutResult(p, contacts_put.NOT_ATTEMPTED, "not attempted: the run was cancelled")
            for p in plans if p.action == contacts_put.PUT and id(p) not in done]
    return list(box.get("results", [])) + rest


def _results(results: list[Any]) -> str:
    lines = ["Results:"]
    for r in results:
        kind = r.planned.contact.contact_type.lower()
        code = f" [{r.code}]" if r.code else ""
        lines.append(f"  {r.planned.member.id}  {kind} contact: {r.result}{code}: {for_terminal(r.message)}")
    return "\n".join(lines) + "\n"
