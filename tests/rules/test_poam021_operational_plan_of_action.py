"""POAM021: an operational plan of action is not a POA&M item and is not counted as open at closeout (warning)."""

from __future__ import annotations

import pytest

from tests.rules.builders import context, entry, poam, run
from verifier.rules.credibility import OperationalPlanOfAction
from verifier.rules.ruleset import Severity

RULE = OperationalPlanOfAction()


@pytest.mark.parametrize(("kind", "fires"), [("poam", False), ("operational", True)])
def test_only_an_operational_entry_is_flagged(kind: str, fires: bool) -> None:
    problems = run(RULE, context(poam(entry(kind=kind))))
    assert [p.severity for p in problems] == ([Severity.WARNING] if fires else [])


def test_the_message_says_it_is_not_a_poam_item_and_not_counted_at_closeout() -> None:
    (problem,) = run(RULE, context(poam(entry(id="OPA-1", kind="operational"))))
    assert problem.entry == "OPA-1"
    assert "not a POA&M item" in problem.message
    assert "closeout" in problem.message and "170.4" in problem.message


def test_only_the_operational_entry_of_several_is_named() -> None:
    problems = run(RULE, context(poam(entry(id="A"), entry(id="B", kind="operational"), entry(id="C"))))
    assert [p.entry for p in problems] == ["B"]
