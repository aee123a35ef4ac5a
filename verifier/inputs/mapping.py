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
# The provider the NIST file covers, listed first in a practice for readability (the file's original scope).
NIST_PROVIDER = "aws"
MAPPING_SCHEMA_VERSION = 2
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

    def providers(self) -> tuple[str, ...]:
        """The providers this mapping covers: ``source.providers`` (schema 2), else every provider it lists.

        A provider can be covered and still have no check for a practice; that is a fact, not an omission.
        """
        declared = self.source.get("providers")
        listed = {provider for by_provider in self.practices.values() for provider in by_provider}
        if isinstance(declared, list):
            listed |= {p for p in declared if isinstance(p, str)}
        return _provider_order(listed)


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
    """Merge Prowler's ``cmmc_2.0.json`` (every provider it has) with its AWS NIST 800-171 r2 mapping.

    Every Level 2 practice appears, with an empty AWS list where no check exists, so a reader sees
    which practices need an attestation rather than inferring it from an absence. The providers come
    from the framework files themselves (``source.providers``), and ``sources`` names, per provider and
    check, the frameworks that map it to the practice.
    """
    merged: dict[str, dict[str, dict[str, set[str]]]] = {pid: {} for pid in practices()}
    providers = {NIST_PROVIDER}
    for requirement in cmmc.get("requirements", ()):
        pid = requirement.get("id", "")
        by_provider = requirement.get("checks") or {}
        # Every provider the framework has a key for is covered, even where this requirement lists none.
        providers |= set(by_provider)
        if pid in merged:
            for provider, checks in by_provider.items():
                _add(merged[pid], provider, checks, CMMC_FRAMEWORK)
    for requirement in (nist or {}).get("Requirements", ()):
        nist_pid = nist_to_practice_id(requirement.get("Id", ""))
        if nist_pid:
            _add(merged[nist_pid], NIST_PROVIDER, requirement.get("Checks") or (), NIST_FRAMEWORK)
    frameworks = [CMMC_FRAMEWORK] + ([NIST_FRAMEWORK] if nist is not None else [])
    return {
        "schema_version": MAPPING_SCHEMA_VERSION,
        "source": {
            "generator": "poam mapping sync",
            "prowler_version": prowler_version,
            "frameworks": frameworks,
            "cmmc_framework_version": str(cmmc.get("version", "")),
            "providers": list(_provider_order(providers)),
        },
        "practices": {pid: _practice_body(pid, by_provider) for pid, by_provider in merged.items()},
    }


def _provider_order(providers: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(providers), key=lambda p: (p != NIST_PROVIDER, p)))


def _add(
    target: dict[str, dict[str, set[str]]], provider: str, checks: Iterable[str], framework: str
) -> None:
    by_check = target.setdefault(provider, {})
    for check in checks:
        by_check.setdefault(check, set()).add(framework)


def _practice_body(pid: str, by_provider: dict[str, dict[str, set[str]]]) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": practices()[pid].title,
        NIST_PROVIDER: sorted(by_provider.get(NIST_PROVIDER, {})),
    }
    with_checks = [p for p in _provider_order(by_provider) if by_provider[p]]
    for provider in with_checks:
        if provider != NIST_PROVIDER:
            body[provider] = sorted(by_provider[provider])
    # Keyed by provider: the same check id can exist for two providers (Entra checks in azure and m365).
    body["sources"] = {
        provider: {check: sorted(frameworks) for check, frameworks in sorted(by_provider[provider].items())}
        for provider in with_checks
    }
    return body


def problems(
    mapping: CheckMapping, known_checks: Mapping[str, frozenset[str]] | frozenset[str] | None
) -> list[str]:
    """What is wrong with a loaded mapping against the installed Prowler's check lists (if known).

    ``known_checks`` maps each provider to the ids Prowler lists for it; a bare set is AWS's list alone
    (what was checked before the mapping covered other providers). A provider the mapping lists but
    ``known_checks`` lacks is a problem: its ids could not be checked, and unchecked is not valid.
    """
    if known_checks is None:
        return []
    if isinstance(known_checks, Mapping):
        known, providers = known_checks, [p for p in mapping.providers() if mapping.all_checks(p)]
    else:
        known, providers = {NIST_PROVIDER: known_checks}, [NIST_PROVIDER]
    found: list[str] = []
    for provider in providers:
        if provider not in known:
            found.append(f"{provider}: the installed Prowler lists no checks for this provider")
            continue
        found.extend(
            f"{pid}: {_qualified(provider, check)} is not known to the installed Prowler"
            for pid in sorted(mapping.practices)
            for check in mapping.checks_for(pid, provider)
            if check not in known[provider]
        )
    return found


def _qualified(provider: str, check: str) -> str:
    # AWS keeps the message it always had; other providers name theirs, as `provider:check` does in a POA&M.
    return f"check {check!r}" if provider == NIST_PROVIDER else f"{provider} check {check!r}"
