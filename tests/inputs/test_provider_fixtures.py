"""What the recorded Azure / Microsoft 365 / GCP Prowler output holds, and why the mapping is its only CMMC link.

The fixtures are Prowler 5.46.0's own output (``examples/record_providers.py``; the live test proves the
recorder reproduces them). These tests pin the facts other tests and the README rely on, read with the
standard library only so that they hold whatever the readers do.
"""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.moto import REPO_ROOT
from verifier.inputs.mapping import load_mapping

FIXTURES = REPO_ROOT / "tests" / "fixtures" / "prowler" / "providers"
MAPPING = REPO_ROOT / "mappings" / "cmmc-l2-aws.json"
TENANT_ID = "4f2a7c1e-9b3d-4e8a-a1c6-0d5e7f9b2c48"
SUB_PROD = "8c3f1a2b-5d6e-4f70-8a9b-1c2d3e4f5a6b"
SUB_DEV = "2b9e4d1c-7a3f-4c85-b6d0-9e8f7a6b5c4d"
STEM = {
    "azure": "prowler-output-contoso.onmicrosoft.us-20261130140000",
    "m365": "prowler-output-contoso.onmicrosoft.us-20261130140000",
    "gcp": "prowler-output-prowler-scan@cui-enclave-prod.iam.gserviceaccount.com-20261130140000",
}
# (check, status_code, muted, cloud.account.uid, cloud.region, resource name) per finding, in file order.
EXPECTED = {
    "azure": [
        (
            "storage_blob_public_access_level_is_disabled",
            "PASS",
            False,
            SUB_PROD,
            "usgovvirginia",
            "cuiprodrecords",
        ),
        (
            "storage_blob_public_access_level_is_disabled",
            "FAIL",
            False,
            SUB_DEV,
            "usgovarizona",
            "cuidevscratch",
        ),
        (
            "storage_blob_public_access_level_is_disabled",
            "FAIL",
            True,
            SUB_DEV,
            "usgovvirginia",
            "cuilegacyexport",
        ),
        ("entra_privileged_user_has_mfa", "PASS", False, TENANT_ID, "global", "Ada Admin"),
        ("entra_privileged_user_has_mfa", "FAIL", False, TENANT_ID, "global", "Break Glass"),
        ("entra_user_with_recent_sign_in", "MANUAL", False, TENANT_ID, "global", "contoso.onmicrosoft.us"),
    ],
    "m365": [
        (
            "admincenter_groups_not_public_visibility",
            "PASS",
            False,
            "contoso.onmicrosoft.us",
            "global",
            "CUI Program",
        ),
        (
            "admincenter_groups_not_public_visibility",
            "FAIL",
            False,
            "contoso.onmicrosoft.us",
            "global",
            "All Company",
        ),
        (
            "admincenter_groups_not_public_visibility",
            "FAIL",
            True,
            "contoso.onmicrosoft.us",
            "global",
            "Legacy Projects",
        ),
        (
            "entra_policy_ensure_default_user_cannot_create_tenants",
            "PASS",
            False,
            "contoso.onmicrosoft.us",
            "global",
            "Authorization Policy",
        ),
        (
            "entra_admin_users_phishing_resistant_mfa_enabled",
            "MANUAL",
            False,
            "contoso.onmicrosoft.us",
            "global",
            "Admins: GCC High authentication strength",
        ),
    ],
    "gcp": [
        (
            "cloudstorage_bucket_public_access",
            "PASS",
            False,
            "cui-enclave-prod",
            "US-EAST4",
            "cui-enclave-records",
        ),
        (
            "cloudstorage_bucket_public_access",
            "FAIL",
            False,
            "cui-enclave-prod",
            "US",
            "cui-enclave-public-site",
        ),
        (
            "cloudstorage_bucket_public_access",
            "FAIL",
            True,
            "cui-enclave-prod",
            "US-EAST4",
            "cui-enclave-legacy-exports",
        ),
        (
            "compute_project_os_login_enabled",
            "PASS",
            False,
            "cui-enclave-prod",
            "global",
            "CUI Enclave (prod)",
        ),
        (
            "iam_account_access_approval_enabled",
            "MANUAL",
            False,
            "cui-enclave-prod",
            "global",
            "CUI Enclave (prod)",
        ),
    ],
}
COMPLIANCE_ACCOUNT_HEADERS = {"azure": "SUBSCRIPTIONID", "m365": "TENANTID", "gcp": "PROJECTID"}


def _ocsf(provider: str) -> list[dict[str, Any]]:
    findings: list[dict[str, Any]] = json.loads(
        (FIXTURES / provider / f"{STEM[provider]}.ocsf.json").read_bytes()
    )
    return findings


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


@pytest.mark.parametrize("provider", sorted(EXPECTED))
def test_ocsf_holds_the_recorded_scenario(provider: str) -> None:
    seen = [
        (
            f["metadata"]["event_code"],
            f["status_code"],
            f["status"] == "Suppressed",
            f["cloud"]["account"]["uid"],
            f["cloud"]["region"],
            f["resources"][0]["name"],
        )
        for f in _ocsf(provider)
    ]
    assert seen == EXPECTED[provider]
    assert {f["cloud"]["provider"] for f in _ocsf(provider)} == {provider}


@pytest.mark.parametrize("provider", sorted(EXPECTED))
def test_csv_holds_the_same_findings_as_the_ocsf(provider: str) -> None:
    rows = _csv(FIXTURES / provider / f"{STEM[provider]}.csv")
    assert [
        (r["CHECK_ID"], r["STATUS"], r["MUTED"] == "True", r["ACCOUNT_UID"], r["REGION"]) for r in rows
    ] == [expected[:5] for expected in EXPECTED[provider]]
    assert [r["FINDING_UID"] for r in rows] == [f["finding_info"]["uid"] for f in _ocsf(provider)]


def test_azure_partition_is_the_government_cloud_and_tenant_checks_report_the_tenant() -> None:
    findings = _ocsf("azure")
    assert {f["resources"][0]["cloud_partition"] for f in findings} == {"AzureUSGovernment"}
    entra = [f for f in findings if f["metadata"]["event_code"].startswith("entra_")]
    assert {f["cloud"]["account"]["uid"] for f in entra} == {TENANT_ID}
    assert {f["cloud"]["org"]["uid"] for f in findings} == {TENANT_ID}


@pytest.mark.parametrize("provider", sorted(EXPECTED))
def test_no_finding_carries_cmmc_or_nist_800_171_so_the_mapping_is_the_only_link(provider: str) -> None:
    frameworks = {name for f in _ocsf(provider) for name in f["unmapped"]["compliance"]}
    assert frameworks, (
        "Prowler attaches its per-provider frameworks, so an empty map would mean a broken recording"
    )
    assert not {name for name in frameworks if "CMMC" in name.upper() or "800-171" in name}
    for row in _csv(FIXTURES / provider / f"{STEM[provider]}.csv"):
        assert "CMMC" not in row["COMPLIANCE"].upper()
        assert "800-171" not in row["COMPLIANCE"]
    mapping = load_mapping(MAPPING)
    for check in {expected[0] for expected in EXPECTED[provider]}:
        assert check in mapping.all_checks(provider), f"{provider}:{check} is not in the shipped mapping"


@pytest.mark.parametrize("provider", sorted(EXPECTED))
def test_compliance_csv_names_the_providers_account_column(provider: str) -> None:
    rows = _csv(FIXTURES / provider / "compliance" / f"{STEM[provider]}_cmmc_2.0.csv")
    header = list(rows[0])
    assert header[2:4] == [COMPLIANCE_ACCOUNT_HEADERS[provider], "LOCATION"]
    assessed = {(r["CHECKID"], r["STATUS"]) for r in rows if r["CHECKID"] != "manual"}
    assert assessed == {(e[0], e[1]) for e in EXPECTED[provider]}
    assert {r["PROVIDER"] for r in rows} == {provider}


@pytest.mark.parametrize("provider", sorted(EXPECTED))
def test_compliance_ocsf_is_kept_compressed_and_is_not_findings_output(provider: str) -> None:
    path = FIXTURES / provider / "compliance" / f"{STEM[provider]}_cmmc_2.0.ocsf.json.gz"
    document = json.loads(gzip.decompress(path.read_bytes()))
    assert {item["class_uid"] for item in document} == {2003}
