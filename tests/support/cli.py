"""Run the real ``poam`` entry point in-process and capture its exit code and standard output."""

from __future__ import annotations

import sys

import pytest

from verifier.cli import main


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """``poam ARGS``: the exit code ``main`` ends with, and what it printed on stdout."""
    code, out, _ = run_cli_streams(capsys, *args)
    return code, out


def run_cli_streams(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``poam ARGS``: the exit code, stdout and stderr (with white space folded, as a terminal wraps it)."""
    argv, sys.argv = sys.argv, ["poam", *args]
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = int(exc.code or 0)
    finally:
        sys.argv = argv
    captured = capsys.readouterr()
    return code, captured.out, " ".join(captured.err.split())
