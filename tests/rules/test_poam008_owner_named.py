"""POAM008: a named person or role owns each entry, never a team or nobody."""

from __future__ import annotations

import pytest

from tests.rules.builders import context, entry, poam, run
from verifier.model import Owner
from verifier.rules.credibility import OwnerNamed
from verifier.rules.ruleset import Severity

RULE = OwnerNamed()


@pytest.mark.parametrize(
    "owner",
    [
        None,
        Owner("IT team", ""),
        Owner("Security", ""),
        Owner("TBD", ""),
        Owner("IT department", ""),
        Owner("", "Engineering"),
    ],
)
def test_missing_owners_and_teams_are_errors(owner: Owner | None) -> None:
    (problem,) = run(RULE, context(poam(entry(owner=owner))))
    assert problem.severity is Severity.ERROR


@pytest.mark.parametrize("owner", [Owner("Dana Whitfield", ""), Owner("", "Facility Security Officer")])
def test_people_and_roles_pass(owner: Owner) -> None:
    assert run(RULE, context(poam(entry(owner=owner)))) == []
