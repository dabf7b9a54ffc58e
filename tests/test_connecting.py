"""Connecting the way AWS users really sign in (SPEC §3 "Real credential setups"), through the
command line as a user runs it: shared-config profiles of each kind in a temporary
AWS_CONFIG_FILE, a moto server on 127.0.0.1, standard input closed (never a hidden prompt)."""
from __future__ import annotations

import datetime
import http.server
import json
import ssl
import threading
from pathlib import Path

import pytest

from tests.cli_support import run_cli

pytestmark = pytest.mark.server
SENTINEL = "SENTINEL-SECRET-7f3a"
ACCOUNT = "123456789012"

CONFIG = f"""
[profile base]
aws_access_key_id = AKIAEXAMPLEBASE00001
aws_secret_access_key = {SENTINEL}base
region = eu-west-2

[profile mfa]
role_arn = arn:aws:iam::{ACCOUNT}:role/admin
source_profile = base
mfa_serial = arn:aws:iam::{ACCOUNT}:mfa/alice
region = eu-west-2

[profile login]
login_session = arn:aws:iam::{ACCOUNT}:root
region = us-east-1

[profile sso]
sso_session = corp
sso_account_id = {ACCOUNT}
sso_role_name = Admin
region = us-east-1

[sso-session corp]
sso_start_url = https://example.awsapps.com/start
sso_region = eu-west-1

[profile mfa-twice]
role_arn = arn:aws:iam::{ACCOUNT}:role/outer
source_profile = mfa
mfa_serial = arn:aws:iam::{ACCOUNT}:mfa/bob
region = eu-west-2

[profile via-sso]
role_arn = arn:aws:iam::{ACCOUNT}:role/deploy
source_profile = sso

[profile via-login]
role_arn = arn:aws:iam::{ACCOUNT}:role/deploy
source_profile = login

[profile loop-a]
role_arn = arn:aws:iam::{ACCOUNT}:role/a
source_profile = loop-b

[profile loop-b]
role_arn = arn:aws:iam::{ACCOUNT}:role/b
source_profile = loop-a

[profile half-key]
aws_access_key_id = AKIAEXAMPLEHALF00001

[profile via-half]
role_arn = arn:aws:iam::{ACCOUNT}:role/a
source_profile = half-key

[profile lost-source]
role_arn = arn:aws:iam::{ACCOUNT}:role/a
source_profile = gone

[profile two-sources]
role_arn = arn:aws:iam::{ACCOUNT}:role/a
source_profile = base
credential_source = Environment

[profile bare]
region = eu-west-1

[profile lost-token]
role_arn = arn:aws:iam::{ACCOUNT}:role/ci
web_identity_token_file = /nonexistent/rootwarden/token

[profile half-sso]
sso_start_url = https://example.awsapps.com/start
sso_region = eu-west-1

[profile proc]
credential_process = sh -c "echo {SENTINEL}-from-the-process >&2; exit 1"
"""


@pytest.fixture
def aws_home(tmp_path: Path) -> dict[str, str]:
    """Environment for a user whose ~/.aws holds CONFIG (and nothing cached yet)."""
    (tmp_path / "config").write_text(CONFIG)
    return {"AWS_CONFIG_FILE": str(tmp_path / "config"), "HOME": str(tmp_path),
            "AWS_LOGIN_CACHE_DIRECTORY": str(tmp_path / "login-cache")}


def verify(endpoint: str, env: dict[str, str], *args: str):
    # stdin is an empty pipe, not a terminal: nothing may wait for input; no region in the
    # environment, so the profile's own region applies
    return run_cli(endpoint, None, *args, stdin="", extra_env=env, unset=("AWS_DEFAULT_REGION",))


def assert_clean_failure(result, *words: str) -> None:
    assert result.returncode == 3, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr
    for leak in ("Traceback", "EOFError", SENTINEL, "Unexpected problem", "unexpected error"):
        assert leak not in result.stderr + result.stdout


def test_mfa_role_without_a_code_stops_at_once_saying_how_to_give_one(endpoint, aws_home):
    result = verify(endpoint, aws_home, "--aws-profile", "mfa")
    assert_clean_failure(result, "Profile “mfa”", "arn:aws:iam::123456789012:mfa/alice", "--mfa-code")


def test_mfa_role_with_a_code_connects_as_the_role_in_the_profiles_region(endpoint, aws_home):
    result = verify(endpoint, aws_home, "--aws-profile", "mfa", "--mfa-code", "123 456", "--format", "json")
    assert result.returncode in (1, 2), result.stderr
    document = json.loads(result.stdout)
    assert ":assumed-role/admin/" in document["caller_arn"] and document["region"] == "eu-west-2"


def test_a_malformed_mfa_code_is_refused_before_any_call(endpoint, aws_home):
    result = verify(endpoint, aws_home, "--aws-profile", "mfa", "--mfa-code", "12ab56")
    assert_clean_failure(result, "MFA code", "6 digits")


def _login_cache(aws_home: dict[str, str], expires: datetime.datetime) -> None:
    """What `aws login` leaves behind: botocore's login token cache for the profile's session."""
    from botocore.utils import generate_login_cache_key
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()).decode()
    folder = Path(aws_home["AWS_LOGIN_CACHE_DIRECTORY"])
    folder.mkdir(parents=True, exist_ok=True)
    token = {"accessToken": {"accessKeyId": "ASIAEXAMPLELOGIN0001", "secretAccessKey": SENTINEL + "login",
                             "sessionToken": SENTINEL + "token", "accountId": ACCOUNT,
                             "expiresAt": expires.strftime("%Y-%m-%dT%H:%M:%SZ")},
             "refreshToken": SENTINEL + "refresh", "clientId": "arn:aws:signin:::devtools/same-device", "dpopKey": key}
    (folder / f"{generate_login_cache_key(f'arn:aws:iam::{ACCOUNT}:root')}.json").write_text(json.dumps(token))


def test_aws_login_profile_works_from_a_fresh_install(endpoint, aws_home):
    _login_cache(aws_home, datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1))
    result = verify(endpoint, aws_home, "--aws-profile", "login", "--format", "json")
    assert result.returncode in (1, 2), result.stderr
    assert json.loads(result.stdout)["account_id"] == ACCOUNT
    assert SENTINEL not in result.stdout + result.stderr


def test_an_expired_aws_login_session_names_the_command(endpoint, aws_home):
    from tests.identity_center_fake import FakeIdentityCenter

    _login_cache(aws_home, datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=1))
    with FakeIdentityCenter([]) as signin:  # AWS Sign-In answers the renewal: TOKEN_EXPIRED
        result = verify(endpoint, {**aws_home, "AWS_ENDPOINT_URL_SIGNIN": signin.url}, "--aws-profile", "login")
        assert signin.operations() == ["CreateOAuth2Token"]
    assert_clean_failure(result, "`aws login` session of profile “login” has expired", "`aws login --profile login`")


def test_aws_login_profile_without_a_cached_login_names_the_command(endpoint, aws_home):
    result = verify(endpoint, aws_home, "--aws-profile", "login")
    assert_clean_failure(result, "profile “login”", "`aws login --profile login`")


def test_expired_sso_names_the_profile_and_aws_sso_login(endpoint, aws_home):
    result = verify(endpoint, aws_home, "--aws-profile", "sso")
    assert_clean_failure(result, "IAM Identity Center", "profile “sso”", "`aws sso login --profile sso`")
    assert "aws login --profile" not in result.stderr


def test_a_failing_credential_process_is_named_and_its_output_not_repeated(endpoint, aws_home):
    result = verify(endpoint, aws_home, "--aws-profile", "proc")
    assert_clean_failure(result, "credential_process", "profile “proc”")


def test_standard_chain_through_aws_profile_is_named_too(endpoint, aws_home):
    result = verify(endpoint, {**aws_home, "AWS_PROFILE": "proc"})
    assert_clean_failure(result, "credential_process", "profile “proc”")


def test_a_missing_profile(endpoint, aws_home):
    assert_clean_failure(verify(endpoint, aws_home, "--aws-profile", "prod"), "no profile “prod”", "list-profiles")


def test_a_typo_region_is_caught_before_any_call_with_a_suggestion(endpoint, aws_home):
    result = verify(endpoint, aws_home, "--aws-profile", "base", "--region", "eu-wset-1")
    assert_clean_failure(result, "“eu-wset-1” is not an AWS region", "eu-west-1")


def test_a_dead_proxy_is_named_without_its_password(endpoint, aws_home):
    env = {**aws_home, "HTTP_PROXY": "http://alice:hunter2secret@127.0.0.1:9", "HTTPS_PROXY": "http://alice:hunter2secret@127.0.0.1:9",
           "NO_PROXY": "", "no_proxy": "", "AWS_MAX_ATTEMPTS": "1"}
    result = verify(endpoint, env, "--aws-profile", "base")
    assert_clean_failure(result, "proxy 127.0.0.1:9", "HTTPS_PROXY")
    assert "hunter2secret" not in result.stderr and "alice" not in result.stderr


@pytest.fixture
def intercepting_tls(tmp_path: Path):
    """An HTTPS server with a certificate no public CA signed, as TLS inspection presents."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "corporate-inspection")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                         serialization.NoEncryption()))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"https://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_tls_interception_says_to_set_aws_ca_bundle(intercepting_tls, aws_home):
    env = {**aws_home, "AWS_MAX_ATTEMPTS": "1"}  # run_cli leaves AWS_CA_BUNDLE unset
    result = run_cli(intercepting_tls, None, "--aws-profile", "base", stdin="", extra_env=env)
    assert_clean_failure(result, "TLS certificate of 127.0.0.1", "set AWS_CA_BUNDLE")


def test_a_ca_bundle_that_does_not_vouch_for_the_server_is_named(intercepting_tls, aws_home, tmp_path):
    other = tmp_path / "other-ca.pem"
    other.write_text(Path(ssl.get_default_verify_paths().cafile or "/etc/ssl/certs/ca-certificates.crt").read_text())
    result = run_cli(intercepting_tls, None, "--aws-profile", "base", stdin="",
                     extra_env={**aws_home, "AWS_CA_BUNDLE": str(other), "AWS_MAX_ATTEMPTS": "1"})
    assert_clean_failure(result, "not signed by the certificate authorities in AWS_CA_BUNDLE", str(other))


@pytest.mark.parametrize("profile", ["base", "mfa"])  # keys, and a role whose credentials need a call (attacker review #10)
def test_a_missing_ca_bundle_file_is_named_before_any_call(endpoint, aws_home, tmp_path, profile):
    # an https endpoint: the bundle is needed for the first call (for "mfa", AssumeRole while resolving)
    result = verify("https://127.0.0.1:1", {**aws_home, "AWS_CA_BUNDLE": str(tmp_path / "nope.pem")}, "--aws-profile", profile,
                    "--mfa-code", "123456")
    assert_clean_failure(result, "CA bundle", "nope.pem", "does not exist")


@pytest.mark.parametrize("name,value", [("AWS_MAX_ATTEMPTS", "lots"), ("AWS_MAX_ATTEMPTS", "0"), ("AWS_RETRY_MODE", "eager")])
def test_bad_retry_settings_are_named(endpoint, aws_home, name, value):
    assert_clean_failure(verify(endpoint, {**aws_home, name: value}, "--aws-profile", "base"), name)


# -- in process: what the context does with the answers it gets ---------------------------------

class _Always500(http.server.BaseHTTPRequestHandler):
    hits = 0

    def do_POST(self):  # noqa: N802 (the http.server API)
        type(self).hits += 1
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(500)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("attempts", ["1", "2"])
def test_the_users_max_attempts_is_honoured(monkeypatch, attempts):
    from app.aws.context import AwsContext
    from app.errors import AwsCallFailed

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Always500)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Always500.hits = 0
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{server.server_address[1]}")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", attempts)
    try:
        with pytest.raises(AwsCallFailed):
            AwsContext.from_keys("AKIAEXAMPLEBASE00001", "s" * 40, region="us-east-1").call("iam", "GetAccountSummary")
    finally:
        server.shutdown()
    assert _Always500.hits == int(attempts)


def _stubbed(region: str):
    from botocore.stub import Stubber

    from app.aws.context import AwsContext

    aws = AwsContext.from_keys("AKIAEXAMPLEBASE00001", "s" * 40, region=region)
    stubs = {r: Stubber(aws.client("sts", r)) for r in {region, "us-east-1"}}
    for stub in stubs.values():
        stub.activate()
    return aws, stubs


def test_a_disabled_opt_in_region_is_not_called_wrong_credentials():
    from app.connection import identify
    from app.errors import ConnectionProblem

    aws, stubs = _stubbed("af-south-1")
    stubs["af-south-1"].add_client_error("get_caller_identity", "InvalidClientTokenId", http_status_code=403)
    stubs["us-east-1"].add_response("get_caller_identity", {"Account": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:user/a", "UserId": "AIDA"})
    with pytest.raises(ConnectionProblem) as raised:
        identify(aws)
    assert raised.value.code == "region-disabled"
    assert "af-south-1 is not enabled" in str(raised.value) and "AWS Regions" in str(raised.value)


def test_credentials_rejected_everywhere_are_still_wrong_credentials():
    from app.connection import identify
    from app.errors import ConnectionProblem

    aws, stubs = _stubbed("af-south-1")
    for stub in stubs.values():
        stub.add_client_error("get_caller_identity", "InvalidClientTokenId", http_status_code=403)
    with pytest.raises(ConnectionProblem) as raised:
        identify(aws)
    assert raised.value.code == "bad-credentials"


def test_credential_errors_while_a_client_is_made_are_translated(aws_home, monkeypatch):
    """A session made by hand (not through open_profile) whose credentials fail on first use."""
    import boto3

    from app.aws.context import AwsContext
    from app.errors import ConnectionProblem

    for name, value in aws_home.items():
        monkeypatch.setenv(name, value)
    aws = AwsContext(boto3.Session(profile_name="proc"), "us-east-1")
    with pytest.raises(ConnectionProblem) as raised:
        aws.call("sts", "GetCallerIdentity")
    assert raised.value.code == "credential-process" and SENTINEL not in str(raised.value)


def test_the_wizard_wording_has_no_command_line_flags():
    from botocore.exceptions import NoCredentialsError, NoRegionError

    from app.aws.errors import connection_problem

    for error in (NoCredentialsError(), NoRegionError()):
        problem = connection_problem(error)
        assert "--" in str(problem) and "--" not in problem.ui_text


def test_a_denied_check_call_through_a_role_profile_is_denied_not_a_failed_assume_role(aws_home, monkeypatch):
    """Attacker review #1: only the AssumeRole call itself may read as "could not assume the role"."""
    from botocore.stub import Stubber

    from app.aws.context import AwsContext
    from app.aws.shared_config import facts
    from app.errors import AccessDenied

    for name, value in aws_home.items():
        monkeypatch.setenv(name, value)
    aws = AwsContext.from_keys("AKIAEXAMPLEBASE00001", "s" * 40, region="us-east-1")
    aws.facts = facts("mfa")  # a session that came from an MFA role profile
    stub = Stubber(aws.client("iam"))
    stub.add_client_error("get_account_summary", "AccessDenied", http_status_code=403)
    stub.activate()
    with pytest.raises(AccessDenied) as denied:
        aws.call("iam", "GetAccountSummary")
    assert denied.value.action == "iam:GetAccountSummary"


def test_a_missing_aws_profile_in_the_environment_does_not_break_an_explicit_profile(endpoint, aws_home):
    """Attacker review #2: AWS_PROFILE naming no profile must not stop --aws-profile base."""
    result = verify(endpoint, {**aws_home, "AWS_PROFILE": "nosuch"}, "--aws-profile", "base", "--region", "us-east-1")
    assert result.returncode in (1, 2), result.stderr


def test_keys_and_identity_center_clients_survive_a_missing_aws_profile(aws_home, monkeypatch):
    from app.aws import identity_center as ic
    from app.aws.context import AwsContext
    from app.profiles import known_regions

    for name, value in {**aws_home, "AWS_PROFILE": "nosuch"}.items():
        monkeypatch.setenv(name, value)
    assert "eu-west-1" in known_regions()
    aws = AwsContext.from_keys("AKIAEXAMPLEBASE00001", "s" * 40, region="eu-west-1")
    assert aws.client("sts").meta.region_name == "eu-west-1"
    assert ic.portal("https://d-1.awsapps.com/start", "eu-west-1").region == "eu-west-1"
    assert ic._unsigned_client("sso", "eu-west-1").meta.region_name == "eu-west-1"


def test_aws_region_in_the_environment_is_the_region_used_as_in_the_aws_cli(endpoint, aws_home):
    """Attacker review #7: AWS_REGION (AWS CLI v2 and the other SDKs honour it; botocore reads only
    AWS_DEFAULT_REGION) was shown as the profile's region but not used."""
    result = verify(endpoint, {**aws_home, "AWS_REGION": "eu-central-1"}, "--aws-profile", "mfa", "--mfa-code", "123456",
                    "--format", "json")
    assert result.returncode in (1, 2), result.stderr
    assert json.loads(result.stdout)["region"] == "eu-central-1"


def test_the_sign_in_command_is_quoted_and_names_default_when_aws_profile_points_elsewhere(monkeypatch):
    """Attacker review #11: a command the user pastes must sign in the profile that failed."""
    from app.aws.shared_config import Kind, ProfileFacts

    monkeypatch.delenv("AWS_PROFILE", raising=False)
    assert ProfileFacts("my prod", Kind.SSO, None, None).sign_in_command == "aws sso login --profile 'my prod'"
    assert ProfileFacts("a;rm -rf ~", Kind.LOGIN, None, None).sign_in_command == "aws login --profile 'a;rm -rf ~'"
    assert ProfileFacts("default", Kind.SSO, None, None).sign_in_command == "aws sso login"
    monkeypatch.setenv("AWS_PROFILE", "other")
    assert ProfileFacts("default", Kind.SSO, None, None).sign_in_command == "aws sso login --profile default"


@pytest.mark.parametrize("profile, command", [("via-sso", "`aws sso login --profile sso`"), ("via-login", "`aws login --profile login`")])
def test_a_role_profile_whose_source_signs_in_names_the_sources_command(endpoint, aws_home, profile, command):
    """Attacker review #8: the role profile itself cannot be signed in; its source can."""
    assert_clean_failure(verify(endpoint, aws_home, "--aws-profile", profile), f"profile “{profile}”", command)


def test_an_mfa_role_session_that_ran_out_says_to_connect_again_with_a_new_code(endpoint, aws_home, monkeypatch):
    """Attacker review #3: after about an hour botocore may not renew an MFA role's session itself
    (RefreshWithMFAUnsupportedError); the user is told what happened and what to do."""
    import datetime as dt

    from app.aws.context import AwsContext
    from app.errors import ConnectionProblem

    for name, value in {**aws_home, "AWS_ENDPOINT_URL": endpoint}.items():
        monkeypatch.setenv(name, value)
    aws = AwsContext.from_aws_profile("mfa", "us-east-1", mfa_code=lambda serial: "123456")
    assert ":assumed-role/admin/" in aws.call("sts", "GetCallerIdentity")["Arn"]
    credentials = aws.session.get_credentials()
    credentials._expiry_time = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)  # the role session has ended
    with pytest.raises(ConnectionProblem) as ended:
        aws.call("iam", "GetAccountSummary")
    assert ended.value.code == "mfa-session-ended"
    assert "profile “mfa”" in str(ended.value) and "new code" in str(ended.value) and "RefreshWithMFA" not in str(ended.value)


@pytest.mark.parametrize("profile, words", [
    ("loop-a", ["source_profile", "loop-a → loop-b → loop-a"]),
    ("half-key", ["aws_access_key_id", "no aws_secret_access_key"]),
    ("via-half", ["source profile “half-key”", "no aws_secret_access_key"]),
    ("lost-source", ["source_profile “gone”", "does not exist"]),
    ("two-sources", ["both source_profile and credential_source"]),
    ("bare", ["no credentials", "aws configure"]),
    ("half-sso", ["sso_account_id", "sso_role_name"]),
    ("lost-token", ["web_identity_token_file", "/nonexistent/rootwarden/token", "does not exist"])])
def test_a_broken_profile_is_explained_in_the_configs_own_words(endpoint, aws_home, profile, words):
    """Attacker review #12: not botocore's class names, not the no-credentials text without the profile."""
    result = verify(endpoint, aws_home, "--aws-profile", profile)
    assert_clean_failure(result, f"Profile “{profile}”", "~/.aws/config", *words)
    assert "Error" not in result.stderr and "--aws-profile NAME" not in result.stderr


def test_a_role_chain_with_two_mfa_devices_takes_a_code_for_each(endpoint, aws_home):
    """Attacker review #4: "mfa-twice" assumes its role with Bob's device, from "mfa", which
    assumes its own with Alice's: one code per role, in the order the roles are assumed."""
    result = verify(endpoint, aws_home, "--aws-profile", "mfa-twice", "--mfa-code", "111111", "--mfa-code", "222222",
                    "--format", "json")
    assert result.returncode in (1, 2), result.stderr
    assert ":assumed-role/outer/" in json.loads(result.stdout)["caller_arn"]


def test_a_role_chain_with_two_mfa_devices_and_one_code_names_both_devices(endpoint, aws_home):
    result = verify(endpoint, aws_home, "--aws-profile", "mfa-twice", "--mfa-code", "111111")
    assert_clean_failure(result, "arn:aws:iam::123456789012:mfa/alice, arn:aws:iam::123456789012:mfa/bob", "--mfa-code once per role")


def test_each_role_gets_its_own_code_and_a_further_request_ends_the_session(aws_home, monkeypatch):
    from app.aws.sessions import MfaCodes, _one_code
    from app.aws.shared_config import facts
    from app.errors import ConnectionProblem

    for name, value in aws_home.items():
        monkeypatch.setenv(name, value)
    chain = facts("mfa-twice")
    assert chain.mfa_serials == (f"arn:aws:iam::{ACCOUNT}:mfa/alice", f"arn:aws:iam::{ACCOUNT}:mfa/bob")  # the order roles are assumed
    prompter = _one_code(chain, MfaCodes(("111111", "222 222")).for_devices(chain))
    assert prompter(f"Enter MFA code for arn:aws:iam::{ACCOUNT}:mfa/bob: ") == "222222"  # botocore asks the profile's own first
    assert prompter(f"Enter MFA code for arn:aws:iam::{ACCOUNT}:mfa/alice: ") == "111111"
    with pytest.raises(ConnectionProblem) as again:
        prompter(f"Enter MFA code for arn:aws:iam::{ACCOUNT}:mfa/bob: ")
    assert again.value.code == "mfa-session-ended"


def test_one_device_for_two_roles_takes_the_code_now_then_the_next(endpoint, aws_home, monkeypatch):
    """Attacker review #12: most admins have one device; a chain whose two roles both ask for it
    connects with two codes (now, then the next), the first going to the role assumed first."""
    from app.aws.sessions import MfaCodes, _one_code
    from app.aws.shared_config import facts

    config = Path(aws_home["AWS_CONFIG_FILE"])
    config.write_text(config.read_text() + f"""
[profile hop1]
role_arn = arn:aws:iam::{ACCOUNT}:role/hop1
source_profile = base
mfa_serial = arn:aws:iam::{ACCOUNT}:mfa/me

[profile hop2]
role_arn = arn:aws:iam::{ACCOUNT}:role/hop2
source_profile = hop1
mfa_serial = arn:aws:iam::{ACCOUNT}:mfa/me
region = eu-west-2
""")
    result = verify(endpoint, aws_home, "--aws-profile", "hop2", "--mfa-code", "111111", "--mfa-code", "222222", "--format", "json")
    assert result.returncode in (1, 2), result.stderr
    assert ":assumed-role/hop2/" in json.loads(result.stdout)["caller_arn"]
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    chain = facts("hop2")
    prompter = _one_code(chain, MfaCodes(("111111", "222222")).for_devices(chain))
    # botocore asks hop2's code first, then hop1's, and calls AssumeRole for hop1 first
    assert [prompter(f"Enter MFA code for arn:aws:iam::{ACCOUNT}:mfa/me: ") for _ in range(2)] == ["222222", "111111"]


def test_a_web_identity_profile_is_its_own_kind_and_not_a_broken_role(aws_home, monkeypatch, tmp_path):
    """Attacker review #15: role_arn + web_identity_token_file needs no source_profile."""
    from app.aws.shared_config import Kind, facts, problem

    token = tmp_path / "token"
    token.write_text("eyJ...")
    config = Path(aws_home["AWS_CONFIG_FILE"])
    config.write_text(config.read_text() + f"\n[profile ci]\nrole_arn = arn:aws:iam::{ACCOUNT}:role/ci\nweb_identity_token_file = {token}\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    assert facts("ci").kind is Kind.WEB_IDENTITY and problem("ci") is None


def test_sign_in_commands_quote_for_windows_shells_there():
    from app.aws.shared_config import _quoted

    assert _quoted("my prod", windows=True) == '"my prod"' and _quoted("prod-1", windows=True) == "prod-1"
    assert _quoted('say "hi"', windows=True) == '"say ""hi"""' and _quoted("my prod", windows=False) == "'my prod'"
