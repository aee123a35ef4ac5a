"""The ASFF reader on real Prowler 5.46.0 output."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import pytest

from tests.inputs.findings.recorded import (
    ACCOUNT,
    CHECKS,
    MUTED_ASFF,
    MUTED_BUCKET_ARN,
    PLAIN_ASFF,
    PLAIN_OCSF,
    PROWLER_VERSION,
    REGION,
    raw_json,
)
from verifier.inputs.findings.asff import AsffReader
from verifier.model import Finding, Status


def read(path_name: str = "plain") -> list[Finding]:
    path = {"plain": PLAIN_ASFF, "muted": MUTED_ASFF}[path_name]
    return list(AsffReader().read(path.read_bytes(), str(path)))


def test_every_element_becomes_one_finding() -> None:
    raw = raw_json(PLAIN_ASFF)
    findings = read()
    assert len(findings) == len(raw) == 8
    assert [f.check_id for f in findings] == [r["GeneratorId"].removeprefix("prowler-") for r in raw]
    assert [f.finding_uid for f in findings] == [r["Id"] for r in raw]
    assert [f.resource_uid for f in findings] == [r["Resources"][0]["Id"] for r in raw]
    assert [f.status_extended for f in findings] == [r["Description"] for r in raw]
    assert [f.severity for f in findings] == [r["Severity"]["Label"].lower() for r in raw]


def test_fields_are_normalised() -> None:
    findings = read()
    # Prowler leaves MANUAL findings out of ASFF.
    assert {f.check_id for f in findings} == CHECKS - {"account_maintain_current_contact_details"}
    assert {f.account for f in findings} == {ACCOUNT}
    assert {f.region for f in findings} == {REGION}
    assert {f.prowler_version for f in findings} == {PROWLER_VERSION}
    updated = datetime.fromisoformat(raw_json(PLAIN_ASFF)[0]["UpdatedAt"])
    assert {f.time for f in findings} == {updated}
    assert str(updated.tzinfo) == "UTC"


def test_statuses() -> None:
    assert Counter(f.status for f in read()) == {Status.PASS: 3, Status.FAIL: 5}
    assert not any(f.muted for f in read())


def test_warning_is_a_muted_fail() -> None:
    raw = {r["Resources"][0]["Id"]: r for r in raw_json(MUTED_ASFF)}
    assert raw[MUTED_BUCKET_ARN]["Compliance"]["Status"] == "WARNING"
    muted = [f for f in read("muted") if f.muted]
    assert [(f.resource_uid, f.status) for f in muted] == [(MUTED_BUCKET_ARN, Status.FAIL)]


@pytest.mark.parametrize(
    ("name", "head", "accepted"),
    [
        ("plain.asff.json", b"", True),
        ("renamed.json", PLAIN_ASFF.read_bytes()[:4096], True),
        ("renamed.json", PLAIN_OCSF.read_bytes()[:4096], False),
        ("plain.ocsf.json", PLAIN_ASFF.read_bytes()[:4096], False),
    ],
)
def test_accepts(name: str, head: bytes, accepted: bool) -> None:
    assert AsffReader().accepts(name, head) is accepted
