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

    def trimmed(self) -> "Contact":
        return Contact(self.contact_type, self.name.strip(), self.title.strip(), self.email.strip(), self.phone.strip())

    def problems(self) -> list[InvalidInput]:
        """Every invalid field of the trimmed contact (SPEC §4 Step 5), in form order; none
        means AWS will accept it."""
        c = self.trimmed()
        found: list[InvalidInput] = []
        if c.contact_type not in TYPES:
            found.append(InvalidInput("Contact type", f"must be one of {', '.join(TYPES)}"))
        if not c.name:
            found.append(InvalidInput("Name", "is required"))
        elif len(c.name) > 64:
            found.append(InvalidInput("Name", "must be at most 64 characters"))
        if not c.title:
            found.append(InvalidInput("Title", "is required (e.g. Security team)"))
        elif len(c.title) > 50:
            found.append(InvalidInput("Title", "must be at most 50 characters"))
        if not _EMAIL.fullmatch(c.email) or len(c.email) > 254:
            found.append(InvalidInput("E-mail", "is not a valid address (like security@example.com)"))
        if not c.phone:
            found.append(InvalidInput("Phone", "is required (AWS needs a number for every contact)"))
        elif not _PHONE.fullmatch(c.phone) or not any(ch.isdigit() for ch in c.phone) or len(c.phone) > 25:
            found.append(InvalidInput("Phone", "may contain only digits, spaces and + - ( ), like +1 206 555 0100"))
        return found

    def validate(self) -> "Contact":
        """The same contact, trimmed; raises ``InvalidInput`` naming the first bad field."""
        problems = self.problems()
        if problems:
            raise problems[0]
        return self.trimmed()

    def describe(self) -> str:
        """Exactly what PutAlternateContact will write, for the confirmation."""
        return (f"{self.contact_type.lower()} alternate contact: name {self.name}, title {self.title}, "
                f"e-mail {self.email}, phone {self.phone}")


def _put(aws: AwsContext | None, c: Contact) -> tuple[Change, object]:
    def put() -> None:
        aws.call("account", "PutAlternateContact", AlternateContactType=c.contact_type, Name=c.name,
                 Title=c.title, EmailAddress=c.email, PhoneNumber=c.phone)

    return Change("update", c.describe(), "account:PutAlternateContact"), put


class SetAlternateContact(Fix):
    def __init__(self, contact: Contact) -> None:
        self.contact = contact.validate()
        self.name = f"Set {contact.contact_type.lower()} contact"

    def _steps(self, aws: AwsContext | None):
        return [_put(aws, self.contact)]


class SetAlternateContacts(Fix):
    """Several contacts in one change (as the console edits all three at once), each validated
    before anything is sent; one PutAlternateContact per contact, in the order given."""

    name = "Set alternate contacts"

    def __init__(self, contacts: list[Contact]) -> None:
        if not contacts:
            raise InvalidInput("Contacts", "nothing to save: fill in a contact first")
        self.contacts = [c.validate() for c in contacts]

    def _steps(self, aws: AwsContext | None):
        return [_put(aws, c) for c in self.contacts]
