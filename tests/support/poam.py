"""Copies of the example inputs for tests that run the pipeline."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def poam_copy(directory: Path) -> Path:
    """The example POA&M copied to ``directory``: a run locks and logs beside its POA&M, never in the repo."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / "poam.json"
    shutil.copyfile(REPO / "poam.json", target)
    return target


def poam_with_operational(directory: Path) -> Path:
    """The example POA&M in ``directory`` with its second entry an operational plan of action (32 CFR 170.4),
    the others POA&M items."""
    document = json.loads((REPO / "poam.json").read_text(encoding="utf-8"))
    document["entries"][1]["kind"] = "operational"
    target = directory / "poam.json"
    target.write_text(json.dumps(document), encoding="utf-8")
    return target
