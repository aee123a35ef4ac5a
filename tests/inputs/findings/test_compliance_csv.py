"""The compliance CSV reader on a real ``--compliance cmmc_2.0`` run of Prowler 5.46.0."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import pytest

from tests.inputs.findings.recorded import (
    ACCOUNT,
    CMMC_COMPLIANCE_CSV,
    CMMC_CSV,
    PLAIN_CSV,
    REGION,
    raw_rows,
)
from verifier.inputs.findings.compliance_csv import ComplianceCsvReader
from verifier.inputs.findings.csv_reader import CsvReader
from verifier.model import Finding, Status


def read() -> list[Finding]:
    return list(ComplianceCsvReader().read(CMMC_COMPLIANCE_CSV.read_bytes(), str(CMMC_COMPLIANCE_CSV)))


def test_the_file_repeats_findings_per_requirement_and_lists_manual_requirements() -> None:
    rows = raw_rows(CMMC_COMPLIANCE_CSV)
    manual = [r for r in rows if r["STATUS"] == "MANUAL"]
    assert len(manual) == 98
    assert {(r["CHECKID"], r["RESOURCEID"], r["ACCOUNTID"]) for r in manual} == {
        ("manual", "manual_check", "")
    }
    checked = [r for r in rows if r["CHECKID"] != "manual"]
    assert len(checked) == 14
    assert len({(r["CHECKID"], r["RESOURCEID"]) for r in checked}) == 8


def test_one_finding_per_check_and_resource_and_none_for_manual_requirements() -> None:
    findings = read()
    rows = raw_rows(CMMC_COMPLIANCE_CSV)
    first_seen = list(
        dict.fromkeys((r["CHECKID"], r["RESOURCEID"]) for r in rows if r["CHECKID"] != "manual")
    )
    assert [(f.check_id, f.resource_uid) for f in findings] == first_seen
    assert Counter(f.status for f in findings) == {Status.PASS: 3, Status.FAIL: 5}
    assert {(f.account, f.region, f.muted, f.prowler_version) for f in findings} == {
        (ACCOUNT, REGION, False, "")
    }


def test_findings_equal_the_main_csv_of_the_same_scan() -> None:
    main = list(CsvReader().read(CMMC_CSV.read_bytes(), str(CMMC_CSV)))

    # The rebuilt finding id is Prowler's own, so it matches the main output's FINDING_UID.
    def key(f: Finding) -> tuple[object, ...]:
        return (f.finding_uid, f.check_id, f.status, f.muted, f.resource_uid, f.time, f.status_extended)

    assert sorted(map(key, read())) == sorted(map(key, main))


@pytest.mark.parametrize(
    ("name", "path", "accepted"),
    [("cmmc_cmmc_2.0.csv", CMMC_COMPLIANCE_CSV, True), ("plain.csv", PLAIN_CSV, False)],
)
def test_accepts(name: str, path: Path, accepted: bool) -> None:
    assert ComplianceCsvReader().accepts(name, path.read_bytes()[:4096]) is accepted


def _with_rows_edited(edits: dict[tuple[str, str], dict[str, str]]) -> list[Finding]:
    """The recording with the cells of the rows for (requirement, resource) replaced, read back."""
    text = CMMC_COMPLIANCE_CSV.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    header = rows[0]
    requirement, resource = header.index("REQUIREMENTS_ID"), header.index("RESOURCEID")
    for row in rows[1:]:
        for column, value in edits.get((row[requirement], row[resource]), {}).items():
            row[header.index(column)] = value
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=";").writerows(rows)
    return list(ComplianceCsvReader().read(out.getvalue().encode(), "edited.csv"))


ENCRYPTED = "arn:aws:s3:::cui-data-encrypted"


def _the_encrypted_bucket(findings: list[Finding]) -> Finding:
    (finding,) = [f for f in findings if f.resource_uid == ENCRYPTED]
    return finding


def test_when_requirement_rows_disagree_the_worse_status_wins() -> None:
    # Prowler reports FAIL for a requirement whose scan configuration is too loose, even on a PASS.
    loose = {("SC.L2-3.13.16", ENCRYPTED): {"STATUS": "FAIL", "STATUSEXTENDED": "loose"}}
    edited = _with_rows_edited(loose)
    finding = _the_encrypted_bucket(edited)
    assert (finding.status, finding.status_extended) == (Status.FAIL, "loose")
    assert len(edited) == 8


def test_a_finding_is_muted_only_if_every_row_of_it_is() -> None:
    one = {("AU.L2-3.3.8", ENCRYPTED): {"MUTED": "True"}}
    both = {**one, ("SC.L2-3.13.16", ENCRYPTED): {"MUTED": "True"}}
    assert not _the_encrypted_bucket(_with_rows_edited(one)).muted
    assert _the_encrypted_bucket(_with_rows_edited(both)).muted
