"""One Prowler output held in memory (an S3 object, a zip member): recognise its format and read it.

The same name rules as files on disk: ``x.ocsf.json.gz`` is gunzipped and read as ``x.ocsf.json``.
Every gunzip here and on disk is bounded as it inflates (``InflateLimits``, the zip reader's policy):
a gzip bomb stops at the limit, never after inflating in full.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from verifier.errors import FindingsFormatError
from verifier.inputs.findings.discover import READERS, is_gzip, logical_name, require_plausible
from verifier.inputs.findings.findings_set import FindingsReader, SourceFile
from verifier.inputs.findings.normalize import HEAD_BYTES
from verifier.inputs.jsondoc import sha256_hex
from verifier.model import Finding

_EXPECTED = "expected Prowler's *.ocsf.json, *.asff.json, CSV"
_GZIP_WBITS = 31  # zlib's gzip framing
_INFLATE_STEP = 1024 * 1024  # inflate at most this much at a time, so a limit is checked as it is reached


@dataclass(frozen=True, slots=True)
class InflateLimits:
    """How far compressed input may inflate: an absolute size and a ratio to its compressed size.

    Far above any real output (pretty-printed OCSF deflates ~20:1), far below what exhausts memory.
    """

    max_bytes: int = 2 * 1024**3
    max_ratio: int = 200
    ratio_floor: int = 1024 * 1024  # tiny inputs may compress absurdly well (a file of spaces)

    def allowed(self, compressed: int) -> int:
        """The most bytes ``compressed`` bytes may inflate to."""
        return min(self.max_bytes, max(self.ratio_floor, self.max_ratio * compressed))


INFLATE_LIMITS = InflateLimits()


class GzipBomb(FindingsFormatError):
    """A gzip that inflates past ``InflateLimits``."""


def read_blob(
    name: str, raw: bytes, *, named: bool, limits: InflateLimits = INFLATE_LIMITS
) -> tuple[SourceFile, list[Finding]] | None:
    """Read ``raw`` (named ``name`` in messages and evidence); None when it is no Prowler output.

    ``named``: the user named this very object, so anything unrecognised is an error; otherwise it
    was found under a prefix or in an archive and is passed over, as in a directory walk. A gzip is
    judged on its first inflated bytes before the rest is inflated.
    """
    path = Path(name)
    pieces = inflate(raw, name, limits) if is_gzip(path) else iter((raw,))
    head = _first(pieces, HEAD_BYTES)
    reader = recognise(logical_name(path), head, name, named=named)
    if reader is None:
        return None
    data = head + b"".join(pieces) if is_gzip(path) else raw
    findings = list(reader.read(data, name))
    return SourceFile(name, sha256_hex(raw), reader.format_name, len(findings)), findings


def recognise(logical: str, data: bytes, name: str, *, named: bool) -> FindingsReader | None:
    """The reader for ``data``; an unrecognised ``named`` object is a ``FindingsFormatError``, and so is
    a recognised one whose first bytes cannot be a Prowler document."""
    head = data[:HEAD_BYTES]
    reader = next((reader for reader in READERS if reader.accepts(logical, head)), None)
    if reader is None and named:
        problem = "empty object" if not head.strip() else "not a recognised Prowler output"
        raise FindingsFormatError(f"{name}: {problem} ({_EXPECTED})")
    if reader is not None:
        require_plausible(head, reader.format_name, name)
    return reader


def gunzip(raw: bytes, source: str, limits: InflateLimits = INFLATE_LIMITS) -> bytes:
    """The decompressed bytes; a bad or truncated gzip, or one past ``limits``, is a ``FindingsFormatError``."""
    return b"".join(inflate(raw, source, limits))


def inflate(raw: bytes, source: str, limits: InflateLimits = INFLATE_LIMITS) -> Iterator[bytes]:
    """The decompressed bytes of every gzip member in ``raw``, a step at a time, stopping at ``limits``."""
    allowed = limits.allowed(len(raw))
    produced = 0
    remaining = raw
    while remaining:  # an empty file inflates to nothing, as gzip has it
        inflater = zlib.decompressobj(wbits=_GZIP_WBITS)
        pending = remaining
        while not inflater.eof:
            piece = _step(inflater, pending, source)
            pending = inflater.unconsumed_tail
            if not piece and not pending and not inflater.eof:
                raise FindingsFormatError(f"{source}: truncated gzip file")
            produced += len(piece)
            if produced > allowed:
                raise GzipBomb(f"{source}: inflates past {_limit_words(limits, len(raw))} (a gzip bomb)")
            if piece:
                yield piece
        # gzip tolerates zero padding after the last member; anything else must be another member
        remaining = inflater.unused_data if inflater.unused_data.strip(b"\0") else b""


def _step(inflater: zlib._Decompress, data: bytes, source: str) -> bytes:
    try:
        return inflater.decompress(data, _INFLATE_STEP)
    except zlib.error as exc:
        # zlib words a bad CRC-32 trailer "incorrect data check"; gzip's own word is the one users know
        reason = "CRC check failed" if "incorrect data check" in str(exc) else str(exc)
        raise FindingsFormatError(f"{source}: not a valid gzip file ({reason})") from exc


def _limit_words(limits: InflateLimits, compressed: int) -> str:
    if limits.allowed(compressed) == limits.max_bytes:
        return f"{limits.max_bytes} bytes"
    return f"{limits.max_ratio}:1 of its {compressed} bytes"


def _first(pieces: Iterator[bytes], size: int) -> bytes:
    """At least ``size`` bytes from the start of ``pieces`` (fewer only at the end)."""
    head = b""
    while len(head) < size:
        piece = next(pieces, None)
        if piece is None:
            break
        head += piece
    return head
