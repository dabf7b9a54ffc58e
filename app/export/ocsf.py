"""``verify --format ocsf``: one OCSF Compliance Finding (class_uid 2003) per check.

Mapping: the check's verdict → ``compliance.status_id``/``status`` (pass → Pass/"Passed",
fail → Fail/"Failed", warn → Warning/"Warning", unknown → Unknown/"Unknown", not_applicable →
Other/"Not Applicable"); CIS and Security Hub references → ``compliance.standards`` and
``requirements``; the account → ``cloud.account.uid``; the reason code and evidence →
``unmapped``. Evidence never holds secrets (checks record IDs and dates, not keys).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from app.aws.partition import by_name
from app.model import Finding, Status

OCSF_VERSION = "1.5.0"
CLASS_UID, CATEGORY_UID, ACTIVITY_CREATE = 2003, 2, 1
COMPLIANCE_STATUS = {Status.PASS: (1, "Passed"), Status.WARN: (2, "Warning"), Status.FAIL: (3, "Failed"),
                     Status.UNKNOWN: (0, "Unknown"), Status.NOT_APPLICABLE: (99, "Not Applicable")}
SEVERITY = {"low": (2, "Low"), "medium": (3, "Medium"), "high": (4, "High"), "critical": (5, "Critical")}


def events(context: dict[str, Any], findings: list[Finding]) -> list[dict[str, Any]]:
    """The OCSF events for one run; ``context`` as ``verify`` builds it (account, caller, times)."""
    from app import __version__

    finished = datetime.fromisoformat(context["finished_at"].replace("Z", "+00:00"))
    millis = int(finished.timestamp() * 1000)
    account, region, partition = context["account_id"], context["region"], context.get("partition", "aws")
    product = {"name": "Rootwarden", "vendor_name": "Rootwarden", "uid": "rootwarden", "version": __version__}
    out = []
    for finding in findings:
        info, data = finding.info, finding.as_dict()
        status_id, status = COMPLIANCE_STATUS[finding.status]
        severity_id, severity = SEVERITY.get(info.severity.value, (0, "Unknown"))
        refs = info.references
        standards = sorted({" ".join(c.split()[:-1]) or c for c in refs.cis} | ({"AWS Foundational Security Best Practices"}
                                                                               if refs.security_hub else set()))
        out.append({
            "class_uid": CLASS_UID, "class_name": "Compliance Finding",
            "category_uid": CATEGORY_UID, "category_name": "Findings",
            "activity_id": ACTIVITY_CREATE, "activity_name": "Create",
            "type_uid": CLASS_UID * 100 + ACTIVITY_CREATE, "type_name": "Compliance Finding: Create",
            "time": millis, "time_dt": context["finished_at"],
            "severity_id": severity_id, "severity": severity,
            "status_id": 1, "status": "New", "status_code": finding.status.value.upper(), "status_detail": finding.reason,
            "message": finding.summary,
            "metadata": {"version": OCSF_VERSION, "product": product, "event_code": info.id, "profiles": ["cloud"],
                         "uid": f"rootwarden:{account}:{info.id}:{millis}"},
            "finding_info": {"uid": f"rootwarden:{account}:{info.id}", "title": info.title, "desc": finding.summary,
                             "created_time": millis, "types": [f"Root user hardening / Step {int(info.step)}"]},
            "compliance": {"status_id": status_id, "status": status, "control": info.id, "standards": standards,
                           "requirements": [*refs.cis, *(f"Security Hub {c}" for c in refs.security_hub)]},
            "cloud": {"provider": "AWS", "region": region,
                      "account": {"uid": account, "name": context.get("account_alias") or account, "type": "AWS Account",
                                  "type_id": 10}},
            "resources": [{"uid": by_name(partition).root_arn(account), "type": "AWS::IAM::Root", "cloud_partition": partition,
                           "region": region}],
            "remediation": {"desc": info.rationale, "references": [*refs.docs, finding.console_url]},
            "unmapped": {"rootwarden": {"status": finding.status.value, "reason": finding.reason, "step": int(info.step),
                                        "evidence": data["evidence"], "caller_arn": context["caller_arn"]}},
        })
    return out
