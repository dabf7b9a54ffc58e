"""A lock shared by every Rootwarden process of this user: a locked file in the data directory.

Used where two processes must not both do the same first-time work (creating the signing key).
``exclusive`` blocks until the lock is free; the OS releases it if the process dies. Safe from
any thread (each call opens its own file handle).
"""
from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Iterator


@contextlib.contextmanager
def exclusive(name: str, folder: Path | None = None) -> Iterator[None]:
    from app import storage

    folder = folder or storage.data_dir() / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{name}.lock", "a+b") as handle:
        if os.name == "nt":  # pragma: no cover - Windows
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
            try:
                yield
            finally:
                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
