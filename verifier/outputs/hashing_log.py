"""The DoD CMMC Hashing Guide's two logs, as its ``ArtifactHash.ps1`` writes them, defined once for writer and reader.

``CMMCAssessmentArtifacts.log`` is PowerShell's default table of ``Get-FileHash`` (``Out-File -Encoding
ASCII``): a blank line, the header ``Algorithm Hash Path``, a line of dashes under each header, one row per
file (``SHA256``, the upper-case hex digest, the path), then blank lines. ``CMMCAssessmentLogHash.log`` is the
same table with one row: the artifacts log itself. The SHA-256 of the artifacts log is the "Hash Value" an
assessor enters into CMMC eMASS.

One difference, documented for assessors: the official script writes each file's absolute Windows path; this
writes the path relative to the package root with ``/`` separators (the Guide's parsers accept both and compare
paths relative to the common base folder). Lines end in LF.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from verifier.errors import InputError

ARTIFACTS_LOG = "CMMCAssessmentArtifacts.log"
LOG_HASH_LOG = "CMMCAssessmentLogHash.log"
HASHED_ARTIFACTS_ZIP = "HashedArtifacts.zip"
ALGORITHM = "SHA256"
# Get-FileHash's table view: Algorithm 15 wide, Hash 70 wide, a space between columns, Path last.
_ALGORITHM_WIDTH = 15
_HASH_WIDTH = 70
# How every reader of the Guide's logs reads a row (closeout-facts: "^SHA256\s+([A-Fa-f0-9]{64})\s+(.+)$").
ROW = re.compile(r"^SHA256\s+([A-Fa-f0-9]{64})\s+(.+)$")


@dataclass(frozen=True, slots=True)
class HashedFile:
    """One row of a log: the file's path relative to the package root and its SHA-256 (upper-case hex)."""

    path: str
    sha256: str


def _line(algorithm: str, digest: str, path: str) -> str:
    return f"{algorithm:<{_ALGORITHM_WIDTH}} {digest:<{_HASH_WIDTH}} {path}".rstrip()


def sha256_upper(data: bytes) -> str:
    """The SHA-256 of ``data`` as the Guide writes it: 64 upper-case hex digits."""
    return hashlib.sha256(data).hexdigest().upper()


def render_log(files: Mapping[str, bytes]) -> bytes:
    """The log over ``files`` (package-relative path → bytes), rows sorted by path; ASCII or ``InputError``."""
    rows = [HashedFile(path, sha256_upper(data)) for path, data in sorted(files.items())]
    return render_rows(rows)


def render_rows(rows: Iterable[HashedFile]) -> bytes:
    """The table of ``rows`` in the Guide's layout."""
    lines = ["", _line("Algorithm", "Hash", "Path"), _line("---------", "----", "----")]
    lines += [_line(ALGORITHM, row.sha256, row.path) for row in rows]
    text = "\n".join(lines) + "\n\n\n"
    try:
        return text.encode("ascii")
    except UnicodeEncodeError as exc:
        bad = text[exc.start : exc.end]
        raise InputError(
            f"the Hashing Guide's logs are ASCII, but a package file name holds {bad!r}; rename it"
        ) from None


def parse_log(data: bytes, source: str) -> tuple[HashedFile, ...]:
    """Every row of a log, as any of the Guide's readers parses it; anything but rows, headers and blanks is refused."""
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        raise InputError(f"{source} is not ASCII text") from None
    rows: list[HashedFile] = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = ROW.match(line)
        if match:
            rows.append(HashedFile(match.group(2).strip(), match.group(1).upper()))
        elif line.strip() and not _is_header(line):
            raise InputError(f"{source} line {number} is not a SHA256 row: {line.strip()[:80]!r}")
    return tuple(rows)


def _is_header(line: str) -> bool:
    words = line.split()
    return words == ["Algorithm", "Hash", "Path"] or (bool(words) and all(set(w) == {"-"} for w in words))
