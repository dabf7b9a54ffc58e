"""Fixes in the domain: plans, idempotency, tags, audit, and failures midway."""
from __future__ import annotations

import json

import pytest
from botocore.stub import Stubber

from app.errors import InvalidInput
from app.fixes.alerts import NAME, SetUpRootAlerts
from app.fixes.base import AuditLog, FixFailed
from app.fixes.contacts import Contact, SetAlternateContact, SetAlternateContacts
from app.fixes.org_root_access import EnableCentralRootAccess
from app.fixes.root_keys import DeleteKeyInUse, root_key_deletion
from app.model import Status
from app.practice import moto_gaps
from tests.support import ACCOUNT_ID


def test_alerts_fix_is_idempotent_tagged_and_scoped(account):
    aws, audit = account.context(), AuditLog()
    fix = SetUpRootAlerts(ACCOUNT_ID, "alerts@example.com")
    fix.apply(aws, audit, ACCOUNT_ID)
    fix.apply(aws, audit, ACCOUNT_ID)
    sns, events = account.client("sns"), account.client("events")
    assert [t["TopicArn"] for t in sns.list_topics()["Topics"]] == [fix.topic_arn]
    subs = sns.list_subscriptions_by_topic(TopicArn=fix.topic_arn)["Subscriptions"]
    assert len(subs) == 1 and subs[0]["SubscriptionArn"] == "PendingConfirmation"
    assert [r["Name"] for r in events.list_rules()["Rules"]] == [NAME]
    assert events.list_tags_for_resource(ResourceARN=fix.rule_arn)["Tags"] == [{"Key": "rootwarden:managed", "Value": "true"}]
    assert {"Key": "rootwarden:managed", "Value": "true"} in sns.list_tags_for_resource(ResourceArn=fix.topic_arn)["Tags"]
    policy = json.loads(sns.get_topic_attributes(TopicArn=fix.topic_arn)["Attributes"]["Policy"])
    publish = [s for s in policy["Statement"] if s["Principal"] == {"Service": "events.amazonaws.com"}][0]
    assert publish["Condition"] == {"ArnEquals": {"aws:SourceArn": fix.rule_arn}}
    assert [e.result for e in audit.entries() if e.action == "sns:Subscribe"] == ["done; AWS has sent a confirmation e-mail", "already in place"]
    # And the check agrees: pending until confirmed, then pass.
    assert account.check("alerts.root-activity").status is Status.WARN
    moto_gaps.confirm_email_subscriptions(ACCOUNT_ID)
    assert account.check("alerts.root-activity").status is Status.PASS


def test_fix_failing_midway_lists_done_and_not_done(account):
    audit = AuditLog()
    with pytest.raises(FixFailed) as failure:
        SetUpRootAlerts(ACCOUNT_ID, "a@example.com").apply(account.context(deny=("sns:SetTopicAttributes",)), audit, ACCOUNT_ID)
    assert [c.action for c in failure.value.done] == ["sns:CreateTopic", "events:PutRule"]
    assert [c.action for c in failure.value.not_done] == ["sns:SetTopicAttributes", "sns:Subscribe", "events:PutTargets"]
    assert [e.result.split(":")[0] for e in audit.entries()] == ["done", "done", "failed"]


@pytest.mark.parametrize("field, contact", [
    ("Name", Contact("SECURITY", " ", "t", "a@b.co", "1")),
    ("E-mail", Contact("SECURITY", "n", "t", "a@b", "1")),
    ("E-mail", Contact("SECURITY", "n", "t", "billing@example.com<!--", "1")),
    ("E-mail", Contact("SECURITY", "n", "t", "Alex <alex@example.com>", "1")),
    ("Phone", Contact("SECURITY", "n", "t", "a@b.co", "+1 (555) abc")),
    ("Contact type", Contact("LEGAL", "n", "t", "a@b.co", "1")),
])
def test_contact_validation(field, contact):
    with pytest.raises(InvalidInput) as error:
        SetAlternateContact(contact)
    assert error.value.field == field


def test_contact_fix_sets_the_contact(account):
    SetAlternateContact(Contact("BILLING", "Bill", "Finance", "bill@example.com", "+44 20 7946 0000")).apply(account.context(), AuditLog(), ACCOUNT_ID)
    assert account.check("contacts.billing").status is Status.PASS


def test_contact_problems_name_every_bad_field_at_once():
    bad = Contact("OPERATIONS", "N" * 65, "", "ops@", "555 CALL")
    assert [p.field for p in bad.problems()] == ["Name", "Title", "E-mail", "Phone"]
    assert Contact("OPERATIONS", " Ops ", "Operations", "ops@example.com", "+1 (555) 010-2").problems() == []


def test_several_contacts_are_validated_before_any_call_and_written_in_one_fix(account):
    good = Contact("BILLING", "Bill", "Finance", "bill@example.com", "+44 20 7946 0000")
    with pytest.raises(InvalidInput) as error:
        SetAlternateContacts([good, Contact("OPERATIONS", "Ops", "Operations", "ops@example", "+1 555 0102")])
    assert error.value.field == "E-mail"
    assert account.check("contacts.billing").status is Status.FAIL  # nothing was sent
    fix = SetAlternateContacts([good, Contact("OPERATIONS", " Ops ", "Operations", "ops@example.com", "+1 555 0102")])
    assert [c.describe() for c in fix.plan()] == [
        "Update billing alternate contact: name Bill, title Finance, e-mail bill@example.com, phone +44 20 7946 0000",
        "Update operations alternate contact: name Ops, title Operations, e-mail ops@example.com, phone +1 555 0102"]
    audit = AuditLog()
    fix.apply(account.context(), audit, ACCOUNT_ID)
    assert [account.check(i).status for i in ("contacts.billing", "contacts.operations")] == [Status.PASS, Status.PASS]
    assert [e.result for e in audit.entries()] == ["done", "done"]
    assert account.check("contacts.operations").evidence["PhoneNumber"] == "+1 555 0102"  # pre-fills the form
    with pytest.raises(InvalidInput):
        SetAlternateContacts([])


def test_org_fix_enables_central_root_access(account):
    account.client("organizations").create_organization(FeatureSet="ALL")
    assert account.check("org.root-credentials-management").status is Status.FAIL
    EnableCentralRootAccess().apply(account.context(), AuditLog(), ACCOUNT_ID)
    assert account.check("org.root-credentials-management").status is Status.PASS


def test_root_key_deletion_defers_the_key_in_use():
    now, later = root_key_deletion(["AKIAOTHER0000000001", "AKIAINUSE0000000001"], "AKIAINUSE0000000001")
    assert [c.action for c in now.plan()] == ["iam:UpdateAccessKey", "iam:DeleteAccessKey"]
    assert "AKIAOTHER" not in " ".join(c.describe() for c in now.plan())  # masked
    assert isinstance(later, DeleteKeyInUse) and "later re-verification" in later.plan()[0].describe()


def test_root_key_deletion_calls_without_user_name(account):
    """Root deletes its own keys: UpdateAccessKey/DeleteAccessKey with no UserName (botocore Stubber)."""
    aws = account.context()
    now, _ = root_key_deletion(["AKIAOTHER0000000001"], "AKIAINUSE0000000001")
    with Stubber(aws.client("iam")) as stub:
        stub.add_response("update_access_key", {}, {"AccessKeyId": "AKIAOTHER0000000001", "Status": "Inactive"})
        stub.add_response("delete_access_key", {}, {"AccessKeyId": "AKIAOTHER0000000001"})
        now.apply(aws, AuditLog(), ACCOUNT_ID)
        stub.assert_no_pending_responses()


def test_alerts_fix_never_takes_over_a_topic_it_did_not_create(account):
    sns = account.client("sns")
    theirs = sns.create_topic(Name=NAME)["TopicArn"]
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                                                                  "Action": "sns:Publish", "Resource": theirs}]})
    sns.set_topic_attributes(TopicArn=theirs, AttributeName="Policy", AttributeValue=policy)
    audit = AuditLog()
    with pytest.raises(FixFailed, match="was not created by Rootwarden") as failure:
        SetUpRootAlerts(ACCOUNT_ID, "a@example.com").apply(account.context(), audit, ACCOUNT_ID)
    assert "nothing was changed" in str(failure.value) and audit.entries() == []
    assert json.loads(sns.get_topic_attributes(TopicArn=theirs)["Attributes"]["Policy"]) == json.loads(policy)
    assert account.client("events").list_rules()["Rules"] == []


def test_alerts_fix_never_rewrites_a_rule_it_did_not_create(account):
    events = account.client("events")
    events.put_rule(Name=NAME, EventPattern=json.dumps({"source": ["aws.ec2"]}), State="ENABLED")
    with pytest.raises(FixFailed, match="EventBridge rule"):
        SetUpRootAlerts(ACCOUNT_ID, "a@example.com").apply(account.context(), AuditLog(), ACCOUNT_ID)
    assert json.loads(events.describe_rule(Name=NAME)["EventPattern"]) == {"source": ["aws.ec2"]}


def test_every_change_is_made_only_after_the_account_is_checked_again(account):
    """Credentials that reach another account by the time the change runs stop it, before and
    between steps; the audit log says what happened."""
    from app.errors import WrongAccount

    with pytest.raises(WrongAccount):
        SetAlternateContact(Contact("BILLING", "Bill", "Finance", "bill@example.com", "+44 20 7946 0000")).apply(
            account.context(), AuditLog(), "999999999999")
    assert account.check("contacts.billing").status is Status.FAIL  # nothing was set
    calls: list[str] = []
    aws = account.context()
    aws.add_hook("before-call", lambda model, **_: calls.append(model.name))
    SetUpRootAlerts(ACCOUNT_ID, "a@example.com").apply(aws, AuditLog(), ACCOUNT_ID)
    writes = {"CreateTopic", "PutRule", "SetTopicAttributes", "Subscribe", "PutTargets"}
    since_check = None
    for call in calls:
        if call == "GetCallerIdentity":
            since_check = 0
        elif call in writes:
            assert since_check == 0, f"{call} without a fresh account check before it: {calls}"
            since_check = 1
    assert writes <= set(calls)


@pytest.mark.parametrize("email", ["ops@example.com<!--", "<b>x</b>@example.com", "ops@example.com\x1b[2J"])
def test_alert_email_with_markup_or_control_characters_is_refused_before_any_call(email):
    with pytest.raises(InvalidInput) as error:
        SetUpRootAlerts(ACCOUNT_ID, email)
    assert error.value.field == "E-mail"
