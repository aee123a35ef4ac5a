"""The README is for users: its runnable commands run as written, its links resolve, and it stays short.

A fenced block marked ```` ```sh runnable ```` is run line by line in a scratch folder holding the built-in
example (`poam.json`, `examples/prowler-output`); a trailing `# exit N` says the exit code that line documents.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
_BLOCK = re.compile(r"^```sh runnable\n(.*?)^```$", re.M | re.S)
_EXIT = re.compile(r"#\s*exit (\d+)")


def runnable_lines() -> list[str]:
    return [line for block in _BLOCK.findall(README) for line in block.splitlines() if line.strip()]


def test_the_readme_has_runnable_commands_and_stays_short() -> None:
    assert runnable_lines()
    assert len(README.splitlines()) <= 450


def test_the_runnable_commands_run_as_written(tmp_path: Path) -> None:
    shutil.copy(REPO / "poam.json", tmp_path / "poam.json")
    shutil.copytree(REPO / "examples" / "prowler-output", tmp_path / "examples" / "prowler-output")
    for line in runnable_lines():
        command, _, comment = line.partition("#")
        expected = int(match.group(1)) if (match := _EXIT.search("#" + comment)) else 0
        words = shlex.split(command)
        assert words[0] == "poam", line
        done = subprocess.run(
            [sys.executable, "-m", "verifier", *words[1:]],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == expected, (line, done.stderr[-2000:])
    assert (tmp_path / "out" / "verification.json").is_file()


@pytest.mark.parametrize(
    "document", ["README.md", "CONTRIBUTING.md", *(f"docs/{p.name}" for p in (REPO / "docs").glob("*.md"))]
)
def test_relative_links_point_at_files_that_exist(document: str) -> None:
    path = REPO / document
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", path.read_text(encoding="utf-8")):
        if "://" in target or target.startswith("mailto:"):
            continue
        assert (path.parent / target).exists(), (document, target)
