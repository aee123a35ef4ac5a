"""The OCSF reader on real Prowler 5.46.0 output."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.inputs.findings.recorded import (
    ACCOUNT,
    CHECKS,
    MUTED_BUCKET_ARN,
    MUTED_OCSF,
    PLAIN_ASFF,
    PLAIN_OCSF,
    PROWLER_VERSION,
    REGION,
    raw_json,
)
from verifier.errors import FindingsFormatError
from verifier.inputs.findings.ocsf import OcsfReader
from verifier.model import Finding, Status


def read(path_name: str = "plain") -> list[Finding]:
    path = {"plain": PLAIN_OCSF, "muted": MUTED_OCSF}[path_name]
    return list(OcsfReader().read(path.read_bytes(), str(path)))


def test_every_element_becomes_one_finding_in_file_order() -> None:
    findings = read()
    raw = raw_json(PLAIN_OCSF)
    assert len(findings) == len(raw) == 9
    assert [f.check_id for f in findings] == [r["metadata"]["event_code"] for r in raw]
    assert [f.finding_uid for f in findings] == [r["finding_info"]["uid"] for r in raw]
    assert [f.resource_uid for f in findings] == [r["resources"][0]["uid"] for r in raw]
    assert [f.status_extended for f in findings] == [r["status_detail"] for r in raw]
    assert [f.severity for f in findings] == [r["severity"].lower() for r in raw]


def test_fields_are_normalised() -> None:
    findings = read()
    assert {f.check_id for f in findings} == CHECKS
    assert {f.account for f in findings} == {ACCOUNT}
    assert {f.region for f in findings} == {REGION}
    assert {f.prowler_version for f in findings} == {PROWLER_VERSION}
    assert {f.source_file for f in findings} == {str(PLAIN_OCSF)}
    expected_time = datetime.fromtimestamp(raw_json(PLAIN_OCSF)[0]["time"], tz=UTC)
    assert {f.time for f in findings} == {expected_time}
    assert all(f.time.tzinfo is UTC for f in findings)


def test_statuses_match_the_scan() -> None:
    statuses = Counter(f.status for f in read())
    assert statuses == {Status.PASS: 3, Status.FAIL: 5, Status.MANUAL: 1}
    manual = [f for f in read() if f.status is Status.MANUAL]
    assert [f.check_id for f in manual] == ["account_maintain_current_contact_details"]


def test_plain_run_has_nothing_muted() -> None:
    assert not any(f.muted for f in read())


def test_suppressed_fail_is_a_muted_fail() -> None:
    raw = {r["resources"][0]["uid"]: r for r in raw_json(MUTED_OCSF)}
    assert raw[MUTED_BUCKET_ARN]["status"] == "Suppressed"
    muted = [f for f in read("muted") if f.muted]
    assert [(f.resource_uid, f.status) for f in muted] == [(MUTED_BUCKET_ARN, Status.FAIL)]


@pytest.mark.parametrize(
    ("name", "head", "accepted"),
    [
        ("plain.ocsf.json", b"", True),
        ("renamed.json", PLAIN_OCSF.read_bytes()[:4096], True),
        ("renamed.json", PLAIN_ASFF.read_bytes()[:4096], False),
        ("plain.csv", PLAIN_OCSF.read_bytes()[:4096], False),
    ],
)
def test_accepts(name: str, head: bytes, accepted: bool) -> None:
    assert OcsfReader().accepts(name, head) is accepted


def test_any_json_layout_reads_the_same_as_prowlers(tmp_path: Path) -> None:
    # Prowler's layout is read element by element; a compact re-serialisation takes the whole-document path.
    compact = tmp_path / "compact.ocsf.json"
    compact.write_bytes(json.dumps(raw_json(PLAIN_OCSF)).encode())
    again = list(OcsfReader().read(compact.read_bytes(), str(PLAIN_OCSF)))
    assert again == read()


def test_a_broken_element_in_prowlers_layout_is_reported_precisely(tmp_path: Path) -> None:
    data = PLAIN_OCSF.read_bytes()
    broken = data.replace(b'"status_code": "PASS"', b'"status_code": PASS', 2).replace(
        b'"status_code": PASS', b'"status_code": "PASS"', 1
    )
    assert broken.count(b'"status_code": PASS') == 1
    line = broken[: broken.index(b'"status_code": PASS')].count(b"\n") + 1
    with pytest.raises(FindingsFormatError, match=rf"not valid JSON: .* at line {line} "):
        list(OcsfReader().read(broken, "f"))
