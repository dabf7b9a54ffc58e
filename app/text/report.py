"""What the printable report says (SPEC §7), as HTML for Qt's rich-text engine. No Qt here.

Status is given in words as well as colour (it must read in grayscale); evidence is
summarized, not dumped. The QR image is referenced by name; the renderer supplies it.
"""
from __future__ import annotations

from dataclasses import dataclass

from html import escape
from typing import Any

from app.model import STEP_TITLES, Status, Step
from app.text.palette import STATUS_HEX

QR_RESOURCE = "rootwarden://record-qr"


def _word(status: object) -> str:
    """A record's status value as the checklist's word; an unknown value is shown as it is."""
    try:
        return Status(status).word
    except ValueError:
        return str(status)


def _colour(status: object) -> str:
    try:
        return STATUS_HEX[Status(status)]
    except ValueError:
        return STATUS_HEX[Status.UNKNOWN]

RECIPE = (
    "jq -en --stream '[inputs|select(length==2)|.[0]] | length == (unique|length)' record.json >/dev/null \\\n"
    "  || { echo 'record.json repeats a key: NOT a valid record' >&2; exit 1; }\n"
    "jq -r .payload record.json | base64 -d > payload.json\n"
    "jq -j .payloadType record.json > type.txt\n"
    "jq -r '.signatures[0].sig' record.json | base64 -d > sig.bin\n"
    "printf 'DSSEv1 %d %s %d ' $(wc -c < type.txt) \"$(cat type.txt)\" $(wc -c < payload.json) > pae.bin\n"
    "cat payload.json >> pae.bin\n"
    "openssl pkeyutl -verify -pubin -inkey rootwarden.pub.pem -rawin -in pae.bin -sigfile sig.bin\n"
    "openssl pkey -pubin -in rootwarden.pub.pem -outform DER | openssl dgst -sha256   # = keyid"
)


def alert_resources(evidence: Any) -> str:
    """The rule, topic and confirmed subscribers behind an alerts verdict, in words."""
    lines = []
    rules = ((evidence or {}).get("eventbridge") or {}).get("matching_rules") or [] if isinstance(evidence, dict) else []
    for rule in rules:
        for topic in rule.get("topics") or []:
            if isinstance(topic, dict) and topic.get("confirmed"):
                lines.append(f"Rule {rule.get('rule')} ({rule.get('state')}) → SNS topic {topic.get('topic')}, "
                             f"{len(topic['confirmed'])} confirmed subscription(s) ({', '.join(map(str, topic['confirmed']))})")
    return "; ".join(lines)


def summarize_evidence(evidence: Any, limit: int = 160) -> str:
    """A short line of the evidence's scalar facts (lists become counts or short joins)."""
    parts: list[str] = []

    def walk(prefix: str, value: Any) -> None:
        if len(" · ".join(parts)) > limit:
            return
        if isinstance(value, dict):
            for key, inner in value.items():
                if key in ("summary", "status"):
                    continue
                walk(f"{key}" if not prefix else f"{prefix}.{key}", inner)
        elif isinstance(value, list):
            simple = [v for v in value if isinstance(v, (str, int, float))]
            if value and len(simple) == len(value) and len(value) <= 3:
                parts.append(f"{prefix}: {', '.join(map(str, simple))}")
            else:
                parts.append(f"{prefix}: {len(value)} item(s)")
        elif value not in (None, "", "N/A"):
            parts.append(f"{prefix}: {value}")

    walk("", evidence)
    text = " · ".join(parts)
    return text if len(text) <= limit else text[: limit - 1] + "…"


PRACTICE_WATERMARK = "SIMULATED ACCOUNT — NOT EVIDENCE"
UNSIGNED_WATERMARK = "UNSIGNED — NOT A VERIFIABLE RECORD"


@dataclass(frozen=True)
class UnsignedSummary:
    """A session's summary that could not be signed (no keyring): reportable, never verifiable."""

    predicate: dict[str, Any]
    record_id: str = ""
    keyid: str = ""
    public_pem: str = ""

    @property
    def account_id(self) -> str:
        return str(self.predicate["account_id"])


def watermark(predicate: dict[str, Any], signed: bool) -> str | None:
    """What every page of the report must say across it, if anything."""
    marks = ([PRACTICE_WATERMARK] if predicate.get("practice") else []) + ([] if signed else [UNSIGNED_WATERMARK])
    return " · ".join(marks) or None


def footer_text(predicate: dict[str, Any], record_id: str) -> str:
    """The line at the foot of every page: account and record hash prefix (page n/N is added)."""
    if not record_id:
        return f"Rootwarden UNSIGNED summary · AWS account {predicate.get('account_id', '?')}"
    return f"Rootwarden record · AWS account {predicate.get('account_id', '?')} · record sha256 {record_id[:16]}…"


def report_html(predicate: dict[str, Any], record_id: str, keyid: str, public_pem: str = "") -> str:
    p = predicate
    alias = f" ({escape(p['account_alias'])})" if p.get("account_alias") else ""
    out = [
        *([f"<p class='practice'>{PRACTICE_WATERMARK}: this record comes from Rootwarden's practice account (a simulation, "
           "signed with the practice key). It proves nothing about any real AWS account.</p>"] if p.get("practice") else []),
        *([f"<p class='practice'>{UNSIGNED_WATERMARK}: the keyring was not available, so this summary is not signed. Nobody can "
           "check that it was not changed; sign the session from Rootwarden once the keyring works.</p>"] if not record_id else []),
        "<h1>Root user hardening record</h1>",
        f"<p class='lead'>AWS account <b>{escape(p['account_id'])}</b>{alias}</p>",
        "<table class='meta' cellspacing='0' cellpadding='3'>",
        *(f"<tr><td class='k'>{k}</td><td>{escape(str(v))}</td></tr>" for k, v in (
            ("Date", f"{p.get('started_at', '')} – {p.get('finished_at', '')} (UTC)"),
            ("Mode", "first-time setup" if p.get("mode") == "setup" else "re-verification"),
            ("Operator", p.get("operator") or "—"),
            ("Caller", p.get("caller_arn", "")),
            ("Tool", f"Rootwarden {p.get('tool_version', '')}"),
        )),
        "</table>",
    ]
    if p.get("notes"):
        out.append(f"<p><i>Notes:</i> {escape(p['notes'])}</p>")
    counts: dict[str, int] = {}
    for finding in p.get("findings", []):
        counts[finding["status"]] = counts.get(finding["status"], 0) + 1
    out.append("<p class='tally'>" + " · ".join(f"{_word(s)}: {n}" for s, n in counts.items()) + "</p>")
    for step in Step:
        findings = [f for f in p.get("findings", []) if int(f["step"]) == int(step)]
        if not findings:
            continue
        out.append(f"<h2>Step {int(step)} — {escape(STEP_TITLES[step])}</h2>")
        out.append("<table class='checks' width='100%' cellspacing='0' cellpadding='4'>")
        for f in findings:
            word, colour = _word(f["status"]), _colour(f["status"])
            refs = f.get("references", {})
            ref_text = ", ".join([*refs.get("cis", []), *(f"Security Hub {c}" for c in refs.get("security_hub", []))])
            out.append(
                f"<tr><td class='status' width='13%' style='color:{colour}'><b>{word}</b></td>"
                f"<td><b>{escape(f['title'])}</b> <span class='id'>{escape(f['id'])}</span><br>{escape(f['summary'])}"
                + (f"<br><span class='ev'>{escape(alert_resources(f['evidence']))}</span>" if f["id"] == "alerts.root-activity" and alert_resources(f.get("evidence") or {}) else "")
                + (f"<br><span class='ev'>Evidence: {escape(summarize_evidence(f.get('evidence', {})))}</span>" if f.get("evidence") else "")
                + (f"<br><span class='ev'>{escape(ref_text)}</span>" if ref_text else "")
                + "</td></tr>")
        out.append("</table>")
    changed = p.get("changed_during_session") or []
    if changed:
        out.append("<h2>Changed during this session</h2>")
        out.append("<table class='checks' width='100%' cellspacing='0' cellpadding='3'>")
        out += [f"<tr><td>{escape(str(c.get('title', c.get('id'))))}</td><td width='30%'>{escape(_word(c.get('before')))}"
                f" → <b>{escape(_word(c.get('after')))}</b></td></tr>" for c in changed]
        out.append("</table>")
    out.append("<h2>Changes made</h2>")
    changes = p.get("audit_log", [])
    if changes:
        out.append("<table class='checks' width='100%' cellspacing='0' cellpadding='3'>")
        out += [f"<tr><td width='27%'>{escape(c['at'])}</td><td>{escape(c['fix'])}: {escape(c['what'])}</td>"
                f"<td width='18%'>{escape(c['result'])}</td></tr>" for c in changes]
        out.append("</table>")
    else:
        out.append("<p>No changes were made in this session.</p>")
    for pending in p.get("pending_changes", []):
        out.append(f"<p>After signing: {escape(pending)}.</p>")
    out.append("<h2>Skipped steps</h2>")
    skipped = p.get("skipped", [])
    out.append("".join(f"<p>Step {s['step']} — {escape(s['title'])}: “{escape(s['reason'])}”</p>" for s in skipped)
               if skipped else "<p>None.</p>")
    review = [
        "<h2>Review</h2>",
        "<table cellspacing='0' cellpadding='6' width='100%'><tr><td width='50%'>Reviewed by (name): ______________________</td>"
        "<td>Date: ______________</td></tr><tr><td>Signature: ______________________</td><td></td></tr></table>",
    ]
    if not record_id:
        out += ["<h2>Signature</h2>", "<p><b>None.</b> This summary was saved without a signature because the keyring was "
                "not available. It is not evidence an auditor can verify.</p>", *review]
        return "\n".join(out)
    out += [
        "<h2>Signature</h2>",
        "<table cellspacing='0' cellpadding='4'><tr>",
        f"<td><img src='{QR_RESOURCE}' width='130' height='130'></td>",
        "<td>This report summarizes a signed record (DSSE envelope, in-toto Statement v1, Ed25519).<br>"
        f"Record SHA-256 (in the QR code):<br><span class='mono'>{record_id}</span><br>"
        f"Signing key fingerprint (keyid):<br><span class='mono'>{keyid}</span>"
        + (f"<br>Previous record: <span class='mono'>{escape(p['previous_record'])}</span>" if p.get("previous_record") else "")
        + "</td></tr></table>",
        *(["<p>The signer's public key (save it as <span class='mono'>rootwarden.pub.pem</span>; its fingerprint, printed by the "
           "recipe's last line, must equal the one the signer gave you separately):</p>", f"<pre>{escape(public_pem.strip())}</pre>"]
          if public_pem else []),
        *review,
        "<h3>Verify it yourself (OpenSSL 3 and jq)</h3>",
        "<p>Check the file's SHA-256 matches the one above (<span class='mono'>sha256sum record.json</span>), save the public key "
        "above (or the one from <span class='mono'>rootwarden key export</span>) and run:</p>",
        f"<pre>{escape(RECIPE)}</pre>",
        "<p>“Signature Verified Successfully” means the record is exactly as signed.</p>",
    ]
    return "\n".join(out)


STYLESHEET = """
p.practice { color: #b22222; font-weight: bold; font-size: 11pt; border: 2px solid #b22222; padding: 4pt; }
h1 { font-size: 20pt; margin-bottom: 2pt; }
h2 { font-size: 13pt; margin-top: 14pt; margin-bottom: 4pt; border-bottom: 1px solid #999; }
h3 { font-size: 11pt; margin-top: 10pt; }
p.lead { font-size: 13pt; margin-top: 0; }
p.tally { font-size: 10pt; }
td.k { color: #555; padding-right: 10pt; }
table.checks { border-collapse: collapse; }
table.checks td { border-bottom: 1px solid #ddd; vertical-align: top; }
span.id { color: #666; font-size: 8pt; }
span.ev { color: #555; font-size: 8pt; }
span.mono, pre { font-family: 'DejaVu Sans Mono', monospace; font-size: 7.5pt; }
pre { background: #f2f2f2; }
"""
