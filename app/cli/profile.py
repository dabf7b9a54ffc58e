"""``rootwarden profile add|list|show|remove``: saved profiles in the OS keyring.

The secret access key is read from standard input when it is not a terminal (one line; a
second line is the session token for ASIA… keys), or from a hidden prompt; never from an
argument, never echoed, never printed back.
"""
from __future__ import annotations

import argparse
import getpass
import sys

from app.errors import InvalidInput
from app.profiles import Profile, ProfileStore
from app.text_safety import for_terminal


def _read_secrets(temporary: bool) -> tuple[str, str | None]:
    if sys.stdin is None:
        raise InvalidInput("Secret access key", "give it on standard input or at the prompt")
    if sys.stdin.isatty():
        secret = getpass.getpass("Secret access key (hidden): ")
        token = getpass.getpass("Session token (hidden): ") if temporary else None
    else:
        lines = sys.stdin.read().splitlines()
        secret = lines[0].strip() if lines else ""
        token = lines[1].strip() if temporary and len(lines) > 1 else None
    return secret, token


def profile_command(args: argparse.Namespace) -> int:
    store = ProfileStore()
    action = args.profile_command
    if action == "add":
        if not args.replace and args.name in store.names():
            raise InvalidInput("Name", f"a profile named {args.name} exists; pass --replace to replace it")
        secret = token = None
        if args.access_key_id:
            secret, token = _read_secrets(args.access_key_id.startswith("ASIA"))
        profile = store.add(Profile(args.name, args.account_id, args.region, args.aws_profile, args.access_key_id, args.notes),
                            secret, token)
        print(f"Saved profile {profile.name}: account {profile.account_id}, {profile.source}, region {profile.region}.")
        return 0
    if action == "list":
        entries = store.list()
        if not entries:
            print("No saved profiles. Add one with `rootwarden profile add NAME --account-id ID --aws-profile P`.")
        for entry in entries:
            if entry.profile:
                p = entry.profile
                print(for_terminal(f"{p.name:<24} {p.account_id}  {p.region:<15} {p.source}"))
            else:
                print(for_terminal(f"{entry.name:<24} UNUSABLE: {entry.problem}"))
        return 0
    if action == "show":
        p = store.get(args.name)
        print(for_terminal(f"Name:        {p.name}\nAccount ID:  {p.account_id}\nRegion:      {p.region}\nCredentials: {p.source}", keep_newlines=True))
        if p.keyed:
            print("Secret:      stored in the OS keyring (never shown)")
        if p.identity_center:
            print("Sign-in:     refresh token stored in the OS keyring (never shown); renewed without a browser until "
                  "Identity Center's session ends, then sign in again from the wizard")
        if p.notes:
            print(f"Notes:       {for_terminal(p.notes)}")
        return 0
    store.remove(args.name)
    print(f"Removed profile {args.name} and its secret from the keyring.")
    return 0
