"""Concurrent and killed runs never corrupt the POA&M or the history ledger."""

from __future__ import annotations

import json
import multiprocessing
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


def test_the_lock_file_is_removed_after_a_run_good_or_bad(workdir: Path) -> None:
    assert _start(workdir).wait(timeout=120) == 0
    (workdir / "poam.json").write_text("{ not json", encoding="utf-8")
    failed = _start(workdir)
    assert failed.wait(timeout=120) == 3
    assert not (workdir / "poam.json.lock").exists()


def _count_under_lock(target: Path, rounds: int) -> None:
    counter = target.with_name("counter")
    for _ in range(rounds):
        with exclusive_lock(target, wait_seconds=60):
            value = int(counter.read_text())
            time.sleep(0.02)  # widen the window a lost update would need
            counter.write_text(str(value + 1))


def test_removing_the_lock_file_never_lets_two_holders_in(tmp_path: Path) -> None:
    """Each holder deletes the lock file while waiters sit on the old one: the count must still add up."""
    target = tmp_path / "poam.json"
    (tmp_path / "counter").write_text("0")
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_count_under_lock, args=(target, 40)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    assert (tmp_path / "counter").read_text() == "160"
    assert not (tmp_path / "poam.json.lock").exists()


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
