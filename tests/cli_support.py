"""The command line as a user runs it: subprocesses against a moto server on 127.0.0.1."""
from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys

import boto3
import pytest

from app.practice import moto_gaps


@pytest.fixture(scope="session")
def server():
    from moto.server import ThreadedMotoServer

    moto_gaps.install()
    srv = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    srv.start()
    host, port = srv.get_host_and_port()
    yield f"http://{host}:{port}"
    srv.stop()


@pytest.fixture
def endpoint(server):
    import urllib.request

    urllib.request.urlopen(urllib.request.Request(f"{server}/moto-api/reset", method="POST")).read()
    moto_gaps.reset()
    return server


@contextlib.contextmanager
def iam_enforced(endpoint: str):
    """moto's server checks signatures and IAM policies while inside this block."""
    import urllib.request

    def count(value: bytes) -> None:
        urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset-auth", data=value, method="POST", headers={"Content-Type": "text/plain"})).read()

    count(b"0")
    try:
        yield
    finally:
        count(b"inf")


def seed_session(endpoint: str) -> boto3.Session:
    return boto3.Session(aws_access_key_id="AKIASEEDSEEDSEEDSEED", aws_secret_access_key="s" * 40, region_name="us-east-1")


def client(endpoint: str, service: str):
    return seed_session(endpoint).client(service, endpoint_url=endpoint)


def admin_keys(endpoint: str, policy: dict | None = None) -> tuple[str, str]:
    iam = client(endpoint, "iam")
    iam.create_user(UserName="admin")
    iam.put_user_policy(UserName="admin", PolicyName="p", PolicyDocument=json.dumps(
        policy or {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    key = iam.create_access_key(UserName="admin")["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


def run_cli(endpoint: str, keys: tuple[str, str] | None, *args: str, command: str = "verify", stdin: str | None = None,
            extra_env: dict[str, str] | None = None, unset: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ENDPOINT_URL=endpoint, AWS_DEFAULT_REGION="us-east-1", AWS_CONFIG_FILE=os.devnull,
               AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_EC2_METADATA_DISABLED="true")
    if keys:
        env.update(AWS_ACCESS_KEY_ID=keys[0], AWS_SECRET_ACCESS_KEY=keys[1])
    env.update(extra_env or {})
    for name in unset:
        env.pop(name, None)
    return subprocess.run([sys.executable, "-m", "ui.launch", command, *args], env=env, capture_output=True, text=True,
                          timeout=120, input=stdin)


