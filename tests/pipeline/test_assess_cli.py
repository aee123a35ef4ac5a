"""``poam score``, ``poam lint`` and ``poam timeline`` through the real entry point, and their gates in verify."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import run_cli
from verifier.errors import ExitCode

REPO = Path(__file__).resolve().parents[2]


_cli = run_cli


def _json_out(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any]:
    code, printed = _cli(capsys, *args)
    return code, json.loads(printed)


def test_score_json_has_the_documented_keys(capsys: pytest.CaptureFixture[str]) -> None:
    code, report = _json_out(capsys, "score", "--poam", str(REPO / "poam.json"), "--format", "json")
    assert code == ExitCode.OK
    assert list(report) == [
        "score",
        "projected_score",
        "max_score",
        "threshold",
        "conditional_eligible",
        "blockers",
    ]
    assert report["score"] == 110 - 8  # eight open one-point entries
    assert report["conditional_eligible"] is True


def test_score_of_the_mistakes_example_names_blockers(capsys: pytest.CaptureFixture[str]) -> None:
    poam = str(REPO / "examples" / "poam-with-mistakes.json")
    _, report = _json_out(capsys, "score", "--poam", poam, "--format", "json")
    assert report["conditional_eligible"] is False
    assert {"entry", "practice_id", "rule", "reason"} <= set(report["blockers"][0])
    assert any("170.21(a)(1)" in b["rule"] for b in report["blockers"])


def test_example_poam_lints_clean(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    code, report = _json_out(capsys, "lint", "--as-of", "2026-11-25", "--format", "json")
    assert code == ExitCode.OK
    assert report == {"problems": []}


def test_lint_errors_exit_1_with_rule_ids(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    poam = "examples/poam-with-mistakes.json"
    code, report = _json_out(capsys, "lint", "--poam", poam, "--as-of", "2026-11-25", "--format", "json")
    assert code == ExitCode.GATE
    rules = {p["rule"] for p in report["problems"]}
    assert {f"POAM{n:03d}" for n in range(1, 21)} <= rules
    assert set(report["problems"][0]) == {"entry", "rule", "severity", "message"}


def test_lint_reports_a_schema_problem_as_an_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    broken = tmp_path / "poam.json"
    broken.write_text('{"schema_version": 1}', encoding="utf-8")
    code, report = _json_out(capsys, "lint", "--poam", str(broken), "--format", "json")
    assert code == ExitCode.GATE
    assert report["problems"][0]["rule"] == "POAM000"


def test_lint_of_a_missing_file_is_invalid_input(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _ = _cli(capsys, "lint", "--poam", str(tmp_path / "nope.json"))
    assert code == ExitCode.INVALID_INPUT


def test_timeline_json_keys_and_day(capsys: pytest.CaptureFixture[str]) -> None:
    args = ("timeline", "--poam", str(REPO / "poam.json"), "--as-of", "2026-11-25", "--format", "json")
    code, report = _json_out(capsys, *args)
    assert code == ExitCode.OK
    assert {"day", "deadline", "days_remaining", "phase", "checkpoints", "at_risk"} <= set(report)
    assert (report["day"], report["deadline"], report["days_remaining"]) == (58, "2027-03-27", 122)


def test_lint_handles_a_100_entry_poam(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    document = json.loads((REPO / "poam.json").read_text(encoding="utf-8"))
    template = document["entries"]
    document["entries"] = [{**template[n % len(template)], "id": f"POAM-{n:03d}"} for n in range(100)]
    (tmp_path / "poam.json").write_text(json.dumps(document), encoding="utf-8")
    shutil.copytree(REPO / "mappings", tmp_path / "mappings")
    monkeypatch.chdir(tmp_path)
    code, report = _json_out(capsys, "lint", "--as-of", "2026-11-25", "--format", "json")
    assert code == ExitCode.OK  # repeated practices are warnings, not errors
    assert {p["rule"] for p in report["problems"]} == {"POAM005"}
    assert len(report["problems"]) == 100 - len(template)


@pytest.mark.parametrize(("gate", "expected"), [("lint-error", ExitCode.GATE), ("ineligible", ExitCode.GATE)])
def test_verify_rule_gates(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    gate: str,
    expected: int,
) -> None:
    shutil.copy(REPO / "examples" / "poam-with-mistakes.json", tmp_path / "poam.json")
    shutil.copytree(REPO / "mappings", tmp_path / "mappings")
    monkeypatch.chdir(tmp_path)
    findings = str(REPO / "examples" / "prowler-output")
    # The mistakes example misspells a check id on purpose (POAM018): verify would refuse it outright.
    arguments = ("--as-of", "2026-11-25", "--fail-on", gate, "--allow-unknown-checks")
    code, _ = _cli(capsys, "verify", "--findings", findings, *arguments)
    assert code == expected
    report = json.loads((tmp_path / "out" / "verification.json").read_text())
    assert report["score"]["conditional_eligible"] is False
    assert report["lint"]["problems"]
