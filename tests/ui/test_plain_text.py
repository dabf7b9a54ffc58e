"""Text from AWS, a form or a record shows exactly as its characters (SPEC §2.3, §5).

The confirmation dialog is the one screen that must show exactly what will change; these tests
drive the real dialog (no stand-in) with descriptions an attacker or a typo could produce.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog, QLabel

from app.fixes.base import Change
from app.fixes.contacts import Contact, SetAlternateContact
from ui.confirm import ConfirmChanges, confirm_changes

BANNER = "<b><font size=7 color=green>ALL CHECKS PASSED</font></b>"


def shown_texts(widget) -> list[str]:
    """What a person reads in every label: plain labels verbatim, rich ones as rendered text."""
    from PySide6 import QtGui
    from PySide6.QtGui import QTextDocument

    texts = []
    for label in widget.findChildren(QLabel):
        rich = label.textFormat() == Qt.TextFormat.RichText or (
            label.textFormat() == Qt.TextFormat.AutoText and QtGui.Qt.mightBeRichText(label.text()))
        if not rich:
            texts.append(label.text())
        else:
            document = QTextDocument()
            document.setHtml(label.text())
            texts.append(document.toPlainText())
    return texts


def test_the_real_dialog_shows_every_change_whole(qtbot):
    changes = [
        *SetAlternateContact(Contact("SECURITY", "Alex <security@example.com>", "CISO", "alex@example.com", "+1 555 0100")).plan(),
        # A name may hold markup; an e-mail cannot pass the form any more, so that line is made directly.
        *SetAlternateContact(Contact("BILLING", "Finance <!--", "Billing", "billing@example.com", "+1 555 0101")).plan(),
        Change("update", "billing alternate contact to Finance <!-- <billing@example.com<!-->", "account:PutAlternateContact"),
    ]
    changes.append(Change("create", "SNS topic rootwarden-root-activity", "sns:CreateTopic"))
    dialog = ConfirmChanges(None, "Set the contacts", changes)
    qtbot.addWidget(dialog)
    from tests.ui.conftest import screenshot

    dialog.show()
    screenshot(dialog, "14-confirm-hostile-text")
    text = "\n".join(shown_texts(dialog))
    assert "Alex <security@example.com>" in text
    assert "Finance <!--" in text and "billing@example.com<!--" in text
    for change in changes:  # nothing after a "<!--" is hidden: every line and its IAM action shows
        assert change.describe() in text and change.action in text


def test_confirm_changes_returns_what_the_person_chose(qtbot):
    changes = [Change("delete", "root access key AKIA…1234", "iam:DeleteAccessKey")]

    def click(button_text: str, typed: str | None = None) -> None:
        dialog = next(w for w in __import__("PySide6.QtWidgets", fromlist=["QApplication"]).QApplication.topLevelWidgets()
                      if isinstance(w, ConfirmChanges) and w.isVisible())
        if typed is not None:
            assert not dialog.ok.isEnabled()  # the typed gate holds until the word is typed
            qtbot.keyClicks(dialog.word, typed)
        if button_text == "ok":
            assert dialog.ok.isEnabled()
            dialog.ok.click()
        else:
            dialog.reject()

    QTimer.singleShot(100, lambda: click("ok", "DELETE"))
    assert confirm_changes(None, "Delete the key", changes, typed_word="DELETE") is True
    QTimer.singleShot(100, lambda: click("cancel"))
    assert confirm_changes(None, "Delete the key", changes) is False


def test_wrongly_typed_word_keeps_the_dialog_closed_to_changes(qtbot):
    dialog = ConfirmChanges(None, "Delete", [Change("delete", "x", "iam:DeleteAccessKey")], typed_word="DELETE")
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.word, "delete")
    assert not dialog.ok.isEnabled()
    dialog.word.clear()
    qtbot.keyClicks(dialog.word, "DELETE")
    assert dialog.ok.isEnabled()
    dialog.reject()
    assert dialog.result() == QDialog.DialogCode.Rejected


def test_aws_data_never_renders_as_markup_in_the_wizard(qtbot, practice_wizard, shown_errors):
    """A security contact named like a banner shows as its characters on the checklist."""
    from app.flow import PageId

    wizard, session = practice_wizard, practice_wizard.session
    wizard.currentPage().reverify.click()
    qtbot.waitUntil(lambda: session.identity is not None, timeout=20000)
    session.aws.call("account", "PutAlternateContact", AlternateContactType="SECURITY", Name=BANNER, Title="x",
                     EmailAddress="sec@example.com", PhoneNumber="+1 555 0100")
    wizard.next()
    assert wizard.currentId() == PageId.CHECKLIST
    page = wizard.currentPage()
    qtbot.waitUntil(lambda: page.isComplete(), timeout=20000)
    texts = shown_texts(wizard)
    assert any(BANNER in t for t in texts), "the contact's name is shown verbatim"
    assert not any(t.strip() == "ALL CHECKS PASSED" or t.startswith("ALL CHECKS PASSED") for t in texts)
    for label in wizard.findChildren(QLabel):
        if "<font size=7" in label.text():
            assert label.textFormat() == Qt.TextFormat.PlainText, label.objectName() or label.text()[:60]


def test_review_tooltips_show_aws_data_as_its_characters(qtbot, practice_wizard, shown_errors):
    """Qt guesses rich text in tooltips too: the Review table's summary tooltip must show a
    contact named like a banner verbatim, not render it."""
    from PySide6 import QtGui
    from PySide6.QtGui import QTextDocument

    from app.flow import PageId

    wizard, session = practice_wizard, practice_wizard.session
    wizard.currentPage().reverify.click()
    qtbot.waitUntil(lambda: session.identity is not None, timeout=20000)
    session.aws.call("account", "PutAlternateContact", AlternateContactType="SECURITY", Name=BANNER, Title="x",
                     EmailAddress="sec@example.com", PhoneNumber="+1 555 0100")
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage().isComplete(), timeout=20000)
    wizard.next()
    assert wizard.currentId() == PageId.REVIEW
    table = wizard.currentPage().checks
    qtbot.waitUntil(lambda: table.rowCount() > 0, timeout=20000)
    shown = []
    for row in range(table.rowCount()):
        for col in range(table.columnCount()):
            tip = table.item(row, col).toolTip() if table.item(row, col) else ""
            document = QTextDocument()
            document.setHtml(tip) if QtGui.Qt.mightBeRichText(tip) else document.setPlainText(tip)
            shown.append(document.toPlainText())
    assert any(BANNER in text for text in shown), shown
