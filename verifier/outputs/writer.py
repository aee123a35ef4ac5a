"""The one module that writes files: atomically, and only after every output has been rendered.

Files are written to a temporary sibling and renamed over the target, so a crash leaves either the
old file or the new one, never half of either. Directories (the evidence bundle) are staged whole
and swapped in. A write through a symlink replaces the link's target. A verify run stages with these
primitives and publishes as one transaction (``transaction``), so a crash between two of its renames
is finished by the next run.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
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


def write_atomic(path: Path, data: bytes, mode: int | None = None) -> None:
    """Replace ``path`` with ``data`` in one rename (through a symlink: its target, the link kept).

    The new file gets ``mode`` when given (a signing key: 0600), else the old file's permissions, else
    what any CLI tool's new file gets: 0666 less the umask. The temporary file is created 0600 and only
    widened just before the rename, so a secret is never readable by others on the way.
    """
    path = final_path(path)
    staged = stage_file(path, data, mode)
    with _writing(path, undo=lambda: discard(staged)):
        os.replace(staged, path)
        fsync_dir(path.parent)


def replace_directory(path: Path, files: Mapping[str, bytes]) -> None:
    """Stage ``files`` (relative names) in a sibling directory, then swap it in for ``path``."""
    staging = stage_directory(path, files)
    with _writing(path, undo=lambda: shutil.rmtree(staging, ignore_errors=True)):
        swap_directory(staging, path)


def final_path(path: Path) -> Path:
    """The file a write to ``path`` must replace: a symlink's target, so the link keeps pointing at it."""
    if not path.is_symlink():
        return path
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a link loop: the rename then fails and says so
        return path


def staged_file_pattern(name: str) -> str:
    """The glob matching every temporary copy ``stage_file`` makes of the file ``name``."""
    return f".{name}.*.tmp"


def staged_directory_patterns(name: str) -> tuple[str, str]:
    """The globs matching ``stage_directory``'s staging copies and ``swap_directory``'s retired ones."""
    return f".{name}.staging.*", f".{name}.old.*"


def stage_file(path: Path, data: bytes, mode: int | None = None) -> Path:
    """A synced temporary sibling of ``path`` holding ``data``, ready to be renamed over it."""
    with _writing(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    staged = Path(tmp)
    with _writing(path, undo=lambda: discard(staged)):
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(staged, _target_mode(path, mode))
    return staged


def stage_directory(path: Path, files: Mapping[str, bytes]) -> Path:
    """A sibling directory of ``path`` holding ``files`` (relative names), ready to be swapped in."""
    with _writing(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.staging."))
    with _writing(path, undo=lambda: shutil.rmtree(staging, ignore_errors=True)):
        made: set[Path] = set()  # a 10,000-entry POA&M's bundle has 10,000 files in one folder
        for name, data in files.items():
            target = staging / name
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            target.write_bytes(data)
        os.chmod(staging, 0o777 & ~current_umask())  # mkdtemp creates 0700
    return staging


@contextlib.contextmanager
def _writing(path: Path, undo: Callable[[], object] = lambda: None) -> Iterator[None]:
    """Run one step of writing ``path``; if it fails, ``undo`` what the step left behind (a staged copy).

    Any OS failure becomes an ``EnvError`` naming ``path``; anything else (an interrupt) is undone and re-raised.
    """
    try:
        yield
    except OSError as exc:
        undo()
        raise EnvError(f"cannot write {path}: {exc.strerror or exc}") from exc
    except BaseException:
        undo()
        raise


def swap_directory(staging: Path, path: Path) -> None:
    """Put ``staging`` at ``path``; an old ``path`` is renamed aside first, then removed.

    Between the two renames ``path`` does not exist: a run journal (``transaction``) names ``staging`` so
    a run killed there is finished by the next one. Raises ``OSError``.
    """
    if not path.exists():
        staging.rename(path)
        fsync_dir(path.parent)
        return
    retired = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.old."))
    retired.rmdir()
    path.rename(retired)
    staging.rename(path)
    fsync_dir(path.parent)
    shutil.rmtree(retired, ignore_errors=True)


def _target_mode(path: Path, mode: int | None) -> int:
    if mode is not None:
        return mode
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return 0o666 & ~current_umask()


def current_umask() -> int:
    """The process umask, read without changing it where Linux reports it (``os.umask`` must set to read)."""
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    previous = os.umask(0o022)
    os.umask(previous)
    return previous


def fsync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` durable (best effort: not every file system can sync a folder)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def discard(path: Path) -> None:
    """Remove a file if it is there."""
    with contextlib.suppress(OSError):
        path.unlink()


@contextlib.contextmanager
def exclusive_lock(target: Path, wait_seconds: float = 30.0) -> Iterator[None]:
    """Hold ``TARGET.lock`` (an advisory flock) while a run reads and rewrites ``target``.

    Two runs on one POA&M would each chain history lines onto the same head and the second
    write would silently drop the first run's result; the second run waits, then fails cleanly.
    The lock dies with its process, so a killed run never leaves a stale lock behind. The holder
    removes the lock file before releasing it; a waiter that then wins the flock on the removed
    file sees the path no longer names it and locks the path afresh, so removal never lets two
    runs in at once.
    """
    target = final_path(target)  # a POA&M reached through a symlink is locked where it is written
    lock_path = target.with_name(target.name + ".lock")
    deadline = time.monotonic() + wait_seconds
    fd = _lock_current_file(lock_path, deadline, wait_seconds)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            lock_path.unlink()  # still holding the flock: nobody else can be between lock and check
        os.close(fd)  # closing the descriptor releases the flock


def _lock_current_file(lock_path: Path, deadline: float, wait_seconds: float) -> int:
    """A descriptor holding the flock on the file ``lock_path`` names right now."""
    while True:
        try:
            fd = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o644)
        except OSError as exc:
            raise EnvError(f"cannot create lock {lock_path}: {exc.strerror or exc}") from exc
        try:
            _acquire(fd, lock_path, deadline, wait_seconds)
            if _names(lock_path, fd):
                return fd
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # the previous holder removed the file while we waited: lock the new one


def _names(lock_path: Path, fd: int) -> bool:
    try:
        on_disk = os.stat(lock_path)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (on_disk.st_dev, on_disk.st_ino) == (held.st_dev, held.st_ino)


def _acquire(fd: int, lock_path: Path, deadline: float, wait_seconds: float) -> None:
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise EnvError(
                    f"another poam run holds {lock_path} (waited {wait_seconds:.0f}s); try again when it ends"
                ) from None
            time.sleep(0.1)
