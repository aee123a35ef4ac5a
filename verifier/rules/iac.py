"""Judging a change's Terraform against the POA&M: pure, from ``prowler iac`` findings of head (and base).

An open entry "passes in code" only when, for each of its mapped Trivy checks, head's code declares a
resource the check examines, Trivy evaluated the check, and it has no FAIL; and no inline ``trivy:ignore``
comment switches one off. Trivy passes a check it had nothing to examine (``prowler iac`` reports it as
one PASS on ``.``), and for account-level settings it judges a default state nothing declares, so a PASS
without a declared resource is never evidence: such an entry is "not in this code", naming the resource
types looked for. A mute or an ignore records an accepted risk, it is not a fix: a muted FAIL keeps the
entry failing and an ignored check makes it "ignored in code" (fail closed). Regressions are head's unmuted FAILs on mapped checks that
the base did not have; a muted one is listed apart and never trips the gate, since the mutelist is reviewed
code. Failures are matched across commits by check, file and resource, never by line.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from verifier.choices import IacFailOn
from verifier.inputs.findings.iac import IacFinding, IacMapping
from verifier.inputs.terraform import DeclaredResource, TerraformDeclarations
from verifier.inputs.terraform_ignores import InlineIgnore
from verifier.model import EntryStatus, Poam

_EVALUATED = frozenset({"PASS", "FAIL"})


class CodeVerdict(enum.StrEnum):
    PASSES_IN_CODE = "passes_in_code"
    FAILS_IN_CODE = "fails_in_code"
    IGNORED_IN_CODE = "ignored_in_code"
    # Some check has no declared resource of the types it examines: nothing in this code to judge.
    NOT_IN_THIS_CODE = "not_in_this_code"
    # Each check has a declared resource, but Trivy reported nothing for some check.
    NOT_COVERED = "not_covered"


@dataclass(frozen=True, slots=True)
class CheckInCode:
    """One mapped Trivy check on head: what it examines, what the code declares of it, whether it ran."""

    check_id: str
    resource_types: tuple[str, ...]
    resources: tuple[DeclaredResource, ...]
    evaluated: bool

    @property
    def has_something_to_examine(self) -> bool:
        return any(r.type in self.resource_types for r in self.resources)


@dataclass(frozen=True, slots=True)
class EntryCode:
    """One open POA&M entry judged on head's Terraform."""

    entry_id: str
    practice_id: str
    checks: tuple[str, ...]
    verdict: CodeVerdict
    failures: tuple[IacFinding, ...]
    not_evaluated: tuple[str, ...]
    ignores: tuple[InlineIgnore, ...] = ()
    in_code: tuple[CheckInCode, ...] = ()

    @property
    def nothing_to_examine(self) -> tuple[CheckInCode, ...]:
        """The checks whose resource types the code does not declare (their PASS, if any, proves nothing)."""
        return tuple(c for c in self.in_code if not c.has_something_to_examine)

    @property
    def muted_failures(self) -> tuple[IacFinding, ...]:
        return tuple(f for f in self.failures if f.muted)


@dataclass(frozen=True, slots=True)
class Regression:
    practice_ids: tuple[str, ...]
    finding: IacFinding


@dataclass(frozen=True, slots=True)
class IacReport:
    entries: tuple[EntryCode, ...]
    regressions: tuple[Regression, ...]
    muted_new_failures: tuple[Regression, ...]
    head_failures: tuple[IacFinding, ...]
    compared_with_base: bool
    gate_hit: bool
    # Terraform files the HCL parser could not read: what they declare never counts.
    unparsed_files: tuple[str, ...] = ()

    @property
    def closed_in_code(self) -> tuple[EntryCode, ...]:
        return tuple(e for e in self.entries if e.verdict is CodeVerdict.PASSES_IN_CODE)


def judge_change(
    head: tuple[IacFinding, ...],
    base: tuple[IacFinding, ...] | None,
    mapping: IacMapping,
    poam: Poam | None,
    fail_on: IacFailOn = IacFailOn.NEVER,
    ignores: tuple[InlineIgnore, ...] = (),
    declarations: TerraformDeclarations = TerraformDeclarations(),  # noqa: B008 - frozen, never mutated
) -> IacReport:
    """Entries judged on head (its declared resources and inline ignores), and head's mapped failures
    absent from base. Without ``declarations`` no entry passes in code."""
    every_failure = tuple(f for f in head if f.status == "FAIL")
    entries = (
        () if poam is None else _judge_entries(head, every_failure, mapping, poam, ignores, declarations)
    )
    new: tuple[Regression, ...] = ()
    if base is not None:
        before = {f.key for f in base if f.status == "FAIL"}
        candidates = (
            Regression(mapping.practices_for(f.check_id), f) for f in every_failure if f.key not in before
        )
        new = tuple(r for r in candidates if r.practice_ids)
    regressions = tuple(r for r in new if not r.finding.muted)
    gate = fail_on is IacFailOn.REGRESSION and bool(regressions)
    unmuted = tuple(f for f in every_failure if not f.muted)
    muted_new = tuple(r for r in new if r.finding.muted)
    return IacReport(entries, regressions, muted_new, unmuted, base is not None, gate, declarations.unparsed)


def _judge_entries(
    head: tuple[IacFinding, ...],
    failures: tuple[IacFinding, ...],
    mapping: IacMapping,
    poam: Poam,
    ignores: tuple[InlineIgnore, ...],
    declarations: TerraformDeclarations,
) -> tuple[EntryCode, ...]:
    evaluated = frozenset(f.check_id for f in head if f.status in _EVALUATED)
    judged = []
    for entry in poam.entries:
        checks = mapping.checks_for(entry.practice_id)
        if entry.status is EntryStatus.CLOSED or not checks:
            continue
        failing = tuple(f for f in failures if f.check_id in checks)
        hidden = tuple(i for i in ignores if any(i.hides(c, _long_id(mapping, c)) for c in checks))
        in_code = tuple(_check_in_code(c, mapping, declarations, evaluated) for c in checks)
        verdict = _verdict(failing, hidden, in_code)
        missing = tuple(c for c in checks if c not in evaluated)
        judged.append(
            EntryCode(entry.id, entry.practice_id, checks, verdict, failing, missing, hidden, in_code)
        )
    return tuple(judged)


def _long_id(mapping: IacMapping, check_id: str) -> str:
    pairing = mapping.pairing(check_id)
    return pairing.trivy_long_id if pairing else check_id


def _check_in_code(
    check_id: str, mapping: IacMapping, declarations: TerraformDeclarations, evaluated: frozenset[str]
) -> CheckInCode:
    pairing = mapping.pairing(check_id)
    examined = pairing.resource_types if pairing else ()
    related = pairing.related_types if pairing else ()
    return CheckInCode(
        check_id, examined, declarations.of_types((*examined, *related)), check_id in evaluated
    )


def _verdict(
    failing: tuple[IacFinding, ...], hidden: tuple[InlineIgnore, ...], in_code: tuple[CheckInCode, ...]
) -> CodeVerdict:
    """A FAIL outranks an ignore, an ignore outranks absence; a pass needs every check examined and run."""
    if failing:
        return CodeVerdict.FAILS_IN_CODE
    if hidden:
        return CodeVerdict.IGNORED_IN_CODE
    if not all(c.has_something_to_examine for c in in_code):
        return CodeVerdict.NOT_IN_THIS_CODE
    if not all(c.evaluated for c in in_code):
        return CodeVerdict.NOT_COVERED
    return CodeVerdict.PASSES_IN_CODE
