"""How deeply JSON-like values nest, counted without recursion (safe on hostile input).

Used by the event-pattern matcher and the strict record reader. Pure; thread-safe.
"""
from __future__ import annotations

from typing import Any


def depth(value: Any, stop_after: int) -> int:
    """The deepest nesting of dicts and lists in ``value``; counting stops past ``stop_after``."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, (dict, list)):
            deepest = max(deepest, level)
            if level <= stop_after:
                stack.extend((child, level + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest
