"""Both ways organisations put Prowler output in S3, read from a moto bucket: Prowler's own ``-B/--output-bucket``
layout (one folder per format under ``output/``) and the flat ``aws s3 cp output/ s3://… --recursive`` copy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.inputs.findings.recorded import signatures
from tests.support.moto import aws_client
from verifier.inputs.findings import load_findings

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "prowler"
PLAIN = FIXTURES / "plain"
COMPLIANCE_OCSF = FIXTURES / "cmmc" / "compliance" / "cmmc_cmmc_2.0.ocsf.json.gz"
NAME = "prowler-output-123456789012-20261201120000"
BUCKET = "prowler-results"

# Key → fixture, as prowler/providers/aws/lib/s3/s3.py lays out -B output (the image's prefix is "output").
OUTPUT_BUCKET_LAYOUT = {
    f"output/json-ocsf/{NAME}.ocsf.json": PLAIN / "plain.ocsf.json",
    f"output/csv/{NAME}.csv": PLAIN / "plain.csv",
    f"output/json-asff/{NAME}.asff.json": PLAIN / "plain.asff.json",
    f"output/html/{NAME}.html": None,
    f"output/compliance/{NAME}_cmmc_2.0.ocsf.json.gz": COMPLIANCE_OCSF,
}
FLAT_LAYOUT = {
    f"nightly/{NAME}.ocsf.json": PLAIN / "plain.ocsf.json",
    f"nightly/{NAME}.csv": PLAIN / "plain.csv",
    f"nightly/{NAME}.html": None,
    f"nightly/compliance/{NAME}_cmmc_2.0.ocsf.json.gz": COMPLIANCE_OCSF,
}


def _upload(client: Any, layout: dict[str, Path | None]) -> None:
    client.create_bucket(Bucket=BUCKET)
    for key, source in layout.items():
        client.put_object(Bucket=BUCKET, Key=key, Body=source.read_bytes() if source else b"<html></html>")


@pytest.mark.parametrize(
    ("layout", "prefix", "formats"),
    [
        (OUTPUT_BUCKET_LAYOUT, "output/", ["asff", "csv", "ocsf"]),
        (FLAT_LAYOUT, "nightly/", ["csv", "ocsf"]),
    ],
)
def test_the_layout_reads_like_the_local_scan(
    moto_aws: str, layout: dict[str, Path | None], prefix: str, formats: list[str]
) -> None:
    _upload(aws_client(moto_aws, "s3"), layout)
    loaded = load_findings([f"s3://{BUCKET}/{prefix}"])
    # HTML and the OCSF compliance copy are passed over; each format folder is read.
    assert sorted(f.format for f in loaded.files) == formats
    assert signatures(loaded.findings) == signatures(load_findings([PLAIN / "plain.ocsf.json"]).findings)
    assert loaded.superseded == ()  # one scan in several formats never supersedes itself
