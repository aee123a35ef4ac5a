"""POAM012: a milestone due after Day 180 is an error (Day 180 itself is not)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.rules.builders import ASSESSED, BASE_MILESTONES, context, day, entry, milestone, poam, run
from verifier.model import EntryStatus, MilestoneStatus
from verifier.rules.credibility import MilestoneAfterDeadline
from verifier.rules.ruleset import Severity

RULE = MilestoneAfterDeadline()


@pytest.mark.parametrize(("n", "fires"), [(180, False), (181, True)])
def test_day_180_passes_and_day_181_is_an_error(n: int, fires: bool) -> None:
    steps = (*BASE_MILESTONES[:2], milestone("Verify", day(n)))
    problems = run(RULE, context(poam(entry(milestones=steps))))
    assert [p.severity for p in problems] == ([Severity.ERROR] if fires else [])
    if fires:
        assert "Day 181" in problems[0].message and "2027-03-27" in problems[0].message


def test_before_certification_the_assessment_date_is_the_basis_and_the_message_says_so() -> None:
    steps = (*BASE_MILESTONES[:2], milestone("Verify", ASSESSED + timedelta(days=181)))
    (problem,) = run(RULE, context(poam(entry(milestones=steps), conditional=None)))
    assert "counted from the assessment date" in problem.message


def test_done_milestones_and_closed_entries_are_history() -> None:
    late_done = (*BASE_MILESTONES[:2], milestone("Verify", day(200), MilestoneStatus.DONE))
    late_open = (*BASE_MILESTONES[:2], milestone("Verify", day(200)))
    assert run(RULE, context(poam(entry(milestones=late_done)))) == []
    assert run(RULE, context(poam(entry(milestones=late_open, status=EntryStatus.CLOSED)))) == []
