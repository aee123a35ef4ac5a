"""POAM022: an entry without ``objectives`` is judged on every objective of its practice (warning)."""

from __future__ import annotations

from tests.rules.builders import context, entry, poam, run
from verifier.rules.credibility import JudgedOnAllObjectives
from verifier.rules.ruleset import Severity

RULE = JudgedOnAllObjectives()


def test_an_entry_without_objectives_is_told_it_is_judged_on_all_of_them() -> None:
    problems = run(RULE, context(poam(entry(objectives=None))))
    assert [(p.severity, p.message) for p in problems] == [
        (
            Severity.WARNING,
            "judged on all 6 objectives of AU.L2-3.3.8 (3.3.8[a], 3.3.8[b], 3.3.8[c], 3.3.8[d], 3.3.8[e], "
            "3.3.8[f]): list in objectives the ones the assessment found NOT MET, or each needs a check or an "
            "attestation",
        )
    ]


def test_an_entry_naming_its_open_objectives_passes() -> None:
    assert run(RULE, context(poam(entry(objectives=("3.3.8[c]",))))) == []


def test_a_practice_with_one_objective_has_nothing_to_narrow() -> None:
    assert run(RULE, context(poam(entry(practice_id="SC.L2-3.13.16", objectives=None)))) == []
