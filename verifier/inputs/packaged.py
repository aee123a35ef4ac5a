"""Find a shipped mapping: the working directory's ``mappings/<name>.json`` first, else the one in the package.

The wheel carries ``mappings/`` as package data (``verifier/mappings/``), so an installed ``poam`` works
outside this repository. A source checkout (an editable install) has no such directory inside the package;
there the repository's own ``mappings/`` is the shipped copy.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from verifier.errors import InputError

PACKAGE_DIR = "mappings"
_SOURCE_TREE = Path(__file__).resolve().parents[2] / PACKAGE_DIR


class MappingOrigin(enum.StrEnum):
    """Where a mapping came from, said to the user so a stale local copy is never a surprise."""

    GIVEN = "given"
    LOCAL = "local"
    PACKAGED = "packaged"


@dataclass(frozen=True, slots=True)
class ResolvedMapping:
    path: Path
    origin: MappingOrigin

    def describe(self) -> str:
        match self.origin:
            case MappingOrigin.GIVEN:
                return f"mapping: {self.path}"
            case MappingOrigin.LOCAL:
                return f"mapping: {self.path} (found in the working directory)"
            case MappingOrigin.PACKAGED:
                return f"mapping: {self.path.name} shipped with poam-verifier ({self.path})"


def packaged_mapping(name: str) -> Path:
    """The shipped ``<name>.json``; raises ``InputError`` when this installation carries none."""
    filename = f"{name}.json"
    inside = resources.files("verifier").joinpath(PACKAGE_DIR, filename)
    if inside.is_file():
        return Path(str(inside))
    if (_SOURCE_TREE / filename).is_file():
        return _SOURCE_TREE / filename
    raise InputError(f"mapping not found: ./{PACKAGE_DIR}/{filename}, and this installation ships none")


def resolve_mapping(given: Path | None, name: str) -> ResolvedMapping:
    """``given`` as is; else ``./mappings/<name>.json`` when present; else the packaged copy."""
    if given is not None:
        return ResolvedMapping(given, MappingOrigin.GIVEN)
    local = Path(PACKAGE_DIR) / f"{name}.json"
    if local.is_file():
        return ResolvedMapping(local, MappingOrigin.LOCAL)
    return ResolvedMapping(packaged_mapping(name), MappingOrigin.PACKAGED)
