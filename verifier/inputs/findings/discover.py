"""Which files to read, and with which reader: explicit files, ``.gz`` files and Prowler output trees.

A named file must be a Prowler output (anything else is an error); inside a directory, files that
are not Prowler outputs are passed over, so an empty directory simply yields no findings.
"""

from __future__ import annotations

import gzip
import os
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from verifier.errors import EnvError, FindingsFormatError, InputError
from verifier.inputs.findings.asff import AsffReader
from verifier.inputs.findings.compliance_csv import ComplianceCsvReader
from verifier.inputs.findings.csv_reader import CsvReader
from verifier.inputs.findings.interface import FindingsReader
from verifier.inputs.findings.normalize import HEAD_BYTES
from verifier.inputs.findings.ocsf import OcsfReader
from verifier.inputs.jsondoc import require_regular_file, utf16_hint

GZIP_SUFFIX = ".gz"
# The compliance CSV's header must be tried before the findings CSV's looser signature.
READERS: tuple[FindingsReader, ...] = (OcsfReader(), AsffReader(), ComplianceCsvReader(), CsvReader())
_CANDIDATE_SUFFIXES = (".json", ".csv")
_EXPECTED = "expected Prowler's *.ocsf.json, *.asff.json, ';' CSV or compliance CSV, optionally .gz"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A file to read and the reader that recognised it."""

    path: Path
    reader: FindingsReader


def discover(paths: Sequence[Path]) -> list[Candidate]:
    """Expand the given paths into readable files, in order; a file reached twice is read once."""
    found: list[Candidate] = []
    seen: set[str] = set()
    for path in paths:
        for candidate in _expand(path):
            real = os.path.realpath(candidate.path)
            if real not in seen:
                seen.add(real)
                found.append(candidate)
    return found


def logical_name(path: Path) -> str:
    """The file name a reader judges: ``x.ocsf.json.gz`` is read as ``x.ocsf.json``."""
    return path.name.removesuffix(GZIP_SUFFIX)


def is_gzip(path: Path) -> bool:
    """Whether the file is read through gzip (by its name, as Prowler users name archived outputs)."""
    return path.name.endswith(GZIP_SUFFIX)


def _expand(path: Path) -> list[Candidate]:
    if path.is_dir():
        return [candidate for file in walk(path) if (candidate := _recognise(file)) is not None]
    if not path.exists():
        raise InputError(f"findings path not found: {path}")
    require_regular_file(path, "findings file")  # a FIFO would block the read forever
    candidate = _recognise(path)
    if candidate is None:
        raise FindingsFormatError(f"{path}: {_unrecognised(path)} ({_EXPECTED})")
    return [candidate]


def _unrecognised(path: Path) -> str:
    if not logical_name(path).endswith(_CANDIDATE_SUFFIXES):
        return "not a recognised Prowler output"
    head = _head(path)
    if not head.strip():
        return "empty file"
    return "not a recognised Prowler output" + utf16_hint(head)


def _recognise(path: Path) -> Candidate | None:
    name = logical_name(path)
    if not name.endswith(_CANDIDATE_SUFFIXES):
        return None
    head = _head(path)
    return next((Candidate(path, reader) for reader in READERS if reader.accepts(name, head)), None)


def _head(path: Path) -> bytes:
    try:
        if is_gzip(path):
            with gzip.open(path, "rb") as stream:
                return stream.read(HEAD_BYTES)
        with path.open("rb") as stream:
            return stream.read(HEAD_BYTES)
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise FindingsFormatError(f"{path}: not a readable gzip file ({exc})") from exc
    except OSError as exc:
        raise EnvError(f"cannot read findings file {path}: {exc.strerror or exc}") from exc


def walk(root: Path, keep: Callable[[Path], bool] | None = None) -> list[Path]:
    """Every non-hidden candidate file under ``root`` (or every file ``keep`` accepts), sorted; symlinked
    directories are followed once."""
    accepts = keep if keep is not None else lambda path: not _skipped(path)
    files: list[Path] = []
    visited: set[tuple[int, int]] = set()
    pending = [root]
    while pending:
        directory = pending.pop()
        identity = _identity(directory)
        if identity in visited:
            continue  # a symlink loop, or a directory linked twice
        visited.add(identity)
        for entry in _entries(directory):
            is_dir, is_file = _entry_kind(entry)
            if is_dir:
                pending.append(Path(entry.path))
            elif is_file and accepts(Path(entry.path)):
                files.append(Path(entry.path))
    return sorted(files)


def _entry_kind(entry: os.DirEntry[str]) -> tuple[bool, bool]:
    """``(is_dir, is_file)``; a symlink that loops is neither, unless it bears a Prowler output's name."""
    try:
        return entry.is_dir(), entry.is_file()
    except OSError as exc:  # ELOOP: DirEntry swallows only a missing target
        if _skipped(Path(entry.path)):
            return False, False
        # Named like a Prowler output but unreadable: passing over it could hide a FAIL.
        raise EnvError(f"cannot read findings file {entry.path}: {exc.strerror or exc}") from exc


def _identity(directory: Path) -> tuple[int, int]:
    try:
        status = directory.stat()
    except OSError as exc:
        raise EnvError(f"cannot read findings directory {directory}: {exc.strerror or exc}") from exc
    return status.st_dev, status.st_ino


def _entries(directory: Path) -> Iterator[os.DirEntry[str]]:
    try:
        with os.scandir(directory) as entries:
            listed = list(entries)
    except OSError as exc:
        raise EnvError(f"cannot list findings directory {directory}: {exc.strerror or exc}") from exc
    return (entry for entry in listed if not entry.name.startswith("."))


def _skipped(path: Path) -> bool:
    name = logical_name(path)
    if not name.endswith(_CANDIDATE_SUFFIXES):
        return True
    # compliance/*.ocsf.json holds OCSF Compliance Findings (class 2003): the same results per
    # requirement. The compliance CSV next to it carries the same rows and is read instead.
    return path.parent.name == "compliance" and name.endswith(".ocsf.json")
