"""``poam iac`` results: summary.md (fits a PR comment) and verification.json."""

from __future__ import annotations

from typing import Any

import orjson

from verifier.inputs.findings.iac import IacFinding, IacMapping
from verifier.outputs.markdown import md_text
from verifier.rules.iac import CodeVerdict, EntryCode, IacReport


# File names, resources, messages and ids come from the repository under review (a PR's author) or
# the mapping; all of it is escaped, and none is put in a code span, which a backtick would close.
def _where(f: IacFinding) -> str:
    return f"{md_text(f.file)}:{f.start_line}-{f.end_line} {md_text(f.resource)}"


def _in_code(entry: EntryCode) -> str:
    text = entry.verdict.value.replace("_", " ")
    if entry.ignores:
        where = ", ".join(f"{md_text(i.file)}:{i.line} ignore:{md_text(i.rule)}" for i in entry.ignores)
        text += f" (an inline ignore is not a fix: {where})"
    if entry.muted_failures:
        text += f" ({len(entry.muted_failures)} muted — a mute is not a fix)"
    if entry.verdict is CodeVerdict.PASSES_IN_CODE and entry.not_evaluated:
        evaluated = len(entry.checks) - len(entry.not_evaluated)
        text += f" ({evaluated} of {len(entry.checks)} checks evaluated)"
    return text


def render_summary(report: IacReport) -> str:
    """A PR comment: entries closed in code, entries still failing, regressions."""
    lines = ["## POA&M check of this change's Terraform", ""]
    if report.compared_with_base:
        lines.append(f"**{len(report.regressions)} regression(s)** relative to the base branch.")
    lines += ["", "| Entry | Practice | In code |", "|---|---|---|"]
    lines += [f"| {md_text(e.entry_id)} | {md_text(e.practice_id)} | {_in_code(e)} |" for e in report.entries]
    if report.regressions:
        lines += ["", "### Regressions", ""]
        lines += [
            f"- {md_text(r.finding.check_id)} ({md_text(', '.join(r.practice_ids))}): "
            f"{md_text(r.finding.message)} — {_where(r.finding)}"
            for r in report.regressions
        ]
    if report.muted_new_failures:
        lines += ["", "### New failures muted by the mutelist (not gated)", ""]
        lines += [
            f"- {md_text(r.finding.check_id)}: {md_text(r.finding.message)} — {_where(r.finding)}"
            for r in report.muted_new_failures
        ]
    failing = [(e, f) for e in report.entries for f in e.failures]
    if failing:
        lines += ["", "### Still failing", ""]
        lines += [
            f"- {md_text(e.entry_id)} {md_text(f.check_id)}{' (muted)' if f.muted else ''}: "
            f"{md_text(f.message)} — {_where(f)}"
            for e, f in failing
        ]
    return "\n".join(lines) + "\n"


def _finding_json(f: IacFinding) -> dict[str, Any]:
    return {
        "check_id": f.check_id,
        "long_id": f.long_id,
        "file": f.file,
        "start_line": f.start_line,
        "end_line": f.end_line,
        "resource": f.resource,
        "message": f.message,
        "muted": f.muted,
    }


def render_verification(report: IacReport, mapping: IacMapping) -> bytes:
    document = {
        "kind": "iac",
        "mapping_sha256": mapping.sha256,
        "compared_with_base": report.compared_with_base,
        "gate_hit": report.gate_hit,
        "entries": [
            {
                "entry_id": e.entry_id,
                "practice_id": e.practice_id,
                "checks": list(e.checks),
                "checks_not_evaluated": list(e.not_evaluated),
                "verdict": e.verdict.value,
                "failures": [_finding_json(f) for f in e.failures],
                "inline_ignores": [{"rule": i.rule, "file": i.file, "line": i.line} for i in e.ignores],
            }
            for e in report.entries
        ],
        "regressions": [
            {"practice_ids": list(r.practice_ids), **_finding_json(r.finding)} for r in report.regressions
        ],
        "muted_new_failures": [
            {"practice_ids": list(r.practice_ids), **_finding_json(r.finding)}
            for r in report.muted_new_failures
        ],
    }
    return orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"
