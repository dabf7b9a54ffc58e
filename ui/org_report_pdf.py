"""Render a verified organization record as the printable organization report (SPEC §12).

Order: a one-page summary (organization, coverage, accounts per verdict, members per check
verdict, the CloudTrail disclosure); the accounts that need attention (fail, then unknown with
its reason code and what to do, then warn); the changes made; the signature, QR code and how to
verify; then Appendix A, every account with one status word per check, and Appendix B, every
``AssumeRoot`` session (for matching CloudTrail). Status is always a word as well as a colour,
so the report reads in grayscale.

Everything from the record (account names, OUs, the operator, notes, change-log entries) is
data: control characters and bidi overrides are shown as visible escapes
(``app.text_safety.for_terminal``) and the text is HTML-escaped, so a name such as
``<b>ALL PASSED</b>`` prints as its characters. The page machinery (font, footer, watermark,
QR code, PDF writer) is ``ui.report_pdf``'s. UI thread only (Qt painting).
"""
from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any, Iterable

from app.model import Status
from app.org.scan import DISCLOSURE
from app.text.palette import STATUS_HEX
from app.text.report import QR_RESOURCE, RECIPE, STYLESHEET
from app.text_safety import for_terminal
from ui.report_pdf import check_written, new_document, paint_document, pdf_writer, render_without_window

PRACTICE_WATERMARK = "SIMULATED ORGANIZATION — NOT EVIDENCE"
ORDER = (Status.FAIL, Status.UNKNOWN, Status.WARN, Status.PASS, Status.NOT_APPLICABLE)
SHORT = {  # column headings of the appendix; any other check is shown by its ID without "member."
    "member.root-password": "Password",
    "member.root-access-keys": "Access keys",
    "member.root-signing-certificates": "Signing certs",
    "member.root-mfa": "MFA",
    "member.root-credential-free": "Credential-free",
    "member.contacts.security": "Security contact",
    "member.contacts.billing": "Billing contact",
    "member.contacts.operations": "Operations contact",
}
TINY = {  # the same, when more than five checks share the width (the legend names each in full)
    "member.root-password": "Passwd",
    "member.root-access-keys": "Keys",
    "member.root-signing-certificates": "Certs",
    "member.root-mfa": "MFA",
    "member.root-credential-free": "No creds",
    "member.contacts.security": "Security",
    "member.contacts.billing": "Billing",
    "member.contacts.operations": "Ops",
}
ROWS_PER_TABLE = 100  # long tables are split (same columns, heading repeated): Qt lays them out much faster
_RERUN = "then re-run <span class='mono'>rootwarden org verify --accounts {id}</span>."
ADVICE = {  # what to do about an account that could not be audited, by its reason code (SPEC §12)
    "scp-denies-root-session": "Add the exemption named above to the service control policy's deny-root statement, " + _RERUN,
    "assume-root-denied": "Check that the caller may call sts:AssumeRoot (the management account or the IAM delegated "
                          "administrator) and that the account still belongs to the organization, " + _RERUN,
    "feature-disabled": "Enable privileged root actions (RootSessions) with <span class='mono'>rootwarden org enable</span> "
                        "or IAM → Root access management, " + _RERUN,
    "throttled": "AWS throttled the audit of this account; wait a few minutes, " + _RERUN,
    "timeout": "AWS did not answer in time; check the network, " + _RERUN,
    "account-not-active": "The account is not ACTIVE yet; once it is, " + _RERUN,
    "cancelled": "The run was cancelled before this account was audited; " + _RERUN,
    "denied": "A call in the root session was denied (named above); check the service control policies, " + _RERUN,
}
DEFAULT_ADVICE = "Read the reason above, fix its cause, " + _RERUN


def text(value: Any) -> str:
    """Record data as HTML text that shows exactly its characters (controls as escapes)."""
    return escape(for_terminal("" if value is None else value), quote=True)


def clip(value: Any, limit: int) -> str:
    """``text`` of at most ``limit`` characters (an ellipsis says some were left out)."""
    shown = for_terminal("" if value is None else value)
    return escape(shown if len(shown) <= limit else shown[: limit - 1] + "…", quote=True)


def short_ou(path: Any, limit: int = 16) -> str:
    """An OU path for a narrow column: without the leading "Root/", and when still long, its
    last segments after "…/" (the leaf names the OU; the full path is in the exceptions)."""
    shown = for_terminal("" if path is None else path)
    if not shown:
        return "—"
    if shown.startswith("Root/"):
        shown = shown[len("Root/"):]
    if len(shown) > limit:
        tail = ""
        for segment in reversed(shown.split("/")):
            if len(segment) + len(tail) + 3 > limit:
                break
            tail = f"/{segment}{tail}"
        shown = f"…{tail}" if tail else "…" + shown[1 - limit:]
    return escape(shown, quote=True)


def status_of(value: Any) -> Status:
    try:
        return Status(value)
    except ValueError:
        return Status.UNKNOWN  # a status this version does not know is never shown as a pass


def verdict(account: dict[str, Any]) -> Status:
    """An account's verdict: its worst check (fail, unknown, warn, pass), N/A if all are."""
    statuses = {status_of(f.get("status")) for f in account.get("findings", [])}
    return next((s for s in ORDER if s in statuses), Status.NOT_APPLICABLE)


def check_ids(accounts: Iterable[dict[str, Any]]) -> list[str]:
    """Every check in the record, in the order the record first gives them."""
    seen: dict[str, None] = {}
    for account in accounts:
        for finding in account.get("findings", []):
            seen.setdefault(str(finding.get("id")), None)
    return list(seen)


def word(status: Status, bold: bool = True, size: str = "") -> str:
    """The status word in its colour (``size``: a font size, set here because Qt does not pass a
    cell's CSS font size on to the elements inside it)."""
    weight = ";font-weight:bold" if bold else ""
    size = f";font-size:{size}" if size else ""
    return f"<span style='color:{STATUS_HEX[status]}{weight}{size}'>{status.word}</span>"


def footer_text(predicate: dict[str, Any], record_id: str) -> str:
    return f"Rootwarden org record · {predicate.get('organization_id', '?')} · sha256 {record_id[:16]}…"


def watermark(predicate: dict[str, Any]) -> str | None:
    return PRACTICE_WATERMARK if predicate.get("practice") else None


# -- the HTML -------------------------------------------------------------------------------------
def report_html(predicate: dict[str, Any], record_id: str, keyid: str, public_pem: str = "") -> str:
    accounts = sorted(predicate.get("accounts", []), key=lambda a: str(a.get("id")))
    checks = check_ids(accounts)
    return "\n".join([
        *_summary(predicate, accounts, checks, record_id),
        *_exceptions(accounts),
        *_changes(predicate.get("change_log") or []),
        *_signature(predicate, record_id, keyid, public_pem, accounts),
        *_appendix_accounts(accounts, checks),
        *_appendix_sessions(predicate.get("sessions") or [], {str(a.get("id")): a for a in accounts}),
    ])


def _summary(p: dict[str, Any], accounts: list[dict[str, Any]], checks: list[str], record_id: str) -> list[str]:
    reached, total = int(p["coverage"]["reached"]), int(p["coverage"]["total"])
    features = p.get("features")
    feature_text = ", ".join(map(str, features)) if features else ("none" if features is not None else "could not be read")
    out = [
        *([f"<p class='practice'>{PRACTICE_WATERMARK}: this record comes from Rootwarden's practice organization (a "
           "simulation, signed with the practice key). It proves nothing about any real AWS organization.</p>"]
          if p.get("practice") else []),
        "<h1>Organization root access record</h1>",
        f"<p class='lead'>AWS Organization <b>{text(p['organization_id'])}</b> · management account "
        f"<b>{text(p['management_account_id'])}</b></p>",
        f"<p class='coverage'><b>{reached} of {total}</b> active member accounts audited</p>",
    ]
    if p.get("cancelled"):
        out.append("<p class='warning'><b>CANCELLED:</b> the run was stopped before every account was audited; the "
                   "accounts not reached are UNKNOWN (reason <span class='mono'>cancelled</span>).</p>")
    if reached < total:
        missing = total - reached
        out.append(f"<p class='warning'>{missing} active member account{'s' if missing != 1 else ''} could not be audited: "
                   "their checks are UNKNOWN, never counted as passed (listed under “Accounts that need attention”).</p>")
    out += [
        "<table class='meta' cellspacing='0' cellpadding='3'>",
        *(f"<tr><td class='k'>{k}</td><td>{v}</td></tr>" for k, v in (
            ("Date", f"{text(p.get('started_at'))} – {text(p.get('finished_at'))} (UTC)"),
            ("Operator", text(p.get("operator") or "—")),
            ("Caller", text(p.get("caller_arn"))),
            ("Organization features", text(feature_text)),
            ("Tool", f"Rootwarden {text(p.get('tool_version'))}"),
            ("Record SHA-256", f"<span class='mono'>{text(record_id)}</span>"),
            ("Previous record", f"<span class='mono'>{text(p['previous_record'])}</span>" if p.get("previous_record")
             else "none (the first organization record under this key)"),
        )),
        "</table>",
    ]
    if p.get("notes"):
        out.append(f"<p><i>Notes:</i> {text(p['notes'])}</p>")
    verdicts = [verdict(a) for a in accounts]
    rows = (
        (Status.PASS, "All clear", "every check passes"),
        (Status.FAIL, "Failing", "at least one check fails"),
        (Status.UNKNOWN, "Unknown", "not audited, or a check could not tell; no fail"),
        (Status.WARN, "Warnings only", "no fail, nothing unknown"),
        (Status.NOT_APPLICABLE, "Not applicable", "suspended or closed accounts; the management account (use rootwarden verify)"),
    )
    out += ["<h2>Accounts by verdict</h2>",
            "<table class='counts' cellspacing='0' cellpadding='3'>",
            *(f"<tr><td class='n'><b>{verdicts.count(s)}</b></td><td>{word(s)}</td><td><b>{label}</b></td>"
              f"<td class='k'>{what}</td></tr>" for s, label, what in rows),
            f"<tr><td class='n'><b>{len(accounts)}</b></td><td></td><td><b>Accounts in the record</b></td><td></td></tr>",
            "</table>"]
    out += ["<h2>Accounts per check</h2>",
            "<table class='grid' width='100%' cellspacing='0' cellpadding='3'><thead><tr><th align='left'>Check</th>"
            + "".join(f"<th width='11%'>{word(s)}</th>" for s in ORDER) + "</tr></thead>"]
    for check in checks:
        counts = {s: 0 for s in ORDER}
        title = ""
        for account in accounts:
            for finding in account.get("findings", []):
                if finding.get("id") == check:
                    counts[status_of(finding.get("status"))] += 1
                    title = title or str(finding.get("title") or "")
        out.append(f"<tr><td>{text(title)}<br><span class='id'>{text(check)}</span></td>"
                   + "".join(f"<td align='center'>{_count(counts[s], s)}</td>" for s in ORDER) + "</tr>")
    out.append("</table>")
    sessions = len(p.get("sessions") or [])
    out.append(f"<p class='disclosure'><b>CloudTrail:</b> {text(DISCLOSURE)} This run opened {sessions} root "
               f"session{'s' if sessions != 1 else ''}; Appendix B lists each with its access key ID.</p>")
    return out


def _count(n: int, status: Status) -> str:
    """A count in the per-check table: a fail or unknown that is not zero stands out."""
    return f"<b>{n}</b>" if n and status in (Status.FAIL, Status.UNKNOWN) else str(n)


def _exceptions(accounts: list[dict[str, Any]]) -> list[str]:
    out = ["<h2 class='newpage'>Accounts that need attention</h2>"]
    groups = [(s, [a for a in accounts if verdict(a) == s]) for s in (Status.FAIL, Status.UNKNOWN, Status.WARN)]
    if not any(members for _, members in groups):
        return out + ["<p>None: every account audited is all clear or not applicable.</p>"]
    intro = {
        Status.FAIL: "At least one check fails. <span class='mono'>rootwarden org delete-root-credentials --accounts "
                     "IDs</span> deletes member root credentials (after a confirmation listing each change).",
        Status.UNKNOWN: "Rootwarden could not tell; these accounts are not counted as passing. The reason code says why.",
        Status.WARN: "Nothing fails, but something deserves a look.",
    }
    for status, members in groups:
        if not members:
            continue
        out.append(f"<h3>{word(status)} — {len(members)} account{'s' if len(members) != 1 else ''}</h3>")
        out.append(f"<p class='k'>{intro[status]}</p>")
        for start in range(0, len(members), ROWS_PER_TABLE):
            out.append("<table class='exc' width='100%' cellspacing='0' cellpadding='3'>")
            out += [_exception_row(a) for a in members[start:start + ROWS_PER_TABLE]]
            out.append("</table>")
    return out


def _exception_row(account: dict[str, Any]) -> str:
    findings = [f for f in account.get("findings", [])
                if status_of(f.get("status")) in (Status.FAIL, Status.UNKNOWN, Status.WARN)]
    lines: list[str] = []
    reasons = {(f.get("status"), f.get("reason")) for f in findings}
    if not account.get("reached") and len(reasons) == 1 and findings:
        first = findings[0]
        lines.append(f"All {len(findings)} checks {word(status_of(first.get('status')))} "
                     f"(<span class='mono'>{text(first.get('reason'))}</span>): {text(first.get('summary'))}")
    else:
        lines += [f"{word(status_of(f.get('status')))} <span class='id'>{text(f.get('id'))}</span> "
                  f"(<span class='mono'>{text(f.get('reason'))}</span>): {text(f.get('summary'))}" for f in findings]
    if any(status_of(f.get("status")) == Status.UNKNOWN for f in findings):
        reason = str(next(f.get("reason") for f in findings if status_of(f.get("status")) == Status.UNKNOWN))
        lines.append("<i>What to do:</i> " + ADVICE.get(reason, DEFAULT_ADVICE).format(id=text(account.get("id"))))
    return (f"<tr><td width='30%'><b>{text(account.get('id'))}</b><br>{clip(account.get('name'), 200)}<br>"
            f"<span class='k'>OU {clip(account.get('ou') or '(not read)', 200)} · {clip(account.get('state'), 40)}</span></td>"
            f"<td>{'<br>'.join(lines)}</td></tr>")


def _changes(change_log: list[Any]) -> list[str]:
    out = ["<h2>Changes made</h2>"]
    if not change_log:
        return out + ["<p>No changes were made in this run: the record is an audit only.</p>"]
    out.append("<table class='grid small' width='100%' cellspacing='0' cellpadding='3'><thead><tr><th align='left'>Time (UTC)</th><th align='left'>Account</th>"
               "<th align='left'>Change</th><th align='left'>Result</th></tr></thead>")
    known = {"time", "at", "account_id", "action", "fix", "target", "what", "outcome", "result", "error_code", "message", "note",
             "session_access_key_id"}
    for entry in change_log:
        e = entry if isinstance(entry, dict) else {"what": entry}
        change = " ".join(text(e[k]) for k in ("action", "fix") if e.get(k))
        detail = " · ".join(text(e[k]) for k in ("target", "what") if e.get(k))
        extra = " · ".join(f"{text(k)}: {text(v)}" for k, v in e.items() if k not in known and v not in (None, ""))
        notes = " · ".join(text(e[k]) for k in ("message", "note") if e.get(k))
        session = f"<br><span class='k'>session key {text(e['session_access_key_id'])}</span>" if e.get("session_access_key_id") else ""
        result = " ".join(text(e[k]) for k in ("outcome", "result", "error_code") if e.get(k))
        out.append(f"<tr><td width='19%'>{text(e.get('time') or e.get('at') or '')}</td><td width='15%'>{text(e.get('account_id') or '')}</td>"
                   f"<td><b>{change}</b> {detail}{'<br>' + notes if notes else ''}{'<br>' + extra if extra else ''}{session}</td>"
                   f"<td width='14%'><b>{result}</b></td></tr>")
    out.append("</table>")
    return out


def _signature(p: dict[str, Any], record_id: str, keyid: str, public_pem: str, accounts: list[dict[str, Any]]) -> list[str]:
    example = next((str(a["id"]) for a in accounts if verdict(a) == Status.FAIL), str(accounts[0]["id"]) if accounts else "ACCOUNT_ID")
    recipe = (
        "sha256sum org-record.dsse.json           # = the record SHA-256 above\n"
        "rootwarden record verify org-record.dsse.json --public-key rootwarden.pub.pem\n"
        f"rootwarden record extract org-record.dsse.json --account {example} \\\n"
        f"    --public-key rootwarden.pub.pem --out {example}.json\n"
        f"sha256sum {example}.json                # = that account's signed subject digest:\n"
        "jq -r .payload org-record.dsse.json | base64 -d \\\n"
        f"  | jq -r '.subject[] | select(.name==\"aws-account/{example}\") | .digest.sha256'"
    )
    return [
        "<h2 class='newpage'>Signature</h2>",
        "<table cellspacing='0' cellpadding='4'><tr>",
        f"<td><img src='{QR_RESOURCE}' width='130' height='130'></td>",
        "<td>This report summarizes a signed organization record (DSSE envelope, in-toto Statement v1, Ed25519) with "
        f"one subject per account (<span class='mono'>aws-account/ID</span>) plus the organization "
        f"(<span class='mono'>aws-organization/{text(p['organization_id'])}</span>).<br>"
        f"Record SHA-256 (in the QR code):<br><span class='mono'>{text(record_id)}</span><br>"
        f"Signing key fingerprint (keyid):<br><span class='mono'>{text(keyid)}</span>"
        + (f"<br>Previous record: <span class='mono'>{text(p['previous_record'])}</span>" if p.get("previous_record") else "")
        + "</td></tr></table>",
        *(["<p>The signer's public key (save it as <span class='mono'>rootwarden.pub.pem</span>; its fingerprint must equal "
           "the one the signer gave you separately):</p>", f"<pre>{escape(public_pem.strip())}</pre>"] if public_pem else []),
        "<h2>Review</h2>",
        "<table cellspacing='0' cellpadding='6' width='100%'><tr><td width='50%'>Reviewed by (name): ______________________</td>"
        "<td>Date: ______________</td></tr><tr><td>Signature: ______________________</td><td></td></tr></table>",
        "<h3>Verify it yourself</h3>",
        "<p>With Rootwarden: check the record and, for any account, that its findings are exactly what was signed "
        "(the two hashes printed last must be equal):</p>",
        f"<pre>{escape(recipe)}</pre>",
        "<p>Without Rootwarden (OpenSSL 3 and jq; the file saved as <span class='mono'>record.json</span>):</p>",
        f"<pre>{escape(RECIPE)}</pre>",
        "<p>“Signature Verified Successfully” means the record is exactly as signed. Appendix A below lists every "
        "account of the record; Appendix B every root session it opened.</p>",
    ]


def _appendix_accounts(accounts: list[dict[str, Any]], checks: list[str]) -> list[str]:
    many = len(checks) > 5  # more checks: narrower columns, shorter headings, smaller words
    columns = [(TINY if many else SHORT).get(c, c.removeprefix("member.")) for c in checks]
    legend = "; ".join(f"<b>{text(label)}</b> = <span class='id'>{text(check)}</span>" for label, check in zip(columns, checks))
    out = ["<h2 class='newpage'>Appendix A — every account</h2>",
           f"<p class='k'>{len(accounts)} accounts, by account ID. Columns: {legend}. "
           "Words: PASS, FAIL, WARN, UNKNOWN (could not tell: not a pass), N/A; a shaded cell fails or is unknown; "
           "OU: the path below Root (— : not read).</p>"]
    widths = (11, 15, 11, 8) if many else (13, 18, 13, 9)
    size = "5.5pt" if many else "6.5pt"
    width = (100 - sum(widths)) / max(1, len(checks))
    head = ("<thead><tr>" + "".join(f"<th align='left' width='{w}%'>{label}</th>" for w, label in zip(widths, ("Account", "Name", "OU", "State")))
            + "".join(f"<th width='{width:.1f}%'>{text(label)}</th>" for label in columns) + "</tr></thead>")
    for start in range(0, len(accounts), ROWS_PER_TABLE):
        out.append(f"<table class='grid appx{' many' if many else ''}' width='100%' cellspacing='0' cellpadding='2'>{head}")
        for account in accounts[start:start + ROWS_PER_TABLE]:
            statuses = {str(f.get("id")): status_of(f.get("status")) for f in account.get("findings", [])}
            cells = []
            for check in checks:
                status = statuses.get(check)
                if status is None:
                    cells.append("<td class='st' align='center'>—</td>")
                else:
                    shade = "sb" if status in (Status.FAIL, Status.UNKNOWN) else "st"  # Qt's CSS takes one class
                    bold = status in (Status.FAIL, Status.UNKNOWN, Status.WARN) and not many
                    cells.append(f"<td class='{shade}' align='center'>{word(status, bold, size)}</td>")
            out.append(f"<tr><td>{text(account.get('id'))}</td><td>{clip(account.get('name'), 30 if many else 40)}</td>"
                       f"<td>{short_ou(account.get('ou'))}</td><td class='st'>{clip(account.get('state'), 16)}</td>"
                       + "".join(cells) + "</tr>")
        out.append("</table>")
    return out


def _appendix_sessions(sessions: list[Any], by_id: dict[str, dict[str, Any]]) -> list[str]:
    out = ["<h2 class='newpage'>Appendix B — root sessions (for CloudTrail)</h2>"]
    if not sessions:
        return out + ["<p>No root session was opened.</p>"]
    out.append(f"<p class='k'>{len(sessions)} sts:AssumeRoot sessions. In each member account's CloudTrail, the session's "
               "events carry its access key ID (userIdentity.accessKeyId) and userIdentity.type Root.</p>")
    head = ("<thead><tr><th align='left' width='15%'>Account</th><th align='left'>Task policy</th><th align='left' width='11%'>Region</th>"
            "<th align='left' width='21%'>Started (UTC)</th><th align='left' width='22%'>Access key ID</th></tr></thead>")
    for start in range(0, len(sessions), ROWS_PER_TABLE):
        out.append(f"<table class='grid small' width='100%' cellspacing='0' cellpadding='2'>{head}")
        for s in sessions[start:start + ROWS_PER_TABLE]:
            s = s if isinstance(s, dict) else {}
            policy = str(s.get("task_policy_arn") or "").rsplit("/", 1)[-1]
            out.append(f"<tr><td>{text(s.get('account_id'))}</td><td>{text(policy)}</td><td>{text(s.get('region'))}</td>"
                       f"<td>{text(s.get('started_at'))}</td><td><span class='mono'>{text(s.get('access_key_id'))}</span></td></tr>")
        out.append("</table>")
    return out


ORG_STYLESHEET = STYLESHEET + """
h2.newpage { page-break-before: always; }
p.coverage { font-size: 16pt; margin-top: 6pt; margin-bottom: 6pt; }
p.warning { color: #8a1c1c; font-weight: bold; }
p.disclosure { font-size: 8.5pt; color: #333; margin-top: 10pt; }
p.k, span.k { color: #555; font-size: 8pt; }
td.n { text-align: right; padding-right: 6pt; }
table.grid { border-collapse: collapse; }
table.grid th { background: #e8e8e8; font-size: 8pt; }
table.grid td { border-bottom: 1px solid #ddd; vertical-align: top; }
table.small td { font-size: 7.5pt; }
table.appx th { font-size: 7pt; }
table.appx td { font-size: 7pt; }
table.appx td.st { font-size: 6.5pt; }
table.appx td.sb { font-size: 6.5pt; background: #ecdcdc; }
table.many td { font-size: 6.5pt; }
table.many td.st { font-size: 5.5pt; }
table.many td.sb { font-size: 5.5pt; background: #ecdcdc; }
table.many th { font-size: 6pt; }
table.exc { border-collapse: collapse; }
table.exc td { border-bottom: 1px solid #ccc; vertical-align: top; font-size: 8pt; }
"""


# -- painting -------------------------------------------------------------------------------------
def write_pdf(record: Any, output: Path, paper: str = "a4") -> Path:
    """Render ``record`` (a ``VerifiedOrgRecord``) to ``output``; raises OSError with a clear
    message when it cannot be written."""
    writer = pdf_writer(output, paper, f"Rootwarden organization record — {record.organization_id}")
    paint_pages(record, writer)
    return check_written(output)


def paint_pages(record: Any, device: Any) -> int:
    """Lay the report out on ``device`` (a QPdfWriter or QPrinter), every page with the footer
    (organization, record hash prefix, page n/N) and, for a practice record, its label across
    it. Returns the page count."""
    document = new_document(device, ORG_STYLESHEET, record.record_id)
    document.setHtml(report_html(record.predicate, record.record_id, record.keyid, record.public_pem))
    return paint_document(document, device, footer_text(record.predicate, record.record_id), watermark(record.predicate))


def render_report(record: Any, output: Path, paper: str = "a4") -> Path:
    """Entry point for ``rootwarden report`` given an organization record (no window needed)."""
    return render_without_window(write_pdf, record, output, paper)
