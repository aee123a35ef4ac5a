"""The rule seam: a rule set fails closed, runs every rule and sorts problems stably."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.rules.builders import context, entry, poam
from verifier.errors import ExitCode
from verifier.rules.ruleset import LintContext, Problem, RuleSet, RuleSetError, Severity, problem_json


class _Fixed:
    """A rule that reports canned problems, in the order given."""

    description = "reports what it is told"

    def __init__(self, rule_id: str, *problems: tuple[str | None, str]) -> None:
        self.rule_id = rule_id
        self._problems = problems

    def check(self, ctx: LintContext) -> Iterator[Problem]:
        for entry_id, message in self._problems:
            yield Problem(entry_id, self.rule_id, Severity.WARNING, message)


def test_an_empty_rule_set_refuses_to_exist() -> None:
    with pytest.raises(RuleSetError, match="at least one rule") as raised:
        RuleSet([])
    assert raised.value.exit_code is ExitCode.USAGE


def test_rule_ids_must_be_unique() -> None:
    with pytest.raises(RuleSetError, match="X1"):
        RuleSet([_Fixed("X1"), _Fixed("X1")])


def test_problems_sort_poam_wide_first_then_by_entry_order_then_rule_stably() -> None:
    ctx = context(poam(entry(id="Z-first"), entry(id="A-second")))
    rules = RuleSet(
        [
            _Fixed(
                "X2",
                ("A-second", "x2 on second"),
                ("Z-first", "x2 on first, b"),
                ("Z-first", "x2 on first, a"),
            ),
            _Fixed("X1", ("A-second", "x1 on second"), (None, "poam-wide")),
        ]
    )
    assert [p.message for p in rules.run(ctx)] == [
        "poam-wide",
        "x2 on first, b",  # one rule's problems on one entry keep the rule's order
        "x2 on first, a",
        "x1 on second",
        "x2 on second",
    ]


def test_problem_json_is_stable() -> None:
    problem = Problem("POAM-001", "POAM008", Severity.ERROR, "owner is a team")
    assert problem_json(problem) == {
        "entry": "POAM-001",
        "rule": "POAM008",
        "severity": "error",
        "message": "owner is a team",
    }
