"""Judging a change's Terraform against the POA&M: pure, from ``prowler iac`` findings of head (and base).

An open entry "passes in code" only when none of its mapped Trivy checks fails on head, none is switched off
by an inline ``trivy:ignore`` comment, and at least one of them was evaluated. A mute or an ignore records an
accepted risk, it is not a fix: a muted FAIL keeps the entry failing and an ignored check makes it
"ignored in code" (fail closed). Regressions are head's unmuted FAILs on mapped checks that
the base did not have; a muted one is listed apart and never trips the gate, since the mutelist is reviewed
code. Failures are matched across commits by check, file and resource, never by line.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from verifier.choices import IacFailOn
from verifier.inputs.findings.iac import IacFinding, IacMapping
from verifier.inputs.terraform_ignores import InlineIgnore
from verifier.model import EntryStatus, Poam

_EVALUATED = frozenset({"PASS", "FAIL"})


class CodeVerdict(enum.StrEnum):
    PASSES_IN_CODE = "passes_in_code"
    FAILS_IN_CODE = "fails_in_code"
    IGNORED_IN_CODE = "ignored_in_code"
    NOT_COVERED = "not_covered"


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
) -> IacReport:
    """Entries judged on head (and its inline ignores), and head's mapped failures absent from base."""
    every_failure = tuple(f for f in head if f.status == "FAIL")
    entries = () if poam is None else _judge_entries(head, every_failure, mapping, poam, ignores)
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
    return IacReport(entries, regressions, muted_new, unmuted, base is not None, gate)


def _judge_entries(
    head: tuple[IacFinding, ...],
    failures: tuple[IacFinding, ...],
    mapping: IacMapping,
    poam: Poam,
    ignores: tuple[InlineIgnore, ...],
) -> tuple[EntryCode, ...]:
    evaluated = {f.check_id for f in head if f.status in _EVALUATED}
    long_ids = {p.trivy_id: p.trivy_long_id for ps in mapping.practices.values() for p in ps}
    judged = []
    for entry in poam.entries:
        checks = mapping.checks_for(entry.practice_id)
        if entry.status is EntryStatus.CLOSED or not checks:
            continue
        failing = tuple(f for f in failures if f.check_id in checks)
        hidden = tuple(i for i in ignores if any(i.hides(c, long_ids.get(c, c)) for c in checks))
        if failing:
            verdict = CodeVerdict.FAILS_IN_CODE
        elif hidden:
            verdict = CodeVerdict.IGNORED_IN_CODE
        elif evaluated & set(checks):
            verdict = CodeVerdict.PASSES_IN_CODE
        else:
            verdict = CodeVerdict.NOT_COVERED
        missing = tuple(c for c in checks if c not in evaluated)
        judged.append(EntryCode(entry.id, entry.practice_id, checks, verdict, failing, missing, hidden))
    return tuple(judged)
