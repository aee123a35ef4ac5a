"""Findings ingestion: read Prowler outputs (OCSF, CSV, ASFF, compliance CSV) into ``Finding`` records.

``load_findings`` is the one entry point. Every record of every file must parse: one bad record fails
the whole load, because a FAIL skipped in silence could become a wrong MET. Files are read on every core
(``pool.py``), each hashed in the same pass that decodes it, and merged in input order.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import itertools
import os
from array import array
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePath
from typing import Any

from verifier.errors import EnvError, FindingsFormatError
from verifier.inputs.findings import asff, ocsf
from verifier.inputs.findings.blob import gunzip as _gunzip
from verifier.inputs.findings.blob import read_blob
from verifier.inputs.findings.discover import Candidate, discover, is_gzip, walk
from verifier.inputs.findings.interface import FindingsSet, SourceFile, Tally
from verifier.inputs.findings.manifest import ScanManifest, is_manifest_name, parse_manifest
from verifier.inputs.findings.normalize import STREAM_CHUNK, NotStreamable
from verifier.inputs.findings.pool import POOL_MIN_BYTES, default_jobs, ordered_map
from verifier.inputs.findings.s3 import S3Object, S3Store, S3Url, is_s3_url, parse_s3_url
from verifier.inputs.findings.sources import (
    local_archives,
    local_manifests,
    read_special,
    s3_archive,
    source_error,
    special,
)
from verifier.inputs.findings.supersede import Coverage, FileScan, rows_scan
from verifier.inputs.findings.typed import TypedFormat, typed_rows
from verifier.inputs.findings.zip import is_zip
from verifier.inputs.jsondoc import read_bytes, sha256_hex
from verifier.model import ROW_CHECK, Finding, FindingRow, SourceError, Status, finding_row

__all__ = ["FindingsSet", "Progress", "SourceFile", "Tally", "load_findings"]

Progress = Callable[[str, int, int], None]
"""Called as ``progress(path, index, total)`` before each file; ``index`` counts files already read."""


def load_findings(
    paths: Sequence[Path | str],
    progress: Progress | None = None,
    jobs: int | None = None,
    checks: Collection[str] | None = None,
) -> FindingsSet:
    """Read every Prowler output at ``paths`` (files, ``.gz`` files or directories searched recursively).

    A location starting ``s3://`` (or pathlib's collapsed ``s3:/``) is read from S3: one object, or
    every Prowler output under a prefix (see ``s3.py``). Local files come first, then S3 objects in the
    order given.

    Files are read in a deterministic order (each directory's files sorted by path) and a file
    reached twice is read once. ``jobs`` worker processes read them (default: one per core once the
    local files reach ``POOL_MIN_BYTES``; 1 reads in this process); the result is the same whatever
    ``jobs`` is. A result repeated exactly in several files (the same scan saved in
    several formats) is kept once, from the richest format; ``files`` still counts every finding
    each file held. ``checks``: keep only these checks' findings as objects (a POA&M names a few
    practices, Prowler's output holds every check); the others are read, checked, de-duplicated and
    superseded the same way and only counted (``FindingsSet.others``). Raises ``FindingsFormatError``
    naming the file and record for anything that is not a readable Prowler output, ``InputError`` for a
    path that does not exist and ``EnvError`` when the OS fails us. A location (directory, zip, S3
    prefix) that holds no Prowler output at all is a ``FindingsFormatError``: an empty or wrong folder
    is not a scan (Prowler writes an output file for every scan, findings or not).
    """
    store = S3Store()
    keep = frozenset(checks) if checks is not None else None
    local = [Path(p) for p in paths if not is_s3_url(p) and not special(p)]
    discovery = discover(local)
    candidates: list[Candidate | S3Object] = [*discovery.candidates]
    errors: list[SourceError] = []
    candidates += _s3_objects([parse_s3_url(p) for p in paths if is_s3_url(p)], store, errors)
    reads: list[_FileRead] = []
    manifests: list[ScanManifest] = local_manifests(local)
    zipped = local_archives(local)
    _refuse_barren_early(discovery.barren, manifests, zipped)
    stored = [c for c in candidates if isinstance(c, S3Object) and is_manifest_name(c.url.key)]
    manifests += _s3_manifests(stored, store, errors)
    archives = [c for c in candidates if s3_archive(c)]  # zips in S3 are read whole, like a local zip
    candidates = [c for c in candidates if c not in stored and c not in archives]
    for loaded in _read_all(candidates, store, progress, jobs, keep):
        if isinstance(loaded, SourceError):
            errors.append(loaded)
        elif loaded is not None:  # None: an object under a prefix that is not a Prowler output
            reads.append(loaded)
    archive_outputs: dict[str, int] = {}  # outputs and scan manifests each zip held, by its location
    for location in [*(p for p in paths if special(p)), *zipped, *archives]:
        try:
            special_outputs, special_manifests = read_special(location, store)
        except EnvError as exc:
            errors.append(source_error(location, exc.message))
            continue
        archive_outputs[_location_name(location)] = len(special_outputs) + len(special_manifests)
        manifests += special_manifests
        reads += [
            _unpack(_pack(source, [finding_row(f) for f in read], keep)) for source, read in special_outputs
        ]
    if errors and not reads and not manifests:
        raise EnvError(errors[0].reason)  # nothing could be read: not a partial result, a failed run
    _require_output(paths, discovery.barren, archive_outputs, reads, manifests, errors)
    manifests.sort(key=lambda m: m.location)
    # Results repeat only across files: a zip holding one scan's OCSF, CSV and ASFF is three files.
    found = _assemble(reads, manifests, errors, multiple=len(reads) > 1, keep=keep, store=store)
    return dataclasses.replace(found, skipped=tuple(discovery.skipped))


def _location_name(location: str | PurePath | S3Object) -> str:
    """The name a special source's outputs are recorded under (a zip's ``Container.path``)."""
    if isinstance(location, S3Object):
        return str(location.url)
    text = str(location)
    return text if is_s3_url(text) or not is_zip(text) else str(Path(text))


def _require_output(
    paths: Sequence[Path | str],
    barren: Sequence[Path],
    archive_outputs: dict[str, int],
    reads: Sequence[_FileRead],
    manifests: Sequence[ScanManifest],
    errors: Sequence[SourceError],
) -> None:
    """Refuse a ``--findings`` location that yielded no Prowler output: an empty or wrong folder, a zip of
    other things, an S3 prefix of other objects. A location that failed is already a source error.

    A scan manifest counts: ``poam scan`` records a Prowler run that wrote nothing (every resource of its
    checks gone) with its manifest alone, and that run still shows the checks were scanned.
    """
    for directory in barren:
        inside = f"{directory}{os.sep}"
        if any(m.location.startswith(inside) for m in manifests):
            continue
        if not any(archive_outputs.get(str(file)) for file in walk(directory, keep=is_zip)):
            raise _no_output(directory)
    for location in paths:
        if is_s3_url(location):
            _require_s3_output(parse_s3_url(location), reads, manifests, errors)
        elif is_zip(location) and archive_outputs.get(_location_name(location)) == 0:
            raise _no_output(location)


def _refuse_barren_early(
    barren: Sequence[Path], manifests: Sequence[ScanManifest], zipped: Sequence[Path]
) -> None:
    """A folder with no output, no zip and no scan manifest is refused before anything is read."""
    for directory in barren:
        inside = f"{directory}{os.sep}"
        if not any(m.location.startswith(inside) for m in manifests) and not any(
            str(z).startswith(inside) for z in zipped
        ):
            raise _no_output(directory)


def _require_s3_output(
    url: S3Url, reads: Sequence[_FileRead], manifests: Sequence[ScanManifest], errors: Sequence[SourceError]
) -> None:
    whole = str(url)
    under = whole.rstrip("/") + "/"

    def covers(name: str) -> bool:
        return name == whole or name.startswith(under) or (url.names_prefix and name.startswith(whole))

    if any(covers(error.location) for error in errors) or any(covers(m.location) for m in manifests):
        return
    # A zip's outputs are named inside it (``….zip!/member``); the zip itself is their container.
    if not any(
        covers(read.source.container.path if read.source.container else read.source.path) for read in reads
    ):
        raise _no_output(whole)


def _no_output(location: Path | str) -> FindingsFormatError:
    return FindingsFormatError(
        f"{location}: no Prowler output found (expected *.ocsf.json, *.asff.json, Prowler CSV, "
        "optionally .gz, or a zip of them); an empty or wrong folder is not a scan"
    )


@dataclass(frozen=True, slots=True)
class _Others:
    """The findings of a file that are not kept: their tally, and their rows when read in this process.

    A worker process drops the rows (handing them back would cost more than reading them): the rare
    file whose set-aside findings must be de-duplicated or superseded one by one is read again.
    """

    tally: Tally
    rows: list[FindingRow] | None


@dataclass(frozen=True, slots=True)
class _Packed:
    """One file read: kept findings as rows (cheap to hand back from a worker), the rest set aside."""

    source: SourceFile
    scan: FileScan
    kept: list[FindingRow]
    others: _Others | None  # None: every finding is kept


@dataclass(frozen=True, slots=True)
class _FileRead:
    source: SourceFile
    scan: FileScan
    kept: list[Finding]
    others: _Others | None
    origin: Candidate | S3Object | None = None  # where to read it again (None: it was read here)


def _pack(
    source: SourceFile, rows: list[FindingRow], keep: frozenset[str] | None, *, hold: bool = True
) -> _Packed:
    scan = rows_scan(source.path, rows, source.sha256)
    if keep is None:
        return _Packed(source, scan, rows, None)
    kept = [row for row in rows if row[ROW_CHECK] in keep]
    other = [row for row in rows if row[ROW_CHECK] not in keep] if len(kept) < len(rows) else []
    return _Packed(source, scan, kept, _Others(Tally.of_rows(other), other if hold else None))


def _unpack(packed: _Packed, origin: Candidate | S3Object | None = None) -> _FileRead:
    kept = [Finding(*row) for row in packed.kept]
    return _FileRead(packed.source, packed.scan, kept, packed.others, origin)


def _assemble(
    reads: Sequence[_FileRead],
    manifests: list[ScanManifest],
    errors: list[SourceError],
    *,
    multiple: bool,
    keep: frozenset[str] | None,
    store: S3Store,
) -> FindingsSet:
    """De-duplicate across files, supersede, and tally what was not kept; in read order throughout.

    A file whose accounts no other file shows cannot repeat another's results, and a file no newer
    scan touched keeps every finding: findings not kept from such a file are only tallied. The rest
    (nightly scans of one account read together) go through the same steps one by one.
    """
    coverage = Coverage([r.scan for r in reads], manifests)
    shared = _shared_accounts(reads) if multiple else frozenset()
    kept, set_aside = _Collected(), _Collected()
    others = Tally()
    for read in reads:
        isolated = not read.scan.accounts & shared
        kept.add_file(read.kept, read.source.format, multiple=multiple, isolated=isolated)
        if read.others is None:
            continue
        if isolated and read.scan.path in coverage.untouched:
            others += read.others.tally
        else:
            findings = _set_aside(read, keep, store)
            set_aside.add_file(findings, read.source.format, multiple=multiple, isolated=isolated)
    current, superseded = coverage.split(kept.kept)
    others += Tally.of(coverage.split(set_aside.kept)[0])
    files = tuple(read.source for read in reads)
    return FindingsSet(current, files, superseded, tuple(manifests), tuple(errors), others)


def _set_aside(read: _FileRead, keep: frozenset[str] | None, store: S3Store) -> list[Finding]:
    """The findings of ``read`` that were not kept: held, or read again (the same bytes, or an error)."""
    assert read.others is not None  # noqa: S101 - only files with findings set aside come here
    rows = read.others.rows
    if rows is None:
        assert read.origin is not None  # noqa: S101 - a worker's read always names its origin
        again = _load_packed(read.origin, keep, store)
        if (
            not isinstance(again, _Packed)
            or again.source.sha256 != read.source.sha256
            or again.others is None
        ):
            raise EnvError(f"{read.source.path}: changed while it was being read; read it again")
        rows = again.others.rows or []
    return [Finding(*row) for row in rows]


def _shared_accounts(reads: Sequence[_FileRead]) -> frozenset[str]:
    """Accounts more than one file shows: only their results can repeat across files."""
    counts = Counter(account for read in reads for account in read.scan.accounts)
    return frozenset(account for account, count in counts.items() if count > 1)


def _s3_manifests(
    objects: Sequence[S3Object], store: S3Store, errors: list[SourceError]
) -> list[ScanManifest]:
    """The scan manifests stored beside S3 outputs; one that cannot be fetched is that source's error."""
    manifests: list[ScanManifest] = []
    for item in objects:
        try:
            manifests.append(parse_manifest(store.fetch(item), str(item.url)))
        except EnvError as exc:
            errors.append(SourceError(str(item.url), exc.message))
    return manifests


def _read_all(
    candidates: Sequence[Candidate | S3Object],
    store: S3Store,
    progress: Progress | None,
    jobs: int | None,
    keep: frozenset[str] | None,
) -> Iterator[_FileRead | SourceError | None]:
    def started(index: int) -> None:
        if progress is not None:
            progress(_name(candidates[index]), index, len(candidates))

    workers = _workers(candidates, jobs)
    if workers <= 1:
        read = functools.partial(_load_packed, keep=keep, store=store)
    else:  # each worker process makes its own S3 client, and hands back no findings set aside
        read = functools.partial(_load_packed, keep=keep, hold=False)
    # (Not zip(): in this package's namespace that name is the zip-archive reader module.)
    for index, packed in enumerate(ordered_map(read, candidates, workers, started)):
        yield _unpack(packed, candidates[index]) if isinstance(packed, _Packed) else packed


def _workers(candidates: Sequence[Candidate | S3Object], jobs: int | None) -> int:
    if jobs is not None:
        return jobs
    local = sum(_size(c.path) for c in candidates if isinstance(c, Candidate))
    return default_jobs() if local >= POOL_MIN_BYTES else 1


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # reading it reports the error


def _load_packed(
    candidate: Candidate | S3Object,
    keep: frozenset[str] | None,
    store: S3Store | None = None,
    *,
    hold: bool = True,
) -> _Packed | SourceError | None:
    """One source read, decoded, hashed and packed; None for an unrecognised object under an S3 prefix.

    ``hold``: keep the rows of the findings set aside (False in a worker, see ``_Others``).

    An S3 object the OS or network fails to deliver is that source's error (the others still count);
    an I/O fault on this machine's own files is the run's and raises.
    """
    if isinstance(candidate, Candidate):
        return _pack(*_read_rows(candidate), keep, hold=hold)
    try:
        loaded = _read_s3(candidate, store or S3Store())
    except EnvError as exc:
        return SourceError(str(candidate.url), exc.message)
    if loaded is None:
        return None
    return _pack(loaded[0], [finding_row(f) for f in loaded[1]], keep, hold=hold)


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

    def __init__(self, hasher: Callable[[_ResultKey], int] = hash) -> None:
        self.kept: list[Finding] = []
        self._hash = hasher
        # A million findings are tracked, so the result key is not stored: its hash maps to the position
        # of the last finding holding it, and the kept finding itself confirms the key on a hit. A
        # different key with the same hash (rare) is tracked by its whole key instead.
        self._by_hash: dict[int, int] = {}
        self._collided: dict[_ResultKey, int] = {}
        self._file_of = array("I")  # per kept position: the number of the file it came from
        self._richness = bytearray()  # per kept position: the richness of its format
        self._files = 0

    def add_file(
        self, findings: list[Finding], format_name: str, *, multiple: bool, isolated: bool = False
    ) -> None:
        """Add one file's findings; ``isolated``: no other file shows any of its accounts."""
        self._files += 1
        if not multiple:
            self.kept.extend(findings)  # one file cannot repeat another: skip the bookkeeping
            return
        if isolated:  # nothing can repeat its results: kept whole, never looked up
            self.kept.extend(findings)
            self._file_of.extend(itertools.repeat(self._files, len(findings)))
            self._richness.extend(itertools.repeat(_RICHNESS.get(format_name, 0), len(findings)))
            return
        richness = _RICHNESS.get(format_name, 0)
        for finding in findings:
            self._add(finding, richness)

    def _add(self, finding: Finding, richness: int) -> None:
        key = _result_key(finding)
        earlier = self._position(key)
        if earlier is None or self._file_of[earlier] == self._files:
            self._remember(key, len(self.kept))
            self.kept.append(finding)
            self._file_of.append(self._files)
            self._richness.append(richness)
        elif richness > self._richness[earlier]:
            self.kept[earlier] = finding
            self._file_of[earlier] = self._files
            self._richness[earlier] = richness

    def _position(self, key: _ResultKey) -> int | None:
        position = self._by_hash.get(self._hash(key))
        if position is not None and _result_key(self.kept[position]) == key:
            return position
        return self._collided.get(key) if self._collided else None

    def _remember(self, key: _ResultKey, position: int) -> None:
        slot = self._hash(key)
        held = self._by_hash.get(slot)
        if held is None or _result_key(self.kept[held]) == key:
            self._by_hash[slot] = position
        else:
            self._collided[key] = position


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


# The JSON formats decoded typed and streamed (and whose findings carry a location); the CSV formats are
# read whole with the csv module.
TYPED_FORMATS: dict[str, TypedFormat[Any]] = {ocsf.FORMAT: ocsf.TYPED, asff.FORMAT: asff.TYPED}


def _read_rows(candidate: Candidate) -> tuple[SourceFile, list[FindingRow]]:
    streamed = _read_streamed(candidate)
    if streamed is not None:
        return streamed
    source = str(candidate.path)
    raw = read_bytes(candidate.path, "findings file")
    data = _gunzip(raw, source) if is_gzip(candidate.path) else raw
    rows = [finding_row(finding) for finding in candidate.reader.read(data, source)]
    # The digest is of the bytes on disk (compressed or not), so the evidence manifest can be
    # checked against the very file that was handed in.
    digest = sha256_hex(raw)
    return SourceFile(source, digest, candidate.reader.format_name, len(rows)), rows


def _read_streamed(candidate: Candidate) -> tuple[SourceFile, list[FindingRow]] | None:
    """A plain JSON file decoded piece by piece (a 2 GB file never sits in memory), or None to read it whole.

    Each chunk is hashed as it is read, so the file is read once. A record that cannot be trusted
    raises its error here, naming the file and element; anything else unexpected (not a JSON array, a
    syntax error, an OS error) returns None and the whole-file read runs instead, which decides the
    error and its message exactly as for any other file. Except for a file too big to read whole for a
    message (``_WHOLE_READ_MAX``): valid JSON up front and garbage behind must not take gigabytes of
    memory to refuse, so the error is raised here, saying how far the stream got.
    """
    typed = TYPED_FORMATS.get(candidate.reader.format_name)
    if typed is None or is_gzip(candidate.path):
        return None
    source = str(candidate.path)
    consumed = [0]
    with _BackgroundDigest() as digest:
        try:
            with candidate.path.open("rb") as handle:
                rows = list(typed_rows(_chunks(handle, digest, consumed), typed, source))
        except NotStreamable as exc:
            if _size(candidate.path) > _WHOLE_READ_MAX:
                raise FindingsFormatError(
                    f"{source}: not a readable JSON array of findings (a syntax error, a truncated file or "
                    f"data after the array) within its first {consumed[0]} bytes"
                ) from exc
            return None
        except OSError:
            return None
        sha256 = digest.hexdigest()
    return SourceFile(source, sha256, candidate.reader.format_name, len(rows)), rows


# Above this a malformed JSON file is refused from the stream, not read whole (~3x its size) for a message.
_WHOLE_READ_MAX = 256 * 1024 * 1024


def _chunks(handle: Any, digest: _BackgroundDigest, consumed: list[int]) -> Iterator[bytes]:
    while chunk := handle.read(STREAM_CHUNK):
        consumed[0] += len(chunk)
        digest.update(chunk)
        yield chunk


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
