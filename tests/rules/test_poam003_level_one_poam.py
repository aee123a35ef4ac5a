"""POAM003: a POA&M is not permitted at any time for Level 1 (§ 170.21(a)(1))."""

from __future__ import annotations

from tests.rules.builders import context, poam, run
from verifier.rules.credibility import LevelOnePoam
from verifier.rules.ruleset import Severity

RULE = LevelOnePoam()


def test_level_1_is_an_error() -> None:
    (problem,) = run(RULE, context(poam(level=1)))
    assert (problem.entry, problem.severity) == (None, Severity.ERROR)
    assert "(a)(1)" in problem.message


def test_level_2_passes() -> None:
    assert run(RULE, context(poam(level=2))) == []
