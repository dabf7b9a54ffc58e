"""One wizard session's state: the connection, findings, changes, skips. No Qt.

Ownership and threading: the UI thread owns the session and is the only one to change it.
Workers get the thread-safe pieces (``aws``, ``audit``) and hand results back to the UI thread.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from app.aws.context import AwsContext
from app.checks import REGISTRY, Check, Settings
from app.connection import Identity
from app.fixes.base import AuditLog, Fix
from app.fixes.root_keys import DeleteKeyInUse
from app.flow import FlowState, Mode
from app import steps
from app.model import Finding, Step
from app.steps import StepFacts, StepView


@dataclass
class WizardSession:
    flow: FlowState = field(default_factory=FlowState)
    aws: AwsContext | None = None
    identity: Identity | None = None
    practice: Any = None  # app.practice.account.PracticeAccount, only in practice mode
    audit: AuditLog = field(default_factory=AuditLog)
    findings: dict[str, Finding] = field(default_factory=dict)
    skipped: dict[Step, str] = field(default_factory=dict)
    deferred: list[Fix] = field(default_factory=list)  # run at the very end (the root key in use)
    started_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    operator: str = ""
    notes: str = ""
    saved_path: Path | None = None
    signed_record: Any = None  # app.record.history.SavedRecord once signed
    unsigned_reason: str | None = None  # why the record could not be signed (keyring), if so
    saved_predicate: dict[str, Any] | None = None  # what Review saved, to sign again from Done
    first_seen: dict[str, str] = field(default_factory=dict)  # check ID → its first status this session
    keyring_backend: Any = None  # None: the OS keyring; tests pass their own
    saved_profile: str | None = None  # the saved profile this session connected with, if any

    @property
    def settings(self) -> Settings:
        first_time = self.flow.mode is Mode.SETUP
        return Settings(session_started_at=self.started_at if first_time else None)

    @staticmethod
    def checks_for(step: Step | None) -> list[Check]:
        return [c for c in REGISTRY if step is None or c.info.step is step]

    def record(self, finding: Finding) -> None:
        self.findings[finding.id] = finding
        self.first_seen.setdefault(finding.id, finding.status.value)  # "before", for the report

    def changed_during_session(self) -> list[dict[str, str]]:
        """Each check whose status now differs from the first time this session saw it —
        console actions confirmed by a re-check included."""
        return [{"id": f.id, "title": f.info.title, "before": self.first_seen[f.id], "after": f.status.value}
                for f in self.findings_in_order() if self.first_seen.get(f.id, f.status.value) != f.status.value]

    def step_findings(self, step: Step) -> list[Finding]:
        return [self.findings[c.id] for c in self.checks_for(step) if c.id in self.findings]

    def step_facts(self, step: Step) -> StepFacts:
        """What the step's description (``app.steps``) decides on, as of now."""
        return StepFacts(findings=dict(self.findings), practice=self.flow.practice,
                         caller_is_root=bool(self.identity and self.identity.is_root), skipped=step in self.skipped,
                         key_in_use_deferred=any(isinstance(f, DeleteKeyInUse) for f in self.deferred))

    def step_view(self, step: Step) -> StepView:
        """The step's description evaluated now: progress, actions, what to poll."""
        return steps.view(step, self.step_facts(step))

    def step_done(self, step: Step) -> bool:
        """Every check of the step is judged and acceptable to its description (a skip is not done)."""
        return steps.describe(step).done(self.step_facts(step))

    def findings_in_order(self) -> list[Finding]:
        return [self.findings[c.id] for c in REGISTRY if c.id in self.findings]

    def predicate(self, previous_record: str | None = None) -> dict[str, Any]:
        """The record's predicate for this session (no secrets: key IDs in the audit log are masked)."""
        from app.model import rfc3339
        from app.record.completion import make_predicate

        ident = self.identity
        return make_predicate(
            mode=self.flow.mode.value if self.flow.mode else "setup",
            account_id=ident.account_id, account_alias=ident.alias, caller_arn=ident.caller_arn,
            operator=self.operator, notes=self.notes,
            started_at=rfc3339(self.started_at), finished_at=rfc3339(datetime.now(timezone.utc)),
            findings=[f.as_dict() for f in self.findings_in_order()],
            audit_log=[e.as_dict() for e in self.audit.entries()],
            skipped=[{"step": int(step), "title": step.title, "reason": reason} for step, reason in sorted(self.skipped.items())],
            previous_record=previous_record,
            pending_changes=[f.plan()[0].describe() for f in self.deferred],
            practice=self.flow.practice,
            changed=self.changed_during_session(),
        )
