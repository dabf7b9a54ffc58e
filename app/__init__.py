"""Rootwarden's domain layer: AWS access, checks, fixes, records, flow.

This package never imports Qt; ``ui`` builds on it, never the other way round.
"""
from __future__ import annotations

__all__ = ["__version__"]


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("rootwarden")
    except Exception:  # not installed (running from a source tree)
        return "0.0.0+source"


__version__ = _version()
