"""The ledger verify appends to: chained, tamper-evident, and the source of the MET streak."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from tests.support.cli import run_cli
from verifier.errors import ExitCode, InputError
from verifier.inputs.ledger import GENESIS, read_ledger
from verifier.pipeline.history import check_bundle_recorded
from verifier.pipeline.verify import VerifyOptions, run_verify

REPO = Path(__file__).resolve().parents[2]
SCAN = REPO / "examples" / "prowler-output"
RECORDED_ON = date.fromisoformat((SCAN / "recorded-on.txt").read_text().strip())


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copy(REPO / "poam.json", tmp_path / "poam.json")
    shutil.copytree(REPO / "mappings", tmp_path / "mappings")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _verify(as_of: date, max_age: int = 7) -> None:
    options = VerifyOptions(
        poam=Path("poam.json"),
        mapping=Path("mappings/cmmc-l2-aws.json"),
        findings=(SCAN,),
        out=Path("out"),
        as_of=as_of,
        max_scan_age_days=max_age,
    )
    run_verify(options, clock=lambda: datetime.combine(as_of, datetime.min.time(), tzinfo=UTC))


_cli = run_cli


def test_each_run_appends_one_chained_line_per_entry(workdir: Path) -> None:
    _verify(RECORDED_ON)
    _verify(RECORDED_ON)
    ledger = read_ledger(workdir / "poam-history.jsonl")
    assert len(ledger.lines) == 16
    assert ledger.lines[0].prev == GENESIS
    assert all(b.prev == a.digest for a, b in zip(ledger.lines, ledger.lines[1:], strict=False))
    verification = json.loads((workdir / "out" / "verification.json").read_text())
    assert verification["history_head"] == ledger.lines[7].digest  # the second run chained onto the first


def test_streak_grows_over_runs_within_the_gap(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for offset in (0, 5):  # a scan judged as of two dates 5 days apart (max age 7 keeps it fresh)
        _verify(RECORDED_ON + timedelta(days=offset))
    verification = json.loads((workdir / "out" / "verification.json").read_text())
    streaks = {e["id"]: e["streak"] for e in verification["entries"]}
    assert streaks["POAM-002"] == f"MET continuously for 5 days (since {RECORDED_ON.isoformat()})"
    assert streaks["POAM-001"] == "not currently MET on a continuous scan record"
    as_of = (RECORDED_ON + timedelta(days=5)).isoformat()
    code, printed = _cli(capsys, "history", "POAM-002", "--as-of", as_of, "--format", "json")
    assert code == ExitCode.OK
    assert json.loads(printed)["entries"][0]["met_days"] == 5


@pytest.mark.parametrize("tamper", ["edit", "delete"])
def test_an_edited_or_deleted_line_is_detected(
    workdir: Path, capsys: pytest.CaptureFixture[str], tamper: str
) -> None:
    _verify(RECORDED_ON)
    _verify(RECORDED_ON)
    path = workdir / "poam-history.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    if tamper == "edit":
        lines[0] = lines[0].replace(b'"NOT_MET"', b'"MET"')
    else:
        del lines[3]
    path.write_bytes(b"".join(lines))
    with pytest.raises(InputError, match="hash chain broken"):
        read_ledger(path)
    code, _ = _cli(capsys, "history", "verify")
    assert code == ExitCode.INVALID_INPUT


def test_verify_refuses_to_extend_a_broken_ledger(workdir: Path) -> None:
    _verify(RECORDED_ON)
    path = workdir / "poam-history.jsonl"
    path.write_bytes(path.read_bytes().replace(b'"NOT_VERIFIED"', b'"MET"', 1))
    before = path.read_bytes()
    with pytest.raises(InputError, match="hash chain broken"):
        _verify(RECORDED_ON)
    assert path.read_bytes() == before


def test_history_verify_reports_an_intact_chain(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _verify(RECORDED_ON)
    code, printed = _cli(capsys, "history", "verify")
    assert code == ExitCode.OK
    assert "8 line(s), hash chain intact" in printed


def _keep_bundle(name: str) -> Path:
    kept = Path(f"{name}.zip")
    shutil.copy(Path("out") / "evidence.zip", kept)
    return kept


def test_a_bundle_pins_its_run_in_the_ledger(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _verify(RECORDED_ON)
    first = _keep_bundle("first")
    _verify(RECORDED_ON + timedelta(days=1))
    second = _keep_bundle("second")
    code, printed = _cli(capsys, "history", "verify", "--bundle", str(first), "--bundle", str(second))
    assert code == ExitCode.OK
    assert "first.zip: its run is recorded from line 1" in printed
    assert "second.zip: its run is recorded from line 9" in printed


def test_cutting_the_ledger_back_past_a_bundle_is_caught(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _verify(RECORDED_ON)
    _verify(RECORDED_ON + timedelta(days=1))
    second = _keep_bundle("second")
    ledger = Path("poam-history.jsonl")
    lines = ledger.read_bytes().splitlines(keepends=True)
    ledger.write_bytes(b"".join(lines[:8]))  # the second run's lines removed: the chain itself is still valid
    assert _cli(capsys, "history", "verify")[0] == ExitCode.OK
    assert _cli(capsys, "history", "verify", "--bundle", str(second))[0] == ExitCode.INVALID_INPUT
    with pytest.raises(InputError, match="are not right after the head it recorded"):
        check_bundle_recorded(read_ledger(ledger), ledger, second)
    ledger.write_bytes(b"".join(lines[:4]))  # cut further: the line the bundle chained onto is gone too
    with pytest.raises(InputError, match="chained onto is not in the ledger"):
        check_bundle_recorded(read_ledger(ledger), ledger, second)


def test_a_rewritten_run_is_caught(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _verify(RECORDED_ON)
    first = _keep_bundle("first")
    # Another run replaces the ledger from scratch: a valid chain, but not the one the bundle saw.
    Path("poam-history.jsonl").unlink()
    _verify(RECORDED_ON + timedelta(days=1))
    code, _ = _cli(capsys, "history", "verify", "--bundle", str(first))
    assert code == ExitCode.INVALID_INPUT


def test_bundle_needs_the_zip_and_the_verify_subcommand(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _verify(RECORDED_ON)
    assert _cli(capsys, "history", "verify", "--bundle", "out/evidence")[0] == ExitCode.USAGE
    assert _cli(capsys, "history", "POAM-001", "--bundle", "out/evidence.zip")[0] == ExitCode.USAGE
