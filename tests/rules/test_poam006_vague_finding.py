"""POAM006: a finding must say which systems or users lack what (warning)."""

from __future__ import annotations

import pytest

from tests.rules.builders import context, entry, poam, run
from verifier.rules.credibility import VagueFinding
from verifier.rules.ruleset import Severity

RULE = VagueFinding()


@pytest.mark.parametrize(
    "finding",
    [
        "Configuration baseline not enforced",
        "Audit logs are not protected from modification or deletion at all.",
    ],
)
def test_vague_findings_are_warned(finding: str) -> None:
    (problem,) = run(RULE, context(poam(entry(finding=finding))))
    assert problem.severity is Severity.WARNING


def test_a_specific_finding_passes() -> None:
    assert run(RULE, context()) == []
