"""``poam iac`` results: summary.md (fits a PR comment) and verification.json."""

from __future__ import annotations

from typing import Any

import orjson

from verifier.inputs.findings.iac import IacFinding, IacMapping
from verifier.inputs.terraform import DeclaredResource
from verifier.outputs.markdown import md_text
from verifier.rules.iac import CheckInCode, EntryCode, IacReport

# A PR comment is capped at 65,536 characters: an entry names at most this many declared resources.
_RESOURCES_SHOWN = 5


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
    return "; ".join([text, *_declared_text(entry), *_absent_text(entry)])


def _declared_text(entry: EntryCode) -> list[str]:
    resources = _entry_resources(entry)
    if not resources:
        return []
    shown = ", ".join(
        f"{md_text(r.address)} ({md_text(r.file)}:{r.line})" for r in resources[:_RESOURCES_SHOWN]
    )
    more = len(resources) - _RESOURCES_SHOWN
    return [f"declared: {shown}" + (f" and {more} more" if more > 0 else "")]


def _absent_text(entry: EntryCode) -> list[str]:
    texts = []
    if entry.nothing_to_examine:
        absent = ", ".join(f"{md_text(c.check_id)} ({_looked_for(c)})" for c in entry.nothing_to_examine)
        texts.append(f"nothing to examine for {absent}")
    unrun = [c.check_id for c in entry.in_code if c.has_something_to_examine and not c.evaluated]
    if unrun:
        texts.append(f"not evaluated by Trivy: {md_text(', '.join(unrun))}")
    return texts


def _looked_for(check: CheckInCode) -> str:
    if not check.resource_types:
        return "no Terraform resource is what it examines"
    return "looked for " + md_text(" or ".join(check.resource_types))


def _entry_resources(entry: EntryCode) -> list[DeclaredResource]:
    """Each declared resource of the entry's checks once, in file and line order."""
    unique = {(r.file, r.line, r.address): r for c in entry.in_code for r in c.resources}
    return [unique[k] for k in sorted(unique)]


def render_summary(report: IacReport) -> str:
    """A PR comment: entries closed in code, entries still failing, regressions."""
    lines = ["## POA&M check of this change's Terraform", ""]
    lines += [
        "An entry passes in code only when the code declares a resource that each of its checks examines "
        "and no check fails: a check with nothing to examine passes in Trivy, and proves nothing.",
        "",
    ]
    if report.compared_with_base:
        lines.append(f"**{len(report.regressions)} regression(s)** relative to the base branch.")
    if report.unparsed_files:
        files = ", ".join(md_text(f) for f in report.unparsed_files)
        lines.append(f"Not parsed (what they declare does not count): {files}")
    lines += ["", "| Entry | Practice | In code |", "|---|---|---|"]
    lines += [f"| {md_text(e.entry_id)} | {md_text(e.practice_id)} | {_in_code(e)} |" for e in report.entries]
    lines += _section(
        "Regressions",
        [
            f"- {md_text(r.finding.check_id)} ({md_text(', '.join(r.practice_ids))}): "
            f"{md_text(r.finding.message)} — {_where(r.finding)}"
            for r in report.regressions
        ],
    )
    lines += _section(
        "New failures muted by the mutelist (not gated)",
        [
            f"- {md_text(r.finding.check_id)}: {md_text(r.finding.message)} — {_where(r.finding)}"
            for r in report.muted_new_failures
        ],
    )
    lines += _section(
        "Still failing",
        [
            f"- {md_text(e.entry_id)} {md_text(f.check_id)}{' (muted)' if f.muted else ''}: "
            f"{md_text(f.message)} — {_where(f)}"
            for e in report.entries
            for f in e.failures
        ],
    )
    return "\n".join(lines) + "\n"


def _section(title: str, items: list[str]) -> list[str]:
    """A titled list of the summary; nothing at all when it has no items."""
    return ["", f"### {title}", "", *items] if items else []


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


def _check_json(check: CheckInCode) -> dict[str, Any]:
    return {
        "check_id": check.check_id,
        "resource_types": list(check.resource_types),
        "resources": [
            {"type": r.type, "name": r.name, "file": r.file, "line": r.line} for r in check.resources
        ],
        "has_something_to_examine": check.has_something_to_examine,
        "evaluated": check.evaluated,
    }


def render_verification(report: IacReport, mapping: IacMapping) -> bytes:
    document = {
        "kind": "iac",
        "mapping_sha256": mapping.sha256,
        "compared_with_base": report.compared_with_base,
        "gate_hit": report.gate_hit,
        "unparsed_files": list(report.unparsed_files),
        "entries": [
            {
                "entry_id": e.entry_id,
                "practice_id": e.practice_id,
                "checks": list(e.checks),
                "checks_not_evaluated": list(e.not_evaluated),
                "checks_nothing_to_examine": [c.check_id for c in e.nothing_to_examine],
                "checks_in_code": [_check_json(c) for c in e.in_code],
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
