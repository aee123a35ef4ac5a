"""POAM005: two entries for one practice is a warning on every entry after the first."""

from __future__ import annotations

from tests.rules.builders import context, entry, poam, run
from verifier.rules.credibility import DuplicatePractice
from verifier.rules.ruleset import Severity

RULE = DuplicatePractice()


def test_the_second_and_third_entries_are_warned() -> None:
    problems = run(
        RULE,
        context(poam(entry(id="A"), entry(id="B", practice_id="AU.L2-3.3.9"), entry(id="C"), entry(id="D"))),
    )
    assert [(p.entry, p.severity) for p in problems] == [("C", Severity.WARNING), ("D", Severity.WARNING)]
    assert "already on entry A" in problems[0].message


def test_distinct_practices_pass() -> None:
    assert run(RULE, context(poam(entry(id="A"), entry(id="B", practice_id="AU.L2-3.3.9")))) == []
