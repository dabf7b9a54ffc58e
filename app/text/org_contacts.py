"""Putting alternate contacts onto member accounts, as plain text: the listing shown before the
confirmation (the CLI prints it; the wizard shows it as plain text). AWS text passes through
``for_terminal``. Pure functions."""
from __future__ import annotations

from typing import Any

from app.text_safety import for_terminal


def contact_listing(plans: list[Any], overwrite_hint: bool = True) -> str:
    """Per account, exactly which contacts will be added or replaced (old → new), which cannot
    be read (nothing is put there), and how many are kept as they are."""
    from app.org.contacts_put import PUT, SKIP, describe, fields

    lines, last = ["Planned changes (nothing is changed before you confirm):"], None
    kept = [p for p in plans if p.action == SKIP]
    for p in plans:
        if p.action == SKIP:
            continue
        if p.member.id != last:
            lines.append(f"  {p.member.id}  {for_terminal(p.member.name)[:60]}")
            last = p.member.id
        kind = p.contact.contact_type.lower()
        if p.action == PUT:
            verb = "replace" if p.old else "add"
            lines.append(f"    {verb} {kind} contact: {for_terminal(describe(p.old))} → {for_terminal(describe(fields(p.contact)))}")
        else:
            lines.append(f"    cannot read {kind} contact ({p.reason}): {for_terminal(p.note)} Nothing will be put here.")
    if kept:
        differing = sum("--overwrite" in p.note for p in kept)
        lines.append(f"  Kept as they are: {len(kept)} contact(s) already set"
                     + (f"; {differing} differ from this form" + (" (pass --overwrite to replace them)." if overwrite_hint else
                                                                    " (only missing contacts are added).") if differing else "."))
    return "\n".join(lines) + "\n"
