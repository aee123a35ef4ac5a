"""Supersession on real recorded scans: a bucket deleted between two ``poam scan`` runs (real Prowler, moto).

``older/`` found ``cui-logs`` FAIL and ``cui-data`` PASS; ``newer/`` ran after ``cui-logs`` was deleted and
found ``cui-data`` only. Both directories hold the scan's own ``scan-manifest.json``.
"""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.support.moto import aws_client
from tests.support.supersession import CHECK, DELETED_BUCKET, ENTRY, write_poam
from verifier.errors import VerifierError
from verifier.inputs.findings import load_findings
from verifier.outputs.reasons import rendered
from verifier.pipeline.bundle import read_bundle, reevaluate, verify_bundle
from verifier.pipeline.verify import VerifyOptions, VerifyOutcome, run_verify

HERE = Path(__file__).resolve().parents[2] / "fixtures" / "supersession"
OLDER, NEWER = HERE / "older", HERE / "newer"
REPO = Path(__file__).resolve().parents[3]
MANIFEST = "scan-manifest.json"


def _as_of() -> date:
    return datetime.fromisoformat(json.loads((NEWER / MANIFEST).read_text())["ended"]).date()


def _verify(tmp_path: Path, *findings: Path | str) -> VerifyOutcome:
    tmp_path.mkdir(parents=True, exist_ok=True)
    poam = tmp_path / "poam.json"
    write_poam(poam)
    options = VerifyOptions(
        poam=poam,
        mapping=REPO / "mappings" / "cmmc-l2-aws.json",
        findings=tuple(findings),
        out=tmp_path / "out",
        as_of=_as_of(),
    )
    return run_verify(options, clock=lambda: datetime(2026, 12, 31, tzinfo=UTC))


def _result(outcome: VerifyOutcome) -> Any:
    (result,) = [r for r in outcome.run.results if r.entry_id == ENTRY]
    return result


def test_a_deleted_resource_is_resolved_by_removal(tmp_path: Path) -> None:
    outcome = _verify(tmp_path, OLDER, NEWER)
    result = _result(outcome)
    assert result.verdict.value == "MET", rendered(result)
    (removal,) = [r for r in rendered(result) if "resolved by removal" in r]
    older_time = datetime.fromtimestamp(
        json.loads((OLDER / "prowler-output-default.ocsf.json").read_text())[0]["time"], UTC
    )
    newer_start = json.loads((NEWER / MANIFEST).read_text())["started"]
    assert f"arn:aws:s3:::{DELETED_BUCKET}" in removal
    assert str(OLDER / "prowler-output-default.ocsf.json") in removal and older_time.isoformat() in removal
    assert str(NEWER / MANIFEST) in removal and str(NEWER / "prowler-output-default.ocsf.json") in removal
    assert newer_start.replace("Z", "+00:00") in removal
    # The evidence shows the superseded FAIL and the scan that superseded it.
    entry = json.loads((tmp_path / "out" / "evidence" / "entries" / f"{ENTRY}.json").read_text())
    gone = [s for s in entry["superseded"] if s["resolved_by_removal"]]
    assert [(s["resource_uid"], s["status"]) for s in gone] == [(f"arn:aws:s3:::{DELETED_BUCKET}", "FAIL")]
    assert gone[0]["superseded_by"]["source"] == str(NEWER / MANIFEST)
    assert [f["status"] for f in entry["findings"]] == ["PASS"]


def test_the_older_scan_alone_stays_not_met(tmp_path: Path) -> None:
    assert _result(_verify(tmp_path, OLDER)).verdict.value == "NOT_MET"


def test_order_of_the_scans_does_not_matter(tmp_path: Path) -> None:
    forward = _result(_verify(tmp_path / "a", OLDER, NEWER))
    backward = _result(_verify(tmp_path / "b", NEWER, OLDER))
    assert (forward.verdict, rendered(forward)) == (backward.verdict, rendered(backward))


def _copy_newer(tmp_path: Path, **manifest_changes: Any) -> Path:
    newer = tmp_path / "newer"
    shutil.copytree(NEWER, newer)
    manifest = json.loads((newer / MANIFEST).read_text())
    manifest.update(manifest_changes)
    (newer / MANIFEST).write_text(json.dumps(manifest))
    return newer


def test_a_newer_scan_that_failed_covers_nothing(tmp_path: Path) -> None:
    newer = _copy_newer(tmp_path, status="failed", exit_status=1, error="prowler exited 1")
    result = _result(_verify(tmp_path, OLDER, newer))
    assert result.verdict.value == "NOT_MET"
    assert not any("resolved by removal" in r for r in rendered(result))


def test_a_manifest_that_ran_the_check_covers_it_even_with_no_findings(tmp_path: Path) -> None:
    # Every bucket gone: Prowler reports nothing for the check and writes no findings file.
    newer = _copy_newer(tmp_path, account="123456789012", outputs={})
    for output in newer.glob("prowler-output-*"):
        output.unlink()
    result = _result(_verify(tmp_path, OLDER, newer))
    # The FAIL is retired, but nothing proves the check passes: absence is not evidence.
    assert result.verdict.value == "NOT_VERIFIED"
    assert any("resolved by removal" in r for r in rendered(result))


def test_a_manifest_whose_written_files_are_gone_proves_no_removal(tmp_path: Path) -> None:
    # The scan wrote findings files; with them deleted and the manifest kept, nothing shows what it found.
    newer = _copy_newer(tmp_path, account="123456789012")
    for output in newer.glob("prowler-output-*"):
        output.unlink()
    result = _result(_verify(tmp_path, OLDER, newer))
    assert result.verdict.value == "NOT_VERIFIED", rendered(result)
    assert not any("resolved by removal" in r for r in rendered(result))
    (unproven,) = [r for r in rendered(result) if "cannot prove it complete" in r]
    assert (
        "none of the files its scan wrote (prowler-output-default.csv, prowler-output-default.ocsf.json)"
        in unproven
    )


def test_a_manifest_without_account_or_findings_covers_nothing(tmp_path: Path) -> None:
    # The runner's own credentials: which account it scanned is known only from findings, and there are none.
    newer = _copy_newer(tmp_path, account=None)
    for output in newer.glob("prowler-output-*"):
        output.unlink()
    assert _result(_verify(tmp_path, OLDER, newer)).verdict.value == "NOT_MET"


def test_a_newer_scan_of_another_check_does_not_cover_this_one(tmp_path: Path) -> None:
    newer = _copy_newer(tmp_path, checks=["s3_bucket_public_access"])
    for output in newer.glob("prowler-output-*"):
        output.unlink()
    assert _result(_verify(tmp_path, OLDER, newer)).verdict.value == "NOT_MET"


def test_a_newer_scan_of_another_region_does_not_cover_this_one(tmp_path: Path) -> None:
    newer = _copy_newer(tmp_path, regions=["eu-west-1"], account="123456789012")
    for output in newer.glob("prowler-output-*"):
        output.unlink()
    assert _result(_verify(tmp_path, OLDER, newer)).verdict.value == "NOT_MET"


def _findings_only(tmp_path: Path) -> Path:
    """The newer scan's findings without its manifest: what ``prowler --status PASS``, ``--resource-arn
    arn:aws:s3:::cui-data`` or a hand-trimmed copy of the older scan would leave."""
    newer = tmp_path / "findings-only"
    newer.mkdir(parents=True)
    for output in NEWER.glob("prowler-output-*"):
        shutil.copy(output, newer / output.name)
    return newer


def _rendered(tmp_path: Path) -> tuple[list[str], str, dict[str, Any]]:
    """The entry's reasons in verification.json, the summary, and the entry's evidence file."""
    (entry,) = json.loads((tmp_path / "out" / "verification.json").read_text())["entries"]
    summary = (tmp_path / "out" / "summary.md").read_text()
    evidence = json.loads((tmp_path / "out" / "evidence" / "entries" / f"{ENTRY}.json").read_text())
    return entry["reasons"], summary, evidence


def test_a_newer_scan_without_its_manifest_cannot_prove_a_removal(tmp_path: Path) -> None:
    newer = _findings_only(tmp_path)
    result = _result(_verify(tmp_path, OLDER, newer))
    assert result.verdict.value == "NOT_VERIFIED", rendered(result)
    assert not any("resolved by removal" in r for r in rendered(result))
    (unproven,) = [r for r in rendered(result) if "cannot prove it complete" in r]
    assert f"arn:aws:s3:::{DELETED_BUCKET}" in unproven and unproven.endswith("rescan with `poam scan`")
    assert str(OLDER / "prowler-output-default.ocsf.json") in unproven  # the scan that found the FAIL
    assert f"newer scan {newer}/prowler-output-default." in unproven  # and the one silent on it (CSV or OCSF)
    # Every output says the same.
    reasons, summary, evidence = _rendered(tmp_path)
    assert reasons == list(rendered(result))
    # The summary's table escapes Markdown and shortens a long reason.
    assert f"{DELETED_BUCKET} \\[" in summary and "is not reported by the newer scan" in summary
    assert unproven in evidence["reasons"] and evidence["verdict"] == "NOT_VERIFIED"
    (set_aside,) = [s for s in evidence["superseded"] if s["status"] == "FAIL"]
    assert set_aside["resolved_by_removal"] is False
    assert set_aside["outcome"] == "not_reported_by_incomplete_scan"
    assert set_aside["superseded_by"]["complete"] is False
    # The bundle re-derives the same verdict: the unproven FAIL is recorded, and judged again.
    report = verify_bundle(tmp_path / "out" / "evidence", None)
    assert report.verdicts == ((ENTRY, result.verdict),)
    # Dropping it from the evidence would re-evaluate to MET: the bundle no longer matches its verdict.
    evidence["superseded"] = [s for s in evidence["superseded"] if s["status"] != "FAIL"]
    tampered = {**read_bundle(tmp_path / "out" / "evidence")}
    tampered[f"entries/{ENTRY}.json"] = json.dumps(evidence).encode()
    with pytest.raises(VerifierError, match="re-evaluate to MET"):
        reevaluate(tampered)


def test_a_newer_scan_without_a_manifest_still_replaces_the_results_it_reports(tmp_path: Path) -> None:
    # cui-data is in both scans: its older PASS gives way to the newer one, manifest or not.
    result = _result(_verify(tmp_path, OLDER, _findings_only(tmp_path)))
    rescanned = [s for s in result.superseded if s.outcome.value == "rescanned"]
    assert [s.finding.resource_uid for s in rescanned] == ["arn:aws:s3:::cui-data"] * len(rescanned)
    assert rescanned and all(s.finding.status.value == "PASS" for s in rescanned)


@pytest.mark.parametrize(
    "flags",
    [
        ["--status", "PASS"],
        ["--resource-arn", "arn:aws:s3:::cui-data"],
        ["--resource-tag", "Environment=prod"],
        ["--excluded-service", "s3"],
        ["--severity", "critical", "high"],
    ],
)
def test_a_newer_scan_run_with_a_filter_cannot_prove_a_removal(tmp_path: Path, flags: list[str]) -> None:
    recorded = json.loads((NEWER / MANIFEST).read_text())["prowler_args"]
    newer = _copy_newer(tmp_path, prowler_args=[*recorded, *flags])
    result = _result(_verify(tmp_path, OLDER, newer))
    assert result.verdict.value == "NOT_VERIFIED", rendered(result)
    (unproven,) = [r for r in rendered(result) if "cannot prove it complete" in r]
    assert f"its Prowler arguments include {flags[0]}" in unproven and str(newer / MANIFEST) in unproven


@pytest.mark.parametrize("edit", ["reformatted", "appended"])
def test_an_output_file_changed_beside_its_manifest_proves_nothing(tmp_path: Path, edit: str) -> None:
    # The manifest is poam scan's own, but a file beside it is no longer what that scan wrote (a
    # hand-trimmed copy, or another Prowler run into the same folder).
    newer = _copy_newer(tmp_path)
    ocsf = newer / "prowler-output-default.ocsf.json"
    document = json.loads(ocsf.read_text())
    ocsf.write_text(json.dumps(document) if edit == "reformatted" else ocsf.read_text() + "\n")
    result = _result(_verify(tmp_path, OLDER, newer))
    assert result.verdict.value == "NOT_VERIFIED", rendered(result)
    (unproven,) = [r for r in rendered(result) if "cannot prove it complete" in r]
    assert "prowler-output-default.ocsf.json, which is not a file its scan wrote" in unproven


@pytest.mark.parametrize("recorded", ["null", "absent"])
def test_a_manifest_without_recorded_arguments_proves_nothing(tmp_path: Path, recorded: str) -> None:
    newer = _copy_newer(tmp_path, prowler_args=None)
    if recorded == "absent":  # as poam scan wrote it before the arguments were recorded
        manifest = json.loads((newer / MANIFEST).read_text())
        del manifest["prowler_args"]
        (newer / MANIFEST).write_text(json.dumps(manifest))
    result = _result(_verify(tmp_path, OLDER, newer))
    assert result.verdict.value == "NOT_VERIFIED", rendered(result)
    assert any("records no Prowler arguments" in r for r in rendered(result))


def test_a_malformed_manifest_is_invalid_input(tmp_path: Path) -> None:
    from verifier.errors import InputError

    newer = _copy_newer(tmp_path, status="maybe")
    with pytest.raises(InputError, match=r"scan-manifest.json: schema violation at /status"):
        load_findings([OLDER, newer])


def _zip_of(*directories: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for directory in directories:
            for file in sorted(directory.iterdir()):
                if file.is_file():
                    archive.write(file, f"{directory.name}/{file.name}")
    return buffer.getvalue()


def test_a_zip_of_both_scans_reads_its_manifests_too(tmp_path: Path) -> None:
    report = tmp_path / "scans.zip"
    report.write_bytes(_zip_of(OLDER, NEWER))
    result = _result(_verify(tmp_path, report))
    assert result.verdict.value == "MET"
    assert any(f"{report}!/newer/{MANIFEST}" in r for r in rendered(result) if "resolved by removal" in r)


def test_an_s3_prefix_of_nightly_scans_reads_its_manifests_too(moto_aws: str, tmp_path: Path) -> None:
    client = aws_client(moto_aws, "s3")
    client.create_bucket(Bucket="nightly")
    for directory in (OLDER, NEWER):
        for file in directory.iterdir():
            if file.is_file():
                client.put_object(
                    Bucket="nightly", Key=f"scans/{directory.name}/{file.name}", Body=file.read_bytes()
                )
    result = _result(_verify(tmp_path, "s3://nightly/scans/"))
    assert result.verdict.value == "MET"
    loaded = load_findings(["s3://nightly/scans/"])
    assert [m.location for m in loaded.manifests] == [
        f"s3://nightly/scans/{name}/{MANIFEST}" for name in ("newer", "older")
    ]
    assert [s.finding.check_id for s in loaded.superseded if s.removed] == [CHECK]


def test_nightly_zips_under_an_s3_prefix_read_their_manifests_too(moto_aws: str, tmp_path: Path) -> None:
    client = aws_client(moto_aws, "s3")
    client.create_bucket(Bucket="nightly")
    for directory in (OLDER, NEWER):
        client.put_object(Bucket="nightly", Key=f"app/{directory.name}/report.zip", Body=_zip_of(directory))
    result = _result(_verify(tmp_path, "s3://nightly/app/"))
    assert result.verdict.value == "MET", rendered(result)
    newer_manifest = f"s3://nightly/app/newer/report.zip!/newer/{MANIFEST}"
    assert any(newer_manifest in r for r in rendered(result) if "resolved by removal" in r)
    loaded = load_findings(["s3://nightly/app/"])
    assert [m.location for m in loaded.manifests] == [
        newer_manifest,
        f"s3://nightly/app/older/report.zip!/older/{MANIFEST}",
    ]
