"""What every output needs to show an entry's verdicts per NIST SP 800-171A objective.

Evaluation records each objective's verdict as data (``ObjectiveResult``); the objective's words come from
``verifier.catalog``. A result without objectives (no objective-level evaluation ran) shows no objective
section anywhere, so such a run renders exactly as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import assert_never

from verifier.catalog import objectives_by_id
from verifier.model import EntryResult, Finding, ObjectiveResult, Verdict
from verifier.scope import QUALIFIER


def objective_text(objective_id: str) -> str:
    """The objective's 800-171A text; empty for an id the catalog does not hold (evaluation never makes one)."""
    objective = objectives_by_id().get(objective_id)
    return objective.text if objective is not None else ""


def any_objectives(results: Iterable[EntryResult]) -> bool:
    """Whether any entry was judged per objective: only then does an output show objectives."""
    return any(result.objectives for result in results)


def finding_positions(result: EntryResult, objective: ObjectiveResult) -> list[int]:
    """The positions in ``result.evidence`` of the findings of the objective's checks.

    A check label is the check id, or ``provider:check_id`` when the POA&M spans several providers.
    """
    labels = set(objective.checks)
    return [
        index
        for index, finding in enumerate(result.evidence)
        if finding.check_id in labels or _qualified(finding) in labels
    ]


def _qualified(finding: Finding) -> str:
    return f"{finding.provider}{QUALIFIER}{finding.check_id}"


@dataclass(frozen=True, slots=True)
class ObjectiveCounts:
    """How many objectives of a run have each verdict."""

    met: int
    not_met: int
    not_verified: int

    @property
    def total(self) -> int:
        return self.met + self.not_met + self.not_verified

    def of(self, verdict: Verdict) -> int:
        """The count of ``verdict``."""
        match verdict:
            case Verdict.MET:
                return self.met
            case Verdict.NOT_MET:
                return self.not_met
            case Verdict.NOT_VERIFIED:
                return self.not_verified
            case _:
                assert_never(verdict)


def objective_counts(results: Sequence[EntryResult]) -> ObjectiveCounts:
    """The verdicts of every judged objective of every entry, counted."""
    verdicts = [objective.verdict for result in results for objective in result.objectives]
    return ObjectiveCounts(
        met=verdicts.count(Verdict.MET),
        not_met=verdicts.count(Verdict.NOT_MET),
        not_verified=verdicts.count(Verdict.NOT_VERIFIED),
    )
