"""Copies of the example inputs for tests that run the pipeline."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def poam_copy(directory: Path) -> Path:
    """The example POA&M copied to ``directory``: a run locks and logs beside its POA&M, never in the repo."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / "poam.json"
    shutil.copyfile(REPO / "poam.json", target)
    return target
