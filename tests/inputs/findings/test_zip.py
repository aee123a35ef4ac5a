"""``--findings report.zip``: Prowler App's report layout or any zip of outputs, read in memory; hostile zips refused."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import stat
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.inputs.findings.recorded import signatures
from tests.support.cli import run_cli
from tests.support.moto import aws_client
from tests.support.poam import poam_copy
from verifier.errors import ExitCode, FindingsFormatError
from verifier.inputs.findings import FindingsSet, load_findings
from verifier.inputs.findings import archives as zip_source
from verifier.inputs.findings.archives import HostileZip
from verifier.inputs.findings.findings_set import Container

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "prowler"
PLAIN = FIXTURES / "plain"
CMMC = FIXTURES / "cmmc"
STAMP = "123456789012-20261201120000"


def _zip(members: dict[str, bytes], *, links: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if name in links:
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def _prowler_app_report() -> dict[str, bytes]:
    """The members of ``GET /api/v1/scans/{id}/report``: outputs at the root, ``compliance/`` beside them."""
    return {
        f"prowler-output-{STAMP}.csv": (PLAIN / "plain.csv").read_bytes(),
        f"prowler-output-{STAMP}.ocsf.json": (PLAIN / "plain.ocsf.json").read_bytes(),
        f"prowler-output-{STAMP}.html": b"<html></html>",
        f"compliance/prowler-output-{STAMP}_cmmc_2.0.csv": (
            CMMC / "compliance" / "cmmc_cmmc_2.0.csv"
        ).read_bytes(),
        f"compliance/prowler-output-{STAMP}_cmmc_2.0.ocsf.json": b'[{"class_uid": 2003}]',
    }


def test_a_prowler_app_report_reads_like_its_files(tmp_path: Path) -> None:
    report = tmp_path / "report.zip"
    report.write_bytes(_zip(_prowler_app_report()))
    loaded = load_findings([report])
    names = [f.path.removeprefix(f"{report}!/") for f in loaded.files]
    # The HTML and the OCSF compliance copy are passed over, as in a directory.
    assert names == [
        f"compliance/prowler-output-{STAMP}_cmmc_2.0.csv",
        f"prowler-output-{STAMP}.csv",
        f"prowler-output-{STAMP}.ocsf.json",
    ]
    # The compliance CSV here comes from a later recorded scan, which supersedes what it covered.
    every = [*loaded.findings, *(s.finding for s in loaded.superseded)]
    plain = [f for f in every if f.source_file.endswith((".ocsf.json", f"{STAMP}.csv"))]
    assert signatures(plain) == signatures(load_findings([PLAIN / "plain.ocsf.json"]).findings)


def test_one_scan_saved_in_three_formats_counts_once_in_a_zip_as_in_a_folder(tmp_path: Path) -> None:
    """A zip's members are files like a folder's: a result repeated across them is kept once."""
    example = Path(__file__).resolve().parents[3] / "examples" / "prowler-output"
    outputs = sorted(example.glob("prowler-output-*"))
    report = tmp_path / "report.zip"
    report.write_bytes(_zip({f.name: f.read_bytes() for f in outputs}))

    zipped, folder = load_findings([report]), load_findings([example])

    def plain(loaded: FindingsSet) -> list[tuple[str, ...]]:
        return sorted(
            (f.check_id, f.resource_uid, f.status.value, Path(f.source_file).name) for f in loaded.findings
        )

    assert len(outputs) == 3
    assert plain(zipped) == plain(folder)
    assert zipped.count == folder.count


def test_a_report_downloaded_into_a_folder_is_read_with_the_folder(tmp_path: Path) -> None:
    """``--findings downloads/`` reads the zip inside it as ``--findings downloads/…/report.zip`` would."""
    folder = tmp_path / "downloads"
    (folder / "scan-1").mkdir(parents=True)
    report = folder / "scan-1" / "report.zip"
    report.write_bytes(_zip(_prowler_app_report()))
    (folder / "notes.txt").write_text("not a Prowler output", encoding="utf-8")

    with_folder, alone = load_findings([folder]), load_findings([report])

    assert with_folder.files == alone.files
    assert all(f.container is not None for f in with_folder.files)
    assert with_folder.findings == alone.findings
    assert with_folder.superseded == alone.superseded


def test_nothing_is_extracted_to_disk(tmp_path: Path) -> None:
    report = tmp_path / "report.zip"
    report.write_bytes(_zip(_prowler_app_report()))
    load_findings([report])
    assert [p.name for p in tmp_path.iterdir()] == ["report.zip"]


HOSTILE = [
    ({"../evil.ocsf.json": b"[]"}, (), "escapes the archive"),
    ({"a/../../evil.csv": b""}, (), "escapes the archive"),
    ({"/etc/evil.ocsf.json": b"[]"}, (), "absolute path"),
    ({"C:/evil.ocsf.json": b"[]"}, (), "absolute path"),
    ({"dir\\evil.ocsf.json": b"[]"}, (), "backslash"),
    ({"link.ocsf.json": b"/etc/passwd"}, ("link.ocsf.json",), "symbolic link"),
    ({"bomb.ocsf.json": b"\0" * (20 * 1024 * 1024)}, (), "zip bomb"),
]


@pytest.mark.parametrize(("members", "links", "message"), HOSTILE)
def test_hostile_zips_are_refused_with_exit_3(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    members: dict[str, bytes],
    links: tuple[str, ...],
    message: str,
) -> None:
    report = tmp_path / "report.zip"
    report.write_bytes(_zip(members, links=links))
    with pytest.raises(HostileZip, match=message):
        load_findings([report])
    code, _ = run_cli(capsys, "verify", "--findings", str(report), "--out", str(tmp_path / "out"))
    assert code == ExitCode.INVALID_INPUT
    assert not (tmp_path / "out").exists()


def test_a_zip_past_the_total_size_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        zip_source, "ZIP_LIMITS", dataclasses.replace(zip_source.ZIP_LIMITS, total_bytes=1000)
    )
    report = tmp_path / "report.zip"
    report.write_bytes(_zip({"a.ocsf.json": (PLAIN / "plain.ocsf.json").read_bytes()}))
    with pytest.raises(HostileZip, match="more than 1000"):
        load_findings([report])


def test_a_member_named_twice_is_refused(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive, pytest.warns(UserWarning):
        archive.writestr("a.ocsf.json", b"[]")
        archive.writestr("a.ocsf.json", b"[]")
    report = tmp_path / "report.zip"
    report.write_bytes(buffer.getvalue())
    with pytest.raises(HostileZip, match="appears twice"):
        load_findings([report])


def test_not_a_zip_is_a_format_error(tmp_path: Path) -> None:
    report = tmp_path / "report.zip"
    report.write_bytes(b"not a zip")
    with pytest.raises(FindingsFormatError, match="not a valid zip file"):
        load_findings([report])


def test_a_bad_output_inside_names_the_member(tmp_path: Path) -> None:
    report = tmp_path / "report.zip"
    report.write_bytes(_zip({"scan/x.ocsf.json": b"[{]"}))
    with pytest.raises(FindingsFormatError, match=r"report\.zip!/scan/x\.ocsf\.json: not valid JSON"):
        load_findings([report])


# --- the same zips stored in S3 (Prowler App keeps each report as <tenant>/<scan>/prowler-output-….zip) ---

BUCKET = "prowler-app-outputs"
REPORT_KEY = f"tenant-1/scan-1/prowler-output-{STAMP}.zip"
REPORT_URL = f"s3://{BUCKET}/{REPORT_KEY}"


def _bucket(endpoint: str, objects: dict[str, bytes]) -> Any:
    client = aws_client(endpoint, "s3")
    client.create_bucket(Bucket=BUCKET)
    for key, body in objects.items():
        client.put_object(Bucket=BUCKET, Key=key, Body=body)
    return client


def _members(loaded: FindingsSet, zip_name: str) -> list[tuple[str, str, str, int]]:
    return [(f.path.removeprefix(f"{zip_name}!/"), f.sha256, f.format, f.findings) for f in loaded.files]


@pytest.mark.parametrize("location", [f"s3://{BUCKET}/tenant-1/", REPORT_URL])
def test_a_prowler_app_report_in_s3_reads_like_the_local_zip(
    moto_aws: str, tmp_path: Path, location: str
) -> None:
    body = _zip(_prowler_app_report())
    report = tmp_path / "report.zip"
    report.write_bytes(body)
    _bucket(moto_aws, {REPORT_KEY: body, "tenant-1/scan-1/notes.txt": b"not a Prowler output"})
    local, remote = load_findings([report]), load_findings([location])
    assert _members(remote, REPORT_URL) == _members(local, str(report))
    assert all(f.path.startswith(f"{REPORT_URL}!/") for f in remote.files)
    assert signatures(remote.findings) == signatures(local.findings)
    assert signatures(s.finding for s in remote.superseded) == signatures(s.finding for s in local.superseded)
    digest = hashlib.sha256(body).hexdigest()
    assert {f.container for f in remote.files} == {Container(REPORT_URL, digest)}
    assert {f.container for f in local.files} == {Container(str(report), digest)}
    assert remote.source_errors == ()


def test_prowler_apps_own_s3_layout_reads_like_its_report(moto_aws: str) -> None:
    """Prowler App's output bucket keeps the report zip and, beside it, ``compliance/`` with the same CSV."""
    members = _prowler_app_report()
    compliance = next(name for name in members if name.endswith("_cmmc_2.0.csv"))
    report = _zip(members)
    _bucket(moto_aws, {REPORT_KEY: report, f"tenant-1/scan-1/{compliance}": members[compliance]})
    loaded = load_findings([f"s3://{BUCKET}/tenant-1/"])
    beside = f"s3://{BUCKET}/tenant-1/scan-1/{compliance}"
    assert [f.path for f in loaded.files if f.container is None] == [beside]
    assert signatures(loaded.findings) == signatures(load_findings([REPORT_URL]).findings)


@pytest.mark.parametrize(("members", "links", "message"), HOSTILE)
def test_a_hostile_zip_under_an_s3_prefix_is_refused_with_exit_3(
    moto_aws: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    members: dict[str, bytes],
    links: tuple[str, ...],
    message: str,
) -> None:
    # A readable scan beside it does not make the run partial: the archive's content is hostile, not
    # unreachable, as a malformed output under a prefix is invalid input rather than one source's error.
    readable = (PLAIN / "plain.ocsf.json").read_bytes()
    _bucket(moto_aws, {REPORT_KEY: _zip(members, links=links), "tenant-1/scan-0/x.ocsf.json": readable})
    with pytest.raises(HostileZip, match=message) as refused:
        load_findings([f"s3://{BUCKET}/tenant-1/"])
    assert refused.value.message.startswith(f"{REPORT_URL}: member ")
    args = ["verify", "--poam", str(poam_copy(tmp_path)), "--findings", f"s3://{BUCKET}/tenant-1/"]
    code, _ = run_cli(capsys, *args, "--out", str(tmp_path / "out"))
    assert code == ExitCode.INVALID_INPUT
    assert not (tmp_path / "out").exists()


def test_an_archived_zip_object_is_that_sources_error_and_the_others_still_read(moto_aws: str) -> None:
    readable_key = f"tenant-1/scan-2/prowler-output-{STAMP}.zip"
    client = _bucket(moto_aws, {readable_key: _zip(_prowler_app_report())})
    client.put_object(Bucket=BUCKET, Key=REPORT_KEY, Body=_zip(_prowler_app_report()), StorageClass="GLACIER")
    loaded = load_findings([f"s3://{BUCKET}/tenant-1/"])
    assert {f.path.partition("!/")[0] for f in loaded.files} == {f"s3://{BUCKET}/{readable_key}"}
    (error,) = loaded.source_errors
    assert error.location == REPORT_URL
    assert error.reason == f"cannot read {REPORT_URL}: archived (Glacier): restore the object first"


def test_a_zip_object_that_is_not_a_zip_is_a_format_error(moto_aws: str) -> None:
    _bucket(moto_aws, {REPORT_KEY: b"<html>an error page saved as the report</html>"})
    with pytest.raises(FindingsFormatError, match=f"{REPORT_URL}: not a valid zip file"):
        load_findings([f"s3://{BUCKET}/tenant-1/"])
