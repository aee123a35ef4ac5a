"""One Prowler output held in memory (an S3 object, a zip member): recognise its format and read it.

The same name rules as files on disk: ``x.ocsf.json.gz`` is gunzipped and read as ``x.ocsf.json``.
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

from verifier.errors import FindingsFormatError
from verifier.inputs.findings.discover import READERS, is_gzip, logical_name
from verifier.inputs.findings.interface import FindingsReader, SourceFile
from verifier.inputs.findings.normalize import HEAD_BYTES
from verifier.inputs.jsondoc import sha256_hex
from verifier.model import Finding

_EXPECTED = "expected Prowler's *.ocsf.json, *.asff.json, CSV"


def read_blob(name: str, raw: bytes, *, named: bool) -> tuple[SourceFile, list[Finding]] | None:
    """Read ``raw`` (named ``name`` in messages and evidence); None when it is no Prowler output.

    ``named``: the user named this very object, so anything unrecognised is an error; otherwise it
    was found under a prefix or in an archive and is passed over, as in a directory walk.
    """
    path = Path(name)
    data = gunzip(raw, name) if is_gzip(path) else raw
    reader = recognise(logical_name(path), data, name, named=named)
    if reader is None:
        return None
    findings = list(reader.read(data, name))
    return SourceFile(name, sha256_hex(raw), reader.format_name, len(findings)), findings


def recognise(logical: str, data: bytes, name: str, *, named: bool) -> FindingsReader | None:
    """The reader for ``data``; an unrecognised ``named`` object is a ``FindingsFormatError``."""
    head = data[:HEAD_BYTES]
    reader = next((reader for reader in READERS if reader.accepts(logical, head)), None)
    if reader is None and named:
        problem = "empty object" if not head.strip() else "not a recognised Prowler output"
        raise FindingsFormatError(f"{name}: {problem} ({_EXPECTED})")
    return reader


def gunzip(raw: bytes, source: str) -> bytes:
    """The decompressed bytes; a bad or truncated gzip is a ``FindingsFormatError``."""
    try:
        return gzip.decompress(raw)
    except EOFError as exc:
        raise FindingsFormatError(f"{source}: truncated gzip file ({exc})") from exc
    except (gzip.BadGzipFile, zlib.error) as exc:
        raise FindingsFormatError(f"{source}: not a valid gzip file ({exc})") from exc
