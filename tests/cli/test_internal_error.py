"""An exception no layer expected is a bug: exit 5 with its traceback, never 1 (which a pipeline, and the
GitHub Action, read as "a --fail-on gate was hit and this run wrote its outputs")."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.cli import run_cli_streams
from verifier.errors import ExitCode
from verifier.pipeline import assess

REPO = Path(__file__).resolve().parents[2]


def test_an_unexpected_exception_exits_5_with_its_traceback_and_says_it_is_a_bug(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(REPO / "poam.json", tmp_path / "poam.json")
    monkeypatch.chdir(tmp_path)

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("boom [/b]")

    monkeypatch.setattr(assess, "run_timeline", broken)
    code, printed, stderr = run_cli_streams(capsys, "timeline", "--as-of", "2026-11-25")
    assert code == ExitCode.INTERNAL == 5
    assert "Traceback (most recent call last)" in stderr and "RuntimeError: boom [/b]" in stderr
    assert "internal error: RuntimeError: boom [/b] — a bug in poam-verifier, not a verdict" in stderr
    assert printed == ""


def test_a_known_error_keeps_its_own_exit_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no poam.json here
    code, _, stderr = run_cli_streams(capsys, "timeline", "--as-of", "2026-11-25")
    assert code == ExitCode.INVALID_INPUT
    assert stderr == "error: POA&M not found: poam.json"
