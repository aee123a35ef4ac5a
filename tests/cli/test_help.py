"""Every command's ``--help`` reads cleanly in an 80-column terminal."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from tests.support.cli import run_cli_streams
from verifier.cli import app


def command_paths() -> list[tuple[str, ...]]:
    """``()`` for the root, then every command and sub-command, e.g. ``("mapping", "sync")``."""
    # Typer bundles its own click: a group is whatever holds commands.
    root = typer.main.get_command(app)
    paths: list[tuple[str, ...]] = [()]
    for name, command in getattr(root, "commands", {}).items():
        paths.append((name,))
        paths += [(name, sub) for sub in getattr(command, "commands", {})]
    return paths


def rendered_help(path: tuple[str, ...]) -> str:
    result = CliRunner().invoke(app, [*path, "--help"], terminal_width=80)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("path", command_paths(), ids=lambda p: " ".join(p) or "poam")
def test_help_has_no_placeholder_types_and_no_word_broken_across_lines(path: tuple[str, ...]) -> None:
    text = rendered_help(path)

    assert "<bool>" not in text
    broken = [line for line in text.splitlines() if re.search(r"[A-Za-z0-9]-$", line.rstrip())]
    assert not broken, broken
    assert max(len(line) for line in text.splitlines()) <= 80


def test_every_command_is_listed() -> None:
    names = {p[0] for p in command_paths() if p}
    assert {"verify", "scan", "export", "lint", "import", "init", "mapping", "bundle", "history"} <= names


def test_init_marks_the_options_it_cannot_do_without() -> None:
    text = " ".join(rendered_help(("init",)).split())
    for option in ("--organization", "--system", "--assessment-date", "--account"):
        assert re.search(re.escape(option) + r" \S+ [^[]*\[required\]", text), option


def test_choices_that_are_names_take_any_case(repo_root: Path) -> None:
    result = CliRunner().invoke(app, ["score", "--poam", str(repo_root / "poam.json"), "--format", "JSON"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["max_score"] == 110


def test_an_out_folder_that_is_a_file_is_a_usage_error(
    tmp_path: Path, repo_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    taken = tmp_path / "out.json"
    taken.write_text("{}", encoding="utf-8")
    example = repo_root / "examples" / "prowler-output"
    arguments = ["verify", "--poam", str(repo_root / "poam.json"), "--findings", str(example)]

    code, _, stderr = run_cli_streams(capsys, *arguments, "--out", str(taken))

    assert code == 2
    assert "is a file; name a folder" in stderr
    assert taken.read_text(encoding="utf-8") == "{}"
