"""Concurrent and killed runs never corrupt the POA&M or the history ledger."""

from __future__ import annotations

import json
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from verifier.errors import EnvError
from verifier.inputs.ledger import read_ledger
from verifier.inputs.poam import load_poam
from verifier.outputs.writer import exclusive_lock

REPO = Path(__file__).resolve().parents[2]
SCAN = REPO / "examples" / "prowler-output"
AS_OF = (SCAN / "recorded-on.txt").read_text().strip()


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    shutil.copy(REPO / "poam.json", tmp_path / "poam.json")
    shutil.copytree(REPO / "mappings", tmp_path / "mappings")
    return tmp_path


def _start(workdir: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "verifier", "verify", "--in-place", "--findings", str(SCAN)]
    command += ["--as-of", AS_OF]
    return subprocess.Popen(command, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_two_in_place_runs_at_once_are_serialised(workdir: Path) -> None:
    first, second = _start(workdir), _start(workdir)
    codes = {first.wait(timeout=120), second.wait(timeout=120)}
    assert codes == {0}  # the second waited for the lock
    poam = load_poam(workdir / "poam.json")
    assert all(len(entry["history"]) == 2 for entry in poam.document["entries"])
    assert len(read_ledger(workdir / "poam-history.jsonl").lines) == 16  # an unbroken chain of both runs


def test_a_held_lock_fails_cleanly_after_the_wait(tmp_path: Path) -> None:
    target = tmp_path / "poam.json"
    with exclusive_lock(target), pytest.raises(EnvError, match="another poam run holds"):  # noqa: SIM117
        with exclusive_lock(target, wait_seconds=0.3):
            pass


def test_sigkill_at_random_points_leaves_a_valid_poam(workdir: Path) -> None:
    original = (workdir / "poam.json").read_bytes()
    rng = random.Random(20261125)  # noqa: S311 - reproducible kill points, not security
    outcomes = []
    for _ in range(8):
        process = _start(workdir)
        time.sleep(rng.uniform(0.05, 2.0))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        outcomes.append(process.returncode)
        current = (workdir / "poam.json").read_bytes()
        document = load_poam(workdir / "poam.json").document  # valid JSON and schema, whatever happened
        assert current == original or all("result" in e for e in document["entries"])
        if (workdir / "poam-history.jsonl").exists():
            read_ledger(workdir / "poam-history.jsonl")  # the chain is never left broken
    assert -signal.SIGKILL in outcomes  # at least one run really was killed mid-way
    json.loads((workdir / "poam.json").read_text(encoding="utf-8"))
