"""``poam verify`` end to end on the built-in example: a recorded real Prowler scan of a moto account."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.support.golden import GOLDEN_TOOL_VERSION
from verifier.choices import FailOn
from verifier.cli import main
from verifier.errors import ExitCode
from verifier.outputs.reasons import rendered
from verifier.pipeline.verify import VerifyOptions, run_verify

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_SCAN = REPO / "examples" / "prowler-output"
RECORDED_ON = date.fromisoformat((EXAMPLE_SCAN / "recorded-on.txt").read_text().strip())
GOLDEN = REPO / "tests" / "golden"
FIXED_CLOCK = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)
EXPECTED = {
    "POAM-001": "NOT_MET",
    "POAM-002": "MET",
    "POAM-003": "MET",
    "POAM-004": "NOT_MET",
    "POAM-005": "MET",
    "POAM-006": "MET",
    "POAM-007": "NOT_VERIFIED",
    "POAM-008": "NOT_VERIFIED",
}


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the repo's example inputs, so relative paths in outputs are the documented defaults."""
    shutil.copy(REPO / "poam.json", tmp_path / "poam.json")
    shutil.copytree(REPO / "mappings", tmp_path / "mappings")
    shutil.copytree(EXAMPLE_SCAN, tmp_path / "examples" / "prowler-output")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _options(**overrides: Any) -> VerifyOptions:
    values: dict[str, Any] = {
        "poam": Path("poam.json"),
        "mapping": Path("mappings/cmmc-l2-aws.json"),
        "findings": (Path("examples/prowler-output"),),
        "out": Path("out"),
        "as_of": RECORDED_ON,
        "tool_version": GOLDEN_TOOL_VERSION,
    }
    values.update(overrides)
    return VerifyOptions(**values)


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _run_cli(*args: str) -> int:
    argv = sys.argv
    sys.argv = ["poam", *args]
    try:
        main()
    except SystemExit as exc:
        return int(exc.code or 0)
    finally:
        sys.argv = argv
    return 0


def _set_first_status(path: Path, status: str) -> None:
    document = _json(path)
    document["entries"][0]["status"] = status
    path.write_text(json.dumps(document), encoding="utf-8")


def _assert_golden(actual: Path, name: str) -> None:
    golden = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_bytes(actual.read_bytes())
    assert actual.read_text(encoding="utf-8") == golden.read_text(encoding="utf-8")


def test_example_gives_the_recorded_mix_of_verdicts(workdir: Path) -> None:
    outcome = run_verify(_options(), clock=lambda: FIXED_CLOCK)
    assert {r.entry_id: r.verdict.value for r in outcome.run.results} == EXPECTED
    assert outcome.gates_hit == ()


def test_verification_json_and_updated_poam_match_golden(workdir: Path) -> None:
    run_verify(_options(), clock=lambda: FIXED_CLOCK)
    _assert_golden(workdir / "out" / "verification.json", "example.verification.json")
    _assert_golden(workdir / "out" / "poam.json", "example.poam.json")
    _assert_golden(workdir / "out" / "summary.md", "example.summary.md")


def test_updated_poam_keeps_every_input_field(workdir: Path) -> None:
    original = _json(workdir / "poam.json")
    run_verify(_options(), clock=lambda: FIXED_CLOCK)
    updated = _json(workdir / "out" / "poam.json")
    for before, after in zip(original["entries"], updated["entries"], strict=True):
        assert {k: after[k] for k in before if k != "status"} == {
            k: v for k, v in before.items() if k != "status"
        }
        assert list(after)[: len(before)] == list(before)
    statuses = {e["id"]: e["status"] for e in updated["entries"]}
    assert statuses["POAM-002"] == "ready_for_closeout"
    assert statuses["POAM-001"] == "open"


def test_evidence_bundle_is_self_consistent_and_traces_to_inputs(workdir: Path) -> None:
    run_verify(_options(), clock=lambda: FIXED_CLOCK)
    bundle = workdir / "out" / "evidence"
    sums = dict(reversed(line.split("  ", 1)) for line in (bundle / "SHA256SUMS").read_text().splitlines())
    files = {str(p.relative_to(bundle)) for p in bundle.rglob("*") if p.is_file()} - {"SHA256SUMS"}
    assert set(sums) == files
    for name, digest in sums.items():
        assert hashlib.sha256((bundle / name).read_bytes()).hexdigest() == digest
    manifest = _json(bundle / "manifest.json")
    for source in manifest["inputs"]["findings"]:
        assert hashlib.sha256(Path(source["path"]).read_bytes()).hexdigest() == source["sha256"]
    assert manifest["inputs"]["poam"]["sha256"] == hashlib.sha256(Path("poam.json").read_bytes()).hexdigest()
    assert manifest["prowler_versions"] == ["5.46.0"]
    with zipfile.ZipFile(workdir / "out" / "evidence.zip") as archive:
        assert sorted(archive.namelist()) == sorted(f"evidence/{n}" for n in [*files, "SHA256SUMS"])


def test_entry_evidence_holds_the_deciding_findings(workdir: Path) -> None:
    run_verify(_options(), clock=lambda: FIXED_CLOCK)
    entry = _json(workdir / "out" / "evidence" / "entries" / "POAM-004.json")
    statuses = sorted(f["status"] for f in entry["findings"])
    assert entry["verdict"] == "NOT_MET"
    assert statuses == ["FAIL", "PASS"]
    assert {f["check_id"] for f in entry["findings"]} == {"kms_cmk_rotation_enabled"}
    assert all(len(f["source_sha256"]) == 64 for f in entry["findings"])
    updated = _json(workdir / "out" / "poam.json")
    ref = next(e for e in updated["entries"] if e["id"] == "POAM-004")["result"]["evidence"]
    digest = hashlib.sha256((workdir / "out" / ref["path"]).read_bytes()).hexdigest()
    assert ref["sha256"] == digest


def test_in_place_updates_the_input_and_not_out_poam(workdir: Path) -> None:
    run_verify(_options(in_place=True), clock=lambda: FIXED_CLOCK)
    assert not (workdir / "out" / "poam.json").exists()
    assert _json(workdir / "poam.json")["entries"][1]["result"]["verdict"] == "MET"


def test_stale_scan_never_yields_met(workdir: Path) -> None:
    outcome = run_verify(_options(as_of=date(2027, 1, 1)), clock=lambda: FIXED_CLOCK)
    verdicts = {r.entry_id: r.verdict.value for r in outcome.run.results}
    assert "MET" not in verdicts.values()
    assert verdicts["POAM-001"] == "NOT_MET"  # a FAIL is a fact however old the scan
    assert any("stale scan" in reason for reason in rendered(outcome.run.results[1]))


def test_a_findings_folder_without_prowler_output_is_refused_and_nothing_is_recorded(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # An empty or wrong folder is not a scan that found nothing: it must not be recorded as one.
    (workdir / "empty").mkdir()
    (workdir / "notes").mkdir()
    (workdir / "notes" / "notes.txt").write_text("scan notes", encoding="utf-8")
    poam = (workdir / "poam.json").read_bytes()
    for folder in ("empty", "notes"):
        code = _run_cli("verify", "--as-of", RECORDED_ON.isoformat(), "--findings", folder)
        assert code == ExitCode.INVALID_INPUT
        assert f"{folder}: no Prowler output found" in capsys.readouterr().err
    assert not (workdir / "out").exists() and not (workdir / "poam-history.jsonl").exists()
    assert (workdir / "poam.json").read_bytes() == poam


def test_gates_are_reported_after_outputs_are_written(workdir: Path) -> None:
    outcome = run_verify(_options(fail_on=(FailOn.NOT_MET, FailOn.REGRESSION)), clock=lambda: FIXED_CLOCK)
    assert outcome.gates_hit == ("--fail-on not-met: POAM-001, POAM-004",)
    assert (workdir / "out" / "verification.json").exists()


def test_cli_gate_exits_1(workdir: Path) -> None:
    code = _run_cli(
        "verify",
        "--findings",
        "examples/prowler-output",
        "--as-of",
        RECORDED_ON.isoformat(),
        "--fail-on",
        "not-met",
    )
    assert code == ExitCode.GATE
    assert (workdir / "out" / "summary.md").exists()


def test_cli_default_run_on_example_exits_0(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        _run_cli("verify", "--findings", "examples/prowler-output", "--as-of", RECORDED_ON.isoformat())
        == ExitCode.OK
    )
    printed = capsys.readouterr().out
    assert "MET: 4" in printed and "NOT_MET: 2" in printed and "NOT_VERIFIED: 2" in printed


@pytest.mark.parametrize(
    ("prepare", "fragment"),
    [
        (lambda d: (d / "bad.ocsf.json").write_bytes(b'[{"metadata": '), "bad.ocsf.json"),
        (lambda d: _set_first_status(d / "poam.json", "done"), "/entries/0/status"),
        (lambda d: (d / "poam.json").write_bytes(b"\xff\xfe{}"), "UTF-8"),
    ],
    ids=["truncated-findings", "schema-violation", "non-utf8-poam"],
)
def test_bad_input_exits_3_and_writes_nothing(
    workdir: Path, capsys: pytest.CaptureFixture[str], prepare: Any, fragment: str
) -> None:
    prepare(workdir)
    before = (workdir / "poam.json").read_bytes()
    code = _run_cli("verify", "--findings", "examples/prowler-output", "--findings", ".", "--in-place")
    assert code == ExitCode.INVALID_INPUT
    assert fragment in capsys.readouterr().err
    assert not (workdir / "out").exists()
    assert (workdir / "poam.json").read_bytes() == before


def test_bad_as_of_is_a_usage_error(workdir: Path) -> None:
    assert (
        _run_cli("verify", "--findings", "examples/prowler-output", "--as-of", "next tuesday")
        == ExitCode.USAGE
    )


def test_outputs_for_people_honour_the_umask(workdir: Path) -> None:
    previous = os.umask(0o022)
    try:
        assert (
            _run_cli("verify", "--findings", "examples/prowler-output", "--as-of", RECORDED_ON.isoformat())
            == ExitCode.OK
        )
        assert (
            _run_cli(
                "export",
                "--format",
                "html",
                "--out",
                "exports/report.html",
                "--findings",
                "examples/prowler-output",
            )
            == ExitCode.OK
        )
    finally:
        os.umask(previous)
    out = workdir / "out"
    for path in (out / "poam.json", out / "verification.json", out / "summary.md", out / "evidence.zip"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path
    assert stat.S_IMODE((out / "evidence").stat().st_mode) == 0o755
    assert stat.S_IMODE((workdir / "poam-history.jsonl").stat().st_mode) == 0o644
    assert stat.S_IMODE((workdir / "exports" / "report.html").stat().st_mode) == 0o644


def _many_entries(path: Path, count: int) -> None:
    document = _json(path)
    originals = document["entries"]
    document["entries"] = [{**originals[n % len(originals)], "id": f"POAM-{n + 1:05d}"} for n in range(count)]
    path.write_text(json.dumps(document), encoding="utf-8")


def test_the_table_shows_its_first_screens_and_a_count_and_all_prints_every_row(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _many_entries(workdir / "poam.json", 100)

    assert (
        _run_cli("verify", "--findings", "examples/prowler-output", "--as-of", RECORDED_ON.isoformat())
        == ExitCode.OK
    )
    shown = capsys.readouterr().out
    assert (
        _run_cli(
            "verify", "--findings", "examples/prowler-output", "--as-of", RECORDED_ON.isoformat(), "--all"
        )
        == ExitCode.OK
    )
    everything = capsys.readouterr().out

    assert "POAM-00060" in shown and "POAM-00061" not in shown
    assert "40 more of 100 entries not shown (--all prints every row" in shown
    assert all(f"POAM-{n:05d}" in everything for n in range(1, 101))
    assert "more of" not in everything
    assert len(_json(workdir / "out" / "verification.json")["entries"]) == 100


def test_the_evidence_manifest_pins_the_zip_handed_in(workdir: Path) -> None:
    """``sha256sum report.zip`` (what an assessor runs on the archive they were given) matches the manifest,
    which also says which ``findings`` entries are the zip's members."""
    with zipfile.ZipFile(workdir / "report.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted((workdir / "examples" / "prowler-output").iterdir()):
            archive.write(file, file.name)
    code = _run_cli("verify", "--findings", "report.zip", "--as-of", RECORDED_ON.isoformat())
    assert code == ExitCode.OK
    verification = _json(workdir / "out" / "verification.json")
    assert {e["id"]: e["verdict"] for e in verification["entries"]} == EXPECTED  # as from the directory
    checked = subprocess.run(
        ["sha256sum", "report.zip"],  # noqa: S607 - coreutils, as an assessor would run it
        capture_output=True,
        text=True,
        check=True,
    )
    digest, name = checked.stdout.split()
    manifest = _json(workdir / "out" / "evidence" / "manifest.json")
    members = [source["path"] for source in manifest["inputs"]["findings"]]
    assert manifest["inputs"]["archives"] == [{"path": name, "sha256": digest, "members": members}]
    assert members == [f"report.zip!/{f.name}" for f in sorted(EXAMPLE_SCAN.glob("prowler-output-*"))]
    assert verification["inputs"] == manifest["inputs"]
    with zipfile.ZipFile(workdir / "out" / "evidence.zip") as bundle:
        assert json.loads(bundle.read("evidence/manifest.json"))["inputs"]["archives"][0]["sha256"] == digest
