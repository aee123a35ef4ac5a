"""A check id no Prowler of the pinned release runs: verify refuses it (exit 3, nothing written), lint names it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.support.cli import run_cli, run_cli_streams
from verifier.errors import ExitCode
from verifier.inputs.known_checks import default_known_checks, load_known_checks
from verifier.inputs.mapping import load_mapping
from verifier.inputs.packaged import packaged_mapping

REPO = Path(__file__).resolve().parents[2]
AS_OF = (REPO / "examples" / "prowler-output" / "recorded-on.txt").read_text().strip()
TYPO = "s3_bucket_default_encrpytion"


@pytest.fixture
def misspelled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example POA&M with one entry's check misspelled, in a folder of its own."""
    document = json.loads((REPO / "poam.json").read_text(encoding="utf-8"))
    entry = next(e for e in document["entries"] if e["practice_id"] == "SC.L2-3.13.16")
    entry["verification"]["checks"] = [TYPO]
    (tmp_path / "poam.json").write_text(json.dumps(document), encoding="utf-8")
    shutil.copytree(REPO / "examples" / "prowler-output", tmp_path / "scan")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_verify_refuses_a_misspelled_check_naming_the_id_it_was_meant_to_be(
    misspelled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    history_before = sorted(p.name for p in misspelled.iterdir())

    code, _, stderr = run_cli_streams(capsys, "verify", "--findings", "scan", "--as-of", AS_OF)

    assert code == ExitCode.INVALID_INPUT
    assert f"unknown check `{TYPO}` for aws (Prowler 5.46.0)" in stderr
    assert "did you mean `s3_bucket_default_encryption`?" in stderr
    assert sorted(p.name for p in misspelled.iterdir()) == history_before  # no out/, no ledger


def test_verify_runs_with_allow_unknown_checks_and_the_entry_is_not_verified(
    misspelled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = run_cli(capsys, "verify", "--findings", "scan", "--as-of", AS_OF, "--allow-unknown-checks")

    verification = json.loads((misspelled / "out" / "verification.json").read_text(encoding="utf-8"))
    verdicts = {e["practice_id"]: e["verdict"] for e in verification["entries"]}
    assert code == 0
    assert verdicts["SC.L2-3.13.16"] == "NOT_VERIFIED"


def test_lint_names_the_misspelling(misspelled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_cli(capsys, "lint", "--as-of", AS_OF, "--format", "json")

    messages = [p["message"] for p in json.loads(out)["problems"] if p["rule"] == "POAM018"]
    assert code == 1
    assert any("did you mean `s3_bucket_default_encryption`?" in m for m in messages)


def test_the_shipped_list_is_of_the_mappings_prowler_and_holds_every_mapped_check() -> None:
    shipped = load_known_checks(packaged_mapping("prowler-checks"))
    mapping = load_mapping(packaged_mapping("cmmc-l2-aws"))
    mapping_source = json.loads(packaged_mapping("cmmc-l2-aws").read_text(encoding="utf-8"))["source"]

    assert shipped.prowler_version == mapping_source["prowler_version"]
    assert set(shipped.providers) == set(mapping.providers())
    for provider in mapping.providers():
        assert mapping.all_checks(provider) <= shipped.providers[provider], provider


def test_a_repositorys_own_sync_is_preferred_to_the_shipped_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "mappings").mkdir()
    (tmp_path / "mappings" / "prowler-checks.json").write_text(
        json.dumps({"prowler_version": "9.9.9", "providers": {"aws": ["only_this_check"]}}), encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    assert default_known_checks().prowler_version == "9.9.9"


def test_scan_refuses_a_misspelled_check_before_it_looks_for_prowler(
    misspelled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(misspelled / "no-prowler-here")

    code, _, stderr = run_cli_streams(capsys, "scan", "--prowler-bin", missing)

    assert code == ExitCode.INVALID_INPUT  # not 4 (Prowler missing): the POA&M is judged first
    assert f"unknown check `{TYPO}`" in stderr
    assert not (misspelled / "out").exists()
