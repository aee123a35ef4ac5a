"""A zip of Prowler outputs (``--findings report.zip``, or a ``*.zip`` object in S3): Prowler App's scan
report or any zip of outputs.

Prowler App's report (``GET /api/v1/scans/{id}/report``) holds ``prowler-output-<uid>-<time>.csv``,
``.ocsf.json`` and ``.html`` at the root and ``compliance/…`` beside them. Every member is read in
memory and never extracted to disk. The archive is judged before a byte is inflated: a member whose
name escapes the archive (``..``, absolute, backslash), a symbolic link, too many members, too much
data or a compression ratio no Prowler output reaches is refused as hostile (exit 3). Inside, the
directory rules apply: hidden members, non-outputs and OCSF compliance copies are passed over;
``scan-manifest.json`` members are read as scan manifests. Each output read from a zip records the zip
itself (its name and the SHA-256 of its bytes), so the evidence can be checked against the archive handed in.
"""

from __future__ import annotations

import dataclasses
import io
import re
import stat
import zipfile
import zlib
from collections import Counter
from pathlib import Path, PurePosixPath

from verifier.errors import FindingsFormatError
from verifier.inputs.findings.blob import INFLATE_LIMITS, read_blob
from verifier.inputs.findings.discover import output_name
from verifier.inputs.findings.interface import Container, SourceFile
from verifier.inputs.findings.manifest import ScanManifest, is_manifest_name, parse_manifest
from verifier.inputs.jsondoc import sha256_hex
from verifier.model import Finding

ZIP_SUFFIX = ".zip"
# Far above any real report (Prowler App zips one scan's outputs), far below what exhausts memory.
MAX_MEMBERS = 10_000
MAX_TOTAL_BYTES = 4 * 1024**3
# One policy for every inflation (a member here, a .gz member inside, a .gz file or S3 object): see
# ``InflateLimits``. A gzipped member is bounded again as it is gunzipped, against its own size.
MAX_MEMBER_BYTES = INFLATE_LIMITS.max_bytes
MAX_RATIO = INFLATE_LIMITS.max_ratio
_RATIO_FLOOR_BYTES = INFLATE_LIMITS.ratio_floor
# "report.zip!/compliance/x.csv": a member named inside its archive, as in jar: URLs.
MEMBER_SEPARATOR = "!/"


class HostileZip(FindingsFormatError):
    """A zip that could write outside a folder, link elsewhere or inflate past the limits."""


def is_zip(location: str | Path) -> bool:
    """Whether a ``--findings`` location is a zip of Prowler outputs (by its name)."""
    return str(location).lower().endswith(ZIP_SUFFIX)


def read_zip(name: str, raw: bytes) -> tuple[list[tuple[SourceFile, list[Finding]]], list[ScanManifest]]:
    """Every Prowler output in the zip ``raw`` (with its findings, in member order) and every scan manifest.

    ``name`` is the zip's own location (a path or an ``s3://`` URL); members are named ``name!/member``.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile as exc:
        raise FindingsFormatError(f"{name}: not a valid zip file ({exc})") from exc
    with archive:
        members = archive.infolist()
        _check_members(members, name)
        outputs, manifests = _read_members(archive, members, name)
    container = Container(name, sha256_hex(raw))
    return [(dataclasses.replace(file, container=container), read) for file, read in outputs], manifests


def _read_members(
    archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], zip_name: str
) -> tuple[list[tuple[SourceFile, list[Finding]]], list[ScanManifest]]:
    outputs: list[tuple[SourceFile, list[Finding]]] = []
    manifests: list[ScanManifest] = []
    total = 0
    for member in sorted(members, key=lambda m: m.filename):
        if member.is_dir() or not _wanted(member.filename):
            continue
        data = _inflate(archive, member, zip_name)
        total += len(data)
        if total > MAX_TOTAL_BYTES:
            raise HostileZip(f"{zip_name}: members inflate past {MAX_TOTAL_BYTES} bytes together")
        name = f"{zip_name}{MEMBER_SEPARATOR}{member.filename}"
        if is_manifest_name(member.filename):
            manifests.append(parse_manifest(data, name))
        elif (read := read_blob(name, data, named=False)) is not None:
            outputs.append(read)
    return outputs, manifests


def _wanted(name: str) -> bool:
    parts = PurePosixPath(name).parts
    if any(part.startswith(".") for part in parts):
        return False
    return is_manifest_name(name) or output_name(Path(name))


def _check_members(members: list[zipfile.ZipInfo], zip_name: str) -> None:
    """Judge every name, kind and declared size before anything is inflated."""
    if len(members) > MAX_MEMBERS:
        raise HostileZip(f"{zip_name}: {len(members)} members, more than {MAX_MEMBERS}")
    repeated = [name for name, n in Counter(m.filename for m in members).items() if n > 1]
    if repeated:
        raise HostileZip(f"{zip_name}: member {repeated[0]!r} appears twice (which one is the evidence?)")
    for member in members:
        _check_member(member, zip_name)
    declared = sum(m.file_size for m in members)
    if declared > MAX_TOTAL_BYTES:
        raise HostileZip(f"{zip_name}: members declare {declared} bytes, more than {MAX_TOTAL_BYTES}")


def _check_member(member: zipfile.ZipInfo, zip_name: str) -> None:
    name = member.filename
    where = f"{zip_name}: member {name!r}"
    if "\\" in name or name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        raise HostileZip(f"{where} has an absolute or backslashed path")
    if ".." in name.rstrip("/").split("/"):
        raise HostileZip(f"{where} escapes the archive ('..')")
    if stat.S_ISLNK(member.external_attr >> 16):
        raise HostileZip(f"{where} is a symbolic link")
    if member.file_size > MAX_MEMBER_BYTES:
        raise HostileZip(f"{where} declares {member.file_size} bytes, more than {MAX_MEMBER_BYTES}")
    if member.file_size > _RATIO_FLOOR_BYTES and member.file_size > MAX_RATIO * max(member.compress_size, 1):
        raise HostileZip(f"{where} inflates more than {MAX_RATIO}:1 (a zip bomb)")


def _inflate(archive: zipfile.ZipFile, member: zipfile.ZipInfo, zip_name: str) -> bytes:
    where = f"{zip_name}: member {member.filename!r}"
    try:
        with archive.open(member) as handle:
            # Headers can lie: never read more than one byte past what the member declared.
            data = handle.read(member.file_size + 1)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError) as exc:
        raise FindingsFormatError(f"{where}: unreadable ({exc})") from exc
    if len(data) > member.file_size:
        raise HostileZip(f"{where} inflates past its declared size")
    return data
