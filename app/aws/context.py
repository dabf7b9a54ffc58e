"""One connection to one AWS account: a boto3 session and the clients made from it.

Ownership and threading: an ``AwsContext`` owns its boto3 session. ``client()`` may be called
from any thread; clients are created once per (service, region) under a lock (boto3 sessions
are not thread-safe, clients are) and reused for the life of the context.
"""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Iterable

from app.aws.errors import translate
from app.aws.responses import require

if TYPE_CHECKING:
    import boto3

DEFAULT_REGION = "us-east-1"


def client_config(max_attempts: int = 4) -> Any:
    """botocore standard retries (throttling and transient errors) and bounded timeouts."""
    from botocore.config import Config

    return Config(
        retries={"mode": "standard", "max_attempts": max_attempts},
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
                 parallel: int = 12) -> None:
        self.session = session
        self.parallel = max(1, parallel)
        self.region = region or session.region_name or DEFAULT_REGION
        self._config = client_config(max_attempts)
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()
        self.hooks: list[tuple[str, Any]] = []

    @classmethod
    def from_aws_profile(cls, profile: str | None = None, region: str | None = None, **kw: Any) -> "AwsContext":
        """The standard credential chain, or the named shared-config profile."""
        import boto3

        try:
            session = boto3.Session(profile_name=profile, region_name=region)
        except Exception as error:  # ProfileNotFound and friends
            raise translate(error, "sts", "GetCallerIdentity") from None
        return cls(session, region, **kw)

    @classmethod
    def from_keys(cls, access_key_id: str, secret_access_key: str, session_token: str | None = None,
                  region: str | None = None, **kw: Any) -> "AwsContext":
        import boto3

        session = boto3.Session(
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            aws_session_token=session_token,
            region_name=region,
        )
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
        client = self.client(service, region)
        method = getattr(client, _snake(operation))
        try:
            response = method(**params)
        except Exception as error:
            raise translate(error, service, operation) from None
        response.pop("ResponseMetadata", None)
        require(service, operation, response)
        return response


def _snake(operation: str) -> str:
    from botocore import xform_name

    return xform_name(operation)
