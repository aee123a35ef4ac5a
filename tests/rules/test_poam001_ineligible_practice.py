"""POAM001: a practice § 170.21(a)(2)(ii)/(iii) keeps off a Conditional POA&M is an error."""

from __future__ import annotations

import pytest

from tests.rules.builders import context, entry, poam, run
from verifier.model import EntryStatus
from verifier.rules.credibility import IneligiblePractice
from verifier.rules.ruleset import Severity

RULE = IneligiblePractice()


@pytest.mark.parametrize(
    ("practice_id", "partial", "citation"),
    [
        ("IA.L2-3.5.3", True, "(a)(2)(ii)"),  # MFA partial is NOT excepted
        ("SC.L2-3.13.11", False, "(a)(2)(ii)"),
        ("AC.L2-3.1.1", False, "(a)(2)(ii)"),
        ("PE.L2-3.10.3", False, "(a)(2)(iii)"),
        ("CA.L2-3.12.4", False, "(a)(2)(iii)"),
    ],
)
def test_ineligible_practices_are_errors(practice_id: str, partial: bool, citation: str) -> None:
    (problem,) = run(RULE, context(poam(entry(practice_id=practice_id, partial=partial))))
    assert (problem.entry, problem.severity) == ("POAM-001", Severity.ERROR)
    assert f"32 CFR § 170.21{citation}" in problem.message


@pytest.mark.parametrize(("practice_id", "partial"), [("SC.L2-3.13.11", True), ("AU.L2-3.3.8", False)])
def test_eligible_practices_pass(practice_id: str, partial: bool) -> None:
    assert run(RULE, context(poam(entry(practice_id=practice_id, partial=partial)))) == []


def test_a_closed_ineligible_entry_is_no_longer_on_the_poam() -> None:
    assert run(RULE, context(poam(entry(practice_id="AC.L2-3.1.1", status=EntryStatus.CLOSED)))) == []
