"""Strict reading of records (SPEC §6): only exactly the bytes Rootwarden wrote are trusted.

Two parsers that disagree about a file are an attack: a JSON object with two ``payload`` keys is
read one way by Python (the last wins) and another by a first-key parser. So: a record file must
be a regular file of bounded size, UTF-8 without a BOM, JSON without duplicate keys, NaN or
excessive nesting, and base64 in its one canonical spelling. Anything else raises ``BadRecord``
with the reason. Pure functions; thread-safe.
"""
from __future__ import annotations

import base64
import binascii
import json
import os
import stat
from pathlib import Path
from typing import Any
from app.nesting import depth



class BadRecord(Exception):
    """The record cannot be trusted; ``str()`` is the reason."""


MAX_RECORD_BYTES = 64 * 1024 * 1024  # an organization record of 10,000 accounts fits many times over
MAX_DEPTH = 64


def read_file(path: Path, limit: int = MAX_RECORD_BYTES) -> bytes:
    """The file's bytes: a regular file (not a FIFO, device or directory) of at most ``limit``."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        raise BadRecord(f"unreadable: {error.strerror or error}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise BadRecord("unreadable: not a regular file")
        if info.st_size > limit:
            raise BadRecord(f"unreadable: larger than {limit // (1024 * 1024)} MiB")
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        raise BadRecord(f"unreadable: {error.strerror or error}") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise BadRecord(f"unreadable: larger than {limit // (1024 * 1024)} MiB")
    return data


def loads(data: bytes, what: str) -> Any:
    """JSON from UTF-8 bytes, refusing duplicate keys, NaN/Infinity and deep nesting."""
    if data.startswith(b"\xef\xbb\xbf"):
        raise BadRecord(f"{what}: starts with a byte-order mark")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRecord(f"{what}: not UTF-8 text") from None
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except BadRecord as error:
        raise BadRecord(f"{what}: {error}") from None
    except RecursionError:
        raise BadRecord(f"{what}: nested too deeply") from None
    except ValueError:
        raise BadRecord(f"{what}: not JSON") from None
    if depth(value, MAX_DEPTH) > MAX_DEPTH:
        raise BadRecord(f"{what}: nested deeper than {MAX_DEPTH} levels")
    return value


def b64decode(text: Any, what: str) -> bytes:
    """Base64 in its canonical form only (padding, no whitespace, no stray bits)."""
    if not isinstance(text, str):
        raise BadRecord(f"not DSSE: {what} is not a string")
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise BadRecord(f"not DSSE: {what} is not valid base64") from None
    if base64.b64encode(raw).decode("ascii") != text:
        raise BadRecord(f"not DSSE: {what} is not canonical base64")
    return raw


def exact_keys(value: Any, keys: set[str], what: str) -> dict[str, Any]:
    """``value`` as an object with exactly these keys (no missing, no extra)."""
    if not isinstance(value, dict):
        raise BadRecord(f"{what} is not an object")
    missing, extra = keys - set(value), set(value) - keys
    if missing:
        raise BadRecord(f"{what} lacks {', '.join(sorted(missing))}")
    if extra:
        raise BadRecord(f"{what} has unknown fields: {', '.join(sorted(extra))[:200]}")
    return value


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise BadRecord(f"duplicate key {key[:60]!r}")
        found[key] = value
    return found


def _no_constants(name: str) -> Any:
    raise BadRecord(f"{name} is not valid JSON")


