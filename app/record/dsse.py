"""DSSE v1 envelopes with Ed25519: pre-authentication encoding, sign, verify.

PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in UTF-8 bytes.
Pure functions; thread-safe.
"""
from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from app.record import strict
from app.record.strict import BadRecord  # re-exported: readers catch it from here

PAYLOAD_TYPE = "application/vnd.in-toto+json"


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


def envelope_bytes(envelope: dict[str, Any]) -> bytes:
    """How Rootwarden writes an envelope: the one layout ``verify`` accepts."""
    ordered = {"payloadType": envelope["payloadType"], "payload": envelope["payload"],
               "signatures": [{"keyid": s["keyid"], "sig": s["sig"]} for s in envelope["signatures"]]}
    return (json.dumps(ordered, indent=2) + "\n").encode("ascii")


def verify(envelope_bytes_: bytes, public_key: Any, payload_type: str = PAYLOAD_TYPE) -> bytes:
    """The exact payload bytes that were signed, or ``BadRecord`` with the reason.

    Strict (SPEC §6): the envelope must be exactly as Rootwarden writes it — no duplicate or
    unknown fields, canonical base64, the same layout — so no two readers can see different
    contents in one file."""
    from cryptography.exceptions import InvalidSignature

    try:
        envelope = strict.loads(envelope_bytes_, "not DSSE")
    except BadRecord as error:
        raise BadRecord(str(error) if str(error).startswith("not DSSE") else f"not DSSE: {error}") from None
    envelope = strict.exact_keys(envelope, {"payload", "payloadType", "signatures"}, "not DSSE: the envelope")
    if not isinstance(envelope["payloadType"], str):
        raise BadRecord("not DSSE: payloadType is not a string")
    if envelope["payloadType"] != payload_type:
        raise BadRecord(f"payload type mismatch: expected {payload_type}, found {envelope['payloadType'][:80]!r}")
    if not isinstance(envelope["signatures"], list) or not envelope["signatures"]:
        raise BadRecord("not DSSE: signatures is not a non-empty list")
    body = strict.b64decode(envelope["payload"], "the payload")
    signatures = []
    for entry in envelope["signatures"]:
        entry = strict.exact_keys(entry, {"keyid", "sig"}, "not DSSE: a signature")
        if not isinstance(entry["keyid"], str):
            raise BadRecord("not DSSE: a signature's keyid is not a string")
        signatures.append((entry["keyid"], strict.b64decode(entry["sig"], "a signature")))
    expected = keyid(public_key)
    matching = [sig for kid, sig in signatures if kid == expected]
    if not matching:
        raise BadRecord(f"unknown key: the record is signed by {', '.join(k[:64] for k, _ in signatures) or 'nobody'}, "
                        f"not by key {expected}")
    message = pae(envelope["payloadType"], body)
    for sig in matching:
        try:
            public_key.verify(sig, message)
        except InvalidSignature:
            continue
        if envelope_bytes(envelope) != envelope_bytes_:
            raise BadRecord("not canonical: the file's bytes differ from how Rootwarden writes the envelope "
                            "(reordered keys, changed whitespace or escapes)")
        return body
    raise BadRecord("bad signature: the record was changed after it was signed, or signed by another key")
