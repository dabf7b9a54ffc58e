"""One connection to one AWS account: a boto3 session and the clients made from it.

Ownership and threading: an ``AwsContext`` owns its boto3 session. ``client()`` may be called
from any thread; clients are created once per (service, region) under a lock (boto3 sessions
are not thread-safe, clients are) and reused for the life of the context.
"""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Iterable

from app.aws.credential_errors import explain
from app.aws.responses import require
from app.aws.shared_config import ProfileFacts
from app.errors import ConnectionProblem

if TYPE_CHECKING:
    import boto3

DEFAULT_REGION = "us-east-1"


def client_config(max_attempts: int = 4, profile_config: dict[str, Any] | None = None) -> Any:
    """botocore standard retries (throttling and transient errors) unless the user set their own
    (AWS_RETRY_MODE, AWS_MAX_ATTEMPTS or the profile's), and bounded timeouts."""
    from botocore.config import Config

    from app.aws.sessions import retry_settings

    return Config(
        retries=retry_settings(profile_config or {}, max_attempts),
        connect_timeout=5,
        read_timeout=15,
        max_pool_connections=32,
        user_agent_appid="rootwarden",
    )


class AwsContext:
    """Clients for one account; ``region`` is the default region for regional calls.

    ``parallel`` bounds how many calls a run makes at once: high for a real account (threads
    mostly wait on the network), low for the in-process simulation (its work is CPU-bound
    Python, where more threads only contend for the GIL and starve the UI thread).
    """

    def __init__(self, session: "boto3.Session", region: str | None = None, *, max_attempts: int = 4,
                 parallel: int = 12, facts: ProfileFacts | None = None) -> None:
        from app.aws.sessions import check_ca_bundle, check_region

        self.session = session
        self.facts = facts  # the shared-config profile behind the session, for messages
        self.notices: list[str] = []  # what the user should know about this connection (shown once connected)
        self.parallel = max(1, parallel)
        self.region = region or session.region_name or DEFAULT_REGION
        check_region(self.region)
        scoped = _scoped_config(session)
        check_ca_bundle(scoped)
        self._config = client_config(max_attempts, scoped)
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()
        self.hooks: list[tuple[str, Any]] = []

    @classmethod
    def from_aws_profile(cls, profile: str | None = None, region: str | None = None, *, mfa_code: Any = None,
                         **kw: Any) -> "AwsContext":
        """The standard credential chain, or the named shared-config profile, with credentials
        resolved (network calls for SSO, roles, `aws login`: not on the UI thread).
        ``mfa_code(serial) -> code`` answers an MFA-protected role (``app.aws.sessions``)."""
        from app.aws.sessions import open_profile

        session, facts = open_profile(profile, region, mfa_code)
        return cls(session, region, facts=facts, **kw)

    @classmethod
    def from_keys(cls, access_key_id: str, secret_access_key: str, session_token: str | None = None,
                  region: str | None = None, **kw: Any) -> "AwsContext":
        import boto3

        session = boto3.Session(aws_access_key_id=access_key_id, aws_secret_access_key=secret_access_key,
                                aws_session_token=session_token, region_name=region, botocore_session=settings_session())
        return cls(session, region, **kw)

    def add_hook(self, event: str, handler: Any) -> None:
        """Register a botocore event handler on every client, present and future."""
        with self._lock:
            self.hooks.append((event, handler))
            for client in self._clients.values():
                client.meta.events.register(event, handler)

    def client(self, service: str, region: str | None = None) -> Any:
        key = (service, region or self.region)
        with self._lock:
            found = self._clients.get(key)
            if found is None:
                found = self.session.client(service, region_name=key[1], config=self._config)
                for event, handler in self.hooks:
                    found.meta.events.register(event, handler)
                self._clients[key] = found
            return found

    def prepare(self, services: Iterable[tuple[str, str | None]]) -> None:
        """Create these (service, region) clients now (models and endpoint data load once,
        here), so a check run starts without that one-time work. Call off the UI thread."""
        for service, region in services:
            self.client(service, region)

    def call(self, service: str, operation: str, region: str | None = None, **params: Any) -> dict[str, Any]:
        """Call ``operation`` (PascalCase) and return the response; errors become typed errors,
        and a response without the fields the checks read raises ``MalformedResponse``."""
        try:
            response = getattr(self.client(service, region), _snake(operation))(**params)
        except Exception as error:
            problem = explain(error, self.facts, service, operation)
            if operation == "GetCallerIdentity" and isinstance(problem, ConnectionProblem) and problem.code == "bad-credentials":
                problem = self._region_not_enabled(region or self.region) or problem
            raise problem from None
        response.pop("ResponseMetadata", None)
        require(service, operation, response)
        return response


    def _region_not_enabled(self, region: str) -> ConnectionProblem | None:
        """Credentials rejected in ``region`` but accepted in the partition's main region: the
        region is an opt-in region this account has not enabled, not a credentials problem."""
        from app.aws.partition import for_region

        partition = for_region(region)
        home = partition.sign_in_region if partition else None
        if not home or home == region:
            return None
        try:
            self.client("sts", home).get_caller_identity()
        except Exception:
            return None
        return ConnectionProblem(
            f"The region {region} is not enabled for this account (the credentials work in {home}). Enable it in the "
            "console (account menu → Account → AWS Regions) or choose another region.", "region-disabled")


def settings_session() -> Any:
    """A botocore session for settings only (credentials come from elsewhere): the profile
    AWS_PROFILE names, or, when that profile does not exist, the default one — a stale
    AWS_PROFILE must not stop keys or Identity Center sign-ins that do not use it."""
    import botocore.session
    from botocore.exceptions import ProfileNotFound

    core = botocore.session.Session()
    try:
        core.get_scoped_config()
    except ProfileNotFound:  # read no profile variable at all: the default profile, if any
        core = botocore.session.Session(session_vars={"profile": (None, None, None, None)})
    return core


def _scoped_config(session: Any) -> dict[str, Any]:
    """The settings of the session's shared-config profile ({} without one)."""
    try:
        return dict(session._session.get_scoped_config())
    except Exception:
        return {}


def _snake(operation: str) -> str:
    from botocore import xform_name

    return xform_name(operation)
