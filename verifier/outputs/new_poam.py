"""A new POA&M document, for ``poam import`` and ``poam init``: the one place that decides its shape.

Everything that creates a POA&M from nothing goes through ``poam_document``, so a change of the file's
schema (its ``scope``) changes here only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from verifier.inputs.poam import CURRENT_SCHEMA_VERSION


@dataclass(frozen=True, slots=True)
class PoamHeader:
    """Who and what the POA&M is about: the fields above its entries."""

    organization: str
    system: str
    assessment_date: date
    accounts: tuple[str, ...]
    provider: str
    regions: tuple[str, ...] = ()
    conditional_status_date: date | None = None
    assessment_type: str = "c3pao"


def poam_document(header: PoamHeader, entries: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The POA&M as JSON in the current schema version: ``scope`` is a list of targets (here one)."""
    assessment: dict[str, Any] = {
        "level": 2,
        "type": header.assessment_type,
        "assessment_date": header.assessment_date.isoformat(),
    }
    if header.conditional_status_date is not None:
        assessment["conditional_status_date"] = header.conditional_status_date.isoformat()
    target: dict[str, Any] = {"provider": header.provider, "accounts": list(header.accounts)}
    if header.regions:
        target["regions"] = list(header.regions)
    return {
        "schema_version": CURRENT_SCHEMA_VERSION,
        "organization": header.organization,
        "system": header.system,
        "assessment": assessment,
        "scope": [target],
        "entries": list(entries),
    }
