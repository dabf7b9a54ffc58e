"""Where Rootwarden keeps what it saves: the user data directory (platformdirs), one folder per
account, files never overwritten."""
from __future__ import annotations

import contextlib
import json
import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any


def data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("rootwarden", appauthor=False))


def records_root(base: Path | None = None, practice: bool = False) -> Path:
    """Where records live; the practice account's are kept apart from real evidence."""
    return (base or data_dir()) / ("practice-records" if practice else "records")


def account_dir(account_id: str, base: Path | None = None, practice: bool = False) -> Path:
    path = records_root(base, practice) / account_id
    path.mkdir(parents=True, exist_ok=True)
    return path


def save_new(folder: Path, stem: str, document: dict[str, Any], suffix: str = ".json") -> Path:
    """Write ``document`` as JSON to a new file in ``folder`` (never overwrites)."""
    return save_new_bytes(folder, stem, (json.dumps(document, indent=2, default=str) + "\n").encode("utf-8"), suffix)


def save_new_bytes(folder: Path, stem: str, data: bytes, suffix: str = ".json") -> Path:
    """Write ``data`` to a new, timestamped file in ``folder``: all of it or nothing, never
    overwriting (see ``write_exclusive``)."""
    moment = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
    for attempt in range(100):
        path = folder / f"{moment}-{stem}{'' if attempt == 0 else f'-{attempt}'}{suffix}"
        try:
            return write_exclusive(path, data)
        except FileExistsError:
            continue
    raise OSError(f"could not create a new file in {folder}")


def write_exclusive(path: Path, data: bytes) -> Path:
    """Write ``data`` at ``path`` atomically and without replacing anything: the bytes go to a
    temporary file in the same folder, are flushed to disk, and only then get their name (a hard
    link, which fails if the name exists). A full disk or a crash leaves no partial file and no
    name taken. Raises ``FileExistsError`` when ``path`` exists."""
    path = Path(path)
    fd, temporary = tempfile.mkstemp(prefix=".rootwarden-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o600)
        try:
            os.link(temporary, path)
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links (some network shares): rename once the name is free
            if path.exists():
                raise FileExistsError(path) from None
            os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    return path
