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
