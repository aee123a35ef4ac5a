"""POAM010: every milestone has a date, not a period such as "Q3" (error)."""

from __future__ import annotations

import pytest

from tests.rules.builders import BASE_MILESTONES, context, entry, milestone, poam, run
from verifier.rules.credibility import MilestoneUndated
from verifier.rules.ruleset import Severity

RULE = MilestoneUndated()


@pytest.mark.parametrize(
    ("due", "expected"),
    [(None, "no due date"), ("", "no due date"), ("Q3", "'Q3'"), ("Complete by Q3", "a period")],
)
def test_undated_and_vague_milestones_are_errors(due: str | None, expected: str) -> None:
    steps = (*BASE_MILESTONES[:2], milestone("Verify", due))
    (problem,) = run(RULE, context(poam(entry(milestones=steps))))
    assert problem.severity is Severity.ERROR
    assert problem.message.startswith("milestone 3 ('Verify')")
    assert expected in problem.message


@pytest.mark.parametrize("due", ["2027-01-15", "15 Jan 2027"])
def test_dates_pass(due: str) -> None:
    steps = (*BASE_MILESTONES[:2], milestone("Verify", due))
    assert run(RULE, context(poam(entry(milestones=steps)))) == []
