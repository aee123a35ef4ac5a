"""``poam mapping sync`` and ``poam mapping check``."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from verifier.catalog import objectives_by_id, practices
from verifier.errors import EnvError, InputError
from verifier.inputs.jsondoc import parse_json, read_bytes
from verifier.inputs.known_checks import CHECKS_NAME, KnownChecks
from verifier.inputs.mapping import (
    CMMC_FRAMEWORK,
    CheckMapping,
    build_mapping,
    dropped_assignments,
    load_mapping,
    nist_framework_path,
    problems,
)
from verifier.inputs.prowler_install import ProwlerInstall, find_prowler
from verifier.outputs.serialize import dumps
from verifier.outputs.writer import exclusive_lock, write_atomic
from verifier.providers import nist_framework_provider


@dataclass(frozen=True, slots=True)
class SyncOptions:
    out: Path
    prowler_bin: str | None = None
    compliance_dir: Path | None = None
    prowler_version: str | None = None


@dataclass(frozen=True, slots=True)
class ProviderCoverage:
    """How much of Level 2 one provider's checks reach."""

    provider: str
    practices_with_checks: int
    distinct_checks: int


@dataclass(frozen=True, slots=True)
class SyncResult:
    path: Path
    prowler_version: str
    practices_with_checks: int
    distinct_checks: int
    providers: tuple[ProviderCoverage, ...] = ()
    checks_path: Path | None = None  # the release's check list, when a Prowler could be asked for it
    # Objective assignments of the file at ``--out`` dropped because Prowler no longer maps the check there.
    dropped: tuple[str, ...] = ()
    kept_assignments: bool = False  # whether an existing file at ``--out`` supplied the assignments


def sync_mapping(options: SyncOptions) -> SyncResult:
    """Build the mapping from the installed Prowler's framework files and write it atomically.

    The file already at ``--out`` is read first: its objective assignments and reasons are curated by
    hand and survive the sync. One that does not load is refused (exit 3) rather than overwritten.
    """
    try:  # the lock lives beside the file, whose directory sync has always created
        options.out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise EnvError(f"cannot write {options.out}: {exc.strerror or exc}") from exc
    with exclusive_lock(options.out):  # two syncs must not both keep the assignments and race to write
        return _sync_locked(options)


def _sync_locked(options: SyncOptions) -> SyncResult:
    previous = load_mapping(options.out) if options.out.exists() else None
    install = (
        None if options.compliance_dir and options.prowler_version else find_prowler(options.prowler_bin)
    )
    directory = options.compliance_dir or _require(install).compliance_dir()
    version = options.prowler_version or _require(install).version()
    cmmc = _framework(directory / f"{CMMC_FRAMEWORK}.json")
    nist_path = nist_framework_path(directory)
    nist = _framework(nist_path) if nist_path.exists() else None
    document = build_mapping(cmmc, nist, version, previous)
    providers = document["source"]["providers"]
    # Listed before anything is written: a provider Prowler cannot list fails the sync with nothing changed.
    listing = _release_checks(install, providers, version) if install else None
    write_atomic(options.out, dumps(document))
    checks_path = options.out.with_name(f"{CHECKS_NAME}.json") if listing else None
    if listing and checks_path:
        write_atomic(checks_path, dumps(listing.to_json("poam mapping sync")))
    coverage = tuple(_coverage(document, provider) for provider in providers)
    aws = next(c for c in coverage if c.provider == nist_framework_provider().name)
    return SyncResult(
        path=options.out,
        prowler_version=version,
        practices_with_checks=aws.practices_with_checks,
        distinct_checks=aws.distinct_checks,
        providers=coverage,
        checks_path=checks_path,
        dropped=dropped_assignments(previous, document) if previous else (),
        kept_assignments=previous is not None,
    )


def _release_checks(install: ProwlerInstall, providers: list[str], version: str) -> KnownChecks:
    """Every check id of every provider the mapping names, as this Prowler lists them."""
    return KnownChecks(version, _listings(install, providers))


def _coverage(document: dict[str, Any], provider: str) -> ProviderCoverage:
    lists = [set(body.get(provider, ())) for body in document["practices"].values()]
    return ProviderCoverage(provider, sum(bool(checks) for checks in lists), len(set().union(*lists)))


def _require(install: ProwlerInstall | None) -> ProwlerInstall:
    assert install is not None  # noqa: S101 - sync_mapping only skips discovery when both are given
    return install


def _framework(path: Path) -> dict[str, Any]:
    document = parse_json(read_bytes(path, "Prowler framework file"), str(path))
    if not isinstance(document, dict):
        raise InputError(f"{path}: expected a JSON object")
    return document


@dataclass(frozen=True, slots=True)
class CheckOptions:
    mapping: Path
    prowler_bin: str | None = None
    offline: bool = False


@dataclass(frozen=True, slots=True)
class CheckReport:
    problems: tuple[str, ...]
    needs_attestation: tuple[str, ...]
    prowler_version: str | None
    practices_with_checks: int
    practice_count: int
    providers: tuple[ProviderCoverage, ...] = ()
    objectives: tuple[ObjectiveCoverage, ...] = ()
    objective_count: int = 0


@dataclass(frozen=True, slots=True)
class ObjectiveCoverage:
    """How many 800-171A objectives one provider's checks evidence, and which practice checks evidence none."""

    provider: str
    objectives_with_checks: int
    # Per practice, the checks in its list that no objective names (never used for a verdict).
    evidences_nothing: tuple[tuple[str, tuple[str, ...]], ...]

    @property
    def checks_evidencing_nothing(self) -> int:
        return sum(len(checks) for _, checks in self.evidences_nothing)


def check_mapping(options: CheckOptions) -> CheckReport:
    """Validate a mapping; each provider's ids against the installed Prowler's list unless ``offline``."""
    mapping = load_mapping(options.mapping)
    install = None if options.offline else _optional_prowler(options.prowler_bin)
    version = install.version() if install else None
    known = _known_checks(install, mapping) if install else None
    # Practices no provider's check covers: only an attestation can close them.
    unmapped = tuple(
        sorted(set.intersection(*(set(mapping.unmapped_practices(p)) for p in mapping.providers())))
    )
    return CheckReport(
        problems=tuple(problems(mapping, known)),
        needs_attestation=unmapped,
        prowler_version=version,
        practices_with_checks=len(practices()) - len(unmapped),
        practice_count=len(practices()),
        providers=tuple(
            ProviderCoverage(
                provider,
                len(practices()) - len(mapping.unmapped_practices(provider)),
                len(mapping.all_checks(provider)),
            )
            for provider in mapping.providers()
        ),
        objectives=tuple(_objective_coverage(mapping, provider) for provider in mapping.providers()),
        objective_count=len(objectives_by_id()),
    )


def _objective_coverage(mapping: CheckMapping, provider: str) -> ObjectiveCoverage:
    return ObjectiveCoverage(
        provider,
        mapping.objectives_with_checks(provider),
        tuple(
            (pid, unassigned)
            for pid in practices()
            if (unassigned := mapping.unassigned_checks(pid, provider))
        ),
    )


def _known_checks(install: ProwlerInstall, mapping: CheckMapping) -> dict[str, frozenset[str]]:
    """Each provider's check list, for the providers the mapping gives checks.

    One ``prowler <provider> --list-checks-json`` per provider, as many at once as there are CPUs: each
    loads every framework before listing (half a minute of CPU), so one after another takes minutes.
    A provider Prowler cannot list (unknown to it, or the run failed) is an ``EnvError``: ids that could
    not be checked are not valid.
    """
    return _listings(install, [provider for provider in mapping.providers() if mapping.all_checks(provider)])


def _listings(install: ProwlerInstall, providers: list[str]) -> dict[str, frozenset[str]]:
    """``prowler <provider> --list-checks-json`` for each provider, as many at once as there are CPUs."""
    with ThreadPoolExecutor(max_workers=max(1, min(len(providers), os.cpu_count() or 1))) as pool:
        return dict(zip(providers, pool.map(install.checks, providers), strict=True))


def _optional_prowler(explicit: str | None) -> ProwlerInstall | None:
    try:
        return find_prowler(explicit)
    except EnvError:
        if explicit:
            raise
        return None
