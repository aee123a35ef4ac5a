"""Hostile sizes are refused as they are read, never after: gzip bombs (on disk, inside a zip, in S3) stop
at the zip reader's limits, and a file that cannot be a Prowler document is refused on its first bytes."""

from __future__ import annotations

import gzip
import io
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.inputs.findings.recorded import PLAIN_OCSF
from tests.support.moto import aws_client
from verifier.errors import FindingsFormatError
from verifier.inputs.findings import load_findings
from verifier.inputs.findings import reading as findings_reading
from verifier.inputs.findings.blob import GzipBomb, InflateLimits, gunzip

MEGABYTE = 1024 * 1024
BUCKET = "scan-results"


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """A real OCSF document padded with 50 MB of blank space, gzipped: about 1,000:1."""
    document = PLAIN_OCSF.read_bytes().rstrip()
    return gzip.compress(document[:-1] + b" " * (50 * MEGABYTE) + b"]", compresslevel=9)


def _peak_bytes(action: Callable[[], Any]) -> int:
    """The most memory Python held while ``action`` ran (it must raise ``FindingsFormatError``)."""
    tracemalloc.start()
    try:
        with pytest.raises(FindingsFormatError):
            action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_gzip_bomb_on_disk_stops_at_200_to_1_while_inflating(tmp_path: Path, bomb: bytes) -> None:
    path = tmp_path / "bomb.ocsf.json.gz"
    path.write_bytes(bomb)
    with pytest.raises(GzipBomb, match=rf"{path.name}: inflates past 200:1 of its {len(bomb)} bytes"):
        load_findings([path])
    # Stopped at 200 x ~50 KB, never the whole 50 MB.
    assert _peak_bytes(lambda: load_findings([path])) < 20 * MEGABYTE


def test_a_gzip_bomb_in_a_folder_is_refused_too(tmp_path: Path, bomb: bytes) -> None:
    (tmp_path / "bomb.ocsf.json.gz").write_bytes(bomb)
    with pytest.raises(GzipBomb, match="gzip bomb"):
        load_findings([tmp_path])


def test_a_gzip_inside_a_zip_is_bounded_against_its_own_size(tmp_path: Path, bomb: bytes) -> None:
    # Deflating a gzip again gains nothing, so the zip's own 200:1 rule never sees the bomb inside.
    archive = tmp_path / "report.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as written:
        written.writestr("bomb.ocsf.json.gz", bomb)
    with pytest.raises(GzipBomb, match=r"report\.zip!/bomb\.ocsf\.json\.gz: inflates past 200:1"):
        load_findings([archive])


def test_a_gzip_object_in_s3_is_bounded(moto_aws: str, bomb: bytes) -> None:
    client = aws_client(moto_aws, "s3")
    client.create_bucket(Bucket=BUCKET)
    client.put_object(Bucket=BUCKET, Key="scans/bomb.ocsf.json.gz", Body=bomb)
    for location in (f"s3://{BUCKET}/scans/bomb.ocsf.json.gz", f"s3://{BUCKET}/scans/"):
        with pytest.raises(GzipBomb, match=r"s3://scan-results/scans/bomb\.ocsf\.json\.gz: inflates past"):
            load_findings([location])


def test_the_absolute_limit_holds_whatever_the_ratio() -> None:
    data = gzip.compress(b"[" + b'{"a": 1},' * 500 + b"{}]")
    limits = InflateLimits(max_bytes=1000, ratio_floor=10)
    with pytest.raises(GzipBomb, match="inflates past 1000 bytes"):
        gunzip(data, "small.ocsf.json.gz", limits)
    assert gunzip(data, "small.ocsf.json.gz").startswith(b'[{"a": 1},')


def test_gzip_members_and_zero_padding_read_as_gzip_reads_them() -> None:
    data = gzip.compress(b"[1,") + gzip.compress(b"2]") + b"\0" * 8
    assert gunzip(data, "x.json.gz") == gzip.decompress(data) == b"[1,2]"
    assert gunzip(b"", "empty.json.gz") == b""


def test_a_real_gzipped_output_reads_as_its_plain_bytes(tmp_path: Path) -> None:
    path = tmp_path / "plain.ocsf.json.gz"
    path.write_bytes(gzip.compress(PLAIN_OCSF.read_bytes()))
    assert load_findings([path]).count == load_findings([PLAIN_OCSF]).count


# --- refused on the first bytes -----------------------------------------------------------------------


def _sparse(path: Path, size: int) -> Path:
    with path.open("wb") as handle:
        handle.truncate(size)  # NUL bytes, never written: a disk image, a file a crash left behind
    return path


def test_a_nul_filled_file_is_refused_on_its_first_bytes(tmp_path: Path) -> None:
    path = _sparse(tmp_path / "zeros.ocsf.json", 200 * MEGABYTE)
    with pytest.raises(FindingsFormatError, match=r"zeros\.ocsf\.json: binary data \(NUL bytes\)"):
        load_findings([path])
    assert _peak_bytes(lambda: load_findings([path])) < 10 * MEGABYTE


def test_a_nul_filled_file_in_a_folder_is_not_passed_over(tmp_path: Path) -> None:
    _sparse(tmp_path / "zeros.csv.gz", 0)
    (tmp_path / "zeros.csv.gz").write_bytes(gzip.compress(bytes(MEGABYTE)))
    _sparse(tmp_path / "zeros.asff.json", MEGABYTE)
    with pytest.raises(FindingsFormatError, match=r"zeros\.asff\.json: binary data"):
        load_findings([tmp_path])


def _garbage() -> Iterator[bytes]:
    yield bytes(range(256)) * 64
    yield b"PK\x03\x04" + b"\xff" * 100  # a zip saved under the wrong name
    yield b"\xef\xbb\xbf<html><body>not a scan</body></html>"


@pytest.mark.parametrize("data", list(_garbage()), ids=["binary", "zip", "html"])
def test_garbage_named_like_ocsf_is_refused_before_it_is_parsed(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "garbage.ocsf.json"
    path.write_bytes(data)
    with pytest.raises(FindingsFormatError, match=r"garbage\.ocsf\.json: (binary data|not a JSON document)"):
        load_findings([path])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as written:
        written.writestr("garbage.ocsf.json", data)
    (tmp_path / "report.zip").write_bytes(buffer.getvalue())
    with pytest.raises(FindingsFormatError, match=r"report\.zip!/garbage\.ocsf\.json: (binary|not a JSON)"):
        load_findings([tmp_path / "report.zip"])


def test_a_big_file_valid_up_front_and_broken_behind_is_refused_from_the_stream(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Past the whole-read size (lowered here), the whole-file read that words a syntax error would hold
    # ~3x the file: the streamed read refuses it itself.
    monkeypatch.setattr(findings_reading, "_WHOLE_READ_MAX", 1000)
    path = tmp_path / "broken.ocsf.json"
    path.write_bytes(PLAIN_OCSF.read_bytes().rstrip()[:-1] + b", {oops" + b"\0" * 5000)
    with pytest.raises(
        FindingsFormatError, match=r"broken\.ocsf\.json: not a readable JSON array of findings"
    ):
        load_findings([path])
    monkeypatch.undo()
    with pytest.raises(FindingsFormatError, match=r"broken\.ocsf\.json: not valid JSON"):
        load_findings([path])  # a small file is still read whole for the precise message
