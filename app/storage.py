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
    """Write ``document`` to a new file in ``folder`` (exclusive create: never overwrites)."""
    moment = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    for attempt in range(100):
        path = folder / f"{moment}-{stem}{'' if attempt == 0 else f'-{attempt}'}{suffix}"
        try:
            with open(path, "x", encoding="utf-8") as handle:
                json.dump(document, handle, indent=2, default=str)
                handle.write("\n")
            os.chmod(path, 0o600)
            return path
        except FileExistsError:
            continue
    raise OSError(f"could not create a new file in {folder}")
