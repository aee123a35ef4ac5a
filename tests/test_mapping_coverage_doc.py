"""docs/mapping-coverage.md publishes the shipped mapping's objective coverage: it must say what the mapping says."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TOOL = REPO / "tools" / "mapping_coverage.py"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own tool, fixed arguments
        [sys.executable, str(TOOL), *args], capture_output=True, text=True, check=False, cwd=REPO
    )


def test_the_published_table_is_the_shipped_mappings() -> None:
    done = _run("--check", "docs/mapping-coverage.md")
    assert done.returncode == 0, done.stderr


def test_a_stale_table_is_refused(tmp_path: Path) -> None:
    text = (REPO / "docs" / "mapping-coverage.md").read_text(encoding="utf-8")
    stale = tmp_path / "coverage.md"
    stale.write_text(text.replace("| aws | ", "| aws | 1", 1), encoding="utf-8")
    done = _run("--check", str(stale))
    assert done.returncode == 1
    assert "out of date" in done.stderr


def test_every_provider_of_the_mapping_has_a_row_and_aws_evidences_the_example_objectives() -> None:
    table = _run().stdout.splitlines()
    providers = [row.split("|")[1].strip() for row in table[2:]]
    assert providers == ["aws", "alibabacloud", "azure", "gcp", "m365", "oraclecloud"]
    aws = table[2].split("|")
    assert int(aws[2]) >= 2  # at least 3.3.8[a] and [b], which the example's POAM-001 relies on
