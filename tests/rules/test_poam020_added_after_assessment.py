"""POAM020: nothing is added after the assessment; the POA&M is locked at Day 0 (error)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.rules.builders import ASSESSED, context, entry, poam, run
from verifier.rules.credibility import AddedAfterAssessment
from verifier.rules.ruleset import Severity

RULE = AddedAfterAssessment()


@pytest.mark.parametrize(("offset", "fires"), [(-30, False), (0, False), (1, True)])
def test_created_after_the_assessment_date_is_an_error(offset: int, fires: bool) -> None:
    created = ASSESSED + timedelta(days=offset)
    problems = run(RULE, context(poam(entry(created=created))))
    assert [p.severity for p in problems] == ([Severity.ERROR] if fires else [])


def test_no_created_date_passes() -> None:
    assert run(RULE, context(poam(entry(created=None)))) == []


def test_an_operational_plan_of_action_may_be_added_after_the_assessment() -> None:
    # A temporary deficiency (32 CFR 170.4) is found in operation, after Day 0: only the POA&M is locked.
    created = ASSESSED + timedelta(days=40)
    assert [p.entry for p in run(RULE, context(poam(entry(created=created))))] == [entry().id]
    assert run(RULE, context(poam(entry(created=created, kind="operational")))) == []
