"""POAM002: a score under 88 of 110 cannot support Conditional status (§ 170.21(a)(2)(i))."""

from __future__ import annotations

import pytest

from tests.rules.builders import context, entry, poam, run
from verifier.catalog import Eligibility, practices
from verifier.rules.credibility import ScoreBelowThreshold
from verifier.rules.ruleset import Severity

RULE = ScoreBelowThreshold()
ONE_POINTERS = [
    pid for pid, p in practices().items() if p.points == 1 and p.poam_eligibility is Eligibility.YES
]


@pytest.mark.parametrize(("deducted", "fires"), [(22, False), (23, True)])
def test_88_passes_and_87_is_an_error(deducted: int, fires: bool) -> None:
    entries = [entry(id=f"E{i}", practice_id=pid) for i, pid in enumerate(ONE_POINTERS[:deducted])]
    problems = run(RULE, context(poam(*entries)))
    assert [(p.entry, p.severity) for p in problems] == ([(None, Severity.ERROR)] if fires else [])
    if fires:
        assert "score 87" in problems[0].message and "(a)(2)(i)" in problems[0].message


def test_no_score_is_left_to_poam001() -> None:
    # With the SSP on the POA&M there is no score; POAM001 reports the SSP, this rule stays quiet.
    assert run(RULE, context(poam(entry(practice_id="CA.L2-3.12.4")))) == []
