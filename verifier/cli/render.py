"""Terminal rendering of verify, score, lint and timeline results."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from verifier.cli.app import out
from verifier.model import Verdict
from verifier.rules.ruleset import Problem, Severity

if TYPE_CHECKING:  # only annotations: `poam lint` must not import the verify stack to print its table
    from verifier.outputs.run import VerificationRun
    from verifier.rules.score import ScoreReport
    from verifier.rules.timeline import Timeline

STYLE = {Verdict.MET: "green", Verdict.NOT_MET: "red", Verdict.NOT_VERIFIED: "yellow"}
# Rows the verify table shows unless --all: a few screens. Laying out a 10,000-row table takes longer
# than verifying it, and every row is in verification.json and summary.md anyway.
TABLE_ROWS = 60


def print_results(run: VerificationRun, *, all_rows: bool = False) -> None:
    from verifier.outputs.reasons import rendered  # here: `poam lint` imports this module, not outputs

    table = Table(title=Text(f"{run.poam.poam.organization} — as of {run.context.as_of.isoformat()}"))
    for column in ("Entry", "Practice", "Verdict", "Why"):
        table.add_column(column, overflow="fold")
    shown = run.results if all_rows else run.results[:TABLE_ROWS]
    for result in shown:
        verdict = Text(result.verdict.value, style=STYLE[result.verdict])
        # User data as Text, never markup: "[a]" in an objective id or a crafted entry id would be read as a tag.
        table.add_row(
            Text(result.entry_id), Text(result.practice_id), verdict, Text("\n".join(rendered(result)))
        )
    out.print(table)
    if len(shown) < len(run.results):
        out.print(
            f"… {len(run.results) - len(shown):,} more of {len(run.results):,} entries not shown "
            "(--all prints every row; verification.json and summary.md hold them all)"
        )
    out.print(" · ".join(f"{v.value}: {run.count(v)}" for v in Verdict))
    print_score(run.review.score)
    print_timeline(run.review.timeline, heading=False)


def print_score(report: ScoreReport) -> None:
    shown = "no score" if report.score is None else f"{report.score}/{report.max_score}"
    projected = "n/a" if report.projected_score is None else str(report.projected_score)
    verdict = Text("yes", style="green") if report.conditional_eligible else Text("no", style="red")
    out.print(
        Text.assemble(
            f"SPRS score {shown} (projected {projected}, threshold {report.threshold}); "
            "Conditional Level 2 eligible: ",
            verdict,
        )
    )
    if report.explanation:
        out.print(report.explanation)
    for blocker in report.blockers:
        out.print(flagged("blocker", "red", f"{blocker.entry or 'POA&M'}: {blocker.reason} ({blocker.rule})"))


def print_problems(problems: list[Problem]) -> None:
    if not problems:
        out.print(Text("no problems", style="green"))
        return
    table = Table()
    for column in ("Entry", "Rule", "Severity", "Message"):
        table.add_column(column, overflow="fold")
    for p in problems:
        style = "red" if p.severity is Severity.ERROR else "yellow"
        table.add_row(
            Text(p.entry or "POA&M"), Text(p.rule_id), Text(p.severity.value, style=style), Text(p.message)
        )
    out.print(table)
    errors = sum(p.severity is Severity.ERROR for p in problems)
    out.print(f"{errors} error(s), {len(problems) - errors} warning(s)")


def print_timeline(report: Timeline, heading: bool) -> None:
    out.print(
        f"Day {report.day} of 180 ({report.basis.value}); deadline {report.deadline.isoformat()}, "
        f"{report.days_remaining} days remaining; phase: {report.phase.value}"
    )
    if heading:
        for c in report.checkpoints:
            mark = "passed" if c.passed else "ahead"
            out.print(f"  Day {c.day:>3} {c.date.isoformat()} {c.name} ({mark})")
    for risk in report.at_risk:
        out.print(flagged("at risk", "yellow", f"{risk.entry} {risk.practice_id}: {'; '.join(risk.reasons)}"))


def flagged(label: str, style: str, text: str) -> Text:
    """``  label text`` with only the label styled: ``text`` (user data) is printed as written."""
    return Text.assemble("  ", (label, style), " ", text)
