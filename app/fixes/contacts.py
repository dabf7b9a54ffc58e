"""Set a missing alternate contact (account:PutAlternateContact), validated before any call."""
from __future__ import annotations

import re
from dataclasses import dataclass

from app.aws.context import AwsContext
from app.errors import InvalidInput
from app.fixes.base import Change, Fix

ACTIONS = ("account:PutAlternateContact",)
TYPES = ("SECURITY", "BILLING", "OPERATIONS")
# An address as AWS accepts it: no spaces, quotes, angle brackets or other markup around it.
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
_PHONE = re.compile(r"^[\s0-9()+-]+$")


@dataclass(frozen=True)
class Contact:
    contact_type: str
    name: str
    title: str
    email: str
    phone: str

    def validate(self) -> "Contact":
        """The same contact, trimmed; raises ``InvalidInput`` naming the first bad field."""
        c = Contact(self.contact_type, self.name.strip(), self.title.strip(), self.email.strip(), self.phone.strip())
        if c.contact_type not in TYPES:
            raise InvalidInput("Contact type", f"must be one of {', '.join(TYPES)}")
        if not c.name:
            raise InvalidInput("Name", "is required")
        if len(c.name) > 64:
            raise InvalidInput("Name", "must be at most 64 characters")
        if not c.title:
            raise InvalidInput("Title", "is required (e.g. Security team)")
        if len(c.title) > 50:
            raise InvalidInput("Title", "must be at most 50 characters")
        if not _EMAIL.match(c.email) or len(c.email) > 254:
            raise InvalidInput("E-mail", "is not a valid address (like security@example.com)")
        if not c.phone or not _PHONE.match(c.phone) or not any(ch.isdigit() for ch in c.phone) or len(c.phone) > 25:
            raise InvalidInput("Phone", "may contain only digits, spaces and + - ( ), like +1 206 555 0100")
        return c


class SetAlternateContact(Fix):
    def __init__(self, contact: Contact) -> None:
        self.contact = contact.validate()
        self.name = f"Set {contact.contact_type.lower()} contact"

    def _steps(self, aws: AwsContext | None):
        c = self.contact
        change = Change("update", f"{c.contact_type.lower()} alternate contact to {c.name} <{c.email}>", "account:PutAlternateContact")

        def put() -> None:
            aws.call("account", "PutAlternateContact", AlternateContactType=c.contact_type, Name=c.name,
                     Title=c.title, EmailAddress=c.email, PhoneNumber=c.phone)

        return [(change, put)]
