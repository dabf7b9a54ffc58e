"""What the command line writes where (SPEC §8): a closed pipe ends quietly, and
`key export > pub.pem` gives a PEM file that other tools read."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import pytest

EXIT_PIPE_CLOSED = 141  # 128 + SIGPIPE: what a shell reports for `cmd | head` when cmd is cut off


def _into_closed_pipe(*args: str) -> subprocess.CompletedProcess:
    """Runs the CLI with stdout on a real pipe whose reading end (the `head` of `… | head -1`)
    has already gone, so the very first write meets a broken pipe."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_EC2_METADATA_DISABLED="true")
    try:
        return subprocess.run([sys.executable, "-m", "ui.launch", *args], stdout=write_end, stderr=subprocess.PIPE,
                              text=True, timeout=120, env=env)
    finally:
        os.close(write_end)


@pytest.mark.parametrize("args", [("policy",), ("policy", "--fixes"), ("verify", "--demo"),
                                  ("verify", "--demo", "--format", "json")], ids=" ".join)
def test_output_to_a_closed_pipe_ends_quietly(args):
    result = _into_closed_pipe(*args)
    assert result.stderr == ""  # no "Broken pipe", no traceback, no "Exception ignored"
    assert result.returncode == EXIT_PIPE_CLOSED


def test_policy_piped_into_a_finished_head_prints_no_error():
    """The shell pipeline itself, with a `head` that is gone before the policy is written
    (`head -n 0` reads nothing and exits at once; `head -1` would race a short output)."""
    command = f"{sys.executable} -m ui.launch policy | head -n 0; echo \"${{PIPESTATUS[0]}}\""
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=120)
    assert result.stderr == "" and result.stdout == f"{EXIT_PIPE_CLOSED}\n"


@pytest.mark.server
def test_key_export_redirected_to_a_file_is_a_valid_pem(secret_service_env, tmp_path):
    """`rootwarden key export > pub.pem`: the file holds the PEM and nothing else; the
    fingerprint (keyid) goes to the terminal on stderr."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    env = {**secret_service_env, "HOME": str(tmp_path / "home"), "XDG_DATA_HOME": str(tmp_path / "data")}
    pem_file = tmp_path / "pub.pem"
    with pem_file.open("w") as out:
        full_env = {**os.environ, **env}
        result = subprocess.run([sys.executable, "-m", "ui.launch", "key", "export"], stdout=out, stderr=subprocess.PIPE,
                                text=True, timeout=120, env=full_env)
    assert result.returncode == 0, result.stderr
    text = pem_file.read_text()
    assert text.startswith("-----BEGIN PUBLIC KEY-----\n") and text.endswith("-----END PUBLIC KEY-----\n")
    assert isinstance(load_pem_public_key(pem_file.read_bytes()), Ed25519PublicKey)
    openssl = subprocess.run(["openssl", "pkey", "-pubin", "-in", str(pem_file), "-noout"], capture_output=True, text=True)
    assert openssl.returncode == 0, openssl.stderr
    der = subprocess.run(["openssl", "pkey", "-pubin", "-in", str(pem_file), "-outform", "DER"], capture_output=True, check=True).stdout
    assert hashlib.sha256(der).hexdigest() in result.stderr  # the fingerprint (keyid) is on stderr
