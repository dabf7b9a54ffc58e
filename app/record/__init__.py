"""The signed completion record (SPEC §6): a DSSE envelope around an in-toto Statement v1,
signed with Ed25519. An auditor can verify it with openssl and jq alone (README)."""
