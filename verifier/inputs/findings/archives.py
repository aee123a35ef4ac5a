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
import zipfile
from pathlib import Path, PurePosixPath

from verifier.errors import FindingsFormatError
from verifier.inputs.findings.blob import INFLATE_LIMITS, read_blob
from verifier.inputs.findings.discover import output_name
from verifier.inputs.findings.findings_set import Container, SourceFile
from verifier.inputs.findings.manifest import ScanManifest, is_manifest_name, parse_manifest
from verifier.inputs.jsondoc import sha256_hex
from verifier.inputs.safe_zip import Refuse, ZipLimits, check_members, inflate
from verifier.model import Finding

ZIP_SUFFIX = ".zip"
# Members and bytes: far above any real report (Prowler App zips one scan's outputs), far below what
# exhausts memory. One policy for every inflation (a member here, a .gz member inside, a .gz file or S3
# object): see ``InflateLimits``. A gzipped member is bounded again as it is gunzipped, against its own size.
ZIP_LIMITS = ZipLimits(
    members=10_000,
    member_bytes=INFLATE_LIMITS.max_bytes,
    total_bytes=4 * 1024**3,
    max_ratio=INFLATE_LIMITS.max_ratio,
    ratio_floor=INFLATE_LIMITS.ratio_floor,
)
# "report.zip!/compliance/x.csv": a member named inside its archive, as in jar: URLs.
MEMBER_SEPARATOR = "!/"


class HostileZip(FindingsFormatError):
    """A zip that could write outside a folder, link elsewhere, inflate past the limits or not inflate."""


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
        check_members(members, ZIP_LIMITS, _refusal(name), within="archive")
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
        # Headers can lie: never read more than one byte past what the member declared.
        data = inflate(archive, member, member.file_size, _refusal(zip_name))
        total += len(data)
        if total > ZIP_LIMITS.total_bytes:
            raise HostileZip(f"{zip_name}: members inflate past {ZIP_LIMITS.total_bytes} bytes together")
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


def _refusal(zip_name: str) -> Refuse:
    def refuse(member: str | None, reason: str) -> HostileZip:
        return HostileZip(
            f"{zip_name}: {reason}" if member is None else f"{zip_name}: member {member!r} {reason}"
        )

    return refuse
