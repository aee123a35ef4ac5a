"""The 110 CMMC Level 2 practices with their SPRS points and § 170.21 POA&M eligibility, and the 320
NIST SP 800-171A assessment objectives an assessor judges them by.

Package data ``data/practices.csv`` is a copy of the project's reference table (32 CFR § 170.24 point
values, § 170.21(a)(2) eligibility); ``data/sp800-171a-objectives.json`` the 800-171A transcription (objective
texts and Examine / Interview / Test objects, its provenance in ``source``). ``tests/test_catalog.py`` pins both.
"""

from __future__ import annotations

import csv
import enum
import io
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


class Eligibility(enum.StrEnum):
    """Whether a practice may stand on a Conditional Level 2 POA&M (§ 170.21(a)(2))."""

    YES = "yes"
    CONDITIONAL = "conditional"  # SC.L2-3.13.11, only in its 3-point (not FIPS-validated) state
    NO = "no"


@dataclass(frozen=True, slots=True)
class Practice:
    """One CMMC Level 2 practice as scored by § 170.24."""

    practice_id: str
    nist_id: str
    domain: str
    title: str
    points: int | None  # None: CA.L2-3.12.4 (SSP) has no point value
    partial_points: int | None
    poam_eligibility: Eligibility
    level1: bool
    objectives: int


def _optional_int(text: str) -> int | None:
    return int(text) if text.strip() else None


def _parse(row: dict[str, str]) -> Practice:
    return Practice(
        practice_id=row["practice_id"],
        nist_id=row["nist_id"],
        domain=row["domain"],
        title=row["title"],
        points=_optional_int(row["points"]),
        partial_points=_optional_int(row["partial_points"]),
        poam_eligibility=Eligibility(row["poam_eligible"]),
        level1=row["level1"] == "yes",
        objectives=int(row["objectives"]),
    )


@cache
def practices() -> dict[str, Practice]:
    """All 110 practices keyed by practice id, in the table's order."""
    text = resources.files("verifier").joinpath("data/practices.csv").read_text(encoding="utf-8")
    return {p.practice_id: p for p in map(_parse, csv.DictReader(io.StringIO(text)))}


def by_nist_id() -> dict[str, Practice]:
    """The same practices keyed by NIST SP 800-171 id (``3.1.1``)."""
    return {p.nist_id: p for p in practices().values()}


# Practices where a passing configuration scan cannot prove the practice, whatever the mapping says:
# Prowler's NIST 800-171 mapping attaches encryption checks to 3.13.11, but what keeps SC.L2-3.13.11
# on a POA&M is FIPS validation of the modules, and the SSP is a document. Closure needs human evidence.
SCAN_CANNOT_PROVE: dict[str, str] = {
    "SC.L2-3.13.11": "FIPS validation of the cryptographic modules cannot be observed by a configuration scan",
    "CA.L2-3.12.4": "the System Security Plan is a document, not a cloud configuration",
}


@dataclass(frozen=True, slots=True)
class Objective:
    """One NIST SP 800-171A assessment objective (``3.3.8[c]``): what an assessor determines is so."""

    objective_id: str
    practice_id: str
    text: str


@dataclass(frozen=True, slots=True)
class AssessmentProcedure:
    """A practice's 800-171A procedure: its objectives and the objects an assessor examines, interviews, tests."""

    practice_id: str
    statement: str
    objectives: tuple[Objective, ...]
    examine: str
    interview: str
    test: str


OBJECTIVES_DATA = "data/sp800-171a-objectives.json"


@cache
def assessment_procedures() -> dict[str, AssessmentProcedure]:
    """All 110 procedures keyed by practice id, from the shipped 800-171A transcription (its ``source`` names it)."""
    text = resources.files("verifier").joinpath(OBJECTIVES_DATA).read_text(encoding="utf-8")
    return {r["practice_id"]: _procedure(r) for r in json.loads(text)["requirements"]}


def _procedure(raw: dict[str, Any]) -> AssessmentProcedure:
    practice_id = raw["practice_id"]
    return AssessmentProcedure(
        practice_id=practice_id,
        statement=raw["statement"],
        objectives=tuple(Objective(o["id"], practice_id, o["text"]) for o in raw["objectives"]),
        examine=raw["examine"],
        interview=raw["interview"],
        test=raw["test"],
    )


@cache
def objectives_by_id() -> dict[str, Objective]:
    """Every one of the 320 objectives keyed by its id (``3.3.8[c]``)."""
    return {o.objective_id: o for p in assessment_procedures().values() for o in p.objectives}
