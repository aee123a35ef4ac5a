"""POAM016: resources are committed: a positive budget or FTEs, never missing, zero or "TBD" (error)."""

from __future__ import annotations

import pytest

from tests.rules.builders import context, entry, poam, run
from verifier.model import Resources
from verifier.rules.credibility import ResourcesCommitted
from verifier.rules.ruleset import Severity

RULE = ResourcesCommitted()


@pytest.mark.parametrize(
    "resources", [None, Resources("TBD", None, ()), Resources(0, 0, ()), Resources(None, None, ("Prowler",))]
)
def test_uncommitted_resources_are_errors(resources: Resources | None) -> None:
    (problem,) = run(RULE, context(poam(entry(resources=resources))))
    assert problem.severity is Severity.ERROR


def test_committed_resources_pass() -> None:
    assert run(RULE, context()) == []
