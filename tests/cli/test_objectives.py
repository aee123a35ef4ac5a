"""``poam objectives``: the 800-171A objectives of practices, as text that keeps their ids whole."""

from __future__ import annotations

import json

import pytest

from tests.support.cli import run_cli, run_cli_streams
from verifier.catalog import objectives_by_id
from verifier.errors import ExitCode


def test_all_320_objectives_are_listed_with_the_reference_texts(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_cli(capsys, "objectives", "--format", "json")

    listed = [o for p in json.loads(out)["practices"] for o in p["objectives"]]
    assert code == 0
    assert len(listed) == 320
    assert {o["id"]: o["text"] for o in listed} == {k: v.text for k, v in objectives_by_id().items()}
    assert all(o["checks"] is None for o in listed)  # the mapping does not assign checks per objective yet


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
