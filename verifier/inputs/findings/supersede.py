"""Supersession: for each (provider, account, region, check), the newest scan that covered it is the state.

Reading every nightly scan at once must not keep a deleted resource's FAIL alive forever, so an
older finding is retired when a scan that started strictly after it covered the same key. A scan
covers a key when it has at least one finding for it, or when its ``scan-manifest.json`` says it
ran that check there and succeeded. A scan whose manifest says it failed covers nothing (not even
through the findings it left), and without a newer covering scan an older FAIL stands.

Scans are told apart by time, never by file order: a scan "started" at the earliest finding time of
its file (or its manifest's start). Two copies of one scan (OCSF beside CSV) start at the same
second, so they never supersede each other, and a file holding several scans starts at its oldest.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from verifier.inputs.findings.manifest import ScanManifest
from verifier.model import (
    ROW_ACCOUNT,
    ROW_CHECK,
    ROW_PROVIDER,
    ROW_REGION,
    ROW_TIME,
    Finding,
    FindingRow,
    ScanCoverage,
    Superseded,
    finding_provider,
    finding_row,
)

# (provider, account, region, check)
CoverageKey = tuple[str, str, str, str]
# (provider, account, check): a manifest without regions covered every region
_AnyRegionKey = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class FileScan:
    """What one findings file shows was scanned: its keys and its earliest finding time."""

    path: str
    coverage: ScanCoverage | None  # None: the file holds no findings, so it shows no scan
    keys: frozenset[CoverageKey]
    accounts: frozenset[str]


def coverage_key(finding: Finding) -> CoverageKey:
    return (finding_provider(finding), finding.account, finding.region, finding.check_id)


def file_scan(path: str, findings: Sequence[Finding]) -> FileScan:
    """The scan a file shows, from every finding it held (before duplicates across files are dropped)."""
    return rows_scan(path, [finding_row(f) for f in findings])


def rows_scan(path: str, rows: Sequence[FindingRow]) -> FileScan:
    """``file_scan`` of the findings' rows (``FindingRow``): what readers hand back."""
    if not rows:
        return FileScan(path, None, frozenset(), frozenset())
    started = min(row[ROW_TIME] for row in rows)
    keys = frozenset((r[ROW_PROVIDER], r[ROW_ACCOUNT], r[ROW_REGION], r[ROW_CHECK]) for r in rows)
    return FileScan(path, ScanCoverage(path, started, (path,)), keys, frozenset(k[1] for k in keys))


def supersede(
    findings: Sequence[Finding], files: Sequence[FileScan], manifests: Sequence[ScanManifest]
) -> tuple[tuple[Finding, ...], tuple[Superseded, ...]]:
    """``(current, superseded)``: findings in their order, split by whether a newer scan covered them."""
    return Coverage(files, manifests).split(findings)


class Coverage:
    """The newest covering scan of every key, from the files read and the manifests found beside them."""

    def __init__(self, files: Sequence[FileScan], manifests: Sequence[ScanManifest]) -> None:
        self._newest = _NewestCoverage()
        owners = {scan.path: _owner(scan.path, manifests) for scan in files}
        for scan in files:
            _add_file(self._newest, scan, owners[scan.path])
        for manifest in manifests:
            if manifest.succeeded:
                under = [scan for scan in files if owners[scan.path] is manifest]
                _add_manifest(self._newest, manifest, under)
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
        """``(current, superseded)``: findings in their order, split by whether a newer scan covered them."""
        current: list[Finding] = []
        retired: list[tuple[Finding, ScanCoverage]] = []
        for finding in findings:
            if finding.source_file in self.untouched:
                current.append(finding)
                continue
            by = self._newest.for_key(coverage_key(finding))
            if by is not None and by.started > finding.time:
                retired.append((finding, by))
            else:
                current.append(finding)
        if not retired:
            return tuple(current), ()
        present = {(coverage_key(f), f.resource_uid) for f in current}
        superseded = tuple(
            Superseded(finding, by, removed=(coverage_key(finding), finding.resource_uid) not in present)
            for finding, by in retired
        )
        return tuple(current), superseded


def _owner(path: str, manifests: Iterable[ScanManifest]) -> ScanManifest | None:
    """The manifest of the scan a file belongs to: the nearest one in its folder or a folder above."""
    owning = [m for m in manifests if path.startswith(m.directory)]
    return max(owning, key=lambda m: (len(m.directory), m.location), default=None)


def _manifest_coverage(manifest: ScanManifest, files: Sequence[FileScan]) -> ScanCoverage:
    return ScanCoverage(manifest.location, manifest.started, tuple(sorted(f.path for f in files)))


def _add_file(newest: _NewestCoverage, scan: FileScan, owner: ScanManifest | None) -> None:
    if scan.coverage is None or (owner is not None and not owner.succeeded):
        return  # a failed scan covers nothing, whatever findings it left
    # A file of a manifest's scan is named together with that manifest, from the manifest's start.
    coverage = scan.coverage if owner is None else ScanCoverage(owner.location, owner.started, (scan.path,))
    for key in scan.keys:
        newest.add(key, coverage)


def _add_manifest(newest: _NewestCoverage, manifest: ScanManifest, files: Sequence[FileScan]) -> None:
    coverage = _manifest_coverage(manifest, files)
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
        return ScanCoverage(
            current.source, current.started, tuple(sorted({*current.files, *candidate.files}))
        )
    return min(current, candidate, key=lambda c: c.source)
