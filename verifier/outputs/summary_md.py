"""``summary.md``: a table that fits a PR comment or a CI job summary."""

from __future__ import annotations

from verifier.model import EntryResult, Verdict
from verifier.outputs.markdown import md_text
from verifier.outputs.objectives import any_objectives, objective_counts
from verifier.outputs.reasons import rendered
from verifier.outputs.run import VerificationRun, timestamp
from verifier.rules.streak import streak_text

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
        *_objectives(run),
        "| Entry | Practice | Verdict | Why | History |",
        "|---|---|---|---|---|",
    ]
    lines += [_row(result, streak_text(run.histories.get(result.entry_id))) for result in run.results]
    lines += ["", *_assessment(run), "", _footer(run), ""]
    return "\n".join(lines).encode("utf-8")


def _row(result: EntryResult, streak: str) -> str:
    why = "<br>".join(_cell(r) for r in rendered(result))
    return f"| {_cell(result.entry_id)} | {_cell(result.practice_id)} | {_ICON[result.verdict]} | {why} | {md_text(streak)} |"


def _objectives(run: VerificationRun) -> list[str]:
    """The 800-171A objectives' verdicts counted, and each entry's objectives short of MET (nothing when no
    entry was judged per objective)."""
    if not any_objectives(run.results):
        return []
    counts = objective_counts(run.results)
    shown = " · ".join(f"{_ICON[v]}: **{counts.of(v)}**" for v in Verdict)
    lines = [f"**Objectives** (NIST SP 800-171A): {shown} of **{counts.total}**", ""]
    lines += [line for result in run.results if (line := _open_objectives(result))]
    return [*lines, ""] if len(lines) > 2 else lines


def _open_objectives(result: EntryResult) -> str:
    open_ones = [o for o in result.objectives if o.verdict is not Verdict.MET]
    if not open_ones:
        return ""
    named = ", ".join(f"{md_text(o.objective_id)} {_ICON[o.verdict]}" for o in open_ones)
    return f"- {_cell(result.entry_id)} ({_cell(result.practice_id)}): {named}"


def _cell(text: str) -> str:
    # User text (ids, resource uids, messages) must not break the table or inject markup into a PR comment.
    return md_text(text, _MAX_REASON)


def _footer(run: VerificationRun) -> str:
    versions = md_text(", ".join(run.findings.prowler_versions) or "none")
    accounts = md_text(", ".join(run.accounts_seen) or "none")
    return (
        f"Findings: {run.findings.count} from {len(run.findings.files)} file(s); "
        f"Prowler {versions}; accounts seen: {accounts}. Evidence bundle: `evidence/` and `evidence.zip`."
    )


def _assessment(run: VerificationRun) -> list[str]:
    score, countdown = run.review.score, run.review.timeline
    shown = "no score" if score.score is None else f"{score.score}/{score.max_score}"
    projected = "n/a" if score.projected_score is None else str(score.projected_score)
    eligible = "yes" if score.conditional_eligible else "**no**"
    lines = [
        f"**SPRS score** {shown} (projected {projected} once ready entries are confirmed; threshold "
        f"{score.threshold}). **Conditional Level 2 eligible:** {eligible}.",
        f"**180-day window:** Day {countdown.day}, deadline {countdown.deadline.isoformat()}, "
        f"{countdown.days_remaining} days remaining — {countdown.phase.value}.",
    ]
    lines += [f"- blocker: {_cell(b.reason)} ({_cell(b.rule)})" for b in score.blockers]
    lines += [f"- at risk: {_cell(r.entry)} — {_cell('; '.join(r.reasons))}" for r in countdown.at_risk]
    errors = len(run.review.lint_errors)
    warnings = len(run.review.problems) - errors
    lines.append(f"**POA&M lint:** {errors} error(s), {warnings} warning(s) (`poam lint` for details).")
    return lines
