"""Where a command writes must not be what it reads: a careless ``--out poam.json`` must not replace an input."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from verifier.errors import UsageError


def same_file(a: Path, b: Path) -> bool:
    """Whether ``a`` and ``b`` are one existing file (through links, ``.`` and ``..`` alike)."""
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:  # cannot be looked at: reading or writing it reports that
        return False


def refuse_writing_over_inputs(flag: str, target: Path, inputs: Iterable[Path | None]) -> None:
    """A ``UsageError`` (exit 2, nothing read or written yet) when ``target`` is one of ``inputs``."""
    for path in inputs:
        if path is not None and same_file(target, path):
            raise UsageError(f"{flag} {target} is an input of this command ({path}): name another file")
