"""POAM009: 3 to 5 milestones; 2 and 6 are errors."""

from __future__ import annotations

import pytest

from tests.rules.builders import context, entry, milestone, poam, run
from verifier.rules.credibility import MilestoneCount
from verifier.rules.ruleset import Severity

RULE = MilestoneCount()


@pytest.mark.parametrize(("count", "fires"), [(0, True), (2, True), (3, False), (5, False), (6, True)])
def test_milestone_count_boundaries(count: int, fires: bool) -> None:
    steps = tuple(milestone(f"Step {i}") for i in range(count))
    problems = run(RULE, context(poam(entry(milestones=steps))))
    assert [p.severity for p in problems] == ([Severity.ERROR] if fires else [])
    if fires:
        assert problems[0].message.startswith(f"{count} milestone(s)")
