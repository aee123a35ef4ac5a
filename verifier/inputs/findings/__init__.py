"""Findings ingestion: read Prowler outputs (OCSF, CSV, ASFF, compliance CSV) into ``Finding`` records.

``load_findings`` is the one entry point. Every file is read whole and every record must parse:
one bad record fails the whole load, because a FAIL skipped in silence could become a wrong MET.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

from verifier.errors import EnvError, FindingsFormatError
from verifier.inputs.findings.blob import gunzip as _gunzip
from verifier.inputs.findings.blob import read_blob
from verifier.inputs.findings.discover import Candidate, discover, is_gzip
from verifier.inputs.findings.interface import FindingsSet, SourceFile
from verifier.inputs.findings.manifest import ScanManifest, is_manifest_name, parse_manifest
from verifier.inputs.findings.normalize import NotStreamable, stream_prowler_elements
from verifier.inputs.findings.ocsf import OcsfReader
from verifier.inputs.findings.s3 import S3Object, S3Store, S3Url, is_s3_url, parse_s3_url
from verifier.inputs.findings.sources import local_manifests, read_special, source_error, special
from verifier.inputs.findings.supersede import FileScan, file_scan, supersede
from verifier.inputs.jsondoc import read_bytes, sha256_hex
from verifier.model import Finding, SourceError, Status

__all__ = ["FindingsSet", "Progress", "SourceFile", "load_findings"]

Progress = Callable[[str, int, int], None]
"""Called as ``progress(path, index, total)`` before each file; ``index`` counts files already read."""


def load_findings(paths: Sequence[Path | str], progress: Progress | None = None) -> FindingsSet:
    """Read every Prowler output at ``paths`` (files, ``.gz`` files or directories searched recursively).

    A location starting ``s3://`` (or pathlib's collapsed ``s3:/``) is read from S3: one object, or
    every Prowler output under a prefix, one object at a time (see ``s3.py``). Local files come
    first, then S3 objects in the order given.

    Files are read in a deterministic order (each directory's files sorted by path) and a file
    reached twice is read once. A result repeated exactly in several files (the same scan saved in
    several formats) is kept once, from the richest format; ``files`` still counts every finding
    each file held. Raises ``FindingsFormatError`` naming the file and record for
    anything that is not a readable Prowler output, ``InputError`` for a path that does not exist
    and ``EnvError`` when the OS fails us. No findings at all is not an error.
    """
    store = S3Store()
    local = [Path(p) for p in paths if not is_s3_url(p) and not special(p)]
    candidates: list[Candidate | S3Object] = [*discover(local)]
    errors: list[SourceError] = []
    candidates += _s3_objects([parse_s3_url(p) for p in paths if is_s3_url(p)], store, errors)
    findings = _Collected()
    files: list[SourceFile] = []
    scans: list[FileScan] = []
    manifests: list[ScanManifest] = local_manifests(local)
    outputs = len(candidates) + sum(1 for p in paths if special(p))
    for index, candidate in enumerate(candidates):
        if progress is not None:
            progress(_name(candidate), index, len(candidates))
        try:
            if isinstance(candidate, S3Object) and is_manifest_name(candidate.url.key):
                manifests.append(parse_manifest(store.fetch(candidate), str(candidate.url)))
                continue
            loaded = _read(candidate) if isinstance(candidate, Candidate) else _read_s3(candidate, store)
        except EnvError as exc:
            if isinstance(candidate, Candidate):
                raise  # this machine's own files: an I/O fault here is the run's, not one source's
            errors.append(SourceError(str(candidate.url), exc.message))
            continue
        if loaded is None:
            continue  # an object under a prefix that is not a Prowler output, as in a directory
        source_file, read = loaded
        findings.add_file(read, source_file.format, multiple=outputs > 1)
        files.append(source_file)
        scans.append(file_scan(source_file.path, read))
    for location in (p for p in paths if special(p)):
        try:
            special_outputs, special_manifests = read_special(location)
        except EnvError as exc:
            errors.append(source_error(location, exc.message))
            continue
        manifests += special_manifests
        for source_file, read in special_outputs:
            findings.add_file(read, source_file.format, multiple=True)
            files.append(source_file)
            scans.append(file_scan(source_file.path, read))
    if errors and not files and not manifests:
        raise EnvError(errors[0].reason)  # nothing could be read: not a partial result, a failed run
    manifests.sort(key=lambda m: m.location)
    current, superseded = supersede(findings.kept, scans, manifests)
    return FindingsSet(current, tuple(files), superseded, tuple(manifests), tuple(errors))


# The identity of one result of one scan, whichever format it was read from.
_ResultKey = tuple[str, str, str, str, Status, bool, datetime]
# Which copy of a duplicated result to keep: the format that carries the most (OCSF has every field;
# ASFF has its own finding ids and folds muted results into WARNING).
_RICHNESS = {"ocsf": 3, "csv": 2, "compliance-csv": 1, "asff": 0}


class _Collected:
    """Findings in read order, with results repeated across files (one scan saved as OCSF, CSV and
    ASFF side by side) kept once.

    Only exact repeats are dropped: same check, account, region, resource, status, mute state and
    scan time, read from an earlier file. Such a copy adds nothing, while a result that differs in
    any of those is always kept, so nothing that could decide a verdict is lost. Repeats within one
    file are kept (a check may report one resource several times, under different finding ids).
    """

    def __init__(self) -> None:
        self.kept: list[Finding] = []
        self._seen: dict[_ResultKey, tuple[int, int, int]] = {}  # key → (position, file number, richness)
        self._files = 0

    def add_file(self, findings: list[Finding], format_name: str, *, multiple: bool) -> None:
        self._files += 1
        if not multiple:
            self.kept.extend(findings)  # one file cannot repeat another: skip the bookkeeping
            return
        richness = _RICHNESS.get(format_name, 0)
        for finding in findings:
            self._add(finding, richness)

    def _add(self, finding: Finding, richness: int) -> None:
        key = _result_key(finding)
        earlier = self._seen.get(key)
        if earlier is None or earlier[1] == self._files:
            self._seen[key] = (len(self.kept), self._files, richness)
            self.kept.append(finding)
        elif richness > earlier[2]:
            self.kept[earlier[0]] = finding
            self._seen[key] = (earlier[0], self._files, richness)


def _result_key(finding: Finding) -> _ResultKey:
    return (
        finding.check_id,
        finding.account,
        finding.region,
        finding.resource_uid,
        finding.status,
        finding.muted,
        finding.time,
    )


def _read(candidate: Candidate) -> tuple[SourceFile, list[Finding]]:
    streamed = _read_streamed(candidate)
    if streamed is not None:
        return streamed
    source = str(candidate.path)
    raw = read_bytes(candidate.path, "findings file")
    data = _gunzip(raw, source) if is_gzip(candidate.path) else raw
    findings = list(candidate.reader.read(data, source))
    # The digest is of the bytes on disk (compressed or not), so the evidence manifest can be
    # checked against the very file that was handed in.
    digest = sha256_hex(raw)
    return SourceFile(source, digest, candidate.reader.format_name, len(findings)), findings


def _read_streamed(candidate: Candidate) -> tuple[SourceFile, list[Finding]] | None:
    """A plain OCSF file read piece by piece (a 2 GB file never sits in memory), or None to read it whole.

    Only the happy path is streamed: anything unexpected (another layout, a bad element or record,
    an OS error) returns None and the whole-file read runs instead, which decides the error and its
    message exactly as for any other file.
    """
    reader = candidate.reader
    if not isinstance(reader, OcsfReader) or is_gzip(candidate.path):
        return None
    source = str(candidate.path)
    with _BackgroundDigest() as digest:
        try:
            with candidate.path.open("rb") as handle:
                findings = list(reader.read_elements(stream_prowler_elements(handle, digest), source))
        except (NotStreamable, FindingsFormatError, OSError):
            return None
        sha256 = digest.hexdigest()
    return SourceFile(source, sha256, reader.format_name, len(findings)), findings


class _BackgroundDigest:
    """SHA-256 fed on a second thread: hashlib releases the GIL, so hashing overlaps with parsing.

    One worker takes the chunks in the order given, so the digest is that of the file.
    """

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="findings-digest")
        self._pending: list[Future[None]] = []

    def __enter__(self) -> _BackgroundDigest:
        return self

    def __exit__(self, *_: object) -> None:
        self._worker.shutdown(wait=True, cancel_futures=True)

    def update(self, data: bytes, /) -> None:
        self._pending = [f for f in self._pending if not f.done()]
        self._pending.append(self._worker.submit(self._hash.update, data))

    def hexdigest(self) -> str:
        for future in self._pending:
            future.result()
        return self._hash.hexdigest()


# --- S3 --------------------------------------------------------------------------------------------------


def _s3_objects(urls: Sequence[S3Url], store: S3Store, errors: list[SourceError]) -> list[S3Object]:
    """Every object to read, listed before any is read; each once. A location that cannot be listed is
    recorded in ``errors`` and the others are still read."""
    objects: dict[str, S3Object] = {}
    for url in urls:
        try:
            listed = store.objects(url)
        except EnvError as exc:
            errors.append(SourceError(str(url), exc.message))
            continue
        for item in listed:
            objects.setdefault(str(item.url), item)
    return list(objects.values())


def _name(candidate: Candidate | S3Object) -> str:
    return str(candidate.path) if isinstance(candidate, Candidate) else str(candidate.url)


def _read_s3(item: S3Object, store: S3Store) -> tuple[SourceFile, list[Finding]] | None:
    """Read one object; None for an unrecognised object found under a prefix (skipped, like in a walk)."""
    return read_blob(str(item.url), store.fetch(item), named=item.named)
