"""``poam closeout verify``: check a closeout package (its folder or ``HashedArtifacts.zip``) end to end.

In order: ``CMMCAssessmentLogHash.log`` holds the SHA-256 of ``CMMCAssessmentArtifacts.log``; every file the
artifacts log lists is there and hashes as listed; no file is there that it does not list (but the logs, the
zip and the files written after the logs, which quote the Hash Value); then ``poam bundle verify`` on
``evidence/``. The first mismatch raises ``BundleInvalid`` naming the file (exit 1). A zip is unpacked, after
its member names and sizes are judged as ``bundle verify`` judges a bundle's, into a temporary folder.
"""

from __future__ import annotations

import dataclasses
import io
import tempfile
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from verifier.errors import BundleInvalid, EnvError, InputError
from verifier.inputs import bundle_reader
from verifier.inputs.bundle_reader import BundleLimits
from verifier.inputs.safe_zip import check_members
from verifier.outputs import evidence
from verifier.outputs.hashing_log import (
    ARTIFACTS_LOG,
    HASHED_ARTIFACTS_ZIP,
    LOG_HASH_LOG,
    HashedFile,
    parse_log,
    sha256_upper,
)
from verifier.pipeline.bundle import (
    MAX_MEMBER_BYTES,
    MAX_MEMBERS,
    MAX_TOTAL_BYTES,
    BundleReport,
    verify_bundle,
)
from verifier.pipeline.closeout import NOT_HASHED

_LIMITS = BundleLimits(members=MAX_MEMBERS, member_bytes=MAX_MEMBER_BYTES, total_bytes=MAX_TOTAL_BYTES)


@dataclass(frozen=True, slots=True)
class CloseoutCheck:
    """A package that passed every check: its Hash Value, how many files were hashed, the bundle's report."""

    path: Path
    hash_value: str
    files: int
    bundle: BundleReport

    def lines(self) -> list[str]:
        return [
            f"{self.path}: {self.files} files match {ARTIFACTS_LOG}; {LOG_HASH_LOG} matches it",
            f"Hash Value {self.hash_value}",
            *self.bundle.lines(),
        ]


def verify_closeout(path: Path) -> CloseoutCheck:
    """Check the package folder or zip at ``path``; raise ``BundleInvalid`` naming the first mismatch."""
    if path.is_dir():
        return _verify_folder(path, path)
    if not path.exists():
        raise InputError(f"closeout package not found: {path}")
    with tempfile.TemporaryDirectory(prefix="poam-closeout-") as unpacked:
        _unpack(path, Path(unpacked))
        return _verify_folder(Path(unpacked), path)


def _verify_folder(root: Path, shown: Path) -> CloseoutCheck:
    files = bundle_reader.read_bundle(root, _LIMITS)
    hash_value = check_logs(files)
    if HASHED_ARTIFACTS_ZIP in files:
        _check_retention_copy(files[HASHED_ARTIFACTS_ZIP], files)
    report = verify_bundle(root / evidence.BUNDLE_DIR, None)
    listed = len(parse_log(files[ARTIFACTS_LOG], ARTIFACTS_LOG))
    # Name the bundle as the user knows it, never the temporary folder a zip was unpacked into.
    where = shown / evidence.BUNDLE_DIR if shown.is_dir() else Path(f"{shown}:{evidence.BUNDLE_DIR}/")
    return CloseoutCheck(shown, hash_value, listed, dataclasses.replace(report, path=where))


def check_logs(files: Mapping[str, bytes]) -> str:
    """Check both logs against ``files`` (package-relative path → bytes); returns the Hash Value."""
    for name in (ARTIFACTS_LOG, LOG_HASH_LOG):
        if name not in files:
            raise BundleInvalid(f"{name}: missing from the package")
    artifacts_log = files[ARTIFACTS_LOG]
    hash_value = sha256_upper(artifacts_log)
    _check_log_hash(_rows(files[LOG_HASH_LOG], LOG_HASH_LOG), hash_value)
    rows = _rows(artifacts_log, ARTIFACTS_LOG)
    listed = {row.path for row in rows}
    for row in rows:
        _check_row(row, files)
    for name in sorted(set(files) - listed - NOT_HASHED):
        raise BundleInvalid(f"{name}: in the package but not in {ARTIFACTS_LOG}")
    return hash_value


def _rows(data: bytes, name: str) -> tuple[HashedFile, ...]:
    try:
        return parse_log(data, name)
    except InputError as exc:
        raise BundleInvalid(exc.message) from exc


def _check_log_hash(rows: tuple[HashedFile, ...], hash_value: str) -> None:
    if [row.path for row in rows] != [ARTIFACTS_LOG]:
        raise BundleInvalid(f"{LOG_HASH_LOG}: must hold exactly one row, for {ARTIFACTS_LOG}")
    if rows[0].sha256 != hash_value:
        raise BundleInvalid(
            f"{ARTIFACTS_LOG}: its SHA-256 {hash_value} differs from {LOG_HASH_LOG} ({rows[0].sha256})"
        )


def _check_row(row: HashedFile, files: Mapping[str, bytes]) -> None:
    # The official script writes absolute Windows paths; this package's are relative, "/"-separated.
    path = row.path.replace("\\", "/")
    if path not in files:
        raise BundleInvalid(f"{path}: listed in {ARTIFACTS_LOG} but missing from the package")
    if sha256_upper(files[path]) != row.sha256:
        raise BundleInvalid(f"{path}: SHA-256 differs from {ARTIFACTS_LOG} (the file changed)")


def _check_retention_copy(data: bytes, files: Mapping[str, bytes]) -> None:
    """``HashedArtifacts.zip`` beside the files must hold exactly the hashed files and both logs, unchanged."""
    expected = {row.path for row in parse_log(files[ARTIFACTS_LOG], ARTIFACTS_LOG)} | {
        ARTIFACTS_LOG,
        LOG_HASH_LOG,
    }
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            _check_members(members)
            names = {m.filename for m in members}
            for name in sorted(names ^ expected):
                where = "holds" if name in names else "lacks"
                raise BundleInvalid(f"{HASHED_ARTIFACTS_ZIP}: {where} {name}, unlike {ARTIFACTS_LOG}")
            for member in members:
                if archive.read(member) != files[member.filename]:
                    raise BundleInvalid(
                        f"{HASHED_ARTIFACTS_ZIP}: its {member.filename} differs from the package's"
                    )
    except (zipfile.BadZipFile, zlib.error) as exc:
        raise BundleInvalid(f"{HASHED_ARTIFACTS_ZIP}: not a readable zip ({exc})") from exc


def _unpack(path: Path, target: Path) -> None:
    """Unpack the zip into ``target`` after judging every member's name and size (no escapes, links, bombs)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            _check_members(members)
            for member in members:
                destination = target / member.filename
                destination.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(member) as handle:
                    data = handle.read(MAX_MEMBER_BYTES + 1)
                if len(data) > MAX_MEMBER_BYTES:
                    raise BundleInvalid(
                        f"{member.filename}: zip member inflates past {MAX_MEMBER_BYTES} bytes"
                    )
                destination.write_bytes(data)
    except zipfile.BadZipFile as exc:
        raise BundleInvalid(f"{path}: not a zip file or a closeout package folder ({exc})") from exc
    except OSError as exc:
        raise EnvError(f"cannot read {path}: {exc.strerror or exc}") from exc


def _check_members(members: list[zipfile.ZipInfo]) -> None:
    """The shared judgement of a zip handed in (escapes, links, sizes), and no empty or ``.`` segment:
    every member must name exactly one path of the package."""
    check_members(members, _LIMITS, _refuse, "package")
    for member in members:
        if any(part in ("", ".") for part in member.filename.split("/")):
            raise _refuse(member.filename, "has an empty or '.' path segment")


def _refuse(name: str | None, reason: str) -> BundleInvalid:
    return BundleInvalid(f"{name}: zip member {reason}" if name else f"the zip {reason}")
