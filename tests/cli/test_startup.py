"""Start-up stays fit for a pre-commit hook: what `poam --version`, `--help` and `lint` import.

Timing is measured by `make bench` (benchmarks/startup.py); here the import graph is guarded, since an
eager import anywhere in the CLI is what made every command pay for the whole verify stack.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

# The verify stack: findings readers, schemas, spreadsheets, AWS, and typer's pydantic coercion.
HEAVY = ("jsonschema", "msgspec", "openpyxl", "boto3", "pandas", "pydantic", "cryptography")


def imported_modules(repo_root: Path, *arguments: str) -> set[str]:
    """Every module ``python -X importtime -m verifier ARGUMENTS`` imported."""
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "verifier", *arguments],
        capture_output=True,
        text=True,
        cwd=repo_root,
        check=False,
    )
    lines = [line for line in run.stderr.splitlines() if line.startswith("import time:")]
    assert lines, run.stderr
    return {line.rsplit("|", 1)[1].strip() for line in lines}


@pytest.mark.parametrize("arguments", [("--version",), ("--help",), ("verify", "--help"), ("init", "--help")])
def test_version_and_help_import_nothing_heavy(repo_root: Path, arguments: tuple[str, ...]) -> None:
    modules = imported_modules(repo_root, *arguments)

    assert "verifier.cli" in modules
    assert not {m for m in modules if m.split(".")[0] in HEAVY}
    assert not {
        m for m in modules if m.startswith(("verifier.pipeline", "verifier.outputs", "verifier.rules"))
    }
    # The version comes from the file the build writes, not from the installed distribution's metadata.
    assert "importlib.metadata" not in modules


def test_lint_reads_no_findings_machinery(repo_root: Path) -> None:
    modules = imported_modules(repo_root, "lint", "--poam", "poam.json")

    assert "verifier.rules.credibility" in modules  # it did lint
    assert not {
        m for m in modules if m.split(".")[0] in ("msgspec", "openpyxl", "boto3", "pandas", "pydantic")
    }
    assert not {m for m in modules if m.startswith(("verifier.inputs.findings", "verifier.outputs"))}
