"""``verify`` needs ``--findings``, and ``scan --verify`` hands verify the options ``verify`` itself would build."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.support.cli import run_cli_streams
from verifier.cli import verify as verify_command_module
from verifier.pipeline.closeout import CloseoutOptions
from verifier.pipeline.verify import VerifyOptions


@pytest.fixture
def beside_poam(tmp_path: Path, repo_root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The working directory: a folder holding a copy of the example POA&M as poam.json."""
    shutil.copy(repo_root / "poam.json", tmp_path / "poam.json")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_verify_without_findings_is_a_usage_error_even_beside_the_example_and_prowler_output(
    tmp_path: Path, repo_root: Path, beside_poam: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Both folders the old fallback picked are here: neither may be read unless named.
    shutil.copytree(repo_root / "examples" / "prowler-output", tmp_path / "examples" / "prowler-output")
    shutil.copytree(repo_root / "examples" / "prowler-output", tmp_path / "output")

    for command in (["verify"], ["export", "--format", "csv", "--out", "poam.csv"]):
        code, _, stderr = run_cli_streams(capsys, *command, "--as-of", "2026-11-25")

        assert code == 2, command
        assert "give --findings (Prowler output:" in stderr
    assert not (tmp_path / "out").exists() and not (tmp_path / "poam.csv").exists()
    assert not (tmp_path / "poam-history.jsonl").exists()


@pytest.mark.parametrize("given", ["", "  "])
def test_an_empty_findings_value_is_a_usage_error_not_the_working_directory(
    given: str,
    tmp_path: Path,
    repo_root: Path,
    beside_poam: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    shutil.copytree(repo_root / "examples" / "prowler-output", tmp_path / "examples" / "prowler-output")

    code, _, stderr = run_cli_streams(capsys, "verify", "--findings", given, "--as-of", "2026-11-25")

    assert code == 2
    assert "--findings got an empty value" in stderr
    assert not (tmp_path / "out").exists()


def test_scan_verify_with_every_target_failed_verifies_nothing(
    tmp_path: Path, repo_root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The example beside the POA&M is what the old fallback would have read in place of the failed scan.
    shutil.copy(repo_root / "poam.json", tmp_path / "poam.json")
    shutil.copytree(repo_root / "examples" / "prowler-output", tmp_path / "examples" / "prowler-output")
    monkeypatch.chdir(tmp_path)
    report = SimpleNamespace(results=(), checks=(), seconds=0.0, finding_dirs=())
    monkeypatch.setattr("verifier.pipeline.scan.run_scan", lambda options, progress: report)

    code, _, stderr = run_cli_streams(capsys, "scan", "--verify", "--as-of", "2026-11-25")

    assert code == 4
    assert "no scan target succeeded" in stderr
    assert not (tmp_path / "out" / "verification.json").exists()


def test_scan_verify_builds_the_verify_options_verify_builds(
    tmp_path: Path, repo_root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    scanned = repo_root / "examples" / "prowler-output"
    built: list[VerifyOptions] = []
    monkeypatch.setattr(
        verify_command_module, "verify_and_print", lambda options, all_rows: built.append(options)
    )
    # The scan itself is scan's own tests' business: here it "scanned" the example into one folder.
    report = SimpleNamespace(results=(), checks=(), seconds=0.0, finding_dirs=(scanned,))
    monkeypatch.setattr("verifier.pipeline.scan.run_scan", lambda options, progress: report)
    shared = [
        *(
            "--poam",
            str(repo_root / "poam.json"),
            "--mapping",
            str(repo_root / "mappings" / "cmmc-l2-aws.json"),
        ),
        *("--out", str(tmp_path / "out"), "--as-of", "2026-11-25", "--max-scan-age", "3", "--in-place"),
        *("--history", str(tmp_path / "ledger.jsonl"), "--max-gap", "9", "--sign-key", str(tmp_path / "k")),
        *("--attestations", str(tmp_path / "a.json"), "--fail-on", "not-met", "--fail-on", "regression"),
        *("--jobs", "2", "--allow-unknown-checks"),
    ]

    assert run_cli_streams(capsys, "verify", "--findings", str(scanned), *shared)[0] == 0
    assert run_cli_streams(capsys, "scan", "--verify", *shared)[0] == 0

    by_verify, by_scan = built
    assert by_scan == by_verify
    assert by_scan.findings == (scanned,) and by_scan.max_gap_days == 9 and by_scan.jobs == 2


def test_closeout_takes_verify_run_options_except_the_ones_it_fixes(
    tmp_path: Path, repo_root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    built: list[CloseoutOptions] = []

    def run_closeout(options: CloseoutOptions, clock: object, progress: object) -> SimpleNamespace:
        built.append(options)
        return SimpleNamespace(report=None, files=(), hash_value="0" * 64)

    monkeypatch.setattr("verifier.pipeline.closeout.run_closeout", run_closeout)
    scanned = repo_root / "examples" / "prowler-output"
    arguments = [
        *("closeout", "--poam", str(repo_root / "poam.json"), "--findings", str(scanned)),
        *("--out", str(tmp_path / "pkg"), "--as-of", "2026-11-25", "--max-scan-age", "3"),
        *("--sign-key", str(tmp_path / "k"), "--attestations", str(tmp_path / "a.json")),
        *("--jobs", "2", "--allow-unknown-checks"),
    ]

    assert run_cli_streams(capsys, *arguments)[0] == 0
    (options,) = built
    verify = options.verify
    assert (verify.max_scan_age_days, verify.jobs, verify.allow_unknown_checks) == (3, 2, True)
    assert (verify.sign_key, verify.attestations) == (tmp_path / "k", tmp_path / "a.json")
    assert (verify.in_place, verify.history, verify.fail_on) == (False, None, ())
    for fixed in (["--in-place"], ["--max-gap", "9"], ["--fail-on", "not-met"], ["--history", "h.jsonl"]):
        code, _, stderr = run_cli_streams(capsys, *arguments, *fixed)
        assert code == 2 and "No such option" in stderr, fixed


@pytest.mark.parametrize("out", [".", "./", "link"], ids=["dot", "dot-slash", "folder-with-a-link-to-it"])
def test_an_out_folder_whose_poam_json_is_the_input_is_refused_unless_in_place(
    out: str,
    tmp_path: Path,
    repo_root: Path,
    beside_poam: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # `--out .` beside poam.json would write the updated POA&M over the hand-kept one without --in-place.
    (tmp_path / "link").mkdir()
    (tmp_path / "link" / "poam.json").symlink_to(tmp_path / "poam.json")
    before = (tmp_path / "poam.json").read_bytes()
    findings = str(repo_root / "examples" / "prowler-output")
    args = ("verify", "--findings", findings, "--as-of", "2026-11-25", "--out", out)

    code, _, stderr = run_cli_streams(capsys, *args)
    assert code == 2
    assert (
        f"--out {Path(out)} would write the updated POA&M over the input poam.json: pass --in-place" in stderr
    )
    assert (tmp_path / "poam.json").read_bytes() == before
    assert not list(tmp_path.glob("**/verification.json")) and not (tmp_path / "poam-history.jsonl").exists()

    code, _, _ = run_cli_streams(capsys, *args, "--in-place")
    assert code == 0 and (tmp_path / "poam.json").read_bytes() != before


@pytest.mark.parametrize("input_file", ["poam", "mapping", "findings"])
def test_export_refuses_an_out_that_is_one_of_its_inputs(
    input_file: str,
    tmp_path: Path,
    repo_root: Path,
    beside_poam: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # `poam export --format csv --out poam.json` replaced the POA&M with the CSV of itself.
    shutil.copytree(repo_root / "mappings", tmp_path / "mappings")
    shutil.copytree(repo_root / "examples" / "prowler-output", tmp_path / "scans")
    findings = "scans/prowler-output-123456789012-example.ocsf.json"
    out = {"poam": "poam.json", "mapping": "mappings/cmmc-l2-aws.json", "findings": findings}[input_file]
    before = (tmp_path / out).read_bytes()

    code, _, stderr = run_cli_streams(
        capsys, "export", "--format", "csv", "--findings", findings, "--as-of", "2026-11-25", "--out", out
    )
    assert code == 2
    assert f"--out {out} is an input of this command" in stderr
    assert (tmp_path / out).read_bytes() == before


@pytest.mark.parametrize(
    ("history", "in_place"),
    [
        ("out/verification.json", False),
        ("out/summary.md", False),
        ("out/poam.json", False),
        ("poam.json", True),
    ],
    ids=["verification-json", "summary", "updated-poam", "in-place-poam"],
)
def test_a_history_ledger_that_is_a_file_the_run_writes_is_refused(
    history: str,
    in_place: bool,
    tmp_path: Path,
    repo_root: Path,
    beside_poam: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # As out/verification.json the ledger's lines replaced the verdicts (and the Action then read no summary).
    before = (tmp_path / "poam.json").read_bytes()
    findings = str(repo_root / "examples" / "prowler-output")
    args = ["verify", "--findings", findings, "--as-of", "2026-11-25", "--out", "out", "--history", history]
    code, _, stderr = run_cli_streams(capsys, *args, *(["--in-place"] if in_place else []))
    assert code == 2
    assert f"--history {history}: this run writes its {Path(history).name} there" in stderr
    assert (tmp_path / "poam.json").read_bytes() == before and not (tmp_path / "out").exists()
