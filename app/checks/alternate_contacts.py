"""contacts.security, contacts.billing, contacts.operations: alternate contacts are set.

Three checks of one shape: data for each, one function made per contact type.
"""
from __future__ import annotations

from typing import Callable

from app.checks.base import Check, CheckRun
from app.errors import AwsCallFailed, MalformedResponse
from app.model import CheckInfo, Outcome, Reason, References, Severity, Status, Step

CONSOLE_URL = "https://console.aws.amazon.com/billing/home#/account"
DOC_URL = "https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-update-contact-alternate.html"
STEPS = (
    "Sign in to the AWS console and open Account (account menu → Account).",
    "Under Alternate contacts, choose Edit.",
    "Fill in the contact (a team mailbox rather than one person) and save.",
)


def _info(kind: str, severity: Severity, why: str, cis: tuple[str, ...] = (), hub: tuple[str, ...] = ()) -> CheckInfo:
    return CheckInfo(
        id=f"contacts.{kind.lower()}",
        step=Step.CONTACTS,
        title=f"{kind.capitalize()} alternate contact is set",
        severity=severity,
        rationale=why,
        console_steps=STEPS,
        console_url=CONSOLE_URL,
        references=References(cis=cis, security_hub=hub, docs=(DOC_URL,)),
        fixable=True,
        actions=("account:GetAlternateContact",),
    )


def _evaluator(contact_type: str) -> Callable[[CheckRun], Outcome]:
    def evaluate(run: CheckRun) -> Outcome:
        try:
            contact = run.snapshot.call("account", "GetAlternateContact", AlternateContactType=contact_type)["AlternateContact"]
        except AwsCallFailed as error:
            if error.code == "ResourceNotFoundException":
                return Outcome(Status.FAIL, f"No {contact_type.lower()} contact is set: AWS can reach only the root e-mail.", {"AlternateContactType": contact_type}, Reason.CONTACT_MISSING)
            raise
        if contact["AlternateContactType"] != contact_type:
            raise MalformedResponse("account:GetAlternateContact", f"the {contact['AlternateContactType'][:20]!r} contact when {contact_type} was asked for")
        evidence = {k: contact.get(k) for k in ("AlternateContactType", "Name", "Title", "EmailAddress", "PhoneNumber")}
        return Outcome(Status.PASS, f"{contact_type.capitalize()} contact: {contact.get('Name')} <{contact.get('EmailAddress')}>.", evidence, Reason.COMPLIANT)

    return evaluate


SECURITY = Check(
    _info("SECURITY", Severity.MEDIUM, "AWS sends security notifications (abuse reports, compromised credentials) to the security contact as well as the root e-mail.",
          ("CIS AWS Foundations v5 1.2",), ("Account.1",)),
    _evaluator("SECURITY"),
)
BILLING = Check(
    _info("BILLING", Severity.LOW, "AWS sends billing notices to the billing contact, so a surprise bill or expiring card is noticed even when nobody reads the root mailbox."),
    _evaluator("BILLING"),
)
OPERATIONS = Check(
    _info("OPERATIONS", Severity.LOW, "AWS sends service and maintenance notices to the operations contact."),
    _evaluator("OPERATIONS"),
)
