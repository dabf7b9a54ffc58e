"""Step 5's one contacts form (validated whole, confirmed once, pre-filled from AWS) and Step 6's
alert address taken from the security contact. The real confirmation dialog is driven."""
from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.model import Status, Step
from tests.ui.conftest import goto_step, screenshot

TIMEOUT = 20000


def count_calls(aws, operation: str) -> list:
    calls: list = []
    aws.add_hook("before-call", lambda model, **_: calls.append(model.name) if model.name == operation else None)
    return calls


def fill(column, name, title, email, phone) -> None:
    for label, value in zip(("Name", "Title", "E-mail", "Phone"), (name, title, email, phone)):
        column.edits[label].setText(value)


def answer_confirmation(click: str, seen: list) -> None:
    """When the confirmation opens: keep what it lists, then press ``click`` ("ok" or "cancel")."""

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or not hasattr(dialog, "items"):
            QTimer.singleShot(20, act)
            return
        seen.append((dialog.windowTitle(), [item.text() for item in dialog.items]))
        screenshot(dialog, "16-contacts-confirmation")
        if click == "ok":
            dialog.ok.click()
        else:
            dialog.reject()

    QTimer.singleShot(0, act)


def test_one_form_validates_everything_then_confirms_exactly_what_is_written(qtbot, connected):
    wizard = connected
    aws = wizard.session.aws
    aws.call("account", "PutAlternateContact", AlternateContactType="SECURITY", Name="Sec Team", Title="Security",
             EmailAddress="sec@example.com", PhoneNumber="+1 555 0100")
    page = goto_step(qtbot, wizard, 5)
    panel = page.panel
    security, billing, operations = (panel.columns[t] for t in ("SECURITY", "BILLING", "OPERATIONS"))
    assert panel.box.isVisible()
    assert security.values() == ("Sec Team", "Security", "sec@example.com", "+1 555 0100")  # as AWS has it
    assert security.heading.text() == "Security — set in AWS" and billing.heading.text() == "Billing — not set"
    assert billing.values() == ("", "", "", "")

    puts = count_calls(aws, "PutAlternateContact")
    fill(billing, "", "Finance", "billing@example", "+44 20 7946 0000")
    fill(operations, "Ops", "   ", "ops@example.com", "call us")
    panel.save.click()
    assert billing.error.text() == "Billing — Name: is required\nBilling — E-mail: is not a valid address (like security@example.com)"
    assert operations.error.text().startswith("Operations — Title: is required (e.g. Security team)\nOperations — Phone:")
    assert security.error.text() == "" and not security.error.isVisible() and "nothing was sent" in panel.error.text()
    assert billing.edits["Name"].accessibleDescription() == "Name: is required" and billing.edits["Title"].accessibleDescription() == ""
    assert QApplication.focusWidget() is billing.edits["Name"]
    screenshot(wizard, "17-step5-one-form-invalid")
    assert puts == [] and wizard.session.audit.entries() == []

    fill(billing, "Bill Payer", "Finance", "billing@example.com", "+44 20 7946 0000")
    fill(operations, "Ops", "Operations", "ops@example.com", "+1 555 0102")
    declined: list = []
    answer_confirmation("cancel", declined)
    panel.save.click()
    assert declined and puts == []  # declined: nothing written

    seen: list = []
    answer_confirmation("ok", seen)
    panel.save.click()
    assert seen == [("Set the alternate contacts", [
        "1. Update billing alternate contact: name Bill Payer, title Finance, e-mail billing@example.com, phone +44 20 7946 0000  "
        "(account:PutAlternateContact)",
        "2. Update operations alternate contact: name Ops, title Operations, e-mail ops@example.com, phone +1 555 0102  "
        "(account:PutAlternateContact)"])]  # the unchanged security contact is not rewritten
    qtbot.waitUntil(lambda: wizard.session.step_done(Step.CONTACTS) and not page.busy, timeout=TIMEOUT)
    assert len(puts) == 2
    assert [e.what.split(" ")[0] for e in wizard.session.audit.entries()] == ["billing", "operations"]
    assert not panel.box.isVisible() and page.isComplete()


def test_a_changed_existing_contact_is_written_too(qtbot, connected):
    wizard = connected
    aws = wizard.session.aws
    aws.call("account", "PutAlternateContact", AlternateContactType="SECURITY", Name="Old", Title="Security",
             EmailAddress="old@example.com", PhoneNumber="+1 555 0100")
    page = goto_step(qtbot, wizard, 5)
    panel = page.panel
    panel.columns["SECURITY"].edits["E-mail"].setText("new@example.com")
    fill(panel.columns["BILLING"], "B", "Finance", "b@example.com", "+1 555 0101")
    fill(panel.columns["OPERATIONS"], "O", "Ops", "o@example.com", "+1 555 0102")
    seen: list = []
    answer_confirmation("ok", seen)
    panel.save.click()
    assert [line.split(":")[0] for line in seen[0][1]] == ["1. Update security alternate contact", "2. Update billing alternate contact",
                                                         "3. Update operations alternate contact"]
    qtbot.waitUntil(lambda: wizard.session.step_done(Step.CONTACTS) and not page.busy, timeout=TIMEOUT)
    assert wizard.session.findings["contacts.security"].evidence["EmailAddress"] == "new@example.com"


def test_the_alert_address_comes_from_the_security_contact(qtbot, connected):
    wizard = connected
    wizard.session.aws.call("account", "PutAlternateContact", AlternateContactType="SECURITY", Name="Sec", Title="Security",
                            EmailAddress="security-team@example.com", PhoneNumber="+1 555 0100")
    page = goto_step(qtbot, wizard, 5)
    assert wizard.session.findings["contacts.security"].status is Status.PASS
    wizard.session.skipped[Step.CONTACTS] = "billing and operations contacts pending"
    page._update()
    wizard.next()
    page = wizard.currentPage()
    qtbot.waitUntil(lambda: not page.busy and "alerts.root-activity" in wizard.session.findings, timeout=TIMEOUT)
    assert page.panel.email.text() == "security-team@example.com" and page.panel.email_source.isVisible()
    screenshot(wizard, "18-step6-prefilled")
    page.panel.email.setText("")
    page.panel.email.setText("oncall@example.com")  # the user's own choice is kept
    assert not page.panel.email_source.isVisible()
    page._update()
    assert page.panel.email.text() == "oncall@example.com"


def test_no_security_contact_leaves_the_alert_address_empty(qtbot, connected):
    wizard = connected
    page = goto_step(qtbot, wizard, 6)
    assert page.panel.email.text() == "" and not page.panel.email_source.isVisible()
