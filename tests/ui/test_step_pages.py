"""Step pages: states, gating, fixes with invalid input and with AWS failing midway."""
from __future__ import annotations

from app.model import Status, Step
from tests.support import denier
from tests.ui.conftest import goto_step, screenshot

TIMEOUT = 20000


def count_calls(aws, operation: str) -> list:
    calls: list = []
    aws.add_hook("before-call", lambda model, **_: calls.append(model.name) if model.name == operation else None)
    return calls


def test_loading_then_fail_and_gating(qtbot, connected):
    wizard = connected
    wizard.next()
    page = wizard.currentPage()
    assert page.cards["root.access-keys"].status_word.text() == "Checking…"  # loading state, before results
    assert not page.isComplete()
    qtbot.waitUntil(lambda: not page.busy, timeout=TIMEOUT)
    assert page.cards["root.access-keys"].finding.status is Status.FAIL
    assert "Fail" in page.cards["root.access-keys"].status_word.text()
    assert not page.isComplete() and not wizard.button(wizard.WizardButton.NextButton).isEnabled()


def test_skip_needs_a_reason(qtbot, connected):
    """The real skip dialog: blank or whitespace never skips; a reason does, and moves on."""
    from tests.ui.test_limit_use import answer_skip

    wizard = connected
    wizard.next()
    page = wizard.currentPage()
    qtbot.waitUntil(lambda: not page.busy, timeout=TIMEOUT)
    seen = answer_skip(qtbot, "   ", then_cancel=True)
    page.skip()
    assert seen == [(False, True)]  # OK disabled and "a reason is needed" shown; then cancelled
    assert Step.ACCESS_KEYS not in wizard.session.skipped and wizard.currentPage() is page
    answer_skip(qtbot, "The root key is used by a legacy backup job until March")
    page.skip()
    assert wizard.session.skipped[Step.ACCESS_KEYS].startswith("The root key")
    assert wizard.currentPage().step is Step.MFA  # moved on


def test_denied_call_shows_unknown_and_blocks(qtbot, connected):
    wizard = connected
    wizard.session.aws.add_hook("before-call", denier(("iam:GetAccountSummary",)))
    page = goto_step(qtbot, wizard, 1)
    card = page.cards["root.signing-certificates"]
    assert card.finding.status is Status.UNKNOWN and "iam:GetAccountSummary" in card.summary.text()
    assert "Unknown" in card.status_word.text()
    assert not page.isComplete()
    screenshot(wizard, "30-step1-unknown")


def test_connection_lost_during_checks_reports_each_check(qtbot, connected, shown_errors):
    from botocore.exceptions import EndpointConnectionError

    def offline(model, **_):
        raise EndpointConnectionError(endpoint_url="https://iam.amazonaws.com")

    wizard = connected
    wizard.session.aws.add_hook("before-call", offline)
    page = goto_step(qtbot, wizard, 5)
    for card in page.cards.values():
        assert card.finding.status is Status.UNKNOWN and "Cannot reach AWS" in card.summary.text()


def test_contact_form_invalid_input_sends_nothing(qtbot, connected, confirmations):
    wizard = connected
    page = goto_step(qtbot, wizard, 5)
    puts = count_calls(wizard.session.aws, "PutAlternateContact")
    column = page.panel.columns["SECURITY"]
    cases = [
        ({"Name": "", "Title": "T", "E-mail": "a@example.com", "Phone": "+1 555"}, "Name"),
        ({"Name": "N" * 65, "Title": "T", "E-mail": "a@example.com", "Phone": "+1 555"}, "Name"),
        ({"Name": "N", "Title": "T" * 51, "E-mail": "a@example.com", "Phone": "+1 555"}, "Title"),
        ({"Name": "N", "Title": "T", "E-mail": "not-an-address", "Phone": "+1 555"}, "E-mail"),
        ({"Name": "N", "Title": "T", "E-mail": "a@example.com", "Phone": "call me"}, "Phone"),
    ]
    for values, bad in cases:
        for label, edit in column.edits.items():
            edit.setMaxLength(1000)
            edit.setText(values[label])
        page.panel.save.click()
        assert column.error.text().startswith(f"Security — {bad}"), (values, column.error.text())
    screenshot(wizard, "31-step5-invalid")
    assert puts == [] and confirmations == [] and wizard.session.audit.entries() == []


def test_alert_setup_failing_midway_says_what_was_done(qtbot, connected, confirmations, shown_errors):
    wizard = connected
    page = goto_step(qtbot, wizard, 6)
    wizard.session.aws.add_hook("before-call", denier(("events:PutRule",)))
    page.panel.email.setText("alerts@example.com")
    page.panel.setup.click()
    qtbot.waitUntil(lambda: bool(shown_errors) and not page.busy, timeout=TIMEOUT)
    title, text = shown_errors[-1]
    assert title == "The change did not complete"
    assert "events:PutRule" in text
    assert "Done: Create SNS topic rootwarden-root-activity" in text
    assert "Not done: Create EventBridge rule" in text
    log = [(e.action, e.result.split(":")[0]) for e in wizard.session.audit.entries()]
    assert log == [("sns:CreateTopic", "done"), ("events:PutRule", "failed")]
    assert wizard.session.findings["alerts.root-activity"].status is Status.FAIL


def test_alert_email_is_validated_first(qtbot, connected, confirmations):
    wizard = connected
    page = goto_step(qtbot, wizard, 6)
    creates = count_calls(wizard.session.aws, "CreateTopic")
    page.panel.email.setText("alerts at example")
    page.panel.setup.click()
    assert "E-mail" in page.panel.error.text() and creates == [] and confirmations == []


def test_declined_confirmation_changes_nothing(qtbot, connected, real_dialogs):
    real_dialogs.accept = False  # the real confirmation's Cancel button is clicked
    wizard = connected
    page = goto_step(qtbot, wizard, 6)
    page.panel.email.setText("alerts@example.com")
    page.panel.setup.click()
    assert [title for title, _, _ in real_dialogs.confirmations] == [real_dialogs.confirmations[0][0]]
    assert any("alerts@example.com" in change for change in real_dialogs.confirmations[0][1])
    assert not page.busy and wizard.session.audit.entries() == []


def test_timeline_denied_says_unknown_with_the_action(qtbot, connected):
    wizard = connected
    wizard.session.aws.add_hook("before-call", denier(("cloudtrail:LookupEvents",)))
    page = goto_step(qtbot, wizard, 3)
    qtbot.waitUntil(lambda: "Unknown" in page.panel.timeline.message, timeout=TIMEOUT)
    assert "cloudtrail:LookupEvents" in page.panel.timeline.message and page.panel.timeline.activity is None


def test_cancel_stops_a_slow_check_run(qtbot, connected):
    import time

    wizard = connected
    page = goto_step(qtbot, wizard, 5)
    wizard.session.aws.add_hook("before-call", lambda **_: time.sleep(0.3))
    page.recheck()
    assert page.busy and page.cancel_button.isVisible()
    cancelled_run = page.runs._handle
    page.cancel_button.click()
    assert not page.busy and not page.cancel_button.isVisible()
    # Results the cancelled run delivers (all queued before its end) are dropped.
    qtbot.waitUntil(lambda: cancelled_run.finished, timeout=TIMEOUT)
    assert all(card.status_word.text() == "Checking…" for card in page.cards.values())
    page.recheck()
    qtbot.waitUntil(lambda: not page.busy, timeout=TIMEOUT)
    assert all(card.finding is not None for card in page.cards.values())


def test_cancel_during_a_change_stays_busy_until_it_ends_then_rechecks(qtbot, connected):
    """Cancel cannot recall a change already sent: the page shows busy until it has ended,
    then re-checks so what it shows is the account's real state."""
    import threading

    wizard = connected
    page = goto_step(qtbot, wizard, 5)
    release, started = threading.Event(), threading.Event()

    class SlowChange:
        def apply(self, aws, audit, account):
            started.set()
            release.wait(10)

    page.apply_fix(SlowChange(), "A slow change", confirmed=True)
    assert started.wait(5)
    page.cancel_button.click()
    qtbot.wait(50)
    assert page.busy and page.progress.isVisible() and not page.isComplete()
    assert "Applying the change" in page.state.text()
    with qtbot.waitSignal(page.runs.started, timeout=TIMEOUT):  # the re-check after the change ended
        release.set()
    qtbot.waitUntil(lambda: not page.busy, timeout=TIMEOUT)
    assert not page.progress.isVisible()
    assert all(card.finding is not None for card in page.cards.values())
