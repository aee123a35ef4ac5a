"""``poam closeout`` end to end on the built-in example (a recorded real Prowler scan), and ``closeout verify``."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import shutil
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from tests.support.cli import run_cli_streams
from tests.support.golden import GOLDEN_TOOL_VERSION
from verifier.errors import BundleInvalid, ExitCode, SchemaError
from verifier.inputs.poam import entry_objectives, load_poam
from verifier.model import Basis, EntryResult, ObjectiveResult, Verdict
from verifier.outputs.run import VerificationRun
from verifier.pipeline.closeout import CloseoutOptions, run_closeout, write_closeout
from verifier.pipeline.closeout_affirm import AffirmOptions, run_affirm
from verifier.pipeline.closeout_verify import verify_closeout
from verifier.pipeline.verify import VerifyOptions, build_run, run_verify

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_SCAN = REPO / "examples" / "prowler-output"
RECORDED_ON = date.fromisoformat((EXAMPLE_SCAN / "recorded-on.txt").read_text().strip())
CLOCK = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)
MET_AT_RECORDING = ("POAM-002", "POAM-003", "POAM-005", "POAM-006")
# The independent reader of the DoD Hashing Guide's log (closeout-facts.md).
LOG_ROW = re.compile(r"^SHA256\s+([A-Fa-f0-9]{64})\s+(.+)$")
NOT_IN_THE_LOG = {
    "CMMCAssessmentArtifacts.log",
    "CMMCAssessmentLogHash.log",
    "HashedArtifacts.zip",
    "closeout.md",
    "closeout.html",
    "assessment-results.xlsx",
}


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the repo's example inputs, so the paths in outputs are the documented defaults."""
    shutil.copy(REPO / "poam.json", tmp_path / "poam.json")
    shutil.copytree(REPO / "mappings", tmp_path / "mappings")
    shutil.copytree(EXAMPLE_SCAN, tmp_path / "examples" / "prowler-output")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _verify_options(**overrides: Any) -> VerifyOptions:
    values: dict[str, Any] = {
        "poam": Path("poam.json"),
        "mapping": Path("mappings/cmmc-l2-aws.json"),
        "findings": (Path("examples/prowler-output"),),
        "out": Path("closeout"),
        "as_of": RECORDED_ON,
        "tool_version": GOLDEN_TOOL_VERSION,
    }
    values.update(overrides)
    return VerifyOptions(**values)


def _affirm(when: datetime = CLOCK) -> None:
    run_affirm(
        AffirmOptions("Jordan Lee", "Chief Executive Officer", None, Path("poam.json")), clock=lambda: when
    )


def _only_met_entries(workdir: Path, *, operational: str | None = None) -> None:
    """Keep the entries MET at the recording (plus ``operational``, marked as an operational plan of action)."""
    document = json.loads((workdir / "poam.json").read_text(encoding="utf-8"))
    kept = []
    for entry in document["entries"]:
        if entry["id"] == operational:
            kept.append({**entry, "kind": "operational"})
        elif entry["id"] in MET_AT_RECORDING:
            kept.append(entry)
    document["entries"] = kept
    (workdir / "poam.json").write_text(json.dumps(document, indent=2), encoding="utf-8")


def _with_objectives(run: VerificationRun, verdict: Verdict = Verdict.MET) -> VerificationRun:
    """The run with each of every entry's own objectives judged ``verdict`` by its checks."""
    entries = {e.id: e for e in run.poam.poam.entries}

    def judged(result: EntryResult) -> EntryResult:
        objectives = tuple(
            ObjectiveResult(oid, verdict, Basis.CHECKS, result.reasons, tuple(result.checks))
            for oid in entry_objectives(entries[result.entry_id])
        )
        return dataclasses.replace(result, objectives=objectives)

    return dataclasses.replace(run, results=tuple(judged(r) for r in run.results))


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    return run_cli_streams(capsys, *args)


def _closeout_cli(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    return _cli(
        capsys,
        "closeout",
        "--poam",
        "poam.json",
        "--findings",
        "examples/prowler-output",
        "--as-of",
        RECORDED_ON.isoformat(),
        "--out",
        "closeout",
        *extra,
    )


# --- the package on the example --------------------------------------------------------------------


def test_a_draft_closeout_of_the_example_writes_the_package(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _closeout_cli(capsys, "--draft")
    assert code == ExitCode.OK
    package = workdir / "closeout"
    for name in (
        "evidence/manifest.json",
        "evidence/SHA256SUMS",
        "poam.json",
        "verification.json",
        "summary.md",
        "closeout-manifest.json",
        *NOT_IN_THE_LOG,
    ):
        assert (package / name).is_file(), name
    hash_value = hashlib.sha256((package / "CMMCAssessmentArtifacts.log").read_bytes()).hexdigest().upper()
    assert f"Hash Value: {hash_value}" in out
    assert hash_value in (package / "closeout.md").read_text(encoding="utf-8")
    assert hash_value in (package / "closeout.html").read_text(encoding="utf-8")


def test_every_summary_file_of_a_draft_says_draft(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _closeout_cli(capsys, "--draft")[0] == ExitCode.OK
    package = workdir / "closeout"
    assert "DRAFT" in (package / "closeout.md").read_text(encoding="utf-8").splitlines()[0]
    assert "DRAFT" in (package / "closeout.html").read_text(encoding="utf-8")
    manifest = json.loads((package / "closeout-manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "DRAFT" and manifest["draft"] is True
    sheet = openpyxl.load_workbook(package / "assessment-results.xlsx")["Assessment"]
    assert sheet["A1"].value == "Status" and sheet["A2"].value == "DRAFT"


def test_the_artifacts_log_is_the_hashing_guides_and_rehashes(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An independent check: parse the log as the Guide's readers do and re-hash every file."""
    assert _closeout_cli(capsys, "--draft")[0] == ExitCode.OK
    package = workdir / "closeout"
    data = (package / "CMMCAssessmentArtifacts.log").read_bytes()
    text = data.decode("ascii")  # ASCII, or this raises
    lines = text.split("\n")
    assert lines[0] == ""
    assert lines[1].split() == ["Algorithm", "Hash", "Path"]
    assert lines[2].split() == ["---------", "----", "----"]
    assert text.endswith("\n\n\n")  # trailing blank lines, as Out-File writes them
    rows = [LOG_ROW.match(line) for line in lines if line.startswith("SHA256")]
    listed = {m.group(2): m.group(1) for m in rows if m}
    assert len(listed) == len(rows)
    assert all(digest == digest.upper() for digest in listed.values())
    on_disk = {p.relative_to(package).as_posix() for p in package.rglob("*") if p.is_file()}
    assert set(listed) == on_disk - NOT_IN_THE_LOG
    for path, digest in listed.items():
        assert hashlib.sha256((package / path).read_bytes()).hexdigest().upper() == digest, path
    log_hash = [
        LOG_ROW.match(line) for line in (package / "CMMCAssessmentLogHash.log").read_text("ascii").split("\n")
    ]
    (only,) = [m for m in log_hash if m]
    assert only.group(2) == "CMMCAssessmentArtifacts.log"
    assert only.group(1) == hashlib.sha256(data).hexdigest().upper()


def test_the_retention_zip_holds_the_hashed_files_and_both_logs(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _closeout_cli(capsys, "--draft")[0] == ExitCode.OK
    package = workdir / "closeout"
    with zipfile.ZipFile(package / "HashedArtifacts.zip") as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    listed = {
        m.group(2)
        for line in (package / "CMMCAssessmentArtifacts.log").read_text("ascii").split("\n")
        if (m := LOG_ROW.match(line))
    }
    assert set(members) == listed | {"CMMCAssessmentArtifacts.log", "CMMCAssessmentLogHash.log"}
    assert all(members[name] == (package / name).read_bytes() for name in members)


def test_retain_until_is_six_years_after_the_closeout(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _closeout_cli(capsys, "--draft")[0] == ExitCode.OK
    package = workdir / "closeout"
    manifest = json.loads((package / "closeout-manifest.json").read_text(encoding="utf-8"))
    assert manifest["closeout_date"] == RECORDED_ON.isoformat()
    assert manifest["retain_until"] == RECORDED_ON.replace(year=RECORDED_ON.year + 6).isoformat()
    assert manifest["retain_until"] in (package / "closeout.md").read_text(encoding="utf-8")


def test_the_summary_has_the_window_the_scores_and_each_entrys_objectives(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _closeout_cli(capsys, "--draft")[0] == ExitCode.OK
    summary = (workdir / "closeout" / "closeout.md").read_text(encoding="utf-8")
    assert "2026-09-28" in summary  # the conditional status date
    assert "day 58 of 180 (deadline 2027-03-27)" in summary
    # POAM-002, -003, -005 and -006 are MET on every objective they are judged on: their practices count.
    assert "SPRS score**: before 102 of 110; after 106 of 110" in summary
    assert "### POAM-001 AU.L2-3.3.8: NOT_MET" in summary
    assert "| 3.3.8[a] | NOT_MET | check cloudtrail_kms_encryption_enabled |" in summary
    assert "| 3.3.9[b] | NOT_VERIFIED |" in summary
    assert "| 3.3.8[c] |" not in summary  # not among POAM-001's objectives
    assert "evidence/entries/POAM-001.json" in summary


def test_the_workbook_opens_in_openpyxl_and_pandas_with_110_requirements_and_320_objectives(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _closeout_cli(capsys, "--draft")[0] == ExitCode.OK
    path = workdir / "closeout" / "assessment-results.xlsx"
    assert openpyxl.load_workbook(path).sheetnames == ["Assessment", "Requirements", "Objectives", "SSP"]
    requirements = pd.read_excel(path, sheet_name="Requirements", dtype=str).fillna("")
    objectives = pd.read_excel(path, sheet_name="Objectives", dtype=str).fillna("")
    assert len(requirements) == 110 and len(objectives) == 320
    assert objectives["Objective ID"].is_unique
    by_id = requirements.set_index("CMMC ID")
    assert by_id.loc["AU.L2-3.3.8", "Determination"] == "Not Met"  # POAM-001 FAILs
    assert by_id.loc["AU.L2-3.3.8", "Current POA&M Status"] == "Open"
    assert by_id.loc["IA.L2-3.5.7", "Determination"] == "Met"  # POAM-002: its one objective, 3.5.7[c], MET
    assert by_id.loc["IA.L2-3.5.7", "Current POA&M Status"] == "Closed"
    assert by_id.loc["AU.L2-3.3.9", "Determination"] == "Not Met"  # POAM-007: 3.3.9[b] NOT_VERIFIED
    assert by_id.loc["AC.L2-3.1.1", "Determination"] == "Met"  # not on the POA&M: Met at the assessment
    assert by_id.loc["AC.L2-3.1.1", "Current POA&M Status"] == ""
    objective = objectives.set_index("Objective ID")
    assert objective.loc["3.3.8[a]", "Determination"] == "Not Met"
    assert objective.loc["3.3.8[a]", "Artifacts"] == "evidence/entries/POAM-001.json"
    assert objective.loc["3.1.1[a]", "Determination"] == "Met"


def test_the_package_has_verifys_verdicts_and_bundle_for_the_same_inputs(workdir: Path) -> None:
    outcome = run_closeout(CloseoutOptions(_verify_options(), draft=True), clock=lambda: CLOCK)
    verified = run_verify(_verify_options(out=Path("out")), clock=lambda: CLOCK)
    assert {e.entry.id: e.result.verdict for e in outcome.results.entries} == {
        r.entry_id: r.verdict for r in verified.run.results
    }
    package, out = _files(workdir / "closeout"), _files(workdir / "out")
    for name in ("verification.json", "summary.md", "poam.json", "evidence.zip"):
        assert package[name] == out[name], name
    bundle = {k: v for k, v in out.items() if k.startswith("evidence/")}
    assert bundle and all(package[k] == v for k, v in bundle.items())
    assert {k for k in package if k.startswith("evidence/")} == set(bundle)


# --- finalising once ---------------------------------------------------------------------------------


def test_a_not_met_entry_blocks_a_final_closeout_with_only_the_report_written(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _affirm()
    before = _files(workdir)
    code, _, err = _closeout_cli(capsys)
    assert code == ExitCode.GATE
    assert "finalising now would end Conditional status: POAM-001 is NOT_MET (" in err
    assert "closeout-blocked.md" in err
    after = _files(workdir)
    assert set(after) - set(before) == {"closeout-blocked.md"}
    assert all(after[name] == data for name, data in before.items())  # inputs untouched
    report = after["closeout-blocked.md"].decode("utf-8")
    assert "POAM-001 is NOT_MET" in report and "POAM-004 is NOT_MET" in report


def test_a_met_entry_without_objective_results_still_blocks(workdir: Path) -> None:
    """Fail closed: until an objective has a result it is NOT_VERIFIED, so its entry is not closed."""
    _only_met_entries(workdir)
    _affirm()
    options = CloseoutOptions(_verify_options())
    run = build_run(options.verify, lambda: CLOCK, None)
    assert all(r.verdict is Verdict.MET and r.objectives for r in run.results)
    unjudged = tuple(
        dataclasses.replace(r, objectives=()) if r.entry_id == "POAM-002" else r for r in run.results
    )
    outcome = write_closeout(dataclasses.replace(run, results=unjudged), options)
    assert outcome.report is not None and not (workdir / "closeout").exists()
    assert "POAM-002 objective 3.5.7[c] NOT_VERIFIED (no objective-level result)" in outcome.message


def test_the_met_entries_of_the_example_finalise_as_evaluated(workdir: Path) -> None:
    """Evaluation judges every objective: entries MET on each of their objectives close without help."""
    _only_met_entries(workdir)
    _affirm()
    outcome = run_closeout(CloseoutOptions(_verify_options()), clock=lambda: CLOCK)
    assert outcome.report is None and outcome.refused == ()
    assert (workdir / "closeout" / "CMMCAssessmentArtifacts.log").is_file()


def test_every_objective_met_and_an_affirmation_finalise_the_closeout(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _only_met_entries(workdir)
    _affirm()
    options = CloseoutOptions(_verify_options())
    run = _with_objectives(build_run(options.verify, lambda: CLOCK, None))
    outcome = write_closeout(run, options)
    assert outcome.report is None and outcome.refused == ()
    package = workdir / "closeout"
    summary = (package / "closeout.md").read_text(encoding="utf-8")
    assert "DRAFT" not in summary and "FINAL" in summary
    assert "before 106 of 110; after 110 of 110" in summary
    assert "Jordan Lee, Chief Executive Officer, on 2026-11-25" in summary
    requirements = pd.read_excel(package / "assessment-results.xlsx", sheet_name="Requirements", dtype=str)
    assert set(requirements["Determination"]) == {"Met"}
    assert json.loads((package / "affirmation.json").read_text(encoding="utf-8"))["by"] == "Jordan Lee"
    code, out, _ = _cli(capsys, "closeout", "verify", "closeout")
    assert code == ExitCode.OK and outcome.hash_value in out


def test_one_objective_not_met_blocks_even_when_the_entry_is_met(workdir: Path) -> None:
    _only_met_entries(workdir)
    _affirm()
    options = CloseoutOptions(_verify_options())
    run = _with_objectives(build_run(options.verify, lambda: CLOCK, None))
    first = run.results[0]
    broken = (dataclasses.replace(first.objectives[0], verdict=Verdict.NOT_MET), *first.objectives[1:])
    run = dataclasses.replace(run, results=(dataclasses.replace(first, objectives=broken), *run.results[1:]))
    outcome = write_closeout(run, options)
    assert outcome.report is not None
    assert f"{first.entry_id} objective {broken[0].objective_id} NOT_MET" in outcome.message


@pytest.mark.parametrize(
    ("affirmed_on", "why"),
    [
        (None, "no affirmation"),
        (datetime(2026, 9, 20, tzinfo=UTC), "before the window"),
        (datetime(2026, 11, 26, tzinfo=UTC), "after --as-of"),
    ],
)
def test_a_final_closeout_needs_an_affirmation_in_the_window(
    workdir: Path, affirmed_on: datetime | None, why: str
) -> None:
    _only_met_entries(workdir)
    if affirmed_on is not None:
        _affirm(affirmed_on)
    options = CloseoutOptions(_verify_options())
    outcome = write_closeout(_with_objectives(build_run(options.verify, lambda: CLOCK, None)), options)
    assert outcome.report is not None, why
    assert outcome.message.startswith("closeout refused: no affirmation dated after"), why
    assert outcome.refused == (
        "no affirmation dated after the conditional status date 2026-09-28 and on or before 2026-11-25 "
        "(record one: poam affirm --by NAME --title TITLE)",
    )
    assert not (workdir / "closeout").exists()


def test_an_operational_plan_of_action_never_blocks_the_closeout(workdir: Path) -> None:
    _only_met_entries(workdir, operational="POAM-001")  # NOT_MET, but not a POA&M item
    _affirm()
    options = CloseoutOptions(_verify_options())
    run = _with_objectives(build_run(options.verify, lambda: CLOCK, None))
    not_met = {r.entry_id: r.verdict for r in run.results}
    assert not_met["POAM-001"] is Verdict.NOT_MET
    outcome = write_closeout(run, options)
    assert outcome.refused == ()
    package = workdir / "closeout"
    requirements = pd.read_excel(
        package / "assessment-results.xlsx", sheet_name="Requirements", dtype=str
    ).fillna("")
    row = requirements.set_index("CMMC ID").loc["AU.L2-3.3.8"]
    assert row["Determination"] == "Met" and row["Operational Plan of Action"] == "POAM-001"
    written = json.loads((package / "poam.json").read_text(encoding="utf-8"))
    assert {e["id"]: e.get("kind") for e in written["entries"]}["POAM-001"] == "operational"


@pytest.mark.parametrize(
    ("kind", "loaded"), [(None, "poam"), ("poam", "poam"), ("operational", "operational")]
)
def test_the_poam_loader_reads_an_entrys_kind(workdir: Path, kind: str | None, loaded: str) -> None:
    document = json.loads((workdir / "poam.json").read_text(encoding="utf-8"))
    if kind is not None:
        document["entries"][0]["kind"] = kind
    (workdir / "poam.json").write_text(json.dumps(document), encoding="utf-8")
    assert load_poam(workdir / "poam.json").poam.entries[0].kind == loaded


def test_the_poam_schema_refuses_an_unknown_kind(workdir: Path) -> None:
    document = json.loads((workdir / "poam.json").read_text(encoding="utf-8"))
    document["entries"][0]["kind"] = "temporary"
    (workdir / "poam.json").write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(SchemaError, match="kind"):
        load_poam(workdir / "poam.json")


def test_the_out_folder_must_be_new_empty_or_a_package(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "closeout").mkdir()
    (workdir / "closeout" / "notes.txt").write_text("mine", encoding="utf-8")
    code, _, err = _closeout_cli(capsys, "--draft")
    assert code == ExitCode.USAGE and "closeout-manifest.json" in err
    assert (workdir / "closeout" / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_second_draft_replaces_the_package(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _closeout_cli(capsys, "--draft")[0] == ExitCode.OK
    assert _closeout_cli(capsys, "--draft")[0] == ExitCode.OK
    assert _cli(capsys, "closeout", "verify", "closeout")[0] == ExitCode.OK


# --- closeout verify ----------------------------------------------------------------------------------


@pytest.fixture
def package(workdir: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert _closeout_cli(capsys, "--draft")[0] == ExitCode.OK
    return workdir / "closeout"


@pytest.mark.parametrize("target", ["closeout", "closeout/HashedArtifacts.zip"])
def test_closeout_verify_accepts_the_package_and_its_zip(
    package: Path, capsys: pytest.CaptureFixture[str], target: str
) -> None:
    code, out, _ = _cli(capsys, "closeout", "verify", target)
    assert code == ExitCode.OK
    hash_value = hashlib.sha256((package / "CMMCAssessmentArtifacts.log").read_bytes()).hexdigest().upper()
    assert f"Hash Value {hash_value}" in out
    assert "every verdict reproduced" in out


@pytest.mark.parametrize("changed", ["poam.json", "evidence/entries/POAM-002.json", "closeout-manifest.json"])
def test_a_changed_artifact_fails_closeout_verify_naming_it(
    package: Path, capsys: pytest.CaptureFixture[str], changed: str
) -> None:
    (package / changed).write_bytes((package / changed).read_bytes() + b" ")
    code, _, err = _cli(capsys, "closeout", "verify", "closeout")
    assert code == ExitCode.GATE
    assert f"{changed}: SHA-256 differs from CMMCAssessmentArtifacts.log" in err


def test_a_changed_artifact_in_the_zip_fails_naming_it(package: Path) -> None:
    source = package / "HashedArtifacts.zip"
    forged = package.parent / "forged.zip"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(forged, "w") as copy:
        for name in original.namelist():
            data = original.read(name)
            copy.writestr(name, data + b" " if name == "verification.json" else data)
    with pytest.raises(BundleInvalid, match=r"^verification\.json: SHA-256 differs"):
        verify_closeout(forged)


def test_an_unlisted_or_missing_file_fails_closeout_verify(package: Path) -> None:
    (package / "extra.txt").write_text("slipped in", encoding="utf-8")
    with pytest.raises(BundleInvalid, match=r"^extra\.txt: in the package but not in"):
        verify_closeout(package)
    (package / "extra.txt").unlink()
    (package / "report.html").unlink()
    with pytest.raises(
        BundleInvalid, match=r"^report\.html: listed in CMMCAssessmentArtifacts\.log but missing"
    ):
        verify_closeout(package)


def test_a_rewritten_artifacts_log_fails_against_the_log_hash(package: Path) -> None:
    log = package / "CMMCAssessmentArtifacts.log"
    log.write_bytes(log.read_bytes() + b"\n")
    with pytest.raises(BundleInvalid, match="differs from CMMCAssessmentLogHash.log"):
        verify_closeout(package)


def test_a_broken_evidence_bundle_fails_closeout_verify(package: Path) -> None:
    """Logs rewritten to match a forged entry file still fail: bundle verify re-checks the evidence."""
    from verifier.outputs.hashing_log import render_log

    entry = package / "evidence" / "entries" / "POAM-001.json"
    assert b'"NOT_MET"' in entry.read_bytes()
    entry.write_bytes(entry.read_bytes().replace(b'"NOT_MET"', b'"MET"', 1))
    hashed = {k: v for k, v in _files(package).items() if k not in NOT_IN_THE_LOG}
    artifacts_log = render_log(hashed)
    (package / "CMMCAssessmentArtifacts.log").write_bytes(artifacts_log)
    (package / "CMMCAssessmentLogHash.log").write_bytes(
        render_log({"CMMCAssessmentArtifacts.log": artifacts_log})
    )
    (package / "HashedArtifacts.zip").unlink()  # else the retention copy gives the forgery away first
    with pytest.raises(BundleInvalid, match="POAM-001"):
        verify_closeout(package)


def test_a_signed_closeout_carries_the_signed_bundle(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from verifier.pipeline.bundle import SignatureStatus, verify_bundle
    from verifier.pipeline.keys import keygen

    pair = keygen(workdir / "signing")
    assert _closeout_cli(capsys, "--draft", "--sign-key", str(pair.private_key))[0] == ExitCode.OK
    report = verify_bundle(workdir / "closeout" / "evidence", pair.public_key)
    assert report.signature is SignatureStatus.VERIFIED
    assert _cli(capsys, "closeout", "verify", "closeout")[0] == ExitCode.OK


def test_a_failed_run_leaves_the_earlier_package_as_it_was(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _closeout_cli(capsys, "--draft")[0] == ExitCode.OK
    before = _files(workdir / "closeout")
    (workdir / "poam.json").write_text("{not json", encoding="utf-8")
    code, _, _ = _closeout_cli(capsys, "--draft")
    assert code == ExitCode.INVALID_INPUT
    assert _files(workdir / "closeout") == before
    assert not (workdir / "closeout-blocked.md").exists()
    assert sorted(p.name for p in workdir.iterdir()) == ["closeout", "examples", "mappings", "poam.json"]


def test_a_successful_run_removes_an_earlier_refusals_report(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _closeout_cli(capsys)[0] == ExitCode.GATE
    assert (workdir / "closeout-blocked.md").is_file()
    assert _closeout_cli(capsys, "--draft")[0] == ExitCode.OK
    assert not (workdir / "closeout-blocked.md").exists()


def test_the_assessment_option_overrides_the_poams_type(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _closeout_cli(capsys, "--draft", "--assessment", "SELF")[0] == ExitCode.OK
    manifest = json.loads((workdir / "closeout" / "closeout-manifest.json").read_text(encoding="utf-8"))
    assert manifest["assessment"] == "self"
    assert "SPRS" in (workdir / "closeout" / "closeout.md").read_text(encoding="utf-8")


def test_a_retention_zip_that_differs_from_the_folder_fails_closeout_verify(package: Path) -> None:
    source = package / "HashedArtifacts.zip"
    with zipfile.ZipFile(source) as original:
        members = {name: original.read(name) for name in original.namelist()}
    members["poam.json"] += b" "
    with zipfile.ZipFile(source, "w") as rewritten:
        for name, data in members.items():
            rewritten.writestr(name, data)
    with pytest.raises(BundleInvalid, match=r"^HashedArtifacts\.zip: its poam\.json differs"):
        verify_closeout(package)
