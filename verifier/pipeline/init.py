"""``poam init DIR``: scaffold a compliance repository; never overwrites a file that exists."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from verifier.errors import UsageError
from verifier.inputs.poam import parse_poam
from verifier.outputs.new_poam import PoamHeader
from verifier.outputs.scaffold import POAM_FILE, Scaffold, render_scaffold
from verifier.outputs.writer import write_atomic


@dataclass(frozen=True, slots=True)
class InitOptions:
    directory: Path
    header: PoamHeader
    verifier_version: str


def run_init(options: InitOptions) -> tuple[Path, ...]:
    """Write every scaffold file, or none: an existing file stops the run before anything is written."""
    files = render_scaffold(Scaffold(options.header, options.verifier_version))
    targets = {options.directory / name: data for name, data in files.items()}
    existing = sorted(str(path) for path in targets if path.exists() or path.is_symlink())
    if existing:
        raise UsageError(f"refusing to overwrite {', '.join(existing)}; nothing written")
    # The skeleton must load as a POA&M before anything lands on disk.
    parse_poam(files[POAM_FILE], str(options.directory / POAM_FILE))
    for path, data in targets.items():
        write_atomic(path, data)
    return tuple(targets)
