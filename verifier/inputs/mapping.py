"""The practice → Prowler check mapping: load and validate it, and build it from Prowler's own frameworks."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from verifier.catalog import by_nist_id, practices
from verifier.errors import InputError
from verifier.inputs.jsondoc import parse_json, read_bytes, sha256_hex, validate

CMMC_FRAMEWORK = "cmmc_2.0"
NIST_FRAMEWORK = "nist_800_171_revision_2_aws"
_NIST_ID = re.compile(r"^3_(\d+)_(\d+)$")
_META_KEYS = frozenset({"title", "sources"})


@dataclass(frozen=True, slots=True)
class CheckMapping:
    """Which checks, per provider, test a practice; ``sources`` says which framework contributed each."""

    practices: Mapping[str, Mapping[str, tuple[str, ...]]]
    source: Mapping[str, Any] = field(default_factory=dict)
    sha256: str = ""
    path: str = ""

    def checks_for(self, practice_id: str, provider: str = "aws") -> tuple[str, ...]:
        """The mapped checks of one practice (empty: needs attestation)."""
        return self.practices.get(practice_id, {}).get(provider, ())

    def all_checks(self, provider: str = "aws") -> frozenset[str]:
        return frozenset(c for by_provider in self.practices.values() for c in by_provider.get(provider, ()))

    def unmapped_practices(self, provider: str = "aws") -> tuple[str, ...]:
        """Catalog practices with no check for ``provider``: only an attestation can close them."""
        return tuple(pid for pid in practices() if not self.checks_for(pid, provider))


def load_mapping(path: Path) -> CheckMapping:
    """Read and validate a mapping file; every practice id must be in the catalog."""
    data = read_bytes(path, "mapping")
    document = parse_json(data, str(path))
    validate(document, "mapping.schema.json", str(path))
    unknown = sorted(set(document["practices"]) - set(practices()))
    if unknown:
        raise InputError(f"{path}: unknown CMMC Level 2 practice ids: {', '.join(unknown)}")
    by_practice = {
        pid: {
            key: tuple(value)
            for key, value in body.items()
            # Only check lists are providers; the schema leaves other keys (notes) unconstrained.
            if key not in _META_KEYS and isinstance(value, list)
        }
        for pid, body in document["practices"].items()
    }
    return CheckMapping(
        practices=by_practice, source=document["source"], sha256=sha256_hex(data), path=str(path)
    )


def nist_to_practice_id(requirement_id: str) -> str | None:
    """``3_1_1`` (Prowler's NIST 800-171 id) → ``AC.L2-3.1.1``; None for ids outside the catalog."""
    match = _NIST_ID.match(requirement_id)
    if not match:
        return None
    practice = by_nist_id().get(f"3.{match.group(1)}.{match.group(2)}")
    return practice.practice_id if practice else None


def build_mapping(
    cmmc: Mapping[str, Any], nist: Mapping[str, Any] | None, prowler_version: str
) -> dict[str, Any]:
    """Merge Prowler's ``cmmc_2.0.json`` (all providers) with its AWS NIST 800-171 r2 mapping.

    Every Level 2 practice appears, with empty lists where no check exists, so a reader sees
    which practices need an attestation rather than inferring it from an absence.
    """
    merged: dict[str, dict[str, dict[str, set[str]]]] = {pid: {} for pid in practices()}
    for requirement in cmmc.get("requirements", ()):
        pid = requirement.get("id", "")
        if pid in merged:
            for provider, checks in (requirement.get("checks") or {}).items():
                _add(merged[pid], provider, checks, CMMC_FRAMEWORK)
    for requirement in (nist or {}).get("Requirements", ()):
        nist_pid = nist_to_practice_id(requirement.get("Id", ""))
        if nist_pid:
            _add(merged[nist_pid], "aws", requirement.get("Checks") or (), NIST_FRAMEWORK)
    frameworks = [CMMC_FRAMEWORK] + ([NIST_FRAMEWORK] if nist is not None else [])
    return {
        "schema_version": 1,
        "source": {
            "generator": "poam mapping sync",
            "prowler_version": prowler_version,
            "frameworks": frameworks,
            "cmmc_framework_version": str(cmmc.get("version", "")),
        },
        "practices": {pid: _practice_body(pid, by_provider) for pid, by_provider in merged.items()},
    }


def _add(
    target: dict[str, dict[str, set[str]]], provider: str, checks: Iterable[str], framework: str
) -> None:
    by_check = target.setdefault(provider, {})
    for check in checks:
        by_check.setdefault(check, set()).add(framework)


def _practice_body(pid: str, by_provider: dict[str, dict[str, set[str]]]) -> dict[str, Any]:
    body: dict[str, Any] = {"title": practices()[pid].title, "aws": sorted(by_provider.get("aws", {}))}
    for provider in sorted(by_provider):
        if provider != "aws" and by_provider[provider]:
            body[provider] = sorted(by_provider[provider])
    body["sources"] = {
        check: sorted(frameworks) for check, frameworks in sorted(by_provider.get("aws", {}).items())
    }
    return body


def problems(mapping: CheckMapping, known_checks: frozenset[str] | None) -> list[str]:
    """What is wrong with a loaded mapping against the installed Prowler's check list (if known)."""
    if known_checks is None:
        return []
    return [
        f"{pid}: check {check!r} is not known to the installed Prowler"
        for pid in sorted(mapping.practices)
        for check in mapping.checks_for(pid)
        if check not in known_checks
    ]
