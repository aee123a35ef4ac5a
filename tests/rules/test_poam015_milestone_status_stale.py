"""POAM015: each milestone carries a current status date (warning when missing, stale or in the future)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.rules.builders import AS_OF, BASE_MILESTONES, context, entry, milestone, poam, run
from verifier.model import MilestoneStatus
from verifier.rules.credibility import MilestoneStatusStale
from verifier.rules.ruleset import Severity

RULE = MilestoneStatusStale()


@pytest.mark.parametrize(
    ("age", "status", "expected"),
    [
        (30, MilestoneStatus.PLANNED, None),
        (31, MilestoneStatus.PLANNED, "31 days ago"),
        (31, MilestoneStatus.IN_PROGRESS, "31 days ago"),
        (400, MilestoneStatus.DONE, None),  # a done milestone's date is when it was done
        (-1, MilestoneStatus.PLANNED, "in the future"),
    ],
)
def test_status_age(age: int, status: MilestoneStatus, expected: str | None) -> None:
    steps = (
        *BASE_MILESTONES[:2],
        milestone("Verify", status=status, status_date=AS_OF - timedelta(days=age)),
    )
    problems = run(RULE, context(poam(entry(milestones=steps))))
    assert [p.message for p in problems if expected and expected in p.message] == [
        p.message for p in problems
    ]
    assert [p.severity for p in problems] == ([Severity.WARNING] if expected else [])


@pytest.mark.parametrize("status", [MilestoneStatus.PLANNED, MilestoneStatus.DONE])
def test_no_status_date_is_warned(status: MilestoneStatus) -> None:
    steps = (*BASE_MILESTONES[:2], milestone("Verify", status=status, status_date=None))
    (problem,) = run(RULE, context(poam(entry(milestones=steps))))
    assert "no status date" in problem.message


def test_stale_days_is_configurable() -> None:
    steps = (*BASE_MILESTONES[:2], milestone("Verify", status_date=AS_OF - timedelta(days=8)))
    assert len(run(RULE, context(poam(entry(milestones=steps)), stale_days=7))) == 1
