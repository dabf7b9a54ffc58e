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
                "Check the access key or profile, or sign in again."
            )
        if code in _EXPIRED:
            return ConnectionProblem(
                "The AWS session has expired. Sign in again (for example `aws sso login` or "
                "`aws login`) and retry."
            )
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
    if isinstance(error, (bx.NoCredentialsError, bx.PartialCredentialsError)):
        return ConnectionProblem(
            "No AWS credentials were found. Use --aws-profile NAME, set AWS_PROFILE, or sign in "
            "with `aws login` (a new account needs no access key)."
        )
    if isinstance(error, bx.ProfileNotFound):
        return ConnectionProblem(f"{error}. List your profiles with `aws configure list-profiles`.")
    if type(error).__name__ in {"TokenRetrievalError", "UnauthorizedSSOTokenError", "SSOTokenLoadError"}:
        return ConnectionProblem(
            "The sign-in session for this profile has expired or is missing. Run `aws sso login` "
            "(or `aws login`) for the profile and retry."
        )
    if isinstance(error, bx.CredentialRetrievalError):
        return ConnectionProblem(f"Could not get credentials for the profile: {error.kwargs.get('provider', 'provider')} failed. Check the profile's configuration.")
    if isinstance(error, (bx.EndpointConnectionError, bx.ConnectTimeoutError, bx.ConnectionClosedError)):
        return ConnectionProblem(
            "Cannot reach AWS. Check your network connection, proxy and firewall, then retry."
        )
    if isinstance(error, bx.ReadTimeoutError):
        return ConnectionProblem("AWS did not answer in time. Check your network and retry.")
    if isinstance(error, bx.NoRegionError):
        return ConnectionProblem("No AWS region is set. Pass --region or set one in the profile.")
    if _raised_while_parsing(error):
        return MalformedResponse(action, "a body botocore could not parse")
    if isinstance(error, bx.BotoCoreError):
        return AwsCallFailed(f"{action} failed: {type(error).__name__}.", action, type(error).__name__)
    if isinstance(error, RootwardenError):
        return error
    return AwsCallFailed(f"{action} failed unexpectedly ({type(error).__name__}).", action, type(error).__name__)


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
