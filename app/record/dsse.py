"""DSSE v1 envelopes with Ed25519: pre-authentication encoding, sign, verify.

PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in UTF-8 bytes.
Pure functions; thread-safe.
"""
from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

PAYLOAD_TYPE = "application/vnd.in-toto+json"


class BadRecord(Exception):
    """The record cannot be trusted; ``str()`` is the reason."""


def pae(payload_type: str, body: bytes) -> bytes:
    kind = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(body), body)


def keyid(public_key: Any) -> str:
    """sha256 of the public key's SubjectPublicKeyInfo DER, hex."""
    from cryptography.hazmat.primitives import serialization

    der = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


def sign(body: bytes, private_key: Any, payload_type: str = PAYLOAD_TYPE) -> dict[str, Any]:
    signature = private_key.sign(pae(payload_type, body))
    return {
        "payloadType": payload_type,
        "payload": base64.b64encode(body).decode("ascii"),
        "signatures": [{"keyid": keyid(private_key.public_key()), "sig": base64.b64encode(signature).decode("ascii")}],
    }


def verify(envelope_bytes: bytes, public_key: Any, payload_type: str = PAYLOAD_TYPE) -> bytes:
    """The exact payload bytes that were signed, or ``BadRecord`` with the reason."""
    from cryptography.exceptions import InvalidSignature

    try:
        envelope = json.loads(envelope_bytes)
    except (ValueError, UnicodeDecodeError):
        raise BadRecord("not DSSE: the file is not JSON") from None
    if not isinstance(envelope, dict) or not {"payload", "payloadType", "signatures"} <= set(envelope):
        raise BadRecord("not DSSE: payload, payloadType or signatures is missing")
    if envelope["payloadType"] != payload_type:
        raise BadRecord(f"payload type mismatch: expected {payload_type}, found {envelope['payloadType']!r}")
    try:
        body = base64.b64decode(envelope["payload"], validate=True)
        signatures = [(s["keyid"], base64.b64decode(s["sig"], validate=True)) for s in envelope["signatures"]]
    except (ValueError, TypeError, KeyError):
        raise BadRecord("not DSSE: the payload or a signature is not valid base64") from None
    expected = keyid(public_key)
    matching = [sig for kid, sig in signatures if kid == expected]
    if not matching:
        raise BadRecord(f"unknown key: the record is signed by {', '.join(k for k, _ in signatures) or 'nobody'}, "
                        f"not by key {expected}")
    message = pae(envelope["payloadType"], body)
    for sig in matching:
        try:
            public_key.verify(sig, message)
            return body
        except InvalidSignature:
            continue
    raise BadRecord("bad signature: the record was changed after it was signed, or signed by another key")
