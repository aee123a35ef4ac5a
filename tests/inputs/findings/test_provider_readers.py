"""Every reader fills ``Finding.provider`` and reads Azure, Microsoft 365 and GCP output as it reads AWS's.

The files are Prowler 5.46.0's own output for those providers (``tests/fixtures/prowler/providers``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.inputs.findings.recorded import raw_json, raw_rows
from verifier.inputs.findings import load_findings
from verifier.model import Finding, Status

PROVIDERS = Path(__file__).resolve().parents[2] / "fixtures" / "prowler" / "providers"
NAMES = ("azure", "m365", "gcp")


def files(provider: str) -> tuple[Path, Path, Path]:
    directory = PROVIDERS / provider
    ocsf = next(directory.glob("*.ocsf.json"))
    csv = next(directory.glob("prowler-output-*.csv"))
    compliance = next((directory / "compliance").glob("*_cmmc_2.0.csv"))
    return ocsf, csv, compliance


def read(path: Path) -> tuple[Finding, ...]:
    return load_findings([path]).findings


def identity(f: Finding) -> tuple[object, ...]:
    return (
        f.provider,
        f.check_id,
        f.status,
        f.muted,
        f.account,
        f.region,
        f.resource_uid,
        f.finding_uid,
        f.time,
    )


@pytest.mark.parametrize("provider", NAMES)
def test_ocsf_reads_the_provider_and_its_account_and_location(provider: str) -> None:
    ocsf, _, _ = files(provider)
    findings = read(ocsf)
    raw = raw_json(ocsf)
    assert {f.provider for f in findings} == {provider}
    assert [(f.check_id, f.account, f.region) for f in findings] == [
        (r["metadata"]["event_code"], r["cloud"]["account"]["uid"], r["cloud"]["region"]) for r in raw
    ]


@pytest.mark.parametrize("provider", NAMES)
def test_ocsf_and_csv_agree_on_every_finding(provider: str) -> None:
    ocsf, csv, _ = files(provider)
    assert sorted(map(identity, read(ocsf))) == sorted(map(identity, read(csv)))


@pytest.mark.parametrize("provider", NAMES)
def test_compliance_csv_reads_the_providers_own_account_and_location_columns(provider: str) -> None:
    # SubscriptionId/Location (azure), TenantId/Location (m365), ProjectId/Location (gcp): none is AccountId.
    ocsf, _, compliance = files(provider)
    header = set(raw_rows(compliance)[0])
    assert "ACCOUNTID" not in header
    assert "LOCATION" in header
    from_ocsf = {identity(f) for f in read(ocsf)}
    from_compliance = {identity(f) for f in read(compliance)}
    # The compliance CSV lists only checks the CMMC framework maps; each of those equals its OCSF finding.
    assert from_compliance
    assert from_compliance <= from_ocsf


def test_azure_tenant_level_findings_carry_the_tenant_id_as_their_account() -> None:
    ocsf, _, _ = files("azure")
    entra = [f for f in read(ocsf) if f.check_id.startswith("entra_")]
    assert {f.account for f in entra} == {"4f2a7c1e-9b3d-4e8a-a1c6-0d5e7f9b2c48"}
    assert {f.region for f in entra} == {"global"}


def test_a_muted_fail_stays_a_muted_fail_in_every_provider() -> None:
    for provider in NAMES:
        muted = [f for f in read(files(provider)[0]) if f.muted]
        assert [f.status for f in muted] == [Status.FAIL], provider


def test_one_run_over_all_providers_keeps_each_findings_provider(tmp_path: Path) -> None:
    paths = [files(p)[0] for p in NAMES]
    findings = load_findings(paths).findings
    assert {f.provider for f in findings} == set(NAMES)
