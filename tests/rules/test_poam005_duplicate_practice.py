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
    assert "the score deducts it once" in problems[0].message


def test_distinct_practices_pass() -> None:
    assert run(RULE, context(poam(entry(id="A"), entry(id="B", practice_id="AU.L2-3.3.9")))) == []


def test_a_poam_item_and_an_operational_plan_for_one_practice_are_told_apart() -> None:
    # The score deducts neither twice (an operational plan deducts nothing): the warning says what is wrong,
    # whichever of the two comes first, and names each entry by its kind.
    for first, second in (("poam", "operational"), ("operational", "poam")):
        problems = run(RULE, context(poam(entry(id="A", kind=first), entry(id="B", kind=second))))
        assert [p.entry for p in problems] == ["B"]
        item, operational = ("A", "B") if first == "poam" else ("B", "A")
        assert f"POA&M item on entry {item} and an operational plan of action on entry {operational}" in (
            problems[0].message
        )
        assert "deducts it once" not in problems[0].message


def test_two_operational_plans_for_one_practice_are_one_too_many() -> None:
    problems = run(RULE, context(poam(entry(id="A", kind="operational"), entry(id="B", kind="operational"))))
    assert [p.entry for p in problems] == ["B"] and "already on entry A" in problems[0].message
    assert "deducts" not in problems[0].message  # an operational plan deducts nothing
