"""POAM011: a due date not written as YYYY-MM-DD cannot be checked against the deadline (warning)."""

from __future__ import annotations

import pytest

from tests.rules.builders import BASE_MILESTONES, context, entry, milestone, poam, run
from verifier.rules.credibility import MilestoneDateNotIso
from verifier.rules.ruleset import Severity

RULE = MilestoneDateNotIso()


@pytest.mark.parametrize("due", ["15 Jan 2027", "01/15/2027", "2027-02-30"])
def test_non_iso_dates_are_warned(due: str) -> None:
    steps = (*BASE_MILESTONES[:2], milestone("Verify", due))
    (problem,) = run(RULE, context(poam(entry(milestones=steps))))
    assert problem.severity is Severity.WARNING
    assert "YYYY-MM-DD" in problem.message


@pytest.mark.parametrize("due", ["2027-01-15", "Q3", ""])
def test_iso_dates_and_periods_are_not_this_rules_business(due: str) -> None:
    steps = (*BASE_MILESTONES[:2], milestone("Verify", due))
    assert run(RULE, context(poam(entry(milestones=steps)))) == []
