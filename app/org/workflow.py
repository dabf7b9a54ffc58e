"""What one organization session has done so far (the wizard's Organization path, SPEC §12):
the readiness read, the latest scan, every change made (readiness fixes, deletions, contacts) and
the root sessions those changes opened — everything the signed org record needs.

Ownership and threading: one ``OrgWorkflow`` per wizard, owned by the UI thread. Workers run
the blocking calls (``read_readiness``, ``scan``, ``execute`` …) on inputs they are handed and
return results; only the UI thread calls the ``record_*`` methods, so no lock is needed. No Qt.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from app.org.member_audit import RootSessionInfo

ENABLE = "enable"
DELETE = "delete-root-credential"
CONTACT = "put-alternate-contact"


@dataclass
class OrgWorkflow:
    practice: bool = False
    readiness: Any = None  # app.org.readiness.Readiness, the latest read
    scan: Any = None  # app.org.scan.OrgScan, as it stands after the changes recorded since
    change_log: list[dict[str, Any]] = field(default_factory=list)
    extra_sessions: list[RootSessionInfo] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether anything in AWS was changed (the wizard asks before leaving)."""
        return any(entry.get("outcome") == "done" for entry in self.change_log)

    def record_readiness(self, readiness: Any, results: Iterable[Any] = ()) -> None:
        """A readiness read, and the results of the fixes applied before it (if any)."""
        self.change_log += [{"kind": ENABLE, **r.as_dict()} for r in results]
        self.readiness = readiness

    def record_scan(self, scan: Any) -> None:
        self.scan = scan

    def record_preparation(self, preparation: Any) -> None:
        """The root sessions of a deletion's planning audit (``app.org.delete.prepare``): opened
        whether or not the deletion is then confirmed, so they belong in the record."""
        self.extra_sessions += [m.session for m in preparation.scan.members if m.session is not None]

    def record_deletion(self, run: Any) -> None:
        """A deletion run: its change log, its root sessions, and the re-audited accounts
        replacing their findings in the current scan."""
        from app.org.delete import after_deletion

        self.change_log += [{"kind": DELETE, **entry} for entry in run.change_log()]
        if self.scan is not None:
            self.scan, sessions = after_deletion(self.scan, run)
            self.extra_sessions += sessions

    def record_contacts(self, entries: Iterable[dict[str, Any]], findings: dict[str, tuple[Any, ...]] | None = None) -> None:
        """Contacts put onto accounts: the change log entries, and (when re-read) each
        account's contact findings replacing the ones in the current scan."""
        from dataclasses import replace

        self.change_log += [{"kind": CONTACT, **entry} for entry in entries]
        if self.scan is None or not findings:
            return
        members = []
        for result in self.scan.members:
            new = findings.get(result.member.id)
            if new is None:
                members.append(result)
                continue
            ids = {f.id for f in new}
            members.append(replace(result, findings=tuple(f for f in result.findings if f.id not in ids) + tuple(new)))
        self.scan = replace(self.scan, members=tuple(members))

    def predicate(self, operator: str, notes: str = "") -> dict[str, Any]:
        """The org record's predicate for the session so far (``previous_record`` is set when
        it is signed)."""
        from app.org.record import org_predicate

        if self.scan is None:
            raise ValueError("nothing to record before the organization was scanned")
        return org_predicate(self.scan, operator=operator, notes=notes, practice=self.practice,
                             change_log=self.change_log, extra_sessions=self.extra_sessions)
