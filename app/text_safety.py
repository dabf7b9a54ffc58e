"""Text from AWS, a form or a record, made safe to show (SPEC §2.2, §8).

Such text is data, never markup or terminal control: a contact name of ``<b>ALL PASSED</b>``
or an alias with an escape sequence must show exactly as its characters. ``for_terminal``
replaces control characters (C0, DEL, C1 — ESC included) with visible escapes; the Qt side
shows such text with ``ui.plain``. Pure functions; thread-safe.
"""
from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def for_terminal(text: object, keep_newlines: bool = False) -> str:
    """``text`` with every control character (and bidi override) shown as ``\\xNN``/``\\uNNNN``."""
    value = str(text)
    if not keep_newlines:
        value = value.replace("\n", "\\n").replace("\t", " ")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", value)
