"""The repository's GitHub workflows, read so tests can run a step's own script."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

WORKFLOWS_DIR = Path(__file__).resolve().parents[2] / ".github" / "workflows"


def workflow_step(workflow: str, job: str, name: str) -> dict[str, Any]:
    """The one step called ``name`` in ``job`` of ``workflow`` (a file name under .github/workflows)."""
    document = yaml.safe_load((WORKFLOWS_DIR / workflow).read_text(encoding="utf-8"))
    (step,) = [s for s in document["jobs"][job]["steps"] if s.get("name") == name]
    return dict(step)
