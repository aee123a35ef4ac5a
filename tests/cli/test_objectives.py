"""``poam objectives``: the 800-171A objectives of practices, as text that keeps their ids whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import run_cli, run_cli_streams
from tests.support.poam import REPO
from verifier.catalog import objectives_by_id
from verifier.errors import ExitCode


def test_all_320_objectives_are_listed_with_the_reference_texts(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_cli(capsys, "objectives", "--format", "json")

    listed = [o for p in json.loads(out)["practices"] for o in p["objectives"]]
    assert code == 0
    assert len(listed) == 320
    assert {o["id"]: o["text"] for o in listed} == {k: v.text for k, v in objectives_by_id().items()}
    by_id = {o["id"]: o["checks"] for o in listed}
    shipped = json.loads((REPO / "mappings" / "cmmc-l2-aws.json").read_text(encoding="utf-8"))
    assert by_id["3.3.8[a]"] == shipped["practices"]["AU.L2-3.3.8"]["objectives"]["3.3.8[a]"]
    assert "cloudtrail_kms_encryption_enabled" in by_id["3.3.8[a]"]["aws"]
    assert by_id["3.3.8[d]"] == {}  # nothing a scan shows evidences the logging tools' protection


def test_a_practice_by_either_id_shows_its_objectives_methods_and_checks(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = run_cli(capsys, "objectives", "3.3.8", "AU.L2-3.3.8", "--provider", "aws", "--format", "json")

    (practice,) = json.loads(out)["practices"]
    assert code == 0
    assert [o["id"] for o in practice["objectives"]] == [f"3.3.8[{c}]" for c in "abcdef"]
    assert "cloudtrail_log_file_validation_enabled" in practice["practice_checks"]["aws"]
    assert list(practice["practice_checks"]) == ["aws"]
    assert practice["test"] == "Mechanisms implementing audit information protection"


def test_the_table_prints_objective_ids_with_their_brackets(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_cli(capsys, "objectives", "3.3.8")
    assert code == 0
    assert "3.3.8[a]" in out and "3.3.8[f]" in out
    assert "6 objective(s) of 1 practice(s)" in out


@pytest.mark.parametrize(
    ("arguments", "wording"),
    [(("9.9.9",), "not a CMMC Level 2 practice: 9.9.9"), (("--provider", "nope"), "unknown provider 'nope'")],
)
def test_an_unknown_practice_or_provider_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], arguments: tuple[str, ...], wording: str
) -> None:
    code, _, stderr = run_cli_streams(capsys, "objectives", *arguments)
    assert code == ExitCode.USAGE
    assert wording in stderr


def test_an_error_message_prints_brackets_as_written(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, stderr = run_cli_streams(capsys, "objectives", "3.3.8[c]")
    assert code == ExitCode.USAGE
    assert "not a CMMC Level 2 practice: 3.3.8[c]" in stderr


def test_an_objective_shows_the_checks_the_mapping_assigns_to_it(
    capsys: pytest.CaptureFixture[str], repo_root: Path, tmp_path: Path
) -> None:
    document = json.loads((repo_root / "mappings" / "cmmc-l2-aws.json").read_text(encoding="utf-8"))
    practice = document["practices"]["AU.L2-3.3.8"]
    practice["objectives"] = {objective_id: {} for objective_id in practice["objectives"]}
    practice["objectives"]["3.3.8[b]"] = {"aws": ["cloudtrail_log_file_validation_enabled"]}
    practice["why"] = {
        "aws": {"cloudtrail_log_file_validation_enabled": "log file validation detects modification"}
    }
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps(document), encoding="utf-8")

    code, out = run_cli(capsys, "objectives", "3.3.8", "--mapping", str(mapping), "--format", "json")

    (listed,) = json.loads(out)["practices"]
    checks = {o["id"]: o["checks"] for o in listed["objectives"]}
    assert code == 0
    assert checks["3.3.8[b]"] == {"aws": ["cloudtrail_log_file_validation_enabled"]}
    assert all(v == {} for k, v in checks.items() if k != "3.3.8[b]")
