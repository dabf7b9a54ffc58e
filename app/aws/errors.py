"""Turn botocore's exceptions into Rootwarden's typed errors with messages a user can act on.

Pure functions; safe from any thread. Messages never include credentials: botocore's own
messages name access key IDs at most, and we do not repeat even those.
"""
from __future__ import annotations

from app.errors import AccessDenied, AwsCallFailed, ConnectionProblem, MalformedResponse, RootwardenError, Throttled

# IAM action prefixes that differ from boto3's service names.
_IAM_PREFIX = {"sso-admin": "sso", "cloudwatch": "cloudwatch", "logs": "logs"}

_DENIED = {
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "AuthorizationError",
    "AuthorizationErrorException",
    "UnauthorizedException",
    "Forbidden",
}
_THROTTLED = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "RequestThrottledException",
    "SlowDown",
}
_BAD_CREDENTIALS = {
    "InvalidClientTokenId",
    "SignatureDoesNotMatch",
    "UnrecognizedClientException",
    "IncompleteSignature",
    "AuthFailure",
    "InvalidAccessKeyId",
    "InvalidSignatureException",
    "MissingAuthenticationToken",
}
_EXPIRED = {"ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"}


def iam_action(service: str, operation: str) -> str:
    """The IAM action that authorizes ``operation`` of boto3 service ``service``."""
    return f"{_IAM_PREFIX.get(service, service)}:{operation}"


def translate(error: Exception, service: str, operation: str) -> RootwardenError:
    """Map any exception from a boto3 call to a typed, user-facing error."""
    from botocore import exceptions as bx

    action = iam_action(service, operation)
    if isinstance(error, bx.ClientError):
        code = str(error.response.get("Error", {}).get("Code", "Unknown"))
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if code in _BAD_CREDENTIALS:
            return ConnectionProblem(
                "AWS rejected these credentials (they are wrong, deleted or deactivated). "
                "Check the access key or profile, or sign in again.", "bad-credentials")
        if code in _EXPIRED:
            return ConnectionProblem(
                "The AWS session has expired. Sign in again (for example `aws sso login` or "
                "`aws login`) and retry.", "expired")
        if code in _DENIED or status == 403:
            return AccessDenied(
                f"Access denied for {action}. Grant it to the identity you use "
                "(`rootwarden policy` prints a least-privilege policy).",
                action,
                code,
            )
        if code in _THROTTLED:
            return Throttled(
                f"AWS kept throttling {action} after several retries. Wait a minute and re-check.",
                action,
                code,
            )
        return AwsCallFailed(f"{action} failed with {code}. Re-check; if it persists, see the AWS service health page.", action, code)
    connection = connection_problem(error)
    if connection is not None:
        return connection
    if _raised_while_parsing(error):
        return MalformedResponse(action, "a body botocore could not parse")
    if isinstance(error, bx.BotoCoreError):
        return AwsCallFailed(f"{action} failed: {type(error).__name__}.", action, type(error).__name__)
    if isinstance(error, RootwardenError):
        return error
    return AwsCallFailed(f"{action} failed unexpectedly ({type(error).__name__}).", action, type(error).__name__)


def connection_problem(error: Exception) -> ConnectionProblem | None:
    """The message for a failure to reach or authenticate to AWS that no profile setting
    explains (network, TLS, proxy, region, no credentials at all); None for other errors."""
    import os

    from botocore import exceptions as bx

    if isinstance(error, (bx.NoCredentialsError, bx.PartialCredentialsError)):
        return ConnectionProblem(
            "No AWS credentials were found. Use --aws-profile NAME, set AWS_PROFILE, or sign in "
            "with `aws login` (a new account needs no access key).", "no-credentials",
            "No AWS credentials were found. Choose a profile from your AWS configuration or a saved profile, or "
            "sign in with IAM Identity Center; for a brand-new account run `aws login` (no access key needed).")
    if isinstance(error, bx.ProfileNotFound):
        name = error.kwargs.get("profile", "")
        return ConnectionProblem(f"There is no profile “{name}” in your AWS configuration. List the profiles with "
                                 "`aws configure list-profiles`.", "profile-not-found")
    if isinstance(error, bx.SSLError):
        bundle = os.environ.get("AWS_CA_BUNDLE")
        host = _host(error.kwargs.get("endpoint_url"))
        if bundle:
            return ConnectionProblem(
                f"The TLS certificate of {host} is not signed by the certificate authorities in AWS_CA_BUNDLE ({bundle}). "
                "Point AWS_CA_BUNDLE at the bundle your network's TLS inspection uses (PEM), or unset it.", "tls")
        return ConnectionProblem(
            f"The TLS certificate of {host} could not be verified. If your network inspects TLS (a corporate proxy), "
            "set AWS_CA_BUNDLE to your organisation's CA bundle (a PEM file) and retry.", "tls")
    if isinstance(error, bx.ProxyConnectionError):
        proxy = _host(error.kwargs.get("proxy_url"))
        return ConnectionProblem(
            f"Cannot connect through the proxy {proxy} (set by HTTPS_PROXY or HTTP_PROXY). Check that the proxy is "
            "running and its address is right, or unset the variable if you do not use a proxy.", "proxy")
    if isinstance(error, (bx.EndpointConnectionError, bx.ConnectTimeoutError, bx.ConnectionClosedError)):
        return ConnectionProblem(
            "Cannot reach AWS. Check your network connection, proxy and firewall, then retry.", "network")
    if isinstance(error, bx.ReadTimeoutError):
        return ConnectionProblem("AWS did not answer in time. Check your network and retry.", "timeout")
    if isinstance(error, bx.NoRegionError):
        return ConnectionProblem("No AWS region is set. Pass --region or set one in the profile.", "no-region",
                                 "No AWS region is set. Choose one in the Region box, or set one in the profile.")
    return None


def _host(url: object) -> str:
    """The host (and port) of a URL, without any user name or password it carries."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(str(url or ""))
        host = parts.hostname or ""
        return f"{host}:{parts.port}" if parts.port else (host or "the server")
    except ValueError:
        return "the server"


def _raised_while_parsing(error: Exception) -> bool:
    """Whether botocore's response parser raised this (an answer of the wrong shape: a string
    where an object belongs, broken XML…), whatever the exception's type."""
    from botocore.parsers import ResponseParserError

    if isinstance(error, ResponseParserError):
        return True
    trace = error.__traceback__
    while trace is not None:
        if trace.tb_frame.f_code.co_filename.replace("\\", "/").endswith("botocore/parsers.py"):
            return True
        trace = trace.tb_next
    return False


def error_code(error: Exception) -> str | None:
    """The AWS error code of a ClientError, or None."""
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        return response.get("Error", {}).get("Code")
    return None
