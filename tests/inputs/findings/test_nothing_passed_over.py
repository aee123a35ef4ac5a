"""Nothing that could be a Prowler output is passed over in a findings folder, and a location that holds
none is refused: skipping an unreadable output could hide a FAIL, and an empty folder is not a scan."""

from __future__ import annotations

import io
import json
import os
import shutil
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.inputs.findings.recorded import PLAIN_ASFF, PLAIN_CSV, PLAIN_OCSF, PROWLER
from tests.support.moto import aws_client
from verifier.errors import EnvError, ExitCode, FindingsFormatError
from verifier.inputs.findings import load as findings_load
from verifier.inputs.findings import load_findings
from verifier.inputs.findings.findings_set import Skipped
from verifier.pipeline.verify import VerifyOptions, run_verify

REPO = Path(__file__).resolve().parents[3]
EXAMPLE_SCAN = REPO / "examples" / "prowler-output"
BUCKET = "scan-results"


@pytest.fixture
def scan(tmp_path: Path) -> Path:
    """A findings folder holding one recorded output."""
    folder = tmp_path / "scan"
    folder.mkdir()
    shutil.copyfile(PLAIN_OCSF, folder / PLAIN_OCSF.name)
    return folder


@pytest.mark.parametrize(
    "name",
    ["old.ocsf.json", "old.csv", "old.asff.json.gz", "report.zip", "SHOUTED.OCSF.JSON", "scan-manifest.json"],
)
def test_a_dangling_link_named_like_output_is_an_error(scan: Path, name: str) -> None:
    (scan / "nested").mkdir()
    (scan / "nested" / name).symlink_to("gone.ocsf.json")
    with pytest.raises(EnvError, match=rf"nested/{name}: a dangling symbolic link") as caught:
        load_findings([scan])
    assert caught.value.exit_code == ExitCode.ENVIRONMENT


def test_a_link_loop_a_fifo_or_a_device_named_like_output_is_an_error(scan: Path) -> None:
    loop = scan / "loop.ocsf.json"
    loop.symlink_to(loop.name)
    with pytest.raises(EnvError, match=r"loop\.ocsf\.json: a symbolic link loop"):
        load_findings([scan])
    loop.unlink()
    os.mkfifo(scan / "pipe.csv")
    with pytest.raises(EnvError, match=r"pipe\.csv: a named pipe, not a regular file"):
        load_findings([scan])
    (scan / "pipe.csv").unlink()
    (scan / "null.asff.json").symlink_to(os.devnull)
    with pytest.raises(EnvError, match=r"null\.asff\.json: a device, not a regular file"):
        load_findings([scan])


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode")
def test_an_unreadable_file_named_like_output_is_an_error(scan: Path) -> None:
    locked = scan / "locked.ocsf.json"
    shutil.copyfile(PLAIN_OCSF, locked)
    locked.chmod(0)
    with pytest.raises(EnvError, match=r"locked\.ocsf\.json"):
        load_findings([scan])


def test_other_entries_that_are_not_regular_files_are_listed_as_skipped(scan: Path) -> None:
    os.mkfifo(scan / "notes.pipe")
    (scan / "latest").symlink_to("gone")
    (scan / "self").symlink_to("self")
    found = load_findings([scan])
    assert [Path(f.path).name for f in found.files] == [PLAIN_OCSF.name]
    assert found.skipped == (
        Skipped(str(scan / "latest"), "a dangling symbolic link"),
        Skipped(str(scan / "notes.pipe"), "a named pipe"),
        Skipped(str(scan / "self"), "a symbolic link loop (Too many levels of symbolic links)"),
    )


def test_the_evidence_manifest_lists_what_was_skipped(tmp_path: Path) -> None:
    scan = tmp_path / "scan"
    shutil.copytree(EXAMPLE_SCAN, scan)
    os.mkfifo(scan / "notes.pipe")
    shutil.copyfile(REPO / "poam.json", tmp_path / "poam.json")
    options = VerifyOptions(
        poam=tmp_path / "poam.json",
        mapping=REPO / "mappings" / "cmmc-l2-aws.json",
        findings=(scan,),
        out=tmp_path / "out",
        as_of=date.fromisoformat((EXAMPLE_SCAN / "recorded-on.txt").read_text().strip()),
    )
    run_verify(options, clock=lambda: datetime(2026, 12, 31, tzinfo=UTC))
    manifest = json.loads((tmp_path / "out" / "evidence" / "manifest.json").read_text())
    assert manifest["skipped"] == [{"path": str(scan / "notes.pipe"), "reason": "a named pipe"}]


# --- a location with no Prowler output ------------------------------------------------------------------


def test_every_recorded_scan_folder_holds_output() -> None:
    # Prowler writes an output file for every scan, so refusing a folder without one hides no real scan.
    folders = [EXAMPLE_SCAN, *(p for p in PROWLER.rglob("*") if p.is_dir() and p.name != "compliance")]
    for folder in folders:
        assert load_findings([folder]).files, folder


def test_a_zip_without_prowler_output_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "report.zip"
    with zipfile.ZipFile(archive, "w") as written:
        written.writestr("report.html", "<html></html>")
    with pytest.raises(FindingsFormatError, match=r"report\.zip: no Prowler output found"):
        load_findings([archive])


def test_a_folder_whose_only_zip_holds_no_output_is_refused(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "photos.zip", "w") as written:
        written.writestr("photo.txt", "not a scan")
    with pytest.raises(FindingsFormatError, match="no Prowler output found"):
        load_findings([tmp_path])
    with zipfile.ZipFile(tmp_path / "report.zip", "w") as written:
        written.write(PLAIN_CSV, PLAIN_CSV.name)
    assert [f.format for f in load_findings([tmp_path]).files] == ["csv"]


def test_a_folder_reached_twice_still_counts_its_output(scan: Path, tmp_path: Path) -> None:
    (tmp_path / "alias").symlink_to(scan)
    assert len(load_findings([scan, tmp_path / "alias"]).files) == 1


def _bucket(moto_aws: str, objects: dict[str, bytes]) -> Any:
    client = aws_client(moto_aws, "s3")
    client.create_bucket(Bucket=BUCKET)
    for key, body in objects.items():
        client.put_object(Bucket=BUCKET, Key=key, Body=body)
    return client


def test_an_s3_prefix_without_prowler_output_is_refused(moto_aws: str) -> None:
    _bucket(moto_aws, {"notes/readme.txt": b"notes", "scans/plain.asff.json": PLAIN_ASFF.read_bytes()})
    with pytest.raises(FindingsFormatError, match=rf"s3://{BUCKET}/notes/?: no Prowler output found"):
        load_findings([f"s3://{BUCKET}/notes/"])
    with pytest.raises(FindingsFormatError, match="no Prowler output found"):
        load_findings([f"s3://{BUCKET}/scans/", f"s3://{BUCKET}/notes"])
    assert len(load_findings([f"s3://{BUCKET}/scans"]).files) == 1


def test_an_s3_zip_holding_output_counts_for_its_prefix(moto_aws: str) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as written:
        written.write(PLAIN_OCSF, PLAIN_OCSF.name)
    _bucket(moto_aws, {"tenant/scan/report.zip": buffer.getvalue()})
    assert [f.format for f in load_findings([f"s3://{BUCKET}/tenant/"]).files] == ["ocsf"]


@pytest.mark.parametrize("name", ["SCAN.OCSF.JSON", "scan.ocsf.json.GZ", "Scan.Csv"])
def test_an_output_named_in_another_case_is_refused_not_passed_over(scan: Path, name: str) -> None:
    shutil.copyfile(PLAIN_CSV, scan / name)
    with pytest.raises(FindingsFormatError, match="named like a Prowler output in another case"):
        load_findings([scan])


def test_other_names_in_another_case_are_still_passed_over(scan: Path) -> None:
    (scan / "photos.GZ").write_bytes(b"not a scan")
    (scan / "README.TXT").write_text("notes", encoding="utf-8")
    assert len(load_findings([scan]).files) == 1


def test_an_output_named_in_another_case_in_a_zip_or_s3_is_refused(tmp_path: Path, moto_aws: str) -> None:
    archive = tmp_path / "report.zip"
    with zipfile.ZipFile(archive, "w") as written:
        written.write(PLAIN_OCSF, PLAIN_OCSF.name)
        written.write(PLAIN_CSV, "PLAIN.CSV")
    with pytest.raises(FindingsFormatError, match=r"PLAIN\.CSV: named like a Prowler output in another case"):
        load_findings([archive])
    _bucket(
        moto_aws,
        {"scans/plain.ocsf.json": PLAIN_OCSF.read_bytes(), "scans/PLAIN.CSV": PLAIN_CSV.read_bytes()},
    )
    with pytest.raises(FindingsFormatError, match=r"PLAIN\.CSV: named like a Prowler output in another case"):
        load_findings([f"s3://{BUCKET}/scans/"])


def test_a_folder_without_output_is_refused_before_any_other_location_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "empty").mkdir()
    read: list[str] = []
    monkeypatch.setattr(findings_load, "read_rows", lambda candidate: read.append(str(candidate.path)))
    with pytest.raises(FindingsFormatError, match="empty: no Prowler output found"):
        load_findings([PLAIN_OCSF, tmp_path / "empty"], jobs=1)
    assert read == []
