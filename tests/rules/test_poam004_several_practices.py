"""POAM004: one entry, one practice; an entry that names others or a whole family is an error."""

from __future__ import annotations

import pytest

from tests.rules.builders import BASE_ENTRY, context, entry, poam, run
from verifier.rules.credibility import SeveralPractices
from verifier.rules.ruleset import Severity

RULE = SeveralPractices()


@pytest.mark.parametrize(
    ("finding", "expected"),
    [
        ("implement all IA controls for the IAM users of account 123456789012", "group of practices"),
        (
            "Trail org-trail lacks validation (AU.L2-3.3.8) and protection of audit tools (AU.L2-3.3.9)",
            "AU.L2-3.3.9",
        ),
        ("Trail org-trail in account 123456789012 also fails 3.3.1 and 3.3.2", "AU.L2-3.3.1, AU.L2-3.3.2"),
    ],
)
def test_several_practices_are_an_error(finding: str, expected: str) -> None:
    (problem,) = run(RULE, context(poam(entry(finding=finding))))
    assert problem.severity is Severity.ERROR
    assert expected in problem.message


def test_naming_its_own_practice_passes() -> None:
    finding = BASE_ENTRY.finding + " (AU.L2-3.3.8, NIST SP 800-171 3.3.8)"
    assert run(RULE, context(poam(entry(finding=finding)))) == []
