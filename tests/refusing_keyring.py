"""A keyring backend for command-line tests that must see a keyring refuse writes (a locked
keyring after the user's session locked): entries live in the JSON file named by
ROOTWARDEN_TEST_KEYRING; with ROOTWARDEN_TEST_KEYRING_REFUSE_WRITES=1 every write and delete
raises keyring's KeyringLocked. Selected with PYTHON_KEYRING_BACKEND=tests.refusing_keyring.RefusingKeyring."""
from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked, PasswordDeleteError


class RefusingKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    @property
    def _path(self) -> Path:
        return Path(os.environ["ROOTWARDEN_TEST_KEYRING"])

    def _entries(self) -> dict[str, str]:
        return json.loads(self._path.read_text()) if self._path.exists() else {}

    def _write(self, entries: dict[str, str]) -> None:
        if os.environ.get("ROOTWARDEN_TEST_KEYRING_REFUSE_WRITES") == "1":
            raise KeyringLocked("the keyring is locked")
        self._path.write_text(json.dumps(entries))

    def get_password(self, service: str, username: str) -> str | None:
        return self._entries().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        self._write({**self._entries(), f"{service}/{username}": password})

    def delete_password(self, service: str, username: str) -> None:
        entries = self._entries()
        if f"{service}/{username}" not in entries:
            raise PasswordDeleteError("no such entry")
        del entries[f"{service}/{username}"]
        self._write(entries)
