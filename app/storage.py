"""Where Rootwarden keeps what it saves: the user data directory (platformdirs), one folder per
account, files never overwritten."""
from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any


def data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("rootwarden", appauthor=False))


def account_dir(account_id: str, base: Path | None = None) -> Path:
    path = (base or data_dir()) / "records" / account_id
    path.mkdir(parents=True, exist_ok=True)
    return path


def save_new(folder: Path, stem: str, document: dict[str, Any], suffix: str = ".json") -> Path:
    """Write ``document`` as JSON to a new file in ``folder`` (never overwrites)."""
    return save_new_bytes(folder, stem, (json.dumps(document, indent=2, default=str) + "\n").encode("utf-8"), suffix)


def save_new_bytes(folder: Path, stem: str, data: bytes, suffix: str = ".json") -> Path:
    """Write ``data`` to a new, timestamped file in ``folder`` (exclusive create: never overwrites)."""
    # Microseconds keep names unique and in time order (names sort as the records were made).
    moment = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
    for attempt in range(100):
        path = folder / f"{moment}-{stem}{'' if attempt == 0 else f'-{attempt}'}{suffix}"
        try:
            with open(path, "xb") as handle:
                handle.write(data)
            os.chmod(path, 0o600)
            return path
        except FileExistsError:
            continue
    raise OSError(f"could not create a new file in {folder}")


def write_exclusive(path: Path, data: bytes) -> Path:
    """Write a file the user named, refusing to replace an existing one."""
    try:
        with open(path, "xb") as handle:
            handle.write(data)
    except FileExistsError:
        raise OSError(f"{path} already exists; choose another name (records are never overwritten)") from None
    return path
