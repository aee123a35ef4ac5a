"""The closeout package's summary (``closeout.md``, ``closeout.html``) and manifest (``closeout-manifest.json``).

The summary quotes the Hash Value (the SHA-256 of ``CMMCAssessmentArtifacts.log``), so it is written after the
logs and is not in them; the manifest is hashed, so it holds everything but the Hash Value. A draft says DRAFT
in each. The HTML page is self-contained and offline (no scripts, links or fonts); all user text is escaped.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from typing import Any

from verifier.outputs.closeout_results import CloseoutResults, EntryOutcome
from verifier.outputs.hashing_log import ALGORITHM, ARTIFACTS_LOG, HASHED_ARTIFACTS_ZIP, LOG_HASH_LOG
from verifier.outputs.run import timestamp
from verifier.outputs.serialize import dumps

MANIFEST_FILE = "closeout-manifest.json"
SUMMARY_MD = "closeout.md"
SUMMARY_HTML = "closeout.html"
MANIFEST_FORMAT = "poam-closeout/1"
DRAFT_NOTICE = (
    "DRAFT: not a finalised closeout; do not submit it or enter its Hash Value in CMMC eMASS or SPRS."
)
_WHERE = {
    "c3pao": "the C3PAO enters the results, the Hashed Data List and the Hash Value into CMMC eMASS",
    "self": "the organisation posts the Level 2 (Self) closeout result in SPRS (score, date, scope)",
}


@dataclass(frozen=True, slots=True)
class Affirmed:
    """The senior official's affirmation the closeout rests on (32 CFR 170.22)."""

    by: str
    title: str
    on: date
    statement: str


@dataclass(frozen=True, slots=True)
class CloseoutFacts:
    """The dates, scores and status of one closeout; ``conditional_status_date`` None: not yet certified."""

    organization: str
    system: str
    assessment: str  # "self" or "c3pao"
    assessment_date: date
    conditional_status_date: date | None
    as_of: date
    day: int
    deadline: date
    score_before: int | None
    score_after: int | None
    retain_until: date
    draft: bool
    created: datetime
    tool_version: str
    affirmation: Affirmed | None

    @property
    def status(self) -> str:
        return "DRAFT" if self.draft else "FINAL"


def retain_until(closed_on: date) -> date:
    """Six years after the closeout date (the Hashing Guide's retention); 29 February becomes the 28th."""
    try:
        return closed_on.replace(year=closed_on.year + 6)
    except ValueError:
        return closed_on.replace(year=closed_on.year + 6, day=28)


def _score(value: int | None) -> str:
    return "no score (the SSP is on the POA&M)" if value is None else f"{value} of 110"


def _csd(facts: CloseoutFacts) -> str:
    return facts.conditional_status_date.isoformat() if facts.conditional_status_date else "none recorded"


def render_manifest(facts: CloseoutFacts, results: CloseoutResults) -> bytes:
    """The package's own description (hashed with it): dates, status, scores, entries, affirmation."""
    document: dict[str, Any] = {
        "format": MANIFEST_FORMAT,
        "status": facts.status,
        "draft": facts.draft,
        "tool_version": facts.tool_version,
        "created": timestamp(facts.created),
        "organization": facts.organization,
        "system": facts.system,
        "assessment": facts.assessment,
        "assessment_date": facts.assessment_date.isoformat(),
        "conditional_status_date": facts.conditional_status_date.isoformat()
        if facts.conditional_status_date
        else None,
        "closeout_date": facts.as_of.isoformat(),
        "day": facts.day,
        "deadline": facts.deadline.isoformat(),
        "retain_until": facts.retain_until.isoformat(),
        "sprs_score_before": facts.score_before,
        "sprs_score_after": facts.score_after,
        "hash_algorithm": ALGORITHM,
        "hashed_data_list": ARTIFACTS_LOG,
        "log_hash": LOG_HASH_LOG,
        "retention_copy": HASHED_ARTIFACTS_ZIP,
        "affirmation": _affirmation_json(facts.affirmation),
        "entries": [_entry_json(e) for e in results.entries],
    }
    if facts.draft:
        document["notice"] = DRAFT_NOTICE
    return dumps(document)


def _affirmation_json(affirmed: Affirmed | None) -> dict[str, Any] | None:
    if affirmed is None:
        return None
    return {"by": affirmed.by, "title": affirmed.title, "date": affirmed.on.isoformat()}


def _entry_json(outcome: EntryOutcome) -> dict[str, Any]:
    return {
        "id": outcome.entry.id,
        "practice_id": outcome.entry.practice_id,
        "kind": outcome.entry.kind,
        "verdict": outcome.result.verdict.value,
        "closed": outcome.closed if outcome.is_poam_item else None,
        "evidence": outcome.evidence_path,
        "objectives": [{"id": o.result.objective_id, "verdict": o.verdict.value} for o in outcome.objectives],
    }


def _header_lines(facts: CloseoutFacts, hash_value: str) -> list[tuple[str, str]]:
    affirmed = facts.affirmation
    return [
        ("Status", facts.status),
        ("Organisation", facts.organization),
        ("System", facts.system),
        (
            "Assessment",
            f"Level 2 ({'Self' if facts.assessment == 'self' else 'C3PAO'}): {_WHERE[facts.assessment]}",
        ),
        ("Conditional status date", _csd(facts)),
        (
            "Closeout date",
            f"{facts.as_of.isoformat()}, day {facts.day} of 180 (deadline {facts.deadline.isoformat()})",
        ),
        ("SPRS score", f"before {_score(facts.score_before)}; after {_score(facts.score_after)}"),
        (
            "Affirmation",
            f"{affirmed.by}, {affirmed.title}, on {affirmed.on.isoformat()}" if affirmed else "none recorded",
        ),
        ("Hashed Data List", f"{ARTIFACTS_LOG} ({ALGORITHM}; paths relative to the package root)"),
        ("Hash Value", hash_value),
        ("Retain until", f"{facts.retain_until.isoformat()} ({HASHED_ARTIFACTS_ZIP} is the retention copy)"),
    ]


def _entry_rows(outcome: EntryOutcome) -> Iterator[tuple[str, str, str]]:
    for objective in outcome.objectives:
        evidence = ", ".join(
            [*(f"check {c}" for c in objective.result.checks), *objective.result.attestations]
            or ["; ".join(objective.reasons)]
        )
        yield objective.result.objective_id, objective.verdict.value, evidence


def _entry_title(outcome: EntryOutcome) -> str:
    kind = "" if outcome.is_poam_item else " (operational plan of action: not a POA&M item, not counted)"
    return f"{outcome.entry.id} {outcome.entry.practice_id}: {outcome.result.verdict.value}{kind}"


def render_markdown(facts: CloseoutFacts, results: CloseoutResults, hash_value: str) -> bytes:
    """The summary as Markdown."""
    lines = [f"# POA&M closeout{' (DRAFT)' if facts.draft else ''}: {_md(facts.system)}", ""]
    if facts.draft:
        lines += [f"**{DRAFT_NOTICE}**", ""]
    lines += [f"- **{name}**: {_md(value)}" for name, value in _header_lines(facts, hash_value)]
    lines += ["", "## Entries", ""]
    for outcome in results.entries:
        lines += [f"### {_md(_entry_title(outcome))}", "", f"Evidence: `{outcome.evidence_path}`", ""]
        lines += ["| Objective | Verdict | Evidence |", "| --- | --- | --- |"]
        lines += [f"| {oid} | {verdict} | {_md(text)} |" for oid, verdict, text in _entry_rows(outcome)]
        lines.append("")
    return "\n".join(lines).encode("utf-8")


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_html(facts: CloseoutFacts, results: CloseoutResults, hash_value: str) -> bytes:
    """The summary as one self-contained HTML page."""
    title = f"POA&amp;M closeout{' (DRAFT)' if facts.draft else ''}: {escape(facts.system)}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>{title}</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2rem auto;padding:0 1rem}"
        "table{border-collapse:collapse;width:100%}th,td{border:1px solid #d0d7de;padding:.3rem .5rem;"
        "text-align:left;vertical-align:top}.draft{color:#cf222e;font-weight:700}code{word-break:break-all}</style>",
        f"</head><body><h1>{title}</h1>",
    ]
    if facts.draft:
        parts.append(f'<p class="draft">{escape(DRAFT_NOTICE)}</p>')
    parts.append("<table>")
    parts += [
        f"<tr><th>{escape(n)}</th><td>{escape(v)}</td></tr>" for n, v in _header_lines(facts, hash_value)
    ]
    parts.append("</table><h2>Entries</h2>")
    for outcome in results.entries:
        parts.append(f"<h3>{escape(_entry_title(outcome))}</h3>")
        parts.append(f"<p>Evidence: <code>{escape(outcome.evidence_path)}</code></p>")
        parts.append("<table><tr><th>Objective</th><th>Verdict</th><th>Evidence</th></tr>")
        parts += [
            f"<tr><td>{escape(o)}</td><td>{escape(v)}</td><td>{escape(t)}</td></tr>"
            for o, v, t in _entry_rows(outcome)
        ]
        parts.append("</table>")
    parts.append("</body></html>\n")
    return "\n".join(parts).encode("utf-8")


def render_blocked(reasons: list[str], facts: CloseoutFacts) -> bytes:
    """The one file a refused closeout writes: why finalising now would end Conditional status."""
    lines = [
        "# POA&M closeout refused",
        "",
        f"As of {facts.as_of.isoformat()} (day {facts.day} of 180, deadline {facts.deadline.isoformat()}), "
        "finalising the closeout now would end Conditional status. Nothing else was written.",
        "",
        *(f"- {_md(r)}" for r in reasons),
        "",
        "Fix these and run `poam closeout` again, or pass `--draft` to write a package marked DRAFT.",
        "",
    ]
    return "\n".join(lines).encode("utf-8")
