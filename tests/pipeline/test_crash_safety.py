"""Concurrent, killed and failing runs never corrupt the POA&M, the ledger, or the bond between them."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import run_cli
from verifier.errors import EnvError, ExitCode
from verifier.inputs.ledger import read_ledger
from verifier.inputs.poam import load_poam
from verifier.outputs.transaction import file_domain, recover_pending
from verifier.outputs.writer import exclusive_lock
from verifier.pipeline.history import check_bundle_recorded

REPO = Path(__file__).resolve().parents[2]
SCAN = REPO / "examples" / "prowler-output"
AS_OF = (SCAN / "recorded-on.txt").read_text().strip()


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    shutil.copy(REPO / "poam.json", tmp_path / "poam.json")
    shutil.copytree(REPO / "mappings", tmp_path / "mappings")
    return tmp_path


VERIFY = ("verify", "--findings", str(SCAN), "--as-of", AS_OF)
ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def _start(workdir: Path, *extra: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "verifier", *VERIFY, "--in-place", *extra]
    return subprocess.Popen(command, cwd=workdir, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


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
    assert not (workdir / "out" / ".poam-verify.lock").exists()


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


def test_runs_of_several_poams_sharing_one_ledger_lose_no_line(tmp_path: Path) -> None:
    """Each POA&M has its own folder and lock; the ledger they share has one lock of its own."""
    ledger = tmp_path / "shared" / "poam-history.jsonl"
    ledger.parent.mkdir()
    folders = [tmp_path / name for name in ("a", "b", "c", "d")]
    for folder in folders:
        folder.mkdir()
        shutil.copy(REPO / "poam.json", folder / "poam.json")
    mapping = str(REPO / "mappings" / "cmmc-l2-aws.json")
    for _ in range(2):
        runs = [
            _start(folder, "--mapping", mapping, "--history", str(ledger), "--out", "out")
            for folder in folders
        ]
        assert [run.wait(timeout=300) for run in runs] == [0] * len(runs)
    # Every run's 8 lines in one unbroken chain, and each folder's bundle right after the head it chained onto.
    command = [sys.executable, "-m", "verifier", "history", "verify", "--history", str(ledger)]
    command += [f"--bundle={folder / 'out' / 'evidence.zip'}" for folder in folders]
    checked = subprocess.run(command, env=ENV, capture_output=True, text=True, timeout=120, check=False)
    assert checked.returncode == ExitCode.OK, checked.stderr
    assert f"{2 * len(folders) * 8} line(s), hash chain intact" in checked.stdout
    assert sorted(p.name for p in ledger.parent.iterdir()) == ["poam-history.jsonl"]


def _faulted(workdir: Path, mode: str, at: int, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "tests.support.faults", mode, str(at), *VERIFY, *extra]
    return subprocess.run(
        command, cwd=workdir, env=ENV, capture_output=True, text=True, timeout=120, check=False
    )


def _assert_sound_right_now(workdir: Path, updated: Path, probe: Path) -> None:
    """What anyone sees at this instant, before any recovery: a valid POA&M, chain and recorded bundle."""
    load_poam(updated)
    ledger = read_ledger(workdir / "poam-history.jsonl")
    probe.mkdir(exist_ok=True)
    shutil.copy(workdir / "out" / "evidence.zip", probe / "evidence.zip")  # checking a copy recovers nothing
    check_bundle_recorded(ledger, workdir / "poam-history.jsonl", probe / "evidence.zip")


def _assert_one_whole_run_visible(workdir: Path, updated: Path) -> None:
    """Every output is the latest recorded run's: the ledger's last zip, and each file the zip holds a copy of."""
    out = workdir / "out"
    zipped = (out / "evidence.zip").read_bytes()
    last = read_ledger(workdir / "poam-history.jsonl").lines[-1]
    assert last.bundle_sha256 == hashlib.sha256(zipped).hexdigest()
    with zipfile.ZipFile(out / "evidence.zip") as archive:
        members = {name.removeprefix("evidence/"): archive.read(name) for name in archive.namelist()}
    bundle = out / "evidence"
    on_disk = {p.relative_to(bundle).as_posix(): p.read_bytes() for p in bundle.rglob("*") if p.is_file()}
    assert on_disk == members
    assert (out / "verification.json").read_bytes() == members["verification.json"]
    assert updated.read_bytes() == members["poam.json"]


def _assert_nothing_left_over(workdir: Path, *outputs: str) -> None:
    assert sorted(p.name for p in workdir.iterdir()) == ["mappings", "out", "poam-history.jsonl", "poam.json"]
    expected = sorted(("evidence", "evidence.zip", "summary.md", "verification.json", *outputs))
    assert sorted(p.name for p in (workdir / "out").iterdir()) == expected


@pytest.mark.parametrize(("mode", "in_place"), [("kill", True), ("kill", False), ("fail", True)])
def test_a_fault_at_any_publishing_step_is_finished_or_undone_whole(
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    mode: str,
    in_place: bool,
) -> None:
    """SIGKILL before, or an I/O error at, every rename and journal removal of a run.

    Right after the fault the POA&M, the chain and the visible bundle are sound; once a reader (``history
    verify --bundle``) or the next run has finished the journals, every output is one whole run's, the one
    the ledger ends with; and the next run leaves no temporary behind.
    """
    monkeypatch.chdir(workdir)
    extra = ("--in-place",) if in_place else ()
    updated = workdir / "poam.json" if in_place else workdir / "out" / "poam.json"
    assert run_cli(capsys, *VERIFY, *extra)[0] == ExitCode.OK  # outputs to replace, not only to create
    steps = int(re.findall(r"steps=(\d+)", _faulted(workdir, "count", 0, *extra).stderr)[-1])
    assert steps >= 10  # 3 journals, the ledger, 3 files, the bundle's 2 renames, the POA&M, 3 removals
    for at in range(1, steps + 1):
        before = len(read_ledger(workdir / "poam-history.jsonl").lines)
        faulted = _faulted(workdir, mode, at, *extra)
        expected = {-signal.SIGKILL} if mode == "kill" else {ExitCode.OK, ExitCode.ENVIRONMENT}
        assert faulted.returncode in expected, faulted.stderr
        _assert_sound_right_now(workdir, updated, workdir.parent / "probe")
        assert len(read_ledger(workdir / "poam-history.jsonl").lines) in (before, before + 8)
        assert run_cli(capsys, "history", "verify", "--bundle", "out/evidence.zip")[0] == ExitCode.OK
        recover_pending(file_domain(workdir / "poam.json"))  # what the next verify of this POA&M does first
        _assert_one_whole_run_visible(workdir, updated)
        assert run_cli(capsys, *VERIFY, *extra)[0] == ExitCode.OK
        _assert_nothing_left_over(workdir, *(() if in_place else ("poam.json",)))


def _chattr(flag: str, path: Path) -> bool:
    """Set or clear the immutable attribute: the one way to refuse root a write without a read-only mount."""
    chattr = shutil.which("chattr")
    if chattr is None:
        return False
    return subprocess.run([chattr, flag, str(path)], capture_output=True, check=False).returncode == 0


@pytest.fixture
def immutable(request: pytest.FixtureRequest) -> object:
    """``immutable(path)`` makes ``path`` immutable (or skips the test) and clears the flag afterwards."""
    made: list[Path] = []

    def make(path: Path) -> None:
        if not _chattr("+i", path):
            pytest.skip("chattr +i is not available here")
        made.append(path)

    request.addfinalizer(lambda: [_chattr("-i", path) for path in made])
    return make


def _snapshot(*folders: Path) -> dict[str, bytes]:
    """Every file under ``folders`` (hidden ones too) by path, with its bytes."""
    return {str(p): p.read_bytes() for folder in folders for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("blocked", ["history folder", "ledger file"])
def test_a_ledger_that_cannot_be_written_leaves_every_output_as_it_was(
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    immutable: Any,
    blocked: str,
) -> None:
    """An immutable history folder refuses the ledger's lock; an immutable ledger refuses the commit rename.

    Either way the run fails with exit 4 before its commit point: the POA&M (--in-place) and the outputs keep
    the previous run, and no staged part or journal is left anywhere.
    """
    monkeypatch.chdir(workdir)
    history = ("--history", "hist/poam-history.jsonl", "--in-place")
    assert run_cli(capsys, *VERIFY, *history)[0] == ExitCode.OK
    before = _snapshot(workdir)
    immutable(workdir / "hist" if blocked == "history folder" else workdir / "hist" / "poam-history.jsonl")
    assert run_cli(capsys, *VERIFY, *history)[0] == ExitCode.ENVIRONMENT
    assert _snapshot(workdir) == before  # same files, same bytes: nothing published, nothing left behind


def test_verify_needs_no_write_access_to_the_poam_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], immutable: Any
) -> None:
    """The run's lock lives beside its outputs: a POA&M on a read-only share verifies into a writable folder."""
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    shutil.copy(REPO / "poam.json", inputs / "poam.json")
    monkeypatch.chdir(tmp_path)
    inputs.chmod(0o555)  # enough for any other user; root needs the immutable flag
    immutable(inputs)
    listed = os.stat(inputs).st_mtime_ns
    code, _ = run_cli(capsys, *VERIFY, "--poam", "inputs/poam.json", "--history", "poam-history.jsonl")
    assert code == ExitCode.OK
    assert [p.name for p in inputs.iterdir()] == ["poam.json"]
    assert os.stat(inputs).st_mtime_ns == listed  # not even a lock file came and went
    assert len(read_ledger(tmp_path / "poam-history.jsonl").lines) == 8


def test_in_place_through_a_symlink_updates_its_target_and_keeps_the_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "compliance").mkdir()
    shutil.copy(REPO / "poam.json", tmp_path / "compliance" / "poam.json")
    (tmp_path / "poam.json").symlink_to("compliance/poam.json")
    monkeypatch.chdir(tmp_path)
    assert run_cli(capsys, *VERIFY, "--in-place")[0] == ExitCode.OK
    assert (tmp_path / "poam.json").is_symlink()
    assert all(
        "result" in entry for entry in load_poam(tmp_path / "compliance" / "poam.json").document["entries"]
    )
    assert sorted(p.name for p in (tmp_path / "compliance").iterdir()) == [
        "poam.json"
    ]  # its lock came and went
    assert run_cli(capsys, *VERIFY, "--in-place")[0] == ExitCode.OK  # and the next run reads the result
    document = load_poam(tmp_path / "compliance" / "poam.json").document
    assert all(len(entry["history"]) == 2 for entry in document["entries"])
