"""Which files to read, and with which reader: explicit files, ``.gz`` files and Prowler output trees.

A named file must be a Prowler output (anything else is an error); inside a directory, files that
are not Prowler outputs are passed over. Nothing that could be one is: an entry named like a Prowler
output (``*.json``, ``*.csv``, ``*.zip``, gzipped or not, in any case) that is a dangling link, a link
loop, a device, a FIFO or a socket is an error, since skipping it could hide a FAIL. Other entries
that are not regular files are listed as skipped, for the evidence manifest. A directory holding no
Prowler output at all is reported (``Discovery.barren``) so the caller can refuse it: an empty or
wrong folder is not a scan that found nothing.
"""

from __future__ import annotations

import errno
import gzip
import os
import stat
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from verifier.errors import EnvError, FindingsFormatError, InputError
from verifier.inputs.findings.asff import AsffReader
from verifier.inputs.findings.compliance_csv import ComplianceCsvReader
from verifier.inputs.findings.csv_reader import CsvReader
from verifier.inputs.findings.findings_set import FindingsReader, Skipped
from verifier.inputs.findings.normalize import HEAD_BYTES
from verifier.inputs.findings.ocsf import OcsfReader
from verifier.inputs.jsondoc import file_kind, require_regular_file, utf16_hint

GZIP_SUFFIX = ".gz"
# The compliance CSV's header must be tried before the findings CSV's looser signature.
READERS: tuple[FindingsReader, ...] = (OcsfReader(), AsffReader(), ComplianceCsvReader(), CsvReader())
_CANDIDATE_SUFFIXES = (".json", ".csv")
# Names that may hold Prowler output (zips too: a downloaded Prowler App report), matched in any case.
_PROWLER_LIKE_SUFFIXES = (*_CANDIDATE_SUFFIXES, ".zip")
_JSON_FORMATS = frozenset({"ocsf", "asff"})
_BOM = b"\xef\xbb\xbf"
_EXPECTED = "expected Prowler's *.ocsf.json, *.asff.json, ';' CSV or compliance CSV, optionally .gz"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A file to read and the reader that recognised it."""

    path: Path
    reader: FindingsReader


@dataclass(frozen=True, slots=True)
class Discovery:
    """The files to read, the entries passed over, and the given directories with no Prowler output file.

    A ``barren`` directory may still hold a zip of outputs; the caller decides once the zips are read.
    """

    candidates: list[Candidate]
    skipped: list[Skipped]
    barren: list[Path]


def discover(paths: Sequence[Path]) -> Discovery:
    """Expand the given paths into readable files, in order; a file reached twice is read once."""
    found: list[Candidate] = []
    skipped: dict[str, Skipped] = {}
    barren: list[Path] = []
    seen: set[str] = set()
    for path in paths:
        expanded, passed = _expand(path)
        skipped.update((entry.path, entry) for entry in passed)
        if path.is_dir() and not expanded:
            barren.append(path)
        for candidate in expanded:
            real = os.path.realpath(candidate.path)
            if real not in seen:
                seen.add(real)
                found.append(candidate)
    return Discovery(found, list(skipped.values()), barren)


def logical_name(path: Path) -> str:
    """The file name a reader judges: ``x.ocsf.json.gz`` is read as ``x.ocsf.json``."""
    return path.name.removesuffix(GZIP_SUFFIX)


def is_gzip(path: Path) -> bool:
    """Whether the file is read through gzip (by its name, as Prowler users name archived outputs)."""
    return path.name.endswith(GZIP_SUFFIX)


def _expand(path: Path) -> tuple[list[Candidate], list[Skipped]]:
    if path.is_dir():
        files, skipped = walk_tree(path)
        return [candidate for file in files if (candidate := _recognise(file)) is not None], skipped
    if not path.exists():
        raise InputError(f"findings path not found: {path}")
    require_regular_file(path, "findings file")  # a FIFO would block the read forever
    candidate = _recognise(path)
    if candidate is None:
        raise FindingsFormatError(f"{path}: {_unrecognised(path)} ({_EXPECTED})")
    return [candidate], []


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
    candidate = next((Candidate(path, reader) for reader in READERS if reader.accepts(name, head)), None)
    if candidate is not None:
        require_plausible(head, candidate.reader.format_name, str(path))
    return candidate


def require_plausible(head: bytes, format_name: str, source: str) -> None:
    """Refuse, from its first bytes alone, a recognised file that cannot be a Prowler document.

    Prowler writes UTF-8 text (a JSON array, or a ';' CSV): a NUL byte (a file of zeros, binary data) or
    a JSON document that starts with neither ``[`` nor ``{`` is invalid here, before the rest of a file
    that may be gigabytes long is read. (Other bytes that are not UTF-8 are left to the reader, whose
    message points at the first one.)
    """
    if b"\x00" in head:
        raise FindingsFormatError(
            f"{source}: binary data (NUL bytes), not a Prowler output{utf16_hint(head)}"
        )
    if format_name not in _JSON_FORMATS:
        return
    text = head.removeprefix(_BOM).lstrip()
    if text and text[:1] not in (b"[", b"{"):
        raise FindingsFormatError(f"{source}: not a JSON document (starts with {text[:16]!r})")
    if not text and len(head) >= HEAD_BYTES:
        raise FindingsFormatError(f"{source}: {len(head)} bytes of blank space and no JSON document")


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
    return walk_tree(root, keep)[0]


def walk_tree(root: Path, keep: Callable[[Path], bool] | None = None) -> tuple[list[Path], list[Skipped]]:
    """``walk``, and the non-regular entries passed over (sorted); one named like Prowler output raises."""
    accepts = keep if keep is not None else output_name
    files: list[Path] = []
    skipped: list[Skipped] = []
    visited: set[tuple[int, int]] = set()
    pending = [root]
    while pending:
        directory = pending.pop()
        identity = _identity(directory)
        if identity in visited:
            continue  # a symlink loop, or a directory linked twice
        visited.add(identity)
        for entry in _entries(directory):
            kind = _entry_kind(entry)
            if kind == _DIRECTORY:
                pending.append(Path(entry.path))
            elif kind == _FILE:
                if accepts(Path(entry.path)):
                    files.append(Path(entry.path))
            else:
                skipped.append(_pass_over(entry.path, kind))
    return sorted(files), sorted(skipped, key=lambda entry: entry.path)


_DIRECTORY = "directory"
_FILE = "file"


def _entry_kind(entry: os.DirEntry[str]) -> str:
    """``_DIRECTORY``, ``_FILE``, or why the entry is neither (links followed: their target decides)."""
    try:
        if entry.is_dir():
            return _DIRECTORY
        mode = os.stat(entry.path).st_mode
    except OSError as exc:  # DirEntry.is_dir swallows a missing target, not a loop; stat raises both
        return _unreachable(exc)
    return _FILE if stat.S_ISREG(mode) else file_kind(mode)


def _unreachable(exc: OSError) -> str:
    if exc.errno == errno.ENOENT:
        return "a dangling symbolic link"
    if exc.errno == errno.ELOOP:
        return f"a symbolic link loop ({exc.strerror})"
    return f"unreadable ({exc.strerror or exc})"


def _pass_over(path: str, reason: str) -> Skipped:
    """A non-regular entry to list as skipped; one named like Prowler output could hide a FAIL: an error."""
    if prowler_like(Path(path)):
        raise EnvError(f"cannot read findings file {path}: {reason}, not a regular file")
    return Skipped(path, reason)


def prowler_like(path: Path) -> bool:
    """Whether the name could be a Prowler output or a zip of them (any case, gzipped or not)."""
    return path.name.lower().removesuffix(GZIP_SUFFIX).endswith(_PROWLER_LIKE_SUFFIXES)


def output_name(path: Path) -> bool:
    """Whether a file (in a walk, a zip or under an S3 prefix) is read as a candidate output by its name;
    ``SCAN.OCSF.JSON`` is refused, not passed over (Prowler names its outputs in lower case, and skipping
    one could hide a FAIL)."""
    if not _skipped(path):
        return True
    if not _skipped(path.with_name(path.name.lower())):
        raise FindingsFormatError(
            f"{path}: named like a Prowler output in another case; rename it in lower case"
        )
    return False


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
