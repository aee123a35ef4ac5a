"""One findings file read into rows (``FindingRow``), hashed in the same pass that decodes it.

A plain JSON file (OCSF, ASFF) is decoded piece by piece, typed (``typed.py``), while a second thread
hashes the same chunks; anything else (CSV, gzip) is read whole by its format's reader.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any

from verifier.errors import FindingsFormatError
from verifier.inputs.findings import asff, ocsf
from verifier.inputs.findings.blob import gunzip
from verifier.inputs.findings.discover import Candidate, is_gzip
from verifier.inputs.findings.findings_set import SourceFile
from verifier.inputs.findings.normalize import STREAM_CHUNK, NotStreamable
from verifier.inputs.findings.typed import TypedFormat, typed_rows
from verifier.inputs.jsondoc import read_bytes, sha256_hex
from verifier.model import FindingRow, finding_row

# The JSON formats decoded typed and streamed (and whose findings carry a location); the CSV formats are
# read whole with the csv module.
TYPED_FORMATS: dict[str, TypedFormat[Any]] = {ocsf.FORMAT: ocsf.TYPED, asff.FORMAT: asff.TYPED}

# Above this a malformed JSON file is refused from the stream, not read whole (~3x its size) for a message.
_WHOLE_READ_MAX = 256 * 1024 * 1024


def read_rows(candidate: Candidate) -> tuple[SourceFile, list[FindingRow]]:
    """Every finding of one local file, as rows, and the file's provenance."""
    streamed = _read_streamed(candidate)
    if streamed is not None:
        return streamed
    source = str(candidate.path)
    raw = read_bytes(candidate.path, "findings file")
    data = gunzip(raw, source) if is_gzip(candidate.path) else raw
    rows = [finding_row(finding) for finding in candidate.reader.read(data, source)]
    # The digest is of the bytes on disk (compressed or not), so the evidence manifest can be
    # checked against the very file that was handed in.
    digest = sha256_hex(raw)
    return SourceFile(source, digest, candidate.reader.format_name, len(rows)), rows


def size(path: Path) -> int:
    """The size of a file on disk; 0 when it cannot be read (reading it then reports the error)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


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
            if size(candidate.path) > _WHOLE_READ_MAX:
                raise FindingsFormatError(
                    f"{source}: not a readable JSON array of findings (a syntax error, a truncated file or "
                    f"data after the array) within its first {consumed[0]} bytes"
                ) from exc
            return None
        except OSError:
            return None
        sha256 = digest.hexdigest()
    return SourceFile(source, sha256, candidate.reader.format_name, len(rows)), rows


def _chunks(handle: IO[bytes], digest: _BackgroundDigest, consumed: list[int]) -> Iterator[bytes]:
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
