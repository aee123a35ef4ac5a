"""``--findings report.zip``: Prowler App's report layout or any zip of outputs, read in memory; hostile zips refused."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest

from tests.inputs.findings.recorded import signatures
from tests.support.cli import run_cli
from verifier.errors import ExitCode, FindingsFormatError
from verifier.inputs.findings import load_findings
from verifier.inputs.findings import zip as zip_source
from verifier.inputs.findings.zip import HostileZip

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


def test_nothing_is_extracted_to_disk(tmp_path: Path) -> None:
    report = tmp_path / "report.zip"
    report.write_bytes(_zip(_prowler_app_report()))
    load_findings([report])
    assert [p.name for p in tmp_path.iterdir()] == ["report.zip"]


@pytest.mark.parametrize(
    ("members", "links", "message"),
    [
        ({"../evil.ocsf.json": b"[]"}, (), "escapes the archive"),
        ({"a/../../evil.csv": b""}, (), "escapes the archive"),
        ({"/etc/evil.ocsf.json": b"[]"}, (), "absolute or backslashed"),
        ({"C:/evil.ocsf.json": b"[]"}, (), "absolute or backslashed"),
        ({"dir\\evil.ocsf.json": b"[]"}, (), "absolute or backslashed"),
        ({"link.ocsf.json": b"/etc/passwd"}, ("link.ocsf.json",), "symbolic link"),
        ({"bomb.ocsf.json": b"\0" * (20 * 1024 * 1024)}, (), "zip bomb"),
    ],
)
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
    monkeypatch.setattr(zip_source, "MAX_TOTAL_BYTES", 1000)
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
