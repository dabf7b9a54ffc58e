"""Bundled files (fonts, icons). ``path(name)`` finds one, installed or from a source tree."""
from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent


def path(*parts: str) -> Path:
    return HERE.joinpath(*parts)
