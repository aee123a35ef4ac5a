"""Reading Prowler outputs from S3, against a real moto server on loopback (boto3 follows AWS_ENDPOINT_URL)."""

from __future__ import annotations

import gzip
import hashlib
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError, NoCredentialsError

from tests.support.moto import aws_client
from tests.support.poam import poam_copy
from verifier.cli import main
from verifier.errors import EnvError, ExitCode, FindingsFormatError
from verifier.inputs.findings import load_findings
from verifier.inputs.findings.s3 import is_s3_url, parse_s3_url, s3_error
from verifier.pipeline.verify import VerifyOptions, run_verify

REPO = Path(__file__).resolve().parents[3]
EXAMPLE_SCAN = REPO / "examples" / "prowler-output"
SCANS = sorted(p for p in EXAMPLE_SCAN.iterdir() if p.suffix in {".json", ".csv"})
RECORDED_ON = date.fromisoformat((EXAMPLE_SCAN / "recorded-on.txt").read_text().strip())
BUCKET = "scan-results"


_poam_copy = poam_copy


@pytest.fixture
def s3(moto_aws: str) -> Any:
    """A fresh moto account with the example scan uploaded under ``scans/`` (plus a non-Prowler file)."""
    client = aws_client(moto_aws, "s3")
    client.create_bucket(Bucket=BUCKET)
    for path in [*SCANS, EXAMPLE_SCAN / "recorded-on.txt"]:
        client.put_object(Bucket=BUCKET, Key=f"scans/{path.name}", Body=path.read_bytes())
    return client


def _verdicts(findings: tuple[Path | str, ...], out: Path) -> dict[str, str]:
    options = VerifyOptions(
        poam=_poam_copy(out.parent),
        mapping=REPO / "mappings" / "cmmc-l2-aws.json",
        findings=findings,
        out=out,
        as_of=RECORDED_ON,
        history=out.parent / f"{out.name}-history.jsonl",
    )
    run = run_verify(options, clock=lambda: datetime(2026, 1, 1, tzinfo=UTC)).run
    return {r.entry_id: r.verdict.value for r in run.results}


def _comparable(findings: Any) -> list[tuple[str, ...]]:
    return [(f.check_id, f.resource_uid, f.status.value, f.region) for f in findings]


def test_prefix_reads_every_output_like_the_local_directory(s3: Any) -> None:
    local = load_findings([EXAMPLE_SCAN])
    remote = load_findings([f"s3://{BUCKET}/scans/"])
    assert _comparable(remote.findings) == _comparable(local.findings)
    assert [f.path for f in remote.files] == [f"s3://{BUCKET}/scans/{p.name}" for p in SCANS]
    assert [f.sha256 for f in remote.files] == [f.sha256 for f in local.files]
    assert {f.source_file for f in remote.findings} <= {f.path for f in remote.files}


def test_verify_from_s3_gives_the_local_verdicts(s3: Any, tmp_path: Path) -> None:
    local = _verdicts((EXAMPLE_SCAN,), tmp_path / "local")
    # A Path-typed option collapses s3:// to s3:/ and drops the trailing slash; both spellings work.
    assert _verdicts((f"s3://{BUCKET}/scans/",), tmp_path / "url") == local
    assert _verdicts((Path(f"s3://{BUCKET}/scans/"),), tmp_path / "path") == local


def test_gzipped_objects_are_read_and_hashed_as_stored(s3: Any) -> None:
    for path in SCANS:
        s3.put_object(Bucket=BUCKET, Key=f"gz/{path.name}.gz", Body=gzip.compress(path.read_bytes(), mtime=0))
    remote = load_findings([f"s3://{BUCKET}/gz"])
    assert _comparable(remote.findings) == _comparable(load_findings([EXAMPLE_SCAN]).findings)
    expected = [hashlib.sha256(gzip.compress(p.read_bytes(), mtime=0)).hexdigest() for p in SCANS]
    assert [f.sha256 for f in remote.files] == expected


def test_single_object(s3: Any) -> None:
    ocsf = next(p for p in SCANS if p.name.endswith(".ocsf.json"))
    url = f"s3://{BUCKET}/scans/{ocsf.name}"
    remote = load_findings([Path(url)])
    assert [(f.path, f.format) for f in remote.files] == [(url, "ocsf")]
    assert remote.files[0].sha256 == hashlib.sha256(ocsf.read_bytes()).hexdigest()
    assert {f.source_file for f in remote.findings} == {url}


def test_prefix_skips_what_a_directory_walk_skips(s3: Any) -> None:
    body = SCANS[0].read_bytes()
    for key in ("scans/.hidden/x.ocsf.json", "scans/compliance/x.ocsf.json", "scans/notes.json"):
        s3.put_object(Bucket=BUCKET, Key=key, Body=body if "x.ocsf" in key else b"{}")
    assert len(load_findings([f"s3://{BUCKET}/scans/"]).files) == len(SCANS)


def test_named_object_that_is_not_prowler_output_is_a_format_error(s3: Any) -> None:
    with pytest.raises(FindingsFormatError, match=f"s3://{BUCKET}/scans/recorded-on.txt"):
        load_findings([f"s3://{BUCKET}/scans/recorded-on.txt"])


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("s3://no-such-bucket/scans/", "no such bucket"),
        (f"s3://{BUCKET}/missing.ocsf.json", "no such object or prefix"),
        (f"s3://{BUCKET}/empty/", "no such object or prefix"),
    ],
)
def test_missing_location_is_an_environment_error(s3: Any, location: str, reason: str) -> None:
    with pytest.raises(EnvError, match=reason) as caught:
        load_findings([location])
    assert location.rstrip("/") in caught.value.message
    assert caught.value.exit_code is ExitCode.ENVIRONMENT
    assert "\n" not in caught.value.message


def test_no_credentials_is_an_environment_error(s3: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(EnvError, match=f"s3://{BUCKET}/scans/: no AWS credentials found"):
        load_findings([f"s3://{BUCKET}/scans/"])


def test_cli_missing_bucket_exits_4_and_writes_nothing(
    s3: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs, cwd = tmp_path / "inputs", tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    args = ["--poam", str(_poam_copy(inputs)), "--mapping", str(REPO / "mappings/cmmc-l2-aws.json")]
    monkeypatch.setattr(sys, "argv", ["poam", "verify", *args, "--findings", "s3://no-such-bucket/scans/"])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == ExitCode.ENVIRONMENT
    assert "s3://no-such-bucket/scans" in capsys.readouterr().err
    assert list(cwd.iterdir()) == []
    assert {p.name for p in inputs.iterdir()} == {"poam.json"}


def test_client_errors_become_one_line_messages() -> None:
    denied = ClientError({"Error": {"Code": "AccessDenied", "Message": "Access Denied"}}, "ListObjectsV2")
    assert s3_error("list", "s3://b/p/", denied).message == "cannot list s3://b/p/: access denied"
    odd = ClientError({"Error": {"Code": "SlowDown", "Message": "Reduce your rate"}}, "GetObject")
    assert s3_error("read", "s3://b/k", odd).message == "cannot read s3://b/k: SlowDown Reduce your rate"
    assert "no AWS credentials" in s3_error("read", "s3://b/k", NoCredentialsError()).message


def test_url_parsing_accepts_collapsed_paths() -> None:
    assert is_s3_url(Path("s3://bucket/scans/")) and not is_s3_url(Path("scans"))
    assert parse_s3_url(Path("s3://bucket/scans/")) == parse_s3_url("s3://bucket/scans")
    assert parse_s3_url("s3://bucket/scans/").names_prefix
    assert str(parse_s3_url("s3://bucket")) == "s3://bucket/"
