"""Supersession: for each (provider, account, region, check), the newest scan that covered it is the state.

Reading every nightly scan at once must not keep a deleted resource's FAIL alive forever, so an
older finding is set aside when a scan that started strictly after it covered the same key. A scan
covers a key when it has at least one finding for it, or when its ``scan-manifest.json`` says it
ran that check there and succeeded. A scan whose manifest says it failed covers nothing (not even
through the findings it left), and without a newer covering scan an older finding stands.

What a newer scan proves about an older finding's resource depends on whether it reported it:

* reported again: the newer result replaces the older one (``RESCANNED``);
* not reported, by a newer scan *known complete* for the key (its manifest records the unfiltered
  Prowler arguments ``poam scan`` passes): the resource is gone (``REMOVED``, "resolved by removal");
* not reported, and no newer complete scan: nothing is proven. Prowler output does not record its
  filters, so ``--status PASS`` or ``--resource-arn`` output looks like a full scan. An older FAIL is
  set aside as ``UNPROVEN`` (its entry is NOT_VERIFIED, naming both scans); any other older result stands.

Scans are told apart by time, never by file order: a scan "started" at the earliest finding time of
its file (or its manifest's start). Two copies of one scan (OCSF beside CSV) start at the same
second, so they never supersede each other, and a file holding several scans starts at its oldest.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from verifier.inputs.findings.manifest import ScanManifest
from verifier.model import (
    Finding,
    FindingRow,
    ScanCoverage,
    Status,
    Superseded,
    Supersession,
    finding_provider,
)

# (provider, account, region, check)
CoverageKey = tuple[str, str, str, str]
# (provider, account, check): a manifest without regions covered every region
_AnyRegionKey = tuple[str, str, str]
# (provider, account, region, check, resource uid): one resource's result of one check, in any scan
_ResourceKey = tuple[str, str, str, str, str]


@dataclass(frozen=True, slots=True)
class FileScan:
    """What one findings file shows was scanned: its keys and its earliest finding time."""

    path: str
    coverage: ScanCoverage | None  # None: the file holds no findings, so it shows no scan
    keys: frozenset[CoverageKey]
    accounts: frozenset[str]
    sha256: str = ""  # of the file's bytes: a manifest vouches only for the very files its scan wrote


def coverage_key(finding: Finding) -> CoverageKey:
    return (finding_provider(finding), finding.account, finding.region, finding.check_id)


def file_scan(path: str, rows: Sequence[Finding] | Sequence[FindingRow], sha256: str = "") -> FileScan:
    """The scan a file shows, from every finding it held (before duplicates across files are dropped), as
    objects or as the rows readers hand back."""
    if not rows:
        return FileScan(path, None, frozenset(), frozenset(), sha256)
    started = min(row.time for row in rows)
    keys = frozenset((r.provider, r.account, r.region, r.check_id) for r in rows)
    coverage = ScanCoverage(path, started, (path,))
    return FileScan(path, coverage, keys, frozenset(k[1] for k in keys), sha256)


def supersede(
    findings: Sequence[Finding], files: Sequence[FileScan], manifests: Sequence[ScanManifest]
) -> tuple[tuple[Finding, ...], tuple[Superseded, ...]]:
    """``(current, superseded)``: findings in their order, split by whether a newer scan covered them."""
    return Coverage(files, manifests).split(findings)


class Coverage:
    """The newest covering scan of every key, from the files read and the manifests found beside them, and
    the newest *complete* one (a manifest of an unfiltered ``poam scan``): only that proves a resource gone."""

    def __init__(self, files: Sequence[FileScan], manifests: Sequence[ScanManifest]) -> None:
        self._newest = _NewestCoverage()
        self._complete = _NewestCoverage()
        owners = {scan.path: _owner(scan.path, manifests) for scan in files}
        self._scans = {scan.path: scan for scan in files}
        # The scan each file's findings report for (None: a failed scan, which reports for nothing).
        self._reporting: dict[str, ScanCoverage | None] = {}
        under: dict[int, list[FileScan]] = {id(m): [] for m in manifests}
        for scan in files:
            if (owner := owners[scan.path]) is not None:
                under[id(owner)].append(scan)
        gaps = {id(m): _proof_gap(m, under[id(m)]) for m in manifests}
        for scan in files:
            owner = owners[scan.path]
            gap = gaps[id(owner)] if owner is not None else None
            self._reporting[scan.path] = _add_file(self._newest, scan, owner, gap)
        for manifest in manifests:
            if manifest.succeeded:
                gap = gaps[id(manifest)]
                _add_manifest(self._newest, manifest, under[id(manifest)], gap)
                if gap is None:
                    _add_manifest(self._complete, manifest, under[id(manifest)], gap)
        # A file none of whose keys a scan newer than its oldest finding covered keeps every finding:
        # its findings need no look one by one (at organisation scale, nearly every file).
        dirty = {scan.path for scan in files if not self._untouched(scan)}
        self.untouched = frozenset(scan.path for scan in files) - dirty

    def _untouched(self, scan: FileScan) -> bool:
        if scan.coverage is None:
            return True
        oldest = scan.coverage.started
        return all((by := self._newest.for_key(key)) is None or by.started <= oldest for key in scan.keys)

    def split(self, findings: Sequence[Finding]) -> tuple[tuple[Finding, ...], tuple[Superseded, ...]]:
        """``(current, superseded)``: findings in their order, split by what a newer covering scan showed."""
        current: list[Finding] = []
        candidates: list[tuple[int, Finding, ScanCoverage]] = []
        for position, finding in enumerate(findings):
            by = (
                None if finding.source_file in self.untouched else self._newest.for_key(coverage_key(finding))
            )
            if by is not None and by.started > finding.time:
                candidates.append((position, finding, by))
        if not candidates:
            return tuple(findings), ()
        reported = self._reported(findings, {coverage_key(f) for _, f, _ in candidates})
        outcomes = {position: self._outcome(finding, by, reported) for position, finding, by in candidates}
        superseded: list[Superseded] = []
        for position, finding in enumerate(findings):
            outcome = outcomes.get(position)
            if outcome is None:
                current.append(finding)
            else:
                superseded.append(outcome)
        return tuple(current), tuple(superseded)

    def _reported(
        self, findings: Sequence[Finding], keys: set[CoverageKey]
    ) -> dict[_ResourceKey, ScanCoverage]:
        """The newest scan that reported each resource of ``keys`` (only files holding those keys are looked at)."""
        files = {path for path, scan in self._scans.items() if not scan.keys.isdisjoint(keys)}
        newest: dict[_ResourceKey, ScanCoverage] = {}
        for finding in findings:
            scan = self._reporting.get(finding.source_file) if finding.source_file in files else None
            if scan is None:
                continue
            resource = _resource_key(finding)
            newest[resource] = _newer(newest.get(resource), scan)
        return newest

    def _outcome(
        self, finding: Finding, by: ScanCoverage, reported: dict[_ResourceKey, ScanCoverage]
    ) -> Superseded | None:
        """What the scans newer than ``finding`` show of its resource; None when it stands."""
        again = reported.get(_resource_key(finding))
        if again is not None and again.started > finding.time:
            return Superseded(finding, again, Supersession.RESCANNED)
        complete = self._complete.for_key(coverage_key(finding))
        if complete is not None and complete.started > finding.time:
            return Superseded(finding, complete, Supersession.REMOVED)
        if finding.status is Status.FAIL:
            return Superseded(finding, by, Supersession.UNPROVEN)
        return None  # silence of a scan that may have been filtered says nothing of a PASS either


def _resource_key(finding: Finding) -> _ResourceKey:
    return (*coverage_key(finding), finding.resource_uid)


def _owner(path: str, manifests: Iterable[ScanManifest]) -> ScanManifest | None:
    """The manifest of the scan a file belongs to: the nearest one in its folder or a folder above."""
    owning = [m for m in manifests if path.startswith(m.directory)]
    return max(owning, key=lambda m: (len(m.directory), m.location), default=None)


def _proof_gap(manifest: ScanManifest, files: Sequence[FileScan]) -> str | None:
    """Why ``manifest`` cannot prove its scan complete over the ``files`` found under it; None when it can."""
    gap = manifest.incompleteness()
    if gap is not None:
        return gap
    if manifest.outputs and not files:
        # The scan wrote findings files that are not here: their absence is a deletion, not a clean scan.
        written = ", ".join(name for name, _ in manifest.outputs)
        return f"none of the files its scan wrote ({written}) is here"
    for scan in files:
        name = scan.path[len(manifest.directory) :]
        if not manifest.recorded(name, scan.sha256):
            return f"its folder holds {name}, which is not a file its scan wrote (changed or added since)"
    return None


def _manifest_coverage(manifest: ScanManifest, files: Sequence[FileScan], gap: str | None) -> ScanCoverage:
    return ScanCoverage(manifest.location, manifest.started, tuple(sorted(f.path for f in files)), gap)


def _add_file(
    newest: _NewestCoverage, scan: FileScan, owner: ScanManifest | None, gap: str | None
) -> ScanCoverage | None:
    """Record the keys a file shows covered; return the scan its findings report for (None: none).

    ``gap``: why the owning manifest cannot prove its scan complete (None: it can)."""
    if scan.coverage is None or (owner is not None and not owner.succeeded):
        return None  # a failed scan covers nothing, whatever findings it left
    # A file of a manifest's scan is named together with that manifest, from the manifest's start. Its
    # findings alone prove no completeness: only the manifest's own checks and regions are complete.
    coverage = scan.coverage
    if owner is not None:
        incomplete = gap or "its scan-manifest.json does not list this check or region"
        coverage = ScanCoverage(owner.location, owner.started, (scan.path,), incomplete)
    for key in scan.keys:
        newest.add(key, coverage)
    return coverage


def _add_manifest(
    newest: _NewestCoverage, manifest: ScanManifest, files: Sequence[FileScan], gap: str | None
) -> None:
    coverage = _manifest_coverage(manifest, files, gap)
    # A manifest without an account (the runner's own credentials) covers the accounts its files show.
    accounts = [manifest.account] if manifest.account else sorted({a for f in files for a in f.accounts})
    for account in accounts:
        for check in manifest.checks:
            if not manifest.regions:
                newest.add_any_region((manifest.provider, account, check), coverage)
            for region in manifest.regions:
                newest.add((manifest.provider, account, region, check), coverage)


class _NewestCoverage:
    """The newest covering scan per key; ties go to the first name in sort order, whatever the read order."""

    def __init__(self) -> None:
        self._exact: dict[CoverageKey, ScanCoverage] = {}
        self._any_region: dict[_AnyRegionKey, ScanCoverage] = {}

    def add(self, key: CoverageKey, coverage: ScanCoverage) -> None:
        self._exact[key] = _newer(self._exact.get(key), coverage)

    def add_any_region(self, key: _AnyRegionKey, coverage: ScanCoverage) -> None:
        self._any_region[key] = _newer(self._any_region.get(key), coverage)

    def for_key(self, key: CoverageKey) -> ScanCoverage | None:
        provider, account, _, check = key
        exact = self._exact.get(key)
        any_region = self._any_region.get((provider, account, check))
        if exact is None or any_region is None:
            return exact or any_region
        return _newer(exact, any_region)


def _newer(current: ScanCoverage | None, candidate: ScanCoverage) -> ScanCoverage:
    """The later start; on a tie the smaller source name, so the choice never depends on read order."""
    if current is None:
        return candidate
    if candidate.started != current.started:
        return candidate if candidate.started > current.started else current
    if candidate.source == current.source:  # one manifest's scan, reached through several of its files
        files = tuple(sorted({*current.files, *candidate.files}))
        # Complete where the manifest says so, whichever of its files reached the key first.
        incomplete = None if None in (current.incomplete, candidate.incomplete) else current.incomplete
        return ScanCoverage(current.source, current.started, files, incomplete)
    return min(current, candidate, key=lambda c: c.source)
