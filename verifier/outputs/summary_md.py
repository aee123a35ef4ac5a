"""``summary.md``: a table that fits a PR comment or a CI job summary."""

from __future__ import annotations

from verifier.model import EntryResult, Verdict
from verifier.outputs.interface import VerificationRun, timestamp

_ICON = {Verdict.MET: "✅ MET", Verdict.NOT_MET: "❌ NOT MET", Verdict.NOT_VERIFIED: "⚠️ NOT VERIFIED"}
_MAX_REASON = 300


def render(run: VerificationRun) -> bytes:
    poam = run.poam.poam
    lines = [
        f"## POA&M closure verification — {_cell(poam.organization)}, {_cell(poam.system)}",
        "",
        f"As of **{run.context.as_of.isoformat()}** (verified {timestamp(run.context.verified_at)}, "
        f"scans older than {run.context.max_scan_age_days} days are not evidence).",
        "",
        " · ".join(f"{_ICON[v]}: **{run.count(v)}**" for v in Verdict),
        "",
        "| Entry | Practice | Verdict | Why |",
        "|---|---|---|---|",
    ]
    lines += [_row(result) for result in run.results]
    lines += ["", _footer(run), ""]
    return "\n".join(lines).encode("utf-8")


def _row(result: EntryResult) -> str:
    why = "<br>".join(_cell(r) for r in result.reasons)
    return f"| {_cell(result.entry_id)} | {result.practice_id} | {_ICON[result.verdict]} | {why} |"


def _cell(text: str) -> str:
    # Keep user text from breaking the table or injecting markup into a PR comment.
    text = text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")
    return text if len(text) <= _MAX_REASON else text[: _MAX_REASON - 1] + "…"


def _footer(run: VerificationRun) -> str:
    versions = ", ".join(run.findings.prowler_versions) or "none"
    accounts = ", ".join(run.accounts_seen) or "none"
    return (
        f"Findings: {len(run.findings.findings)} from {len(run.findings.files)} file(s); "
        f"Prowler {versions}; accounts seen: {accounts}. Evidence bundle: `evidence/` and `evidence.zip`."
    )
