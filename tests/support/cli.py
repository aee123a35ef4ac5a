"""Run the real ``poam`` entry point in-process and capture its exit code and standard output."""

from __future__ import annotations

import sys

import pytest

from verifier.cli import main


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """``poam ARGS``: the exit code ``main`` ends with, and what it printed on stdout."""
    argv, sys.argv = sys.argv, ["poam", *args]
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = int(exc.code or 0)
    finally:
        sys.argv = argv
    return code, capsys.readouterr().out
