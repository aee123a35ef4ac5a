"""The ``;`` CSV reader on real Prowler 5.46.0 output."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest

from tests.inputs.findings.recorded import (
    ACCOUNT,
    CHECKS,
    COMPLIANCE_CSV_HEAD,
    MUTED_BUCKET_ARN,
    MUTED_CSV,
    PLAIN_CSV,
    PLAIN_OCSF,
    PROWLER_VERSION,
    REGION,
    raw_rows,
)
from verifier.inputs.findings.csv_reader import CsvReader
from verifier.model import Finding, Status


def read(path_name: str = "plain") -> list[Finding]:
    path = {"plain": PLAIN_CSV, "muted": MUTED_CSV}[path_name]
    return list(CsvReader().read(path.read_bytes(), str(path)))


def test_every_row_becomes_one_finding_despite_multi_line_cells() -> None:
    raw = raw_rows(PLAIN_CSV)
    assert any("\n" in row["REMEDIATION_CODE_CLI"] + row["REMEDIATION_CODE_OTHER"] for row in raw)
    findings = read()
    assert len(findings) == len(raw) == 9
    assert [f.check_id for f in findings] == [r["CHECK_ID"] for r in raw]
    assert [f.finding_uid for f in findings] == [r["FINDING_UID"] for r in raw]
    assert [f.resource_uid for f in findings] == [r["RESOURCE_UID"] for r in raw]
    assert [f.status.value for f in findings] == [r["STATUS"] for r in raw]
    assert [f.status_extended for f in findings] == [r["STATUS_EXTENDED"] for r in raw]
    assert [f.severity for f in findings] == [r["SEVERITY"] for r in raw]


def test_fields_are_normalised() -> None:
    findings = read()
    assert {f.check_id for f in findings} == CHECKS
    assert {f.account for f in findings} == {ACCOUNT}
    assert {f.region for f in findings} == {REGION}
    assert {f.prowler_version for f in findings} == {PROWLER_VERSION}
    stamp = raw_rows(PLAIN_CSV)[0]["TIMESTAMP"]  # naive: taken as UTC, cut to whole seconds
    assert {f.time for f in findings} == {datetime.fromisoformat(stamp).replace(tzinfo=UTC, microsecond=0)}


def test_statuses_and_mutes() -> None:
    assert Counter(f.status for f in read()) == {Status.PASS: 3, Status.FAIL: 5, Status.MANUAL: 1}
    assert not any(f.muted for f in read())
    muted = [f for f in read("muted") if f.muted]
    assert [(f.resource_uid, f.status) for f in muted] == [(MUTED_BUCKET_ARN, Status.FAIL)]


@pytest.mark.parametrize(
    ("name", "head", "accepted"),
    [
        ("plain.csv", PLAIN_CSV.read_bytes()[:4096], True),
        ("plain.csv.txt", PLAIN_CSV.read_bytes()[:4096], False),
        ("compliance.csv", COMPLIANCE_CSV_HEAD, False),
        ("plain.csv", PLAIN_OCSF.read_bytes()[:4096], False),
    ],
)
def test_accepts(name: str, head: bytes, accepted: bool) -> None:
    assert CsvReader().accepts(name, head) is accepted
