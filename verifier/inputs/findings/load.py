"""Loading findings: every ``--findings`` location read, each file once, merged in input order.

Files are read on every core (``pool.py``), each into rows (``reading.py``); results repeated across
files are kept once (``repeats.py``) and findings a newer covering scan replaced are superseded
(``supersede.py``).
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Generic, TypeVar

from verifier.errors import EnvError, FindingsFormatError
from verifier.inputs.findings.archives import is_zip
from verifier.inputs.findings.blob import read_blob
from verifier.inputs.findings.discover import Candidate, discover, walk
from verifier.inputs.findings.findings_set import FindingsSet, SourceFile, Tally
from verifier.inputs.findings.manifest import ScanManifest, is_manifest_name, parse_manifest
from verifier.inputs.findings.pool import POOL_MIN_BYTES, default_jobs, ordered_map
from verifier.inputs.findings.reading import read_rows, size
from verifier.inputs.findings.repeats import Collected
from verifier.inputs.findings.s3 import S3Object, S3Store, S3Url, is_s3_url, parse_s3_url
from verifier.inputs.findings.sources import (
    local_archives,
    local_manifests,
    read_special,
    s3_archive,
    source_error,
    special,
)
from verifier.inputs.findings.supersede import Coverage, FileScan, file_scan
from verifier.model import Finding, FindingRow, SourceError, finding_row

Progress = Callable[[str, int, int], None]
"""Called as ``progress(path, index, total)`` before each file; ``index`` counts files already read."""

Keep = frozenset[str] | None
"""The checks whose findings are kept as ``Finding`` objects; None keeps every check's."""

Kept = TypeVar("Kept", Finding, FindingRow)


@dataclass(frozen=True, slots=True)
class FileRead(Generic[Kept]):
    """One file read: the findings a run keeps (rows as a worker hands them back, ``Finding`` objects once
    built here) and the tally of the others (None: every finding is kept).

    ``held`` are the rows of the findings not kept when they were read in this process. A worker
    process drops them (handing them back would cost more than reading them): the rare file whose
    set-aside findings must be de-duplicated or superseded one by one is read again from ``origin``.
    """

    source: SourceFile
    scan: FileScan
    kept: list[Kept]
    others: Tally | None
    held: list[FindingRow] | None
    origin: Candidate | S3Object | None = None


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
    keep: Keep = frozenset(checks) if checks is not None else None
    local = [Path(p) for p in paths if not is_s3_url(p) and not special(p)]
    discovery = discover(local)
    candidates: list[Candidate | S3Object] = [*discovery.candidates]
    errors: list[SourceError] = []
    candidates += _s3_objects([parse_s3_url(p) for p in paths if is_s3_url(p)], store, errors)
    reads: list[FileRead[Finding]] = []
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
            _built(_split(source, [finding_row(f) for f in read], keep)) for source, read in special_outputs
        ]
    if errors and not reads and not manifests:
        raise EnvError(errors[0].reason)  # nothing could be read: not a partial result, a failed run
    _require_output(paths, discovery.barren, archive_outputs, reads, manifests, errors)
    manifests.sort(key=lambda m: m.location)
    # Results repeat only across files: a zip holding one scan's OCSF, CSV and ASFF is three files.
    found = _assemble(reads, manifests, errors, keep, store)
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
    reads: Sequence[FileRead[Finding]],
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
    url: S3Url,
    reads: Sequence[FileRead[Finding]],
    manifests: Sequence[ScanManifest],
    errors: Sequence[SourceError],
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


def _split(source: SourceFile, rows: list[FindingRow], keep: Keep) -> FileRead[FindingRow]:
    """The rows of one file, split into those kept and those set aside (held)."""
    scan = file_scan(source.path, rows, source.sha256)
    if keep is None:
        return FileRead(source, scan, rows, None, None)
    kept = [row for row in rows if row.check_id in keep]
    other = [row for row in rows if row.check_id not in keep] if len(kept) < len(rows) else []
    return FileRead(source, scan, kept, Tally.of(other), other)


def _built(read: FileRead[FindingRow], origin: Candidate | S3Object | None = None) -> FileRead[Finding]:
    """``read`` with its kept findings built into objects, remembering where to read it again."""
    kept = [Finding(*row) for row in read.kept]
    return FileRead(read.source, read.scan, kept, read.others, read.held, origin)


def _assemble(
    reads: Sequence[FileRead[Finding]],
    manifests: list[ScanManifest],
    errors: list[SourceError],
    keep: Keep,
    store: S3Store,
) -> FindingsSet:
    """De-duplicate across files, supersede, and tally what was not kept; in read order throughout.

    Results repeat only across files (a zip holding one scan's OCSF, CSV and ASFF is three files), and
    only where files share an account. A file whose accounts no other file shows is kept whole, and a
    file no newer scan touched keeps every finding: findings not kept from such a file are only
    tallied. The rest (nightly scans of one account read together) go through the same steps one by one.
    """
    coverage = Coverage([r.scan for r in reads], manifests)
    shared = _shared_accounts(reads)
    kept, set_aside = Collected(), Collected()
    others = Tally()
    for read in reads:
        apart = not read.scan.accounts & shared
        (kept.add_apart if apart else kept.add_checked)(read.kept, read.source.format)
        if read.others is None:
            continue
        if apart and read.scan.path in coverage.untouched:
            others += read.others
        else:
            findings = _set_aside(read, keep, store)
            (set_aside.add_apart if apart else set_aside.add_checked)(findings, read.source.format)
    current, superseded = coverage.split(kept.kept)
    others += Tally.of(coverage.split(set_aside.kept)[0])
    files = tuple(read.source for read in reads)
    return FindingsSet(current, files, superseded, tuple(manifests), tuple(errors), others)


def _set_aside(read: FileRead[Finding], keep: Keep, store: S3Store) -> list[Finding]:
    """The findings of ``read`` that were not kept: held, or read again (the same bytes, or an error)."""
    rows = read.held
    if rows is None:
        assert read.origin is not None  # noqa: S101 - a worker's read always names its origin
        again = _read_here(read.origin, keep, store)
        if not isinstance(again, FileRead) or again.source.sha256 != read.source.sha256 or again.held is None:
            raise EnvError(f"{read.source.path}: changed while it was being read; read it again")
        rows = again.held
    return [Finding(*row) for row in rows]


def _shared_accounts(reads: Sequence[FileRead[Finding]]) -> frozenset[str]:
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
    keep: Keep,
) -> Iterator[FileRead[Finding] | SourceError | None]:
    def started(index: int) -> None:
        if progress is not None:
            progress(_name(candidates[index]), index, len(candidates))

    workers = _workers(candidates, jobs)
    if workers <= 1:
        read = functools.partial(_read_here, keep=keep, store=store)
    else:  # each worker process makes its own S3 client, and hands back no findings set aside
        read = functools.partial(_read_in_worker, keep=keep)
    for index, done in enumerate(ordered_map(read, candidates, workers, started)):
        yield _built(done, candidates[index]) if isinstance(done, FileRead) else done


def _workers(candidates: Sequence[Candidate | S3Object], jobs: int | None) -> int:
    if jobs is not None:
        return jobs
    local = sum(size(c.path) for c in candidates if isinstance(c, Candidate))
    return default_jobs() if local >= POOL_MIN_BYTES else 1


def _read_here(
    candidate: Candidate | S3Object, keep: Keep, store: S3Store | None = None
) -> FileRead[FindingRow] | SourceError | None:
    """One source read, decoded, hashed and split; None for an unrecognised object under an S3 prefix.

    An S3 object the OS or network fails to deliver is that source's error (the others still count);
    an I/O fault on this machine's own files is the run's and raises.
    """
    if isinstance(candidate, Candidate):
        return _split(*read_rows(candidate), keep)
    try:
        loaded = _read_s3(candidate, store or S3Store())
    except EnvError as exc:
        return SourceError(str(candidate.url), exc.message)
    if loaded is None:
        return None
    return _split(loaded[0], [finding_row(f) for f in loaded[1]], keep)


def _read_in_worker(candidate: Candidate | S3Object, keep: Keep) -> FileRead[FindingRow] | SourceError | None:
    """``_read_here`` in a worker process: the rows set aside are dropped (see ``FileRead.held``)."""
    read = _read_here(candidate, keep)
    return dataclasses.replace(read, held=None) if isinstance(read, FileRead) else read


# --- S3 ---------------------------------------------------------------------------------------------------


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
