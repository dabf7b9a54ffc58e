"""``verify --format junit``: JUnit XML for CI dashboards, one test case per check.

fail → ``<failure>``, unknown → ``<error>`` (the check could not be judged), not_applicable →
``<skipped>``, warn → a passing case whose ``<system-out>`` says WARN; pass → a passing case.
Text from AWS is stripped of characters XML 1.0 cannot carry; ElementTree escapes the rest.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from app.model import Finding, Status

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def document(context: dict[str, Any], findings: list[Finding]) -> str:
    counts = {status: sum(1 for f in findings if f.status is status) for status in Status}
    suites = ET.Element("testsuites", name="rootwarden", tests=str(len(findings)))
    suite = ET.SubElement(suites, "testsuite", name=_clean(f"rootwarden {context['account_id']}"), tests=str(len(findings)),
                          failures=str(counts[Status.FAIL]), errors=str(counts[Status.UNKNOWN]),
                          skipped=str(counts[Status.NOT_APPLICABLE]), timestamp=context["finished_at"])
    properties = ET.SubElement(suite, "properties")
    for name in ("account_id", "caller_arn", "region", "started_at", "finished_at"):
        ET.SubElement(properties, "property", name=name, value=_clean(str(context.get(name, ""))))
    for finding in findings:
        case = ET.SubElement(suite, "testcase", classname=f"rootwarden.step{int(finding.step)}",
                             name=_clean(f"{finding.id}: {finding.info.title}"))
        detail = _clean(f"{finding.summary}\nreason: {finding.reason}\nremediation: {finding.info.rationale}\n"
                        f"console: {finding.console_url}")
        if finding.status is Status.FAIL:
            ET.SubElement(case, "failure", message=_clean(finding.summary), type=finding.reason).text = detail
        elif finding.status is Status.UNKNOWN:
            ET.SubElement(case, "error", message=_clean(finding.summary), type=finding.reason).text = detail
        elif finding.status is Status.NOT_APPLICABLE:
            ET.SubElement(case, "skipped", message=_clean(finding.summary))
        elif finding.status is Status.WARN:
            ET.SubElement(case, "system-out").text = _clean(f"WARN ({finding.reason}): {finding.summary}")
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _clean(text: str) -> str:
    return _NOT_XML.sub("\N{REPLACEMENT CHARACTER}", text)
