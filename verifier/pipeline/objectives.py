"""``poam objectives``: the NIST SP 800-171A objectives of practices, with the checks that evidence them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from verifier.catalog import AssessmentProcedure, assessment_procedures, by_nist_id, practices
from verifier.errors import UsageError
from verifier.inputs.mapping import CheckMapping, load_mapping


@dataclass(frozen=True, slots=True)
class ObjectivesOptions:
    practices: tuple[str, ...]  # practice ids (AU.L2-3.3.8) or NIST ids (3.3.8); empty: all 110
    mapping: Path
    provider: str | None = None  # None: every provider the mapping covers


@dataclass(frozen=True, slots=True)
class PracticeObjectives:
    """One practice's procedure, the checks the mapping lists for it and those it assigns to each objective.

    Only an assigned check evidences an objective (mapping schema 3); a practice check no objective names
    evidences nothing.
    """

    procedure: AssessmentProcedure
    practice_checks: Mapping[str, tuple[str, ...]]
    objective_checks: Mapping[str, Mapping[str, tuple[str, ...]]]  # objective id → provider → checks


def run_objectives(options: ObjectivesOptions) -> list[PracticeObjectives]:
    """The asked practices in table order (all when none is named); an unknown id is a usage error."""
    mapping = load_mapping(options.mapping)
    providers = _providers(mapping, options.provider)
    procedures = assessment_procedures()
    return [
        PracticeObjectives(
            procedures[pid],
            {p: mapping.checks_for(pid, p) for p in providers},
            {
                o.objective_id: {
                    p: c for p in providers if (c := mapping.objective_checks(o.objective_id, p))
                }
                for o in procedures[pid].objectives
            },
        )
        for pid in _practice_ids(options.practices)
    ]


def _providers(mapping: CheckMapping, provider: str | None) -> tuple[str, ...]:
    known = tuple(mapping.providers())
    if provider is None:
        return known
    if provider not in known:
        raise UsageError(f"unknown provider {provider!r}: the mapping covers {', '.join(known)}")
    return (provider,)


def _practice_ids(asked: Sequence[str]) -> list[str]:
    if not asked:
        return list(practices())
    nist = by_nist_id()
    found = [
        name if name in practices() else nist[name].practice_id if name in nist else "" for name in asked
    ]
    unknown = [name for name, pid in zip(asked, found, strict=True) if not pid]
    if unknown:
        raise UsageError(f"not a CMMC Level 2 practice: {', '.join(unknown)} (e.g. AU.L2-3.3.8 or 3.3.8)")
    return list(dict.fromkeys(found))


def objectives_json(rows: Sequence[PracticeObjectives]) -> dict[str, Any]:
    """The report as JSON: per practice its objectives, the practice's checks per provider, the methods."""
    return {
        "practices": [
            {
                "practice_id": row.procedure.practice_id,
                "statement": row.procedure.statement,
                "objectives": [
                    {
                        "id": o.objective_id,
                        "text": o.text,
                        "checks": {p: list(c) for p, c in row.objective_checks[o.objective_id].items()},
                    }
                    for o in row.procedure.objectives
                ],
                "practice_checks": {p: list(c) for p, c in row.practice_checks.items()},
                "examine": row.procedure.examine,
                "interview": row.procedure.interview,
                "test": row.procedure.test,
            }
            for row in rows
        ],
        "objectives": sum(len(row.procedure.objectives) for row in rows),
    }
