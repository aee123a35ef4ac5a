"""Ctrl-C (or a CI runner cancelling the job, which sends SIGINT) exits 130, never 1: 1 says "a --fail-on
gate was hit and the outputs were written", and the GitHub Action then reports whatever OUT holds."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.support.cli import run_cli
from verifier.errors import ExitCode

REPO = Path(__file__).resolve().parents[2]
# A command interrupted while it runs: the pipeline step sends the process SIGINT, as a terminal would.
INTERRUPTED_RUN = """
import os, signal, sys, time
from verifier.pipeline import assess

def interrupted(*_args, **_kwargs):
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(10)

assess.run_timeline = interrupted
sys.argv = ["poam", "timeline", "--as-of", "2026-11-25"]
from verifier.cli import main
main()
"""


def test_an_interrupted_command_exits_130_and_says_so(tmp_path: Path) -> None:
    shutil.copy(REPO / "poam.json", tmp_path / "poam.json")
    done = subprocess.run(
        [sys.executable, "-c", INTERRUPTED_RUN],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == ExitCode.INTERRUPTED == 128 + signal.SIGINT
    assert done.stderr.strip() == "interrupted"
    assert "Aborted" not in done.stderr + done.stdout


def test_an_in_process_caller_keeps_its_own_sigint_handler(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A test runner or a notebook calling main() gets its Ctrl-C back once the command is over.
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("a SIGINT handler can only be set from the main thread")

    def own_handler(_signum: int, _frame: object) -> None:
        raise AssertionError("not called")

    shutil.copy(REPO / "poam.json", tmp_path / "poam.json")
    monkeypatch.chdir(tmp_path)
    previous = signal.signal(signal.SIGINT, own_handler)
    try:
        code, _ = run_cli(capsys, "timeline", "--as-of", "2026-11-25")
        assert code == 0
        assert signal.getsignal(signal.SIGINT) is own_handler
    finally:
        signal.signal(signal.SIGINT, previous)
