"""POAM007: the root cause is a technical or process gap, not "resource constraints" or "TBD"."""

from __future__ import annotations

import pytest

from tests.rules.builders import context, entry, poam, run
from verifier.rules.credibility import RootCause
from verifier.rules.ruleset import Severity

RULE = RootCause()


@pytest.mark.parametrize(
    "root_cause", ["", "TBD", "N/A", "Resource constraints", "budget", "Lack of resources"]
)
def test_missing_or_evasive_root_causes_are_errors(root_cause: str) -> None:
    (problem,) = run(RULE, context(poam(entry(root_cause=root_cause))))
    assert problem.severity is Severity.ERROR


def test_a_real_root_cause_passes() -> None:
    assert run(RULE, context()) == []
