"""Messages for credentials that cannot be had, naming the profile and the command that fixes it
(SPEC §3 "Real credential setups": `aws login`, IAM Identity Center, MFA roles,
``credential_process``).

Pure functions; safe from any thread. Nothing a credential source prints is repeated: a
``credential_process`` may echo anything, secrets included, so only its failure is reported.
"""
from __future__ import annotations

from app.aws.errors import connection_problem, error_code, translate
from app.aws.shared_config import Kind, ProfileFacts, effective_profile, problem as config_problem
from app.errors import ConnectionProblem, RootwardenError

_SSO_TOKEN_ERRORS = {"TokenRetrievalError", "UnauthorizedSSOTokenError", "SSOTokenLoadError", "InvalidSSOProfileError"}


def explain(error: Exception, facts: ProfileFacts | None, service: str = "sts",
            operation: str = "GetCallerIdentity", resolving: bool = False) -> RootwardenError:
    """The typed error for ``error``, raised while getting credentials for the profile ``facts``
    describes (``resolving``) or while calling ``operation`` with them."""
    return credential_problem(error, facts, resolving) or translate(error, service, operation)


def mfa_session_ended(facts: ProfileFacts | None) -> ConnectionProblem:
    """An MFA role's session ran out: botocore cannot renew it without a new code."""
    who = facts.label if facts else "the profile"
    return ConnectionProblem(f"The MFA-protected role session of {who} has ended (AWS role sessions last about an hour "
                             "unless the role allows longer). Connect again with a new code.", "mfa-session-ended")


def credential_problem(error: Exception, facts: ProfileFacts | None, resolving: bool = False) -> RootwardenError | None:
    """A credential source's own failure, in words naming the profile; None if ``error`` is not one.
    A denied call means "the role could not be assumed" only while ``resolving`` credentials:
    afterwards it is the call's own denial."""
    from botocore import exceptions as bx

    if isinstance(error, RootwardenError):
        return error
    who = facts.label if facts else "the profile"
    command = facts.sign_in_command if facts else None
    again = f"Run `{command}`, then connect again." if command else "Sign in again, then connect again."
    name = type(error).__name__
    if isinstance(error, bx.MissingDependencyException):
        return ConnectionProblem(
            f"{who.capitalize()} signs in with `aws login`, which needs the awscrt package. Reinstall Rootwarden "
            "(it depends on botocore[crt]) and retry.", "missing-dependency")
    if isinstance(error, (bx.InvalidConfigError, bx.PartialCredentialsError, bx.NoCredentialsError, OSError)) and facts:
        reason = config_problem(facts.name)
        if reason:
            label = facts.label if facts.name else f"profile “{effective_profile(None)[:64]}”"
            return ConnectionProblem(f"{label[0].upper()}{label[1:]} {reason}. Fix it in ~/.aws/config "
                                     "(or ~/.aws/credentials), then connect again.", "bad-config")
    if isinstance(error, bx.RefreshWithMFAUnsupportedError):
        return mfa_session_ended(facts)
    if isinstance(error, bx.LoginRefreshRequired):
        return ConnectionProblem(f"The `aws login` session of {who} has expired or its credentials changed. {again}",
                                 "login-expired")
    if isinstance(error, bx.LoginInsufficientPermissions):
        return ConnectionProblem(
            f"The `aws login` session of {who} could not be refreshed: the signed-in identity lacks "
            f"signin:CreateOAuth2Token. Grant it (the SignInLocalDevelopmentAccess managed policy has it), or {again[0].lower()}{again[1:]}",
            "login-denied")
    if isinstance(error, bx.LoginError):
        return ConnectionProblem(f"No usable `aws login` session is cached for {who}. {again}", "login-missing")
    if name in _SSO_TOKEN_ERRORS or (isinstance(error, bx.ClientError) and error_code(error) == "UnauthorizedException"
                                     and (facts is None or facts.kind is Kind.SSO)):
        return ConnectionProblem(
            f"The IAM Identity Center sign-in of {who} has expired or is missing. {again}", "sso-expired",
            f"The IAM Identity Center sign-in of {who} has expired or is missing. Choose “Sign in with IAM Identity "
            f"Center…” below, or run `{command or 'aws sso login'}` and connect again.")
    if isinstance(error, bx.ClientError) and error_code(error) == "ForbiddenException" and facts and facts.kind is Kind.SSO:
        return ConnectionProblem(
            f"IAM Identity Center refused the role of {who}: the signed-in user is not assigned that account and "
            "role (sso_account_id, sso_role_name). Check the profile, or ask your Identity Center administrator.",
            "sso-role-not-assigned")
    if isinstance(error, bx.CredentialRetrievalError):
        provider = str(error.kwargs.get("provider", ""))
        if provider == "custom-process" or (facts and facts.kind is Kind.PROCESS):
            return ConnectionProblem(
                f"The credential_process of {who} failed or printed something that is not credentials. Run that "
                "command yourself to see its error, fix it, then connect again.", "credential-process")
        return ConnectionProblem(f"Could not get credentials for {who} ({provider or 'its credential source'} failed). "
                                 "Check the profile's settings, then connect again.", "credential-source")
    if resolving and isinstance(error, bx.ClientError) and facts and facts.kind in (Kind.ROLE, Kind.MFA_ROLE) and \
            error_code(error) in {"AccessDenied", "AccessDeniedException"}:
        mfa = (" Check the MFA code: each code works once, so wait for the next one." if facts.kind is Kind.MFA_ROLE else "")
        return ConnectionProblem(
            f"AWS refused to let {who} assume its role (AccessDenied).{mfa} Otherwise check role_arn and the role's "
            "trust policy.", "assume-role-denied")
    if isinstance(error, bx.InvalidConfigError):
        return ConnectionProblem(f"The AWS configuration of {who} is not usable ({name}). Check ~/.aws/config.",
                                 "bad-config")
    return connection_problem(error)
