"""``poam verify`` and ``poam attest`` on a POA&M whose entries name objectives: invalid ones exit 3, nothing written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import run_cli, run_cli_streams
from verifier.errors import ExitCode

REPO = Path(__file__).resolve().parents[2]
AS_OF = (REPO / "examples" / "prowler-output" / "recorded-on.txt").read_text().strip()


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copy(REPO / "poam.json", tmp_path / "poam.json")
    shutil.copytree(REPO / "mappings", tmp_path / "mappings")
    (tmp_path / "roster.txt").write_text("insider-threat training roster\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _edit_first_entry(workdir: Path, **changes: Any) -> None:
    document = json.loads((workdir / "poam.json").read_text())
    document["entries"][0].update(changes)
    (workdir / "poam.json").write_text(json.dumps(document))


def _verify(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    findings = str(REPO / "examples" / "prowler-output")
    code, _, err = run_cli_streams(capsys, "verify", "--findings", findings, "--as-of", AS_OF, "--out", "out")
    return code, err


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"objectives": ["3.3.9[a]"]}, "objective 3.3.9[a] belongs to AU.L2-3.3.9, not AU.L2-3.3.8"),
        ({"objectives": ["3.3.8[q]"]}, "unknown 800-171A objective id '3.3.8[q]'"),
        (
            {"verification": {"checks": ["cloudwatch_log_group_kms_encryption_enabled"]}},
            "check cloudwatch_log_group_kms_encryption_enabled evidences none of the entry's objectives "
            "(3.3.8[a], 3.3.8[b])",
        ),
        (
            {"verification": {"checks": {"3.3.8[c]": ["s3_bucket_object_versioning"]}}},
            "assigns checks to 3.3.8[c], which is not among the entry's objectives",
        ),
    ],
)
def test_an_invalid_objective_or_check_assignment_exits_3_and_writes_nothing(
    workdir: Path, capsys: pytest.CaptureFixture[str], changes: dict[str, Any], message: str
) -> None:
    _edit_first_entry(workdir, **changes)
    code, err = _verify(capsys)
    assert code == ExitCode.INVALID_INPUT
    assert message in err
    assert not (workdir / "out").exists()


def test_the_object_form_and_objectives_survive_in_the_written_poam(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    checks = {"3.3.8[a]": ["cloudtrail_kms_encryption_enabled"], "3.3.8[c]": ["s3_bucket_object_versioning"]}
    _edit_first_entry(workdir, objectives=["3.3.8[a]", "3.3.8[c]"], verification={"checks": checks})
    code, _ = _verify(capsys)
    assert code == ExitCode.OK
    written = json.loads((workdir / "out" / "poam.json").read_text())["entries"][0]
    assert (written["objectives"], written["verification"]["checks"]) == (["3.3.8[a]", "3.3.8[c]"], checks)
    verification = json.loads((workdir / "out" / "verification.json").read_text())["entries"][0]
    assert [(o["id"], o["checks"]) for o in verification["objectives"]] == [
        ("3.3.8[a]", ["cloudtrail_kms_encryption_enabled"]),
        ("3.3.8[c]", ["s3_bucket_object_versioning"]),
    ]
    assert (
        verification["objectives"][1]["text"] == "audit information is protected from unauthorized deletion."
    )


def test_attest_with_objective_and_method(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    arguments = (
        "--by",
        "Dana Reyes",
        "--role",
        "ISSO",
        "--artifact",
        "roster.txt",
        "--statement",
        "Trained.",
    )
    code, out = run_cli(
        capsys, "attest", "POAM-008", *arguments, "--objective", "3.2.3[b]", "--method", "interview"
    )
    assert code == ExitCode.OK, out
    (record,) = json.loads((workdir / "poam-attestations.json").read_text())
    assert (record["objectives"], record["method"]) == (["3.2.3[b]"], "interview")
    code, _ = run_cli(capsys, "attest", "POAM-008", *arguments, "--objective", "3.3.8[c]")
    assert code == ExitCode.INVALID_INPUT
    assert len(json.loads((workdir / "poam-attestations.json").read_text())) == 1


def test_scan_refuses_a_check_that_evidences_none_of_the_objectives_before_prowler_runs(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The same refusal as verify's, before an hour of scanning: no Prowler is looked for, nothing is written.
    _edit_first_entry(workdir, verification={"checks": ["cloudwatch_log_group_kms_encryption_enabled"]})
    absent = str(workdir / "no-prowler-here")
    code, _, err = run_cli_streams(capsys, "scan", "--out", "out", "--prowler-bin", absent)
    assert code == ExitCode.INVALID_INPUT
    assert "check cloudwatch_log_group_kms_encryption_enabled evidences none of the entry's objectives" in err
    assert not (workdir / "out").exists()
