"""The seam every CMMC rule plugs into: the context a rule reads, the problems it reports, the rule set.

Rules are pure: they read a frozen ``LintContext`` (the clock is ``as_of``) and yield ``Problem`` records.
A ``RuleSet`` with no rules refuses to exist, as sigstore's ``AllOf`` refuses zero children: a lint that
checks nothing would report a POA&M as credible without having looked at it.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from verifier.errors import UsageError
from verifier.inputs.known_checks import KnownChecks
from verifier.inputs.mapping import CheckMapping
from verifier.model import Poam


class RuleSetError(UsageError):
    """A rule set was configured that would check nothing, or names one rule twice."""


class Severity(enum.StrEnum):
    """How bad a problem is: an error makes the POA&M not credible; a warning is worth fixing."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing a rule found wrong; ``entry`` is None when the problem is the POA&M's as a whole."""

    entry: str | None
    rule_id: str
    severity: Severity
    message: str


@dataclass(frozen=True, slots=True)
class LintContext:
    """Everything a rule may read. ``known_checks`` is the installed Prowler's check ids per provider of
    the POA&M, when known;
    ``release_checks`` the check list of the Prowler release the verifier ships (or a local sync's)."""

    poam: Poam
    mapping: CheckMapping | None
    known_checks: Mapping[str, frozenset[str]] | None
    as_of: date
    stale_days: int = 30
    release_checks: KnownChecks | None = None


class Rule(Protocol):
    """One named, stable rule. ``check`` must not raise for any schema-valid POA&M."""

    rule_id: str
    description: str

    def check(self, ctx: LintContext) -> Iterable[Problem]:
        """Every problem this rule finds in the context, in a deterministic order."""
        ...


class RuleSet:
    """An ordered, non-empty set of rules with unique ids, run together."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        if not rules:
            raise RuleSetError("a rule set needs at least one rule: an empty one would pass anything")
        ids = [rule.rule_id for rule in rules]
        duplicates = sorted({rule_id for rule_id in ids if ids.count(rule_id) > 1})
        if duplicates:
            raise RuleSetError(f"rule ids must be unique, repeated: {', '.join(duplicates)}")
        self.rules: tuple[Rule, ...] = tuple(rules)

    def run(self, ctx: LintContext) -> list[Problem]:
        """Run every rule; problems come back POA&M-wide first, then by entry (file order), then rule id.

        The sort is stable, so one rule's problems on one entry keep the order the rule reported them.
        """
        position = {entry.id: index for index, entry in enumerate(ctx.poam.entries)}
        problems = [problem for rule in self.rules for problem in rule.check(ctx)]
        return sorted(problems, key=lambda p: (_entry_position(p, position), p.rule_id))


def _entry_position(problem: Problem, position: dict[str, int]) -> int:
    if problem.entry is None:
        return -1
    return position.get(problem.entry, len(position))


def problem_json(problem: Problem) -> dict[str, Any]:
    """One problem as a JSON object with a stable key order."""
    return {
        "entry": problem.entry,
        "rule": problem.rule_id,
        "severity": problem.severity.value,
        "message": problem.message,
    }
