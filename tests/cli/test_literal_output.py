"""What the commands print is text as written, never rich markup: user data with brackets ("Acme [Gov]", a
name with "[/b]") and objective ids ("3.3.8[a]") come out whole, and none of them makes a command crash."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.support.cli import run_cli, run_cli_streams
from verifier.cli.app import err, out

REPO = Path(__file__).resolve().parents[2]
AS_OF = (REPO / "examples" / "prowler-output" / "recorded-on.txt").read_text().strip()
# A closing tag that opens nothing made rich raise MarkupError (a traceback, exit 1: "a --fail-on gate was
# hit"); a bracketed word vanished as an unknown style.
ORGANIZATION = "Acme [/bold] Systems [Gov]"
OWNER = "Lee [/i] Park"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    document = json.loads((REPO / "poam.json").read_text(encoding="utf-8"))
    document["organization"] = ORGANIZATION
    (tmp_path / "poam.json").write_text(json.dumps(document), encoding="utf-8")
    shutil.copytree(REPO / "mappings", tmp_path / "mappings")
    (tmp_path / "roster.txt").write_text("audit log access review\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_consoles_print_text_as_written() -> None:
    assert out.console._markup is False and err.console._markup is False  # noqa: SLF001 - rich keeps it private
    assert out.console._emoji is False and err.console._emoji is False  # noqa: SLF001


def test_verify_prints_a_bracketed_organization_and_objective_ids_whole(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    findings = str(REPO / "examples" / "prowler-output")
    code, printed = run_cli(
        capsys, "verify", "--findings", findings, "--as-of", AS_OF, "--out", "out", "--all"
    )
    assert code == 0
    assert f"{ORGANIZATION} — as of {AS_OF}" in printed
    assert "3.2.3[b]" in printed  # POAM-008's objective no check evidences, named in its reason
    assert "Conditional Level 2 eligible: yes" in printed


def test_attest_names_the_objectives_it_covers_and_the_person_as_given(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, printed = run_cli(
        capsys,
        "attest",
        "POAM-001",
        "--by",
        OWNER,
        "--role",
        "ISSO [acting]",
        "--artifact",
        "roster.txt",
        "--statement",
        "Audit logs are reviewed",
        "--objective",
        "3.3.8[a]",
    )
    assert code == 0
    assert f"attested POAM-001 (AU.L2-3.3.8) 3.3.8[a] by {OWNER} (examine)" in printed


def test_timeline_quotes_a_bracketed_milestone_title_whole(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = json.loads((workdir / "poam.json").read_text(encoding="utf-8"))
    document["entries"][1]["milestones"][2]["title"] = "Verify [/b] with Prowler [iam]"
    (workdir / "poam.json").write_text(json.dumps(document), encoding="utf-8")
    code, printed, stderr = run_cli_streams(capsys, "timeline", "--as-of", "2026-11-30")
    assert code == 0 and "Traceback" not in stderr
    assert "at risk POAM-002 IA.L2-3.5.7: milestone 'Verify [/b] with Prowler [iam]' was due" in printed
