"""The practice → Prowler check mapping: load and validate it, and build it from Prowler's own frameworks."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from verifier.catalog import assessment_procedures, by_nist_id, objectives_by_id, practices
from verifier.errors import InputError
from verifier.inputs.jsondoc import parse_json, read_bytes, sha256_hex, validate
from verifier.providers import nist_framework_provider

CMMC_FRAMEWORK = "cmmc_2.0"
# The provider the NIST file covers, listed first in a practice for readability (the file's original scope).
MAPPING_SCHEMA_VERSION = 3
_NIST_ID = re.compile(r"^3_(\d+)_(\d+)$")
_META_KEYS = frozenset({"title", "sources", "objectives", "why"})
# objective id → provider → the checks that evidence it.
ObjectiveChecks = Mapping[str, Mapping[str, tuple[str, ...]]]


@dataclass(frozen=True, slots=True)
class CheckMapping:
    """Which checks, per provider, test a practice; ``sources`` says which framework contributed each."""

    practices: Mapping[str, Mapping[str, tuple[str, ...]]]
    source: Mapping[str, Any] = field(default_factory=dict)
    sha256: str = ""
    path: str = ""
    # Schema 3: per practice, which checks evidence which 800-171A objective, and why (per provider, check).
    objectives: Mapping[str, ObjectiveChecks] = field(default_factory=dict)
    why: Mapping[str, Mapping[str, Mapping[str, str]]] = field(default_factory=dict)
    # Every check id per provider, computed once: verify asks it for each entry and check.
    _all_checks: dict[str, frozenset[str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def checks_for(self, practice_id: str, provider: str) -> tuple[str, ...]:
        """The mapped checks of one practice (empty: needs attestation)."""
        return self.practices.get(practice_id, {}).get(provider, ())

    def objective_checks(self, objective_id: str, provider: str) -> tuple[str, ...]:
        """The checks that evidence one objective (``3.3.8[c]``); empty when none does or unknown."""
        objective = objectives_by_id().get(objective_id)
        if objective is None:
            return ()
        return self.objectives.get(objective.practice_id, {}).get(objective_id, {}).get(provider, ())

    def why_for(self, practice_id: str, provider: str, check: str) -> str | None:
        """The one-line reason a check evidences its objectives in ``practice_id``; None if unassigned."""
        return self.why.get(practice_id, {}).get(provider, {}).get(check)

    def unassigned_checks(self, practice_id: str, provider: str) -> tuple[str, ...]:
        """Checks in the practice's list that no objective names: they evidence nothing (never used for a verdict)."""
        named = {
            check
            for by_provider in self.objectives.get(practice_id, {}).values()
            for check in by_provider.get(provider, ())
        }
        return tuple(check for check in self.checks_for(practice_id, provider) if check not in named)

    def objectives_with_checks(self, provider: str) -> int:
        """How many of the 320 objectives at least one ``provider`` check evidences."""
        return sum(bool(self.objective_checks(oid, provider)) for oid in objectives_by_id())

    def all_checks(self, provider: str) -> frozenset[str]:
        known = self._all_checks.get(provider)
        if known is None:
            known = frozenset(
                c for by_provider in self.practices.values() for c in by_provider.get(provider, ())
            )
            self._all_checks[provider] = known
        return known

    def unmapped_practices(self, provider: str) -> tuple[str, ...]:
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
    return parse_mapping(read_bytes(path, "mapping"), path)


def parse_mapping(data: bytes, path: Path) -> CheckMapping:
    """Validate mapping bytes (``path`` names them in messages): schema, practice and objective ids."""
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
    objectives: dict[str, ObjectiveChecks] = {}
    why: dict[str, dict[str, dict[str, str]]] = {}
    if document["schema_version"] >= 3:  # noqa: PLR2004 - the version that introduced objectives
        for pid, body in document["practices"].items():
            objectives[pid] = _objectives(path, pid, body["objectives"], by_practice[pid])
            why[pid] = _why(path, pid, objectives[pid], body.get("why", {}))
    return CheckMapping(
        practices=by_practice,
        source=document["source"],
        sha256=sha256_hex(data),
        path=str(path),
        objectives=objectives,
        why=why,
    )


def _objectives(
    path: Path, pid: str, raw: Mapping[str, Mapping[str, list[str]]], lists: Mapping[str, tuple[str, ...]]
) -> ObjectiveChecks:
    """A practice's objective assignments, refused unless they name exactly its objectives and its checks.

    A missing objective would read as "nothing evidences it" by accident; one of another practice or an
    unknown id is a typo that would silently evidence nothing; a check outside the practice's list for
    that provider was never mapped to the practice by Prowler.
    """
    known = objectives_by_id()
    own = [o.objective_id for o in assessment_procedures()[pid].objectives]
    for objective_id in raw:
        if objective_id not in known:
            raise InputError(f"{path}: {pid}: unknown objective id {objective_id!r}")
        if known[objective_id].practice_id != pid:
            owner = known[objective_id].practice_id
            raise InputError(f"{path}: {pid}: objective {objective_id} belongs to {owner}, not this practice")
    missing = [oid for oid in own if oid not in raw]
    if missing:
        raise InputError(
            f"{path}: {pid}: objectives missing: {', '.join(missing)} (use {{}} where no check evidences one)"
        )
    for objective_id in own:
        for provider, checks in raw[objective_id].items():
            for check in checks:
                if check not in lists.get(provider, ()):
                    raise InputError(
                        f"{path}: {pid}: objective {objective_id}: {provider} check {check!r} "
                        f"is not in the practice's {provider} list"
                    )
    return {oid: {prov: tuple(checks) for prov, checks in raw[oid].items()} for oid in own}


def _why(
    path: Path, pid: str, objectives: ObjectiveChecks, raw: Mapping[str, Mapping[str, str]]
) -> dict[str, dict[str, str]]:
    """Exactly one reason per assigned (provider, check); a reason for an unassigned check is refused."""
    assigned = {
        (prov, check)
        for by_provider in objectives.values()
        for prov, cs in by_provider.items()
        for check in cs
    }
    given = {(prov, check) for prov, by_check in raw.items() for check in by_check}
    for provider, check in sorted(assigned - given):
        objective = next(
            oid for oid, by_provider in objectives.items() if check in by_provider.get(provider, ())
        )
        raise InputError(
            f"{path}: {pid}: objective {objective}: {provider} check {check!r} has no why.{provider}.{check}"
        )
    for provider, check in sorted(given - assigned):
        raise InputError(
            f"{path}: {pid}: why.{provider}.{check} is given but no objective names {provider} check {check!r}"
        )
    return {prov: dict(by_check) for prov, by_check in raw.items() if by_check}


def nist_to_practice_id(requirement_id: str) -> str | None:
    """``3_1_1`` (Prowler's NIST 800-171 id) → ``AC.L2-3.1.1``; None for ids outside the catalog."""
    match = _NIST_ID.match(requirement_id)
    if not match:
        return None
    practice = by_nist_id().get(f"3.{match.group(1)}.{match.group(2)}")
    return practice.practice_id if practice else None


def build_mapping(
    cmmc: Mapping[str, Any],
    nist: Mapping[str, Any] | None,
    prowler_version: str,
    previous: CheckMapping | None = None,
) -> dict[str, Any]:
    """Merge Prowler's ``cmmc_2.0.json`` (every provider it has) with its AWS NIST 800-171 r2 mapping.

    Every Level 2 practice appears, with an empty AWS list where no check exists, so a reader sees
    which practices need an attestation rather than inferring it from an absence. The providers come
    from the framework files themselves (``source.providers``), and ``sources`` names, per provider and
    check, the frameworks that map it to the practice. The objective assignments and their reasons
    are ``previous``'s (curated by hand), kept for every check Prowler still maps to the practice; a
    newly mapped check is left unassigned, and with no ``previous`` every objective is ``{}``.
    """
    merged: dict[str, dict[str, dict[str, set[str]]]] = {pid: {} for pid in practices()}
    providers = {_nist_provider()}
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
            _add(merged[nist_pid], _nist_provider(), requirement.get("Checks") or (), _nist_framework())
    frameworks = [CMMC_FRAMEWORK] + ([_nist_framework()] if nist is not None else [])
    return {
        "schema_version": MAPPING_SCHEMA_VERSION,
        "source": {
            "generator": "poam mapping sync",
            "prowler_version": prowler_version,
            "frameworks": frameworks,
            "cmmc_framework_version": str(cmmc.get("version", "")),
            "providers": list(_provider_order(providers)),
        },
        "practices": {pid: _practice_body(pid, by_provider, previous) for pid, by_provider in merged.items()},
    }


def _provider_order(providers: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(providers), key=lambda p: (p != _nist_provider(), p)))


def _add(
    target: dict[str, dict[str, set[str]]], provider: str, checks: Iterable[str], framework: str
) -> None:
    by_check = target.setdefault(provider, {})
    for check in checks:
        by_check.setdefault(check, set()).add(framework)


def _practice_body(
    pid: str, by_provider: dict[str, dict[str, set[str]]], previous: CheckMapping | None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": practices()[pid].title,
        _nist_provider(): sorted(by_provider.get(_nist_provider(), {})),
    }
    with_checks = [p for p in _provider_order(by_provider) if by_provider[p]]
    for provider in with_checks:
        if provider != _nist_provider():
            body[provider] = sorted(by_provider[provider])
    # Keyed by provider: the same check id can exist for two providers (Entra checks in azure and m365).
    body["sources"] = {
        provider: {check: sorted(frameworks) for check, frameworks in sorted(by_provider[provider].items())}
        for provider in with_checks
    }
    body["objectives"] = _kept_objectives(pid, by_provider, previous)
    why = _kept_why(pid, body["objectives"], previous)
    if why:
        body["why"] = why
    return body


def _kept_objectives(
    pid: str, by_provider: Mapping[str, Mapping[str, set[str]]], previous: CheckMapping | None
) -> dict[str, dict[str, list[str]]]:
    kept = _empty_objectives(pid)
    before = previous.objectives.get(pid, {}) if previous else {}
    for objective_id, assigned in kept.items():
        for provider, checks in before.get(objective_id, {}).items():
            still = [check for check in checks if check in by_provider.get(provider, {})]
            if still:
                assigned[provider] = still
    return kept


def _kept_why(
    pid: str, objectives: Mapping[str, Mapping[str, list[str]]], previous: CheckMapping | None
) -> dict[str, dict[str, str]]:
    why: dict[str, dict[str, str]] = {}
    if previous is None:
        return why
    for assigned in objectives.values():
        for provider, checks in assigned.items():
            for check in checks:
                reason = previous.why_for(pid, provider, check)
                if reason is not None:
                    why.setdefault(provider, {})[check] = reason
    return {provider: dict(sorted(by_check.items())) for provider, by_check in sorted(why.items())}


def dropped_assignments(previous: CheckMapping, document: Mapping[str, Any]) -> tuple[str, ...]:
    """``previous``'s assignments of checks Prowler no longer maps to the practice, one line each."""
    dropped: list[str] = []
    for pid, by_objective in previous.objectives.items():
        body = document["practices"].get(pid, {})
        for objective_id, assigned in by_objective.items():
            for provider, checks in assigned.items():
                dropped.extend(
                    f"{pid} {objective_id}: {provider} check {check!r}"
                    for check in checks
                    if check not in body.get(provider, ())
                )
    return tuple(dropped)


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
        known, providers = {_nist_provider(): known_checks}, [_nist_provider()]
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
    return f"check {check!r}" if provider == _nist_provider() else f"{provider} check {check!r}"


def _nist_provider() -> str:
    return nist_framework_provider().name


def _nist_framework() -> str:
    return nist_framework_provider().nist_framework


def nist_framework_path(compliance_dir: Path) -> Path:
    """Where an installed Prowler keeps its NIST SP 800-171 r2 framework file."""
    spec = nist_framework_provider()
    return compliance_dir / spec.name / f"{spec.nist_framework}.json"


def read_mapping_document(path: Path) -> dict[str, Any]:
    """A mapping file's JSON, validated against the schema (any version), for rewriting it."""
    document = parse_json(read_bytes(path, "mapping"), str(path))
    validate(document, "mapping.schema.json", str(path))
    return dict(document)


def migrated_mapping_document(document: Mapping[str, Any]) -> dict[str, Any]:
    """Schema 1 or 2 → 3, every other field kept: each objective ``{}`` (nothing assigned: fail closed), no ``why``.

    Version 1 ``sources`` were AWS's alone; version 3 keys them by provider, as version 2 does.
    """
    migrated = dict(document)
    version = migrated["schema_version"]
    migrated["schema_version"] = MAPPING_SCHEMA_VERSION
    practices_out: dict[str, Any] = {}
    for pid, body in document["practices"].items():
        new_body = dict(body)
        if version == 1 and "sources" in new_body:
            new_body["sources"] = {_nist_provider(): new_body["sources"]}
        new_body["objectives"] = _empty_objectives(pid)
        practices_out[pid] = new_body
    migrated["practices"] = practices_out
    return migrated


def _empty_objectives(pid: str) -> dict[str, dict[str, list[str]]]:
    procedure = assessment_procedures().get(pid)
    return {o.objective_id: {} for o in procedure.objectives} if procedure else {}
