"""``finding_from_json`` and ``superseded_from_json`` invert what the evidence records: what a run writes
is what bundle verify reads."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verifier.model import DEFAULT_PROVIDER, Finding, ScanCoverage, Status, Superseded, Supersession
from verifier.outputs.evidence import _superseded_json, superseded_from_json
from verifier.outputs.paths import recorded_path
from verifier.outputs.serialize import dumps_findings, finding_from_json, finding_json

zones = st.integers(min_value=-(24 * 60 - 1), max_value=24 * 60 - 1).map(
    lambda m: timezone(timedelta(minutes=m))
)
findings = st.builds(
    Finding,
    check_id=st.text(),
    status=st.sampled_from(Status),
    muted=st.booleans(),
    account=st.text(),
    region=st.text(),
    resource_uid=st.text(),
    finding_uid=st.text(),
    time=st.datetimes(timezones=zones | st.just(UTC)),
    prowler_version=st.text(),
    source_file=st.text() | st.just("s3://bucket/scans/out.ocsf.json") | st.just("scans.zip!/x.json"),
    status_extended=st.text(),
    severity=st.text(),
    provider=st.sampled_from([DEFAULT_PROVIDER, "azure", "gcp", "m365"]) | st.text(min_size=1),
    location=st.none() | st.tuples(st.integers(0, 2**40), st.integers(0, 2**30), st.integers(0, 2**20)),
)


@settings(max_examples=300, deadline=None)
@given(findings)
def test_a_finding_survives_its_evidence_record(finding: Finding) -> None:
    record = json.loads(dumps_findings(finding_json(finding)))  # through the bytes a bundle holds
    read = finding_from_json(record)
    assert read == dataclasses.replace(finding, source_file=recorded_path(finding.source_file))
    assert read.time.utcoffset() == finding.time.utcoffset()
    assert finding_json(read) == record


FINDING = Finding(
    check_id="s3_bucket_default_encryption",
    status=Status.FAIL,
    muted=False,
    account="123456789012",
    region="us-east-1",
    resource_uid="arn:aws:s3:::evidence",
    finding_uid="prowler-aws-s3_bucket_default_encryption-123456789012-us-east-1-evidence",
    time=datetime(2026, 11, 24, 9, 30, tzinfo=UTC),
    prowler_version="5.13.1",
    source_file="scans/prowler-output.ocsf.json",
    status_extended="",
    severity="",
    provider="aws",
)


def test_an_aws_record_names_no_provider_and_reads_back_as_aws() -> None:
    record = finding_json(FINDING)
    assert "provider" not in record
    assert finding_from_json(record).provider == DEFAULT_PROVIDER


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (lambda r: r.pop("account"), KeyError),
        (lambda r: r.update(muted="false"), TypeError),
        (lambda r: r.update(region=1), TypeError),
        (lambda r: r.update(provider=None), TypeError),
        (lambda r: r.update(time=20261124), TypeError),
        (lambda r: r.update(time="2026-11-24T09:30:00"), ValueError),
        (lambda r: r.update(status="PASSED"), ValueError),
    ],
    ids=[
        "missing-field",
        "muted-as-text",
        "region-as-number",
        "null-provider",
        "time-as-number",
        "naive-time",
        "unknown-status",
    ],
)
def test_a_record_finding_json_would_not_write_is_refused(change: Any, error: type[Exception]) -> None:
    record = finding_json(FINDING)
    change(record)
    with pytest.raises(error):
        finding_from_json(record)


@pytest.mark.parametrize("outcome", list(Supersession))
@pytest.mark.parametrize("incomplete", [None, "no scan manifest"])
def test_a_superseded_finding_survives_its_evidence_record(
    outcome: Supersession, incomplete: str | None
) -> None:
    by = ScanCoverage(
        "scans/later/scan-manifest.json",
        datetime(2026, 11, 25, 8, tzinfo=UTC),
        ("scans/later/x.ocsf.json",),
        incomplete,
    )
    old = Superseded(FINDING, by, outcome)
    record = json.loads(dumps_findings(_superseded_json(old, {FINDING.source_file: "ab" * 32})))
    assert superseded_from_json(record) == old


def test_a_superseded_record_from_before_outcomes_reads_as_removal_or_rescan() -> None:
    by = ScanCoverage("scans/later/scan-manifest.json", datetime(2026, 11, 25, 8, tzinfo=UTC), (), None)
    record = _superseded_json(Superseded(FINDING, by, Supersession.REMOVED), {})
    del record["outcome"]
    assert superseded_from_json(record).outcome is Supersession.REMOVED
    record["resolved_by_removal"] = False
    assert superseded_from_json(record).outcome is Supersession.RESCANNED
