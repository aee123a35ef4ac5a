"""The rules' view of one verification run: score, countdown and lint, after this run's status changes."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from verifier.inputs.mapping import CheckMapping
from verifier.model import EntryResult, Poam, next_status
from verifier.rules.credibility import lint
from verifier.rules.ruleset import LintContext, Problem, Severity
from verifier.rules.score import ScoreReport, score_poam
from verifier.rules.timeline import Timeline, timeline


@dataclass(frozen=True, slots=True)
class RunReview:
    """What ``verify`` reports next to the verdicts, and what its ``--fail-on`` rule gates read."""

    score: ScoreReport
    timeline: Timeline
    problems: tuple[Problem, ...]

    @property
    def lint_errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)


def review_run(poam: Poam, mapping: CheckMapping, results: tuple[EntryResult, ...], as_of: date) -> RunReview:
    """Score the POA&M as it will stand after this run; lint it as it was given."""
    verdicts = {r.entry_id: r.verdict for r in results}
    entries = tuple(replace(e, status=next_status(e.status, verdicts[e.id])) for e in poam.entries)
    after = replace(poam, entries=entries)
    problems = lint(LintContext(poam, mapping, None, as_of))
    return RunReview(score_poam(after), timeline(after, as_of, verdicts), tuple(problems))
