"""The deletions of a member's root credentials in a root session, which moto 5.2.5 lacks (SPEC §12).

In an ``sts:AssumeRoot`` session, without ``UserName``, as AWS serves them under the
``IAMDeleteRootUserCredentials`` task policy (whose enforcement, and the SCPs', is
``moto_org``'s: this module only answers calls that passed it):

- DeleteAccessKey(AccessKeyId), DeleteSigningCertificate(CertificateId), DeleteLoginProfile and
  DeactivateMFADevice(SerialNumber) change the simulated root user (``moto_gaps.extras(account).root``);
  each answers ``NoSuchEntity`` when the thing is already gone;
- after DeactivateMFADevice the root's virtual device stays in the account, unassigned (AWS no
  longer lets the task policy delete it): it appears in moto's ListVirtualMFADevices;
- ListSigningCertificates lists the certificates by stable IDs, so deleting one leaves the
  others' IDs as they were.

Calls outside root sessions, or with a UserName, go to moto (or ``moto_gaps``) as before.
Every hand-written response goes through ``moto_gaps.validated``. Installed by
``moto_org.install()``; idempotent. State: the root user in ``moto_gaps``, plus the certificate
IDs here (under ``moto_gaps``'s lock), rebuilt when the root user is re-seeded.
"""
from __future__ import annotations

from typing import Any

from app.practice import moto_gaps

_installed = False
# account → (the RootUser object the IDs belong to, the IDs of its certificates still present)
_certificates: dict[str, tuple[Any, list[str]]] = {}


def certificate_ids(account_id: str) -> list[str]:
    """The IDs of the root user's signing certificates, stable across deletions."""
    with moto_gaps._lock:
        root = moto_gaps.extras(account_id).root
        known = _certificates.get(account_id)
        if known is None or known[0] is not root or len(known[1]) != root.signing_certificates:
            known = (root, [f"ROOTCERT{account_id}{n:04d}" for n in range(root.signing_certificates)])
            _certificates[account_id] = known
        return list(known[1])


def root_mfa_serial(account_id: str, partition: str = "aws") -> str:
    return f"arn:{partition}:iam::{account_id}:mfa/root-account-mfa-device"


def install() -> None:
    global _installed
    with moto_gaps._lock:
        if _installed:
            return
        _patch()
        _installed = True


def _patch() -> None:
    from moto.core.responses import ActionResult, EmptyResult
    from moto.iam.exceptions import NoSuchEntity
    from moto.iam.responses import IamResponse

    def wrap(name: str, own: Any) -> None:
        original = getattr(IamResponse, name)

        def method(self: Any) -> Any:
            session = None if self._get_param("UserName") else moto_gaps.root_session(self.get_access_key())
            return original(self) if session is None else own(self, session.account_id)

        setattr(IamResponse, name, method)

    def delete_access_key(self: Any, account: str) -> Any:
        wanted = self._get_param("AccessKeyId")
        with moto_gaps._lock:
            root = moto_gaps.extras(account).root
            if not any(k.access_key_id == wanted for k in root.access_keys):
                raise NoSuchEntity(f"The Access Key with id {wanted} cannot be found.")
            root.access_keys[:] = [k for k in root.access_keys if k.access_key_id != wanted]
        return EmptyResult()

    def delete_signing_certificate(self: Any, account: str) -> Any:
        wanted = self._get_param("CertificateId")
        with moto_gaps._lock:
            present = certificate_ids(account)
            if wanted not in present:
                raise NoSuchEntity(f"The Certificate with id {wanted} cannot be found.")
            present.remove(wanted)
            root = moto_gaps.extras(account).root
            root.signing_certificates = len(present)
            _certificates[account] = (root, present)
        return EmptyResult()

    def delete_login_profile(self: Any, account: str) -> Any:
        with moto_gaps._lock:
            root = moto_gaps.extras(account).root
            if not root.password:
                raise NoSuchEntity("Login profile for the root user cannot be found.")
            root.password = False
        return EmptyResult()

    def deactivate_mfa_device(self: Any, account: str) -> Any:
        serial = self._get_param("SerialNumber")
        with moto_gaps._lock:
            root = moto_gaps.extras(account).root
            if not root.mfa_active or serial != root_mfa_serial(account):
                raise NoSuchEntity(f"MFA Device with serial number {serial} not found.")
            root.mfa_active = False
        _leave_unassigned_virtual_device(account)
        return EmptyResult()

    def list_signing_certificates(self: Any, account: str) -> Any:
        root = moto_gaps.extras(account).root
        certificates = [{"UserName": account, "CertificateId": cert_id,
                         "CertificateBody": "-----BEGIN CERTIFICATE-----\npractice\n-----END CERTIFICATE-----",
                         "Status": "Active", "UploadDate": root.created} for cert_id in certificate_ids(account)]
        return ActionResult(moto_gaps.validated("iam", "ListSigningCertificates",
                                                {"Certificates": certificates, "IsTruncated": False}))

    wrap("delete_access_key", delete_access_key)
    wrap("delete_signing_certificate", delete_signing_certificate)
    wrap("delete_login_profile", delete_login_profile)
    wrap("deactivate_mfa_device", deactivate_mfa_device)
    wrap("list_signing_certificates", list_signing_certificates)


def _leave_unassigned_virtual_device(account: str) -> None:
    """The deactivated root device, now an unassigned virtual MFA device of the account."""
    from moto.iam.models import iam_backends

    backend = iam_backends[account]["aws"]
    if root_mfa_serial(account) not in backend.virtual_mfa_devices:
        backend.create_virtual_mfa_device("root-account-mfa-device", "/")
