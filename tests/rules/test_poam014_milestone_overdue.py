"""POAM014: a milestone past due that is not done (warning)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.rules.builders import AS_OF, BASE_MILESTONES, context, entry, milestone, poam, run
from verifier.model import EntryStatus, MilestoneStatus
from verifier.rules.credibility import MilestoneOverdue
from verifier.rules.ruleset import Severity

RULE = MilestoneOverdue()


@pytest.mark.parametrize(
    ("days_late", "status", "fires"),
    [
        (1, MilestoneStatus.IN_PROGRESS, True),
        (1, MilestoneStatus.MISSED, True),
        (1, MilestoneStatus.DONE, False),
        (0, MilestoneStatus.PLANNED, False),  # due today is not yet late
    ],
)
def test_past_due_and_not_done_is_warned(days_late: int, status: MilestoneStatus, fires: bool) -> None:
    steps = (milestone("Late", AS_OF - timedelta(days=days_late), status), *BASE_MILESTONES[1:])
    problems = run(RULE, context(poam(entry(milestones=steps))))
    assert [p.severity for p in problems] == ([Severity.WARNING] if fires else [])
    if fires:
        assert problems[0].message.startswith("milestone 1 ('Late')")


def test_closed_entries_are_skipped() -> None:
    steps = (milestone("Late", AS_OF - timedelta(days=5)), *BASE_MILESTONES[1:])
    assert run(RULE, context(poam(entry(milestones=steps, status=EntryStatus.CLOSED)))) == []
