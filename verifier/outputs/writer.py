"""The one module that writes files: atomically, and only after every output has been rendered.

Files are written to a temporary sibling and renamed over the target, so a crash leaves either the
old file or the new one, never half of either. Directories (the evidence bundle) are staged whole
and swapped in.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from verifier.errors import EnvError


@dataclass(frozen=True, slots=True)
class OutputPlan:
    """Everything a run will write: whole files and whole directories, rendered in memory first."""

    files: Mapping[Path, bytes] = field(default_factory=dict)
    directories: Mapping[Path, Mapping[str, bytes]] = field(default_factory=dict)


def commit(plan: OutputPlan) -> None:
    """Write the plan; any OS failure becomes an ``EnvError`` naming the path."""
    for directory, files in plan.directories.items():
        replace_directory(directory, files)
    for path, data in plan.files.items():
        write_atomic(path, data)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one rename, keeping the old file's permissions."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise EnvError(f"cannot write {path}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileNotFoundError):
            shutil.copymode(path, tmp)
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except OSError as exc:
        _discard(Path(tmp))
        raise EnvError(f"cannot write {path}: {exc.strerror or exc}") from exc
    except BaseException:
        _discard(Path(tmp))
        raise


def replace_directory(path: Path, files: Mapping[str, bytes]) -> None:
    """Stage ``files`` (relative names) in a sibling directory, then swap it in for ``path``."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.staging."))
    except OSError as exc:
        raise EnvError(f"cannot write {path}: {exc.strerror or exc}") from exc
    try:
        for name, data in files.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        _swap(staging, path)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise EnvError(f"cannot write {path}: {exc.strerror or exc}") from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap(staging: Path, path: Path) -> None:
    if not path.exists():
        staging.rename(path)
        return
    retired = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.old."))
    retired.rmdir()
    path.rename(retired)
    staging.rename(path)
    shutil.rmtree(retired, ignore_errors=True)


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _discard(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
