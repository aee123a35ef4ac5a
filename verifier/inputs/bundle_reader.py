"""Reading an evidence bundle safely, from a directory or a zip, before anything in it is believed.

A bundle is handed in by someone else: nothing in it may reach outside it (links, absolute or ``..``
member names, members outside ``evidence/``), two members may not share a name, and every size is
judged (declared sizes before a byte is inflated, then the bytes actually read) against
``BundleLimits``. What the files say is for ``poam bundle verify`` to check; this module only hands
them over, by relative POSIX path.
"""

from __future__ import annotations

import io
import os
import stat
import zipfile
from pathlib import Path

from verifier.errors import BundleInvalid, EnvError, InputError
from verifier.inputs.bundle_format import BUNDLE_DIR
from verifier.inputs.safe_zip import ZipLimits, check_members, inflate

BundleLimits = ZipLimits
"""How much of a bundle is read: zip members, bytes of one file, bytes of all files together."""


def read_bundle(path: Path, limits: BundleLimits) -> dict[str, bytes]:
    """Every file of the bundle by relative POSIX path, read safely from a directory or a zip."""
    if path.is_dir():
        return _read_directory(path, limits)
    if not path.exists():
        raise InputError(f"bundle not found: {path}")
    return read_zip(path, limits)


def _read_directory(root: Path, limits: BundleLimits) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    total = 0
    for directory, subdirs, names in os.walk(root, followlinks=False):
        for name in sorted(subdirs) + sorted(names):
            path = Path(directory, name)
            relative = path.relative_to(root).as_posix()
            # A link could make the bundle "contain" any file on the reader's machine.
            if path.is_symlink():
                raise BundleInvalid(f"{relative}: a symbolic link in the bundle")
            if name in names:
                data = _read_file(path, relative, limits)
                total += len(data)
                _check_total(total, relative, limits)
                files[relative] = data
    return files


def _read_file(path: Path, relative: str, limits: BundleLimits) -> bytes:
    try:
        if not stat.S_ISREG(path.lstat().st_mode):
            raise BundleInvalid(f"{relative}: not a regular file")
        if path.stat().st_size > limits.member_bytes:
            raise BundleInvalid(f"{relative}: larger than {limits.member_bytes} bytes")
        return path.read_bytes()
    except OSError as exc:
        raise EnvError(f"cannot read {path}: {exc.strerror or exc}") from exc


def read_zip(path: Path, limits: BundleLimits, data: bytes | None = None) -> dict[str, bytes]:
    """The zip at ``path``, or its already-read ``data`` (``path`` then only names it in messages)."""
    try:
        archive = zipfile.ZipFile(path if data is None else io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise BundleInvalid(f"{path}: not a zip file or a bundle directory ({exc})") from exc
    except OSError as exc:
        raise EnvError(f"cannot read {path}: {exc.strerror or exc}") from exc
    with archive:
        members = archive.infolist()
        # Every name and size is judged before a single byte is decompressed.
        _check_members(members, limits)
        return _extract(archive, members, limits)


def _check_members(members: list[zipfile.ZipInfo], limits: BundleLimits) -> None:
    check_members(members, limits, _refuse, within="bundle")
    for member in members:
        parts = member.filename.rstrip("/").split("/")
        if parts[0] != BUNDLE_DIR or any(part in ("", ".") for part in parts):
            raise BundleInvalid(f"{member.filename}: zip member is not under {BUNDLE_DIR}/")


def _refuse(member: str | None, reason: str) -> BundleInvalid:
    return BundleInvalid(f"the zip {reason}" if member is None else f"{member}: zip member {reason}")


def _extract(
    archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], limits: BundleLimits
) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    total = 0
    for member in members:
        if member.is_dir():
            continue
        # The header's size can lie: read at most one byte past the limit, whatever it says.
        data = inflate(archive, member, limits.member_bytes, _refuse)
        total += len(data)
        _check_total(total, member.filename, limits)
        files[member.filename.removeprefix(f"{BUNDLE_DIR}/")] = data
    return files


def _check_total(total: int, where: str, limits: BundleLimits) -> None:
    if total > limits.total_bytes:
        raise BundleInvalid(f"{where}: the bundle exceeds {limits.total_bytes} bytes")
