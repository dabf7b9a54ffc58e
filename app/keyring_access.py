"""Choosing and checking the OS keyring (SPEC §3): usable, secure, or a clear refusal.

Used by the profile store and the record-signing key. Never falls back to plain text: a fail or
null backend, a locked keyring or a missing D-Bus is refused with the fix for the user's OS, and
insecure backends (plain-text files) only with an explicit opt-in.
"""
from __future__ import annotations

import os
import sys
from typing import Any

from app.errors import RootwardenError

SERVICE = "rootwarden"
INSECURE_OPT_IN = "ROOTWARDEN_ALLOW_INSECURE_KEYRING"


class KeyringUnavailable(RootwardenError):
    """No usable, secure keyring; the message names the problem and the fix."""


def os_fix() -> str:
    if sys.platform == "darwin":
        return "Rootwarden uses the macOS Keychain: sign in to your user session and unlock the login keychain."
    if sys.platform.startswith("win"):
        return "Rootwarden uses Windows Credential Manager: sign in to Windows with your own account."
    return ("Install and unlock a Secret Service keyring — gnome-keyring (`sudo apt install gnome-keyring`) or KWallet — "
            "in a desktop session with D-Bus running.")


def _kind(backend: Any) -> str:
    return f"{type(backend).__module__}.{type(backend).__name__}"


def is_insecure(backend: Any) -> bool:
    """keyrings.alt's file backends and anything that calls itself plain text."""
    module = type(backend).__module__
    return module.startswith("keyrings.alt") or "Plaintext" in type(backend).__name__ or module.split(".")[-1] == "file"


def checked(backend: Any | None = None, allow_insecure: bool | None = None, consequence: str = "") -> Any:
    """The keyring backend to use, or ``KeyringUnavailable`` (``consequence`` says what that means here).

    The policy is decided on the backend that would really hold the secret: a chainer's
    children are looked at one by one (the chainer writes to the first that accepts), so an
    insecure child is never written to unless the user opted in; a backend forced by
    ``PYTHON_KEYRING_BACKEND`` that cannot start (SecretService without D-Bus) is refused with
    the fix, not an unexpected error."""
    import keyring
    from keyring.backends import chainer

    if allow_insecure is None:
        allow_insecure = os.environ.get(INSECURE_OPT_IN) == "1"
    try:
        backend = backend if backend is not None else keyring.get_keyring()
        if isinstance(backend, chainer.ChainerBackend):
            backend = _effective_child(backend, allow_insecure, consequence)
        _viable(backend)
    except KeyringUnavailable:
        raise
    except Exception as error:
        raise translate(error) from None
    _refuse_unusable(backend, consequence)
    if is_insecure(backend) and not allow_insecure:
        raise KeyringUnavailable(
            f"The keyring backend {_kind(backend)} stores secrets in a file, not a protected keyring; Rootwarden refuses it. "
            f"{os_fix()} (To accept it anyway, set {INSECURE_OPT_IN}=1.) {consequence}".strip())
    return backend


def _effective_child(backend: Any, allow_insecure: bool, consequence: str) -> Any:
    """The chainer itself when every child is acceptable, else its first secure child alone."""
    from keyring.backends import fail, null

    children = [c for c in backend.backends if not isinstance(c, (fail.Keyring, null.Keyring))]
    if not children:
        _refuse_unusable(None, consequence)
    if allow_insecure or not any(is_insecure(c) for c in children):
        return children[0] if len(children) == 1 else backend
    secure = [c for c in children if not is_insecure(c)]
    if not secure:
        return children[0]  # refused below as insecure
    return secure[0]


def _viable(backend: Any) -> None:
    """Ask the backend whether it can work here: a backend that cannot start (SecretService
    without D-Bus) raises from its ``priority``."""
    type(backend).priority


def _refuse_unusable(backend: Any, consequence: str) -> None:
    from keyring.backends import chainer, fail, null

    if backend is None or isinstance(backend, (fail.Keyring, null.Keyring)) or (
            isinstance(backend, chainer.ChainerBackend) and not backend.backends):
        raise KeyringUnavailable(f"No usable OS keyring was found, so secrets cannot be stored safely. {os_fix()} {consequence}".strip())


def probe(backend: Any | None = None) -> str | None:
    """Why the keyring cannot hold secrets here, or None when it can (a read, to catch a locked
    keyring too). May block on D-Bus: call off the UI thread."""
    try:
        usable = checked(backend)
        usable.get_password(SERVICE, "profiles/index")
    except KeyringUnavailable as error:
        return str(error)
    except Exception as error:
        return str(translate(error))
    return None


def translate(error: Exception) -> KeyringUnavailable:
    """A keyring library error as a refusal a user can act on (locked, no D-Bus, init failure)."""
    from keyring import errors

    if isinstance(error, errors.KeyringLocked):
        return KeyringUnavailable(f"The keyring is locked. Unlock it (log in to the desktop session or open your keyring app) and retry. {os_fix()}")
    if isinstance(error, errors.InitError) or isinstance(error, RuntimeError) or "NotAvailable" in type(error).__name__:
        return KeyringUnavailable(f"The keyring could not start ({type(error).__name__}; is a D-Bus session running?). {os_fix()}")
    return KeyringUnavailable(f"The keyring refused the request ({type(error).__name__}). {os_fix()}")
