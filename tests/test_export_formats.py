"""`verify --format ocsf` and `--format junit` (SPEC §13), read back the way the tools that
ingest them do: OCSF through py-ocsf-models, JUnit through junitparser."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from app.model import Finding, Status
from tests.cli_support import admin_keys, run_cli

STATUS_WORDS = {"pass": "Passed", "fail": "Failed", "warn": "Warning", "unknown": "Unknown", "not_applicable": "Not Applicable"}


@pytest.mark.server
def test_ocsf_is_one_valid_compliance_finding_per_check(endpoint):
    from py_ocsf_models.events.findings.compliance_finding import ComplianceFinding
    from py_ocsf_models.objects.cloud import Cloud

    keys = admin_keys(endpoint)
    result = run_cli(endpoint, keys, "--format", "ocsf")
    json_run = json.loads(run_cli(endpoint, keys, "--format", "json").stdout)
    assert result.returncode == 1, result.stderr
    assert keys[1] not in result.stdout  # no secret
    events = json.loads(result.stdout)
    assert [e["metadata"]["event_code"] for e in events] == [c["id"] for c in json_run["checks"]]
    for event, check in zip(events, json_run["checks"]):
        model = ComplianceFinding.model_validate(event)
        assert model.class_uid == 2003 and model.type_uid == 200301 and model.finding_info.title == check["title"]
        assert event["compliance"]["status"] == STATUS_WORDS[check["status"]]
        assert int(model.compliance.status_id) == {"pass": 1, "warn": 2, "fail": 3, "unknown": 0, "not_applicable": 99}[check["status"]]
        assert Cloud.model_validate(event["cloud"]).account.uid == "123456789012"
        cis = check["references"]["cis"]
        assert all(c in model.compliance.requirements for c in cis)
        assert [f"Security Hub {c}" for c in check["references"]["security_hub"]] == [
            r for r in model.compliance.requirements if r.startswith("Security Hub")]
        assert event["unmapped"]["rootwarden"]["reason"] == check["reason"]
    assert {e["compliance"]["status"] for e in events} >= {"Failed"}


@pytest.mark.server
def test_junit_has_a_case_per_check_with_failures_errors_and_skips(endpoint):
    from junitparser import Error, Failure, JUnitXml, Skipped

    keys = admin_keys(endpoint)
    result = run_cli(endpoint, keys, "--format", "junit")
    checks = json.loads(run_cli(endpoint, keys, "--format", "json").stdout)["checks"]
    assert result.returncode == 1 and keys[1] not in result.stdout
    xml = JUnitXml.fromstring(result.stdout)
    suite = next(iter(xml))
    cases = {case.name.split(":")[0]: case for case in suite}
    assert list(cases) == [c["id"] for c in checks]
    for check in checks:
        kinds = [type(r) for r in cases[check["id"]].result]
        expected = {"fail": [Failure], "unknown": [Error], "not_applicable": [Skipped]}.get(check["status"], [])
        assert kinds == expected, check["id"]
    assert suite.failures == sum(c["status"] == "fail" for c in checks)


def _finding(status: Status, summary: str) -> Finding:
    from app.checks import REGISTRY

    return Finding(REGISTRY[0].info, status, summary, {"note": summary}, datetime(2026, 11, 28, tzinfo=timezone.utc))


CONTEXT = {"account_id": "123456789012", "caller_arn": "arn:aws:iam::123456789012:user/a", "region": "us-east-1",
           "started_at": "2026-11-28T10:00:00Z", "finished_at": "2026-11-28T10:00:05Z", "partition": "aws"}


def test_hostile_text_stays_text_in_junit_and_warn_is_a_passing_case_with_a_note():
    from junitparser import JUnitXml

    from app.export.junit import document

    hostile = "Team <b>]]></failure><script>x</script>\x07\x1b[31m & ‘quotes’"
    xml = JUnitXml.fromstring(document(CONTEXT, [_finding(Status.FAIL, hostile), _finding(Status.WARN, hostile)]))
    failing, warning = list(next(iter(xml)))
    assert failing.result[0].message == hostile.replace("\x07", "\ufffd").replace("\x1b", "\ufffd")
    assert warning.result == [] and warning.system_out.startswith("WARN (")


def test_ocsf_statuses_cover_every_verdict():
    from py_ocsf_models.events.findings.compliance_finding import ComplianceFinding

    from app.export.ocsf import events

    found = events(CONTEXT, [_finding(status, "s") for status in Status])
    assert [e["compliance"]["status"] for e in found] == [STATUS_WORDS[s.value] for s in Status]
    assert all(ComplianceFinding.model_validate(e) for e in found)
