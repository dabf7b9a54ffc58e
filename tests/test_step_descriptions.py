"""Each step's rules without a display: when it is done, what it polls and until when, and which
actions it offers, decided from findings' status and reason codes and the session."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from app.checks import BY_ID, REGISTRY
from app.model import Finding, Reason, Status, Step
from app.steps import Action, ActionKind, Poll, PollStart, Progress, StepFacts, describe, view

NOW = datetime(2026, 11, 1, tzinfo=timezone.utc)


def finding(check_id: str, status: Status, reason: Reason | None = None, summary: str = "", **evidence) -> Finding:
    """A finding as the runner makes it: the real check's info, a status and a reason code."""
    return Finding(BY_ID[check_id].info, status, summary or f"{check_id} {status.value}", evidence, NOW,
                   reason.value if reason else "")


def facts(*findings: Finding, **session) -> StepFacts:
    return StepFacts(findings={f.id: f for f in findings}, **session)


PASSING = {c.id: finding(c.id, Status.PASS) for c in REGISTRY}


def passing(step: Step, *replacements: Finding, **session) -> StepFacts:
    """Every check of ``step`` passes except the ``replacements``."""
    found = {i: f for i, f in PASSING.items() if f.step is step}
    found.update({f.id: f for f in replacements})
    return StepFacts(findings=found, **session)


# -- done: one definition for every step --------------------------------------------------------

@pytest.mark.parametrize("step", list(Step))
def test_a_step_is_done_when_every_check_passes(step):
    result = view(step, passing(step))
    assert result.progress is Progress.DONE and result.can_go_on and describe(step).done(passing(step))


@pytest.mark.parametrize("step", list(Step))
def test_a_step_is_not_checked_until_every_check_has_a_verdict(step):
    one_missing = {i: f for i, f in passing(step).findings.items() if i != describe(step).check_ids[-1]}
    result = view(step, StepFacts(findings=one_missing))
    assert result.progress is Progress.NOT_CHECKED and not result.can_go_on


@pytest.mark.parametrize("step", list(Step))
def test_unknown_blocks_and_a_skip_lets_the_user_go_on(step):
    first = describe(step).check_ids[0]
    unknown = finding(first, Status.UNKNOWN, Reason.DENIED)
    assert view(step, passing(step, unknown)).progress is Progress.UNKNOWN
    assert not view(step, passing(step, unknown)).can_go_on
    skipped = view(step, passing(step, unknown, skipped=True))
    assert skipped.progress is Progress.SKIPPED and skipped.can_go_on
    assert not describe(step).done(passing(step, unknown, skipped=True))  # a skip is not "done"


def test_a_fix_made_after_a_skip_shows_the_step_done():
    assert view(Step.MFA, passing(Step.MFA, skipped=True)).progress is Progress.DONE


def test_the_check_ids_are_the_registry_s_for_each_step():
    assert describe(Step.ACCESS_KEYS).check_ids == ("root.access-keys", "root.signing-certificates")
    assert describe(Step.CONTACTS).check_ids == ("contacts.security", "contacts.billing", "contacts.operations")
    assert sorted(i for s in Step for i in describe(s).check_ids) == sorted(c.id for c in REGISTRY)


def test_progress_words_are_words():
    assert {p.word for p in Progress} >= {"Done", "Skipped", "Needs action", "Unknown", "Not checked yet"}


# -- Step 1 ---------------------------------------------------------------------------------------

KEY_ACTIVE = finding("root.access-keys", Status.FAIL, Reason.ROOT_KEY_ACTIVE)
KEY_INACTIVE = finding("root.access-keys", Status.FAIL, Reason.ROOT_KEY_INACTIVE)


def test_step1_not_root_gets_the_console_and_polls_the_keys_until_they_pass():
    result = view(Step.ACCESS_KEYS, passing(Step.ACCESS_KEYS, KEY_ACTIVE))
    assert result.progress is Progress.NEEDS_ACTION and not result.can_go_on
    assert result.actions == (Action.CONSOLE_DELETE_ROOT_KEYS,)  # no simulation on a real account
    assert result.poll == Poll(("root.access-keys",), PollStart.NOW)
    assert view(Step.ACCESS_KEYS, passing(Step.ACCESS_KEYS)).poll is None  # until it passes


def test_step1_practice_adds_the_simulation():
    result = view(Step.ACCESS_KEYS, passing(Step.ACCESS_KEYS, KEY_INACTIVE, practice=True))
    assert result.actions == (Action.CONSOLE_DELETE_ROOT_KEYS, Action.SIMULATE_DELETE_ROOT_KEYS)


def test_step1_root_deletes_its_keys_itself_and_nothing_polls():
    result = view(Step.ACCESS_KEYS, passing(Step.ACCESS_KEYS, KEY_ACTIVE, caller_is_root=True))
    assert result.actions == (Action.DELETE_ROOT_KEYS,) and result.poll is None


def test_step1_key_in_use_deferred_finishes_at_the_end():
    deferred = passing(Step.ACCESS_KEYS, KEY_ACTIVE, caller_is_root=True, key_in_use_deferred=True)
    result = view(Step.ACCESS_KEYS, deferred)
    assert result.progress is Progress.FINISHES_LATER and result.can_go_on and result.actions == ()
    assert not describe(Step.ACCESS_KEYS).done(deferred)


def test_step1_deferred_key_does_not_excuse_an_unknown_or_a_denied_key_check():
    cert_unknown = finding("root.signing-certificates", Status.UNKNOWN, Reason.STALE_SOURCE)
    assert view(Step.ACCESS_KEYS, passing(Step.ACCESS_KEYS, KEY_ACTIVE, cert_unknown, key_in_use_deferred=True)).progress \
        is Progress.NEEDS_ACTION
    keys_unknown = finding("root.access-keys", Status.UNKNOWN, Reason.STALE_SOURCE)
    assert view(Step.ACCESS_KEYS, passing(Step.ACCESS_KEYS, keys_unknown, key_in_use_deferred=True)).progress is Progress.UNKNOWN


def test_step1_keys_unknown_offers_nothing_and_does_not_poll():
    keys_unknown = finding("root.access-keys", Status.UNKNOWN, Reason.DENIED)
    result = view(Step.ACCESS_KEYS, passing(Step.ACCESS_KEYS, keys_unknown))
    assert result.actions == () and result.poll is None


def test_step1_a_signing_certificate_is_a_warning_not_a_blocker():
    cert = finding("root.signing-certificates", Status.WARN, Reason.SIGNING_CERTIFICATE)
    assert view(Step.ACCESS_KEYS, passing(Step.ACCESS_KEYS, cert)).progress is Progress.WARNING


# -- Step 2 ---------------------------------------------------------------------------------------

NO_MFA = finding("root.mfa", Status.FAIL, Reason.NO_MFA)


def test_step2_polls_root_mfa_until_it_passes():
    result = view(Step.MFA, passing(Step.MFA, NO_MFA, finding("root.mfa-hardware", Status.FAIL, Reason.NO_MFA)))
    assert result.poll == Poll(("root.mfa", "root.mfa-hardware"), PollStart.NOW)
    assert result.actions == (Action.CONSOLE_ROOT_MFA, Action.ENROLL_USER_MFA)
    assert view(Step.MFA, passing(Step.MFA)).poll is None
    assert view(Step.MFA, passing(Step.MFA)).actions == (Action.ENROLL_USER_MFA,)  # IAM users still need MFA


def test_step2_virtual_mfa_is_done_with_a_warning():
    virtual = finding("root.mfa-hardware", Status.WARN, Reason.VIRTUAL_MFA)
    result = view(Step.MFA, passing(Step.MFA, virtual))
    assert result.progress is Progress.WARNING and result.poll is None


def test_step2_no_console_in_the_partition_is_done_and_guides_nothing():
    na = [finding(i, Status.NOT_APPLICABLE, Reason.NO_CONSOLE_IN_PARTITION) for i in ("root.mfa", "root.mfa-hardware")]
    result = view(Step.MFA, facts(*na, practice=True))
    assert result.progress is Progress.DONE and Action.CONSOLE_ROOT_MFA not in result.actions and result.poll is None


def test_step2_unknown_mfa_is_not_polled():
    stale = finding("root.mfa", Status.UNKNOWN, Reason.STALE_SOURCE)
    assert view(Step.MFA, passing(Step.MFA, stale)).poll is None


# -- Step 3 ---------------------------------------------------------------------------------------

USED = finding("root.recent-use", Status.FAIL, Reason.USED_RECENTLY, last_used="2026-10-30T10:00:00Z", threshold_days=30)


def test_step3_recent_use_offers_the_30_day_advice_on_a_real_account():
    result = view(Step.LIMIT_USE, facts(USED))
    assert result.progress is Progress.NEEDS_ACTION and result.actions == (Action.ROOT_USE_ADVICE,) and result.poll is None


def test_step3_practice_can_let_time_pass():
    assert view(Step.LIMIT_USE, facts(USED, practice=True)).actions == (Action.ROOT_USE_ADVICE, Action.SIMULATE_TIME_PASSES)


def test_step3_use_during_this_session_is_a_warning_with_no_advice():
    session_use = finding("root.recent-use", Status.WARN, Reason.USED_THIS_SESSION)
    result = view(Step.LIMIT_USE, facts(session_use))
    assert result.progress is Progress.WARNING and result.actions == ()


def test_step3_advice_names_the_threshold_the_date_and_re_verification():
    from app.steps.limit_use import root_use_advice

    text = " ".join(root_use_advice(30, "2026-10-30T10:00:00Z"))
    assert "30 days" in text and "2026-10-30" in text and "Re-verify" in text and "legitimate" in text


# -- Step 4 ---------------------------------------------------------------------------------------

NO_CENTRAL = finding("identity.central", Status.FAIL, Reason.NO_CENTRAL_IDENTITY)
ORG_NA = finding("org.root-credentials-management", Status.NOT_APPLICABLE, Reason.NO_ORGANIZATION)


def test_step4_guides_identity_center_and_polls_only_after_the_console_is_opened():
    result = view(Step.IDENTITY, facts(NO_CENTRAL, ORG_NA, practice=True))
    assert result.actions == (Action.CONSOLE_IDENTITY_CENTER, Action.SIMULATE_IDENTITY_CENTER)
    assert result.poll == Poll(("identity.central",), PollStart.AFTER_CONSOLE)
    assert result.progress is Progress.NEEDS_ACTION


def test_step4_console_passwords_left_are_a_warning_with_advice():
    users = finding("identity.central", Status.WARN, Reason.CONSOLE_PASSWORDS_REMAIN, iam_users_with_console_password=["alice"])
    result = view(Step.IDENTITY, facts(users, ORG_NA))
    assert result.progress is Progress.WARNING and result.actions == (Action.MOVE_CONSOLE_USERS,) and result.poll is None


@pytest.mark.parametrize("reason, fixable", [(Reason.TRUSTED_ACCESS_DISABLED, True), (Reason.FEATURES_DISABLED, True),
                                             (Reason.CONSOLIDATED_BILLING_ONLY, False)])
def test_step4_central_root_access_is_offered_by_reason_code(reason, fixable):
    org = finding("org.root-credentials-management", Status.FAIL, reason)
    result = view(Step.IDENTITY, facts(PASSING["identity.central"], org))
    assert (Action.ENABLE_CENTRAL_ROOT_ACCESS in result.actions) is fixable
    assert result.progress is Progress.NEEDS_ACTION


def test_step4_member_account_is_done():
    member = finding("org.root-credentials-management", Status.NOT_APPLICABLE, Reason.MEMBER_ACCOUNT)
    assert view(Step.IDENTITY, facts(PASSING["identity.central"], member)).progress is Progress.DONE


# -- Step 5 ---------------------------------------------------------------------------------------

def test_step5_one_form_for_the_missing_contacts():
    missing = finding("contacts.billing", Status.FAIL, Reason.CONTACT_MISSING)
    result = view(Step.CONTACTS, passing(Step.CONTACTS, missing))
    assert result.actions == (Action.SET_CONTACTS,) and result.progress is Progress.NEEDS_ACTION
    assert describe(Step.CONTACTS).missing(passing(Step.CONTACTS, missing)) == ("BILLING",)


def test_step5_a_denied_contact_is_unknown_and_offers_no_form():
    denied = finding("contacts.security", Status.UNKNOWN, Reason.DENIED)
    result = view(Step.CONTACTS, passing(Step.CONTACTS, denied))
    assert result.actions == () and result.progress is Progress.UNKNOWN


# -- Step 6 ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("status, reason", [(Status.FAIL, Reason.NO_ALERT), (Status.FAIL, Reason.RULE_DISABLED),
                                            (Status.FAIL, Reason.NO_CONFIRMED_SUBSCRIBER), (Status.FAIL, Reason.DELIVERY_BLOCKED),
                                            (Status.WARN, Reason.PARTIAL_COVERAGE)])
def test_step6_set_up_is_offered_for_what_it_repairs(status, reason):
    result = view(Step.ALERTS, facts(finding("alerts.root-activity", status, reason)))
    assert result.actions == (Action.SET_UP_ALERTS,) and result.poll is None


def test_step6_polls_until_the_subscription_is_confirmed():
    pending = finding("alerts.root-activity", Status.WARN, Reason.PENDING_CONFIRMATION)
    result = view(Step.ALERTS, facts(pending, practice=True))
    assert result.actions == (Action.CONFIRM_SUBSCRIPTION, Action.SIMULATE_CONFIRMATION)
    assert result.poll == Poll(("alerts.root-activity",), PollStart.NOW)
    assert result.progress is Progress.WAITING and result.progress.word == "Waiting for confirmation"
    assert result.can_go_on  # the e-mail may take a while: the admin may go on, the Done page reminds
    assert not describe(Step.ALERTS).done(facts(pending))
    assert view(Step.ALERTS, facts(PASSING["alerts.root-activity"])).poll is None


def test_step6_unknown_pattern_offers_nothing():
    odd = finding("alerts.root-activity", Status.UNKNOWN, Reason.UNSUPPORTED_PATTERN)
    assert view(Step.ALERTS, facts(odd)).actions == ()


def test_decisions_never_read_the_summary():
    """The same codes with a misleading sentence decide the same way."""
    lying = finding("alerts.root-activity", Status.WARN, Reason.PENDING_CONFIRMATION, summary="consolidated billing; all good")
    assert view(Step.ALERTS, facts(lying)).actions == (Action.CONFIRM_SUBSCRIPTION,)


def test_practice_actions_never_reach_a_real_account():
    everything = StepFacts(findings={**PASSING, "root.access-keys": KEY_ACTIVE, "root.mfa": NO_MFA, "root.recent-use": USED,
                                     "identity.central": NO_CENTRAL,
                                     "alerts.root-activity": finding("alerts.root-activity", Status.WARN, Reason.PENDING_CONFIRMATION)})
    offered = [a for s in Step for a in view(s, everything).actions]
    assert offered and all(a.kind is not ActionKind.PRACTICE for a in offered)


# -- the practice account's real findings ----------------------------------------------------------

def test_the_seeded_practice_account_s_findings_drive_every_step(practice):
    """The real checks on the seeded account (SPEC §9), read by the descriptions."""
    from app.runner import run_checks

    found = {f.id: f for f in run_checks(practice.aws_context(), REGISTRY)}
    real = StepFacts(findings=found, practice=True)
    views = {step: view(step, real) for step in Step}
    assert views[Step.ACCESS_KEYS].actions == (Action.CONSOLE_DELETE_ROOT_KEYS, Action.SIMULATE_DELETE_ROOT_KEYS)
    assert views[Step.MFA].poll is not None and Action.CONSOLE_ROOT_MFA in views[Step.MFA].actions
    assert views[Step.LIMIT_USE].actions == (Action.ROOT_USE_ADVICE, Action.SIMULATE_TIME_PASSES)
    assert Action.CONSOLE_IDENTITY_CENTER in views[Step.IDENTITY].actions
    assert views[Step.CONTACTS].actions == (Action.SET_CONTACTS,)
    assert views[Step.ALERTS].actions == (Action.SET_UP_ALERTS,)
    assert all(v.progress is Progress.NEEDS_ACTION for v in views.values())


def test_the_session_gives_each_step_its_facts():
    from app.connection import Identity
    from app.fixes.root_keys import DeleteKeyInUse
    from app.flow import FlowState
    from app.session import WizardSession

    session = WizardSession(flow=FlowState(practice=True))
    session.identity = Identity("123456789012", "arn:aws:iam::123456789012:root", None, "long-term access key", "AKIAROOTKEYINUSE0001")
    session.record(KEY_ACTIVE)
    session.record(PASSING["root.signing-certificates"])
    assert session.step_view(Step.ACCESS_KEYS).actions == (Action.DELETE_ROOT_KEYS,)
    session.deferred.append(DeleteKeyInUse("AKIAROOTKEYINUSE0001"))
    assert session.step_view(Step.ACCESS_KEYS).progress is Progress.FINISHES_LATER and not session.step_done(Step.ACCESS_KEYS)
    session.skipped[Step.MFA] = "later"
    assert session.step_facts(Step.MFA).skipped and not session.step_facts(Step.LIMIT_USE).skipped


# -- the step list ---------------------------------------------------------------------------------

def test_jumps_go_back_to_visited_pages_but_never_past_a_commit_page():
    from app.flow import PageId as P
    from app.steps.outline import can_jump_back

    history = [P.WELCOME, P.CONNECT, P.STEP_1, P.STEP_2, P.STEP_3]
    assert can_jump_back(history, P.STEP_1, lambda p: False)
    assert not can_jump_back(history, P.STEP_3, lambda p: False)  # already there
    assert not can_jump_back(history, P.STEP_4, lambda p: False)  # never visited
    signed = [*history, P.STEP_4, P.STEP_5, P.STEP_6, P.REVIEW, P.DONE]
    assert not can_jump_back(signed, P.STEP_2, lambda p: p is P.REVIEW)
    assert can_jump_back(signed[:-1], P.STEP_2, lambda p: p is P.REVIEW)  # from Review itself: yes


def test_the_outline_lists_the_path_with_words_and_reachability():
    from app.flow import FlowState, Mode, PageId as P
    from app.steps.outline import outline

    flow = FlowState(Mode.SETUP)
    found = {**PASSING, "root.mfa": NO_MFA}
    views = {s: view(s, StepFacts(findings=found if s <= Step.MFA else {}, skipped=s is Step.ACCESS_KEYS)) for s in Step}
    views[Step.ACCESS_KEYS] = view(Step.ACCESS_KEYS, StepFacts(findings={"root.access-keys": KEY_ACTIVE}, skipped=True))
    entries = outline(flow, views, [P.WELCOME, P.CONNECT, P.STEP_1, P.STEP_2])
    assert [e.label for e in entries][:3] == ["Welcome", "Connect", "Step 1 · Remove root access keys"]
    assert len(entries) == 10 and entries[-1].label == "Done"
    by_page = {e.page: e for e in entries}
    assert by_page[P.STEP_1].word == "Skipped" and by_page[P.STEP_1].reachable
    assert by_page[P.STEP_2].word == "Needs action" and by_page[P.STEP_2].current and not by_page[P.STEP_2].reachable
    assert by_page[P.STEP_3].word == "Not yet" and not by_page[P.STEP_3].reachable
    assert by_page[P.CONNECT].word == "Done"
    assert by_page[P.STEP_1].accessible_name == "Step 1 · Remove root access keys: Skipped, press Enter to go back to it"
    reverify = outline(FlowState(Mode.REVERIFY), views, [P.WELCOME])
    assert [e.page for e in reverify] == [P.WELCOME, P.CONNECT, P.CHECKLIST, P.REVIEW, P.DONE]


def test_step5_tells_the_form_which_contacts_are_missing_set_or_unreadable():
    missing = finding("contacts.billing", Status.FAIL, Reason.CONTACT_MISSING)
    denied = finding("contacts.operations", Status.UNKNOWN, Reason.DENIED)
    states = describe(Step.CONTACTS).states(facts(PASSING["contacts.security"], missing, denied))
    assert states == {"SECURITY": "set", "BILLING": "missing", "OPERATIONS": "unknown"}


def test_step6_alerts_go_to_the_security_contact_by_default():
    from app.steps.alerts import default_address

    security = finding("contacts.security", Status.PASS, Reason.COMPLIANT, EmailAddress="sec@example.com", Name="Sec")
    assert default_address(facts(security)) == "sec@example.com"
    assert default_address(facts(finding("contacts.security", Status.FAIL, Reason.CONTACT_MISSING))) is None
    assert default_address(facts()) is None
