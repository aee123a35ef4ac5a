"""Source paths as the evidence records them: relative to the working directory, never this machine's layout.

An evidence bundle travels to an assessor; an absolute path such as ``/home/alice/scans/x.json`` tells
them nothing they can check and discloses the local account and directory layout. A path given inside
the working directory is recorded relative to it; a path outside it is recorded as the user gave it,
and the mapping shipped inside the package by its name in the package.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from verifier.errors import InputError
from verifier.inputs.packaged import PACKAGE_DIR, packaged_mapping

SHIPPED_PREFIX = "poam-verifier:"
"""Marks a file read from inside the installed package, e.g. ``poam-verifier:mappings/cmmc-l2-aws.json``."""


def recorded_path(path: str | Path) -> str:
    """``path`` as the evidence records it (see the module docstring); a URI or relative path is unchanged.

    A zip member (``scans.zip!/x.json``) is made relative by its archive's part.
    """
    text = str(path)
    # Called once per recorded finding: a string test, not a PurePath, decides the common relative case.
    if not (text.startswith(("/", "\\")) or text[1:3] in (":/", ":\\")):
        return text  # relative (as given) or a URI such as s3://bucket/key: nothing local to hide
    try:
        cwd = os.getcwd()
    except OSError:  # the working directory was removed: nothing to be relative to
        return text
    return _relative_to(text, _working_dirs(cwd, os.environ.get("PWD", "")))


@functools.lru_cache(maxsize=16)
def _working_dirs(cwd: str, logical: str) -> tuple[str, ...]:
    """The working directory, and the shell's name for it when that differs (a path through a symbolic
    link, as ``$PWD`` on macOS's /tmp): users type paths from ``$PWD``, the process sees the real one."""
    if not logical or logical == cwd or not os.path.isabs(logical):
        return (cwd,)
    try:
        return (cwd, logical) if os.path.samefile(logical, cwd) else (cwd,)
    except OSError:
        return (cwd,)


@functools.lru_cache(maxsize=1024)
def _relative_to(path: str, working_dirs: tuple[str, ...]) -> str:
    for directory in working_dirs:
        root = directory.rstrip(os.sep)
        if path == root:
            return "."
        if path.startswith(root + os.sep):
            return Path(path[len(root) + 1 :]).as_posix()
    return path


def recorded_mapping_path(path: str | Path) -> str:
    """A mapping's path as recorded: the shipped one by its name in the package, else ``recorded_path``."""
    return _shipped(str(path)) or recorded_path(path)


def _shipped(path: str) -> str | None:
    name = Path(path)
    try:
        shipped = packaged_mapping(name.stem)
    except InputError:
        return None
    return f"{SHIPPED_PREFIX}{PACKAGE_DIR}/{name.name}" if shipped == name else None
