"""The 110 CMMC Level 2 practices with their SPRS points and § 170.21 POA&M eligibility.

Package data ``data/practices.csv`` is a copy of the project's reference table (32 CFR § 170.24 point
values, § 170.21(a)(2) eligibility); ``tests/test_catalog.py`` pins its totals.
"""

from __future__ import annotations

import csv
import enum
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources


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
