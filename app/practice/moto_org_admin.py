"""The organization administration calls `rootwarden org enable` reads and makes, where moto
5.2.5 answers differently from AWS (SPEC §12); filled in the same way as ``moto_org``.

- ``organizations:ListAWSServiceAccessForOrganization``: only the management account or a
  delegated administrator may ask (another member: ``AccessDeniedException``; outside an
  organization: ``AWSOrganizationsNotInUseException``), and either gets the organization's list
  (moto answers from the caller's own, empty backend); pages of ``MaxResults`` 1–20 with a
  ``NextToken`` (moto ignores both).
- ``organizations:EnableAWSServiceAccess``: only the management account (moto lets any account
  write to its own backend).
- ``organizations:ListDelegatedAdministrators`` and ``RegisterDelegatedAdministrator`` accept
  ``iam.amazonaws.com`` and ``account.amazonaws.com`` (moto refuses them as unknown); the list is
  the organization's, for the management account or a delegated administrator, paged as above.
- ``iam:ListOrganizationsFeatures`` from IAM's delegated administrator answers the
  organization's features (``moto_gaps`` knows only the management account); the two
  ``iam:EnableOrganizations…`` calls from it are ``CallerIsNotManagementAccountException``
  (AWS lists that error for the Enable calls only: enabling is the management account's).

Not simulated: EnableAWSServiceAccess in an organization without all features (AWS's exact
refusal is not documented per call; Rootwarden never plans it there). Every hand-written
response goes through ``moto_gaps.validated``. No state of its own: moto's backends and
``moto_gaps.extras`` hold it.
"""
from __future__ import annotations

import base64
import json
from typing import Any

from app.practice import moto_gaps

PAGE_LIMIT = 20
IAM = "iam.amazonaws.com"
ADMIN_SERVICES = (IAM, "account.amazonaws.com")


def install() -> None:
    """Patch moto's organizations and IAM responses. Call once (``moto_org.install`` does)."""
    from moto.organizations.models import FakeDelegatedAdministrator

    for service in ADMIN_SERVICES:
        if service not in FakeDelegatedAdministrator.SUPPORTED_SERVICES:
            FakeDelegatedAdministrator.SUPPORTED_SERVICES.append(service)
    _patch_organizations()
    _patch_iam_delegated_admin()


def _org_error(code: str, message: str) -> Exception:
    from moto.organizations.exceptions import OrganizationsClientError

    return OrganizationsClientError(code, message)




def delegated_admin_for(backend: Any, account_id: str, service: str | None = None) -> bool:
    """Whether ``account_id`` is a delegated administrator (for ``service``, or any) in ``backend``."""
    return any(a.account.id == account_id and (service is None or service in a.services) for a in backend.admins)


def _administered(caller: str, operation: str) -> Any:
    """The organization backend the caller may administer through ``operation``, or AWS's refusal."""
    backend = moto_gaps.org_backend_of(caller)
    if backend is None:
        raise _org_error("AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")
    if backend.org.master_account_id != caller and not delegated_admin_for(backend, caller):
        raise _org_error("AccessDeniedException", f"You don't have permissions to access this resource ({operation} can be "
                         "called only from the management account or a delegated administrator).")
    return backend


def _page(self: Any, items: list[Any]) -> tuple[list[Any], str | None]:
    size = self._get_param("MaxResults") or PAGE_LIMIT
    if not isinstance(size, int) or not 1 <= size <= PAGE_LIMIT:
        raise _org_error("InvalidInputException", f"MaxResults must be between 1 and {PAGE_LIMIT}.")
    token = self._get_param("NextToken")
    try:
        offset = int(json.loads(base64.urlsafe_b64decode(token.encode()))) if token else 0
    except (ValueError, TypeError):
        raise _org_error("InvalidInputException", "The NextToken is not valid.") from None
    after = offset + size
    return items[offset:after], (base64.urlsafe_b64encode(json.dumps(after).encode()).decode() if after < len(items) else None)


def _patch_organizations() -> None:
    from moto.organizations.responses import OrganizationsResponse

    def list_service_access(self: Any) -> str:
        backend = _administered(self.current_account, "ListAWSServiceAccessForOrganization")
        page, token = _page(self, list(backend.services))
        result: dict[str, Any] = {"EnabledServicePrincipals": page, **({"NextToken": token} if token else {})}
        moto_gaps.validated("organizations", "ListAWSServiceAccessForOrganization",
                            {**result, "EnabledServicePrincipals": [{**s, "DateEnabled": _when(s["DateEnabled"])} for s in page]})
        return json.dumps(result)

    original_enable = OrganizationsResponse.enable_aws_service_access

    def enable_service_access(self: Any) -> str:
        backend = moto_gaps.org_backend_of(self.current_account)
        if backend is None:
            raise _org_error("AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")
        if backend.org.master_account_id != self.current_account:
            raise _org_error("AccessDeniedException", "You don't have permissions to access this resource (only the "
                             "management account can enable trusted access).")
        return original_enable(self)

    def list_delegated_administrators(self: Any) -> str:
        backend = _administered(self.current_account, "ListDelegatedAdministrators")
        service = self._get_param("ServicePrincipal")
        admins = [a for a in backend.admins if not service or service in a.services]
        page, token = _page(self, [a.describe() for a in admins])
        result: dict[str, Any] = {"DelegatedAdministrators": page, **({"NextToken": token} if token else {})}
        moto_gaps.validated("organizations", "ListDelegatedAdministrators", {**result, "DelegatedAdministrators": [
            {k: (_when(v) if k in ("JoinedTimestamp", "DelegationEnabledDate") else v) for k, v in a.items()} for a in page]})
        return json.dumps(result)

    OrganizationsResponse.list_aws_service_access_for_organization = list_service_access
    OrganizationsResponse.enable_aws_service_access = enable_service_access
    OrganizationsResponse.list_delegated_administrators = list_delegated_administrators


def _when(value: Any) -> Any:
    """moto keeps organizations' dates as epoch numbers (JSON); botocore's shape wants a datetime."""
    from datetime import datetime, timezone

    return datetime.fromtimestamp(float(value), timezone.utc) if isinstance(value, (int, float)) else value


def _patch_iam_delegated_admin() -> None:
    from moto.core.responses import ActionResult
    from moto.iam.exceptions import IAMException
    from moto.iam.responses import IamResponse

    def delegated(self: Any) -> Any:
        """The organization backend when the caller is IAM's delegated administrator, else None."""
        backend = moto_gaps.org_backend_of(self.current_account)
        if backend is None or backend.org.master_account_id == self.current_account:
            return None
        return backend if delegated_admin_for(backend, self.current_account, IAM) else None

    original_list = IamResponse.list_organizations_features

    def list_features(self: Any) -> Any:
        backend = delegated(self)
        if backend is None:
            return original_list(self)
        if not any(s.get("ServicePrincipal") == IAM for s in backend.services):
            error = IAMException("Trusted access for IAM is not enabled in AWS Organizations.")
            error.code = "ServiceAccessNotEnabledException"
            raise error
        management = backend.org.master_account_id
        result = {"OrganizationId": backend.org.id, "EnabledFeatures": sorted(moto_gaps.extras(management).org_features)}
        return ActionResult(moto_gaps.validated("iam", "ListOrganizationsFeatures", result))

    def management_only(original: Any) -> Any:
        def enable(self: Any) -> Any:
            if delegated(self) is None:
                return original(self)
            error = IAMException("Only the organization's management account can enable this feature.")
            error.code = "CallerIsNotManagementAccountException"
            raise error

        return enable

    IamResponse.list_organizations_features = list_features
    IamResponse.enable_organizations_root_credentials_management = management_only(
        IamResponse.enable_organizations_root_credentials_management)
    IamResponse.enable_organizations_root_sessions = management_only(IamResponse.enable_organizations_root_sessions)
