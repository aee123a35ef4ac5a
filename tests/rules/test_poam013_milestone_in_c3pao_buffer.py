"""POAM013: a milestone due in the last 30 days before the deadline eats the C3PAO's time (warning)."""

from __future__ import annotations

import pytest

from tests.rules.builders import BASE_MILESTONES, context, day, entry, milestone, poam, run
from verifier.rules.credibility import MilestoneInC3paoBuffer
from verifier.rules.ruleset import Severity

RULE = MilestoneInC3paoBuffer()


@pytest.mark.parametrize(("n", "fires"), [(150, False), (151, True), (180, True), (181, False)])
def test_days_151_to_180_are_warned(n: int, fires: bool) -> None:
    steps = (*BASE_MILESTONES[:2], milestone("Verify", day(n)))
    problems = run(RULE, context(poam(entry(milestones=steps))))
    assert [p.severity for p in problems] == ([Severity.WARNING] if fires else [])
    if fires:
        assert "back it up by 30 days" in problems[0].message
