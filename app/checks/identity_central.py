"""identity.central: people sign in through a central identity provider, not IAM users."""
from __future__ import annotations

from typing import Any, Callable

from app.aws.credential_report import is_true
from app.checks.base import Check, CheckRun, paginate
from app.errors import AwsCallFailed
from app.model import BREAK_GLASS_TAG, CheckInfo, Outcome, Reason, References, Severity, Status, Step

INFO = CheckInfo(
    id="identity.central",
    step=Step.IDENTITY,
    title="Identities are managed centrally",
    severity=Severity.MEDIUM,
    rationale=(
        "People should sign in through IAM Identity Center or a federated identity provider, "
        "with short-term credentials and one place to add and remove access, instead of "
        "long-lived IAM users with passwords."
    ),
    console_steps=(
        "Open IAM Identity Center and choose Enable (in your organization's management account when you have one).",
        "Connect your identity source or create users, then assign permission sets to this account.",
        "Move people off IAM users with console passwords and delete those passwords.",
    ),
    console_url="https://console.aws.amazon.com/singlesignon/home",
    references=References(
        cis=("CIS AWS Foundations v5 1.20",),
        docs=("https://docs.aws.amazon.com/singlesignon/latest/userguide/what-is.html",),
    ),
    actions=("sso:ListInstances", "iam:ListRoles", "iam:ListSAMLProviders", "iam:ListOpenIDConnectProviders", "iam:ListUserTags"),
)

SSO_ROLE_PATH = "/aws-reserved/sso.amazonaws.com/"


def _sources(run: CheckRun) -> dict[str, Callable[[], list[Any]]]:
    """Where people's central sign-in shows up; OIDC providers are read for evidence only."""
    return {
        # Identity Center is regional: ALL_REGIONS finds an instance wherever it lives.
        "identity_center_instances": lambda: [
            {"arn": i["InstanceArn"], "region": i.get("PrimaryRegion"), "status": i.get("Status")}
            for i in paginate(run, "sso-admin", "ListInstances", "Instances", "NextToken", RegionScope="ALL_REGIONS")
            if i.get("Status") in (None, "ACTIVE")],
        "identity_center_roles": lambda: [r["RoleName"] for r in paginate(run, "iam", "ListRoles", "Roles", "Marker", PathPrefix=SSO_ROLE_PATH)
                                          if str(r.get("Path", SSO_ROLE_PATH)).startswith(SSO_ROLE_PATH)],
        "saml_providers": lambda: [p["Arn"] for p in run.snapshot.call("iam", "ListSAMLProviders")["SAMLProviderList"]],
        "oidc_providers": lambda: [p["Arn"] for p in run.snapshot.call("iam", "ListOpenIDConnectProviders")["OpenIDConnectProviderList"]],
    }


# Sources that show people signing in centrally. IAM OIDC providers do not: they serve
# workloads (GitHub Actions, EKS service accounts, GitLab, Terraform Cloud…), not people.
CENTRAL = {
    "identity_center_instances": "an IAM Identity Center instance",
    "identity_center_roles": "roles provisioned by Identity Center",
    "saml_providers": "a SAML provider",
}


def evaluate(run: CheckRun) -> Outcome:
    evidence: dict[str, Any] = {}
    failed: list[AwsCallFailed] = []
    for name, fetch in _sources(run).items():
        try:
            evidence[name] = fetch()
        except AwsCallFailed as error:
            evidence[name] = None
            failed.append(error)
    with_password = [r["user"] for r in run.snapshot.credential_report().users if is_true(r.get("password_enabled"))]
    break_glass = [user for user in with_password if _is_break_glass(run, user)]
    console_users = [user for user in with_password if user not in break_glass]
    evidence["iam_users_with_console_password"] = console_users
    evidence["break_glass_users"] = break_glass
    kept = (f" Break-glass user {', '.join(break_glass)} (tagged by Rootwarden) is kept as an IAM user on purpose and not counted."
            if break_glass else "")
    oidc = evidence.get("oidc_providers") or []
    oidc_note = f" The {len(oidc)} IAM OIDC provider(s) serve workloads, not people, and do not count." if oidc else ""
    central = [name for name in CENTRAL if evidence.get(name)]
    if central:
        found = ", ".join(CENTRAL[name] for name in central)
        if console_users:
            return Outcome(Status.WARN, f"Central identity is in place ({found}), but {_users(console_users)} still sign in with IAM passwords: "
                           f"{', '.join(console_users)}.{kept}", evidence, Reason.CONSOLE_PASSWORDS_REMAIN)
        return Outcome(Status.PASS, f"Central identity is in place ({found}).{kept}", evidence, Reason.COMPLIANT)
    relevant = [e for e in failed if e.action != "iam:ListOpenIDConnectProviders"]
    if relevant:
        evidence["failed_actions"] = [e.action for e in relevant]
        actions = ", ".join(e.action for e in relevant)
        return Outcome(Status.UNKNOWN, f"No central identity found, but these calls did not answer usably: {actions}. "
                       "Grant them (`rootwarden policy`) and re-check.", evidence, Reason(relevant[0].reason))
    users = f"; {_users(console_users)} sign in with IAM passwords instead" if console_users else ""
    return Outcome(Status.FAIL, f"No IAM Identity Center instance (in any region), Identity Center roles or SAML provider found{users}.{oidc_note}{kept}",
                   evidence, Reason.NO_CENTRAL_IDENTITY)


CHECK = Check(INFO, evaluate, shared=("credential_report",))


def _is_break_glass(run: CheckRun, user: str) -> bool:
    """The user carries Rootwarden's break-glass tag. Unreadable tags count as an ordinary user (the stricter verdict)."""
    try:
        tags = run.snapshot.call("iam", "ListUserTags", UserName=user).get("Tags", [])
    except AwsCallFailed:
        return False
    return BREAK_GLASS_TAG in [{"Key": t.get("Key"), "Value": t.get("Value")} for t in tags]


def _users(names: list[str]) -> str:
    return "1 IAM user" if len(names) == 1 else f"{len(names)} IAM users"
