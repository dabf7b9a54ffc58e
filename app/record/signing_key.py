"""The record-signing key: Ed25519, private key in the OS keyring, created on first use.

Same backend checks as profiles (no plain-text fallback). The public key can be exported and
given to auditors; its fingerprint is the DSSE ``keyid``. Keyring calls may block: call from a
worker thread in the UI.
"""
from __future__ import annotations

from typing import Any

from app.keyring_access import SERVICE, checked, translate
from app.locks import exclusive
from app.record.dsse import keyid

ENTRY = "record-signing-key"
PRACTICE_ENTRY = "record-signing-key-practice"


class SigningKey:
    """The signing key in the keyring; ``practice`` selects the practice account's own key, so
    simulated evidence is never signed with the key auditors trust."""

    def __init__(self, backend: Any | None = None, allow_insecure: bool | None = None, practice: bool = False) -> None:
        self.backend = checked(backend, allow_insecure, "The record cannot be signed until the keyring works.")
        self.entry = PRACTICE_ENTRY if practice else ENTRY

    def _stored(self) -> str | None:
        try:
            return self.backend.get_password(SERVICE, self.entry)
        except Exception as error:
            raise translate(error) from None

    def private_key(self, create: bool = True) -> Any:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        pem = self._stored()
        if pem is None:
            if not create:
                return None
            # First use: under a lock shared by all of this user's processes, so two processes
            # signing for the first time at once end with one key (the second finds the first's).
            with exclusive(f"{self.entry}-create"):
                pem = self._stored()
                if pem is None:
                    key = Ed25519PrivateKey.generate()
                    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                            serialization.NoEncryption()).decode("ascii")
                    try:
                        self.backend.set_password(SERVICE, self.entry, pem)
                    except Exception as error:
                        raise translate(error) from None
                    return key
        return serialization.load_pem_private_key(pem.encode("ascii"), password=None)

    def public_key(self, create: bool = True) -> Any:
        key = self.private_key(create)
        return None if key is None else key.public_key()

    def public_pem(self) -> str:
        from cryptography.hazmat.primitives import serialization

        return self.public_key().public_bytes(serialization.Encoding.PEM,
                                              serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")

    def fingerprint(self) -> str:
        return keyid(self.public_key())


def load_public_pem(data: bytes) -> Any:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from app.record.dsse import BadRecord

    try:
        key = serialization.load_pem_public_key(data)
    except ValueError:
        raise BadRecord("unreadable public key: expected a PEM public key (from `rootwarden key export`)") from None
    if not isinstance(key, Ed25519PublicKey):
        raise BadRecord("unknown key: the public key is not an Ed25519 key")
    return key
