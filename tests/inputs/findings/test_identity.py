"""A finding's provider, account and region are exactly what Prowler writes, or the input is refused.

An odd value (``"AWS"``, ``"123456789012 "``, ``"US-EAST-1"``) matches no scope target, so the FAIL it
carries would silently fall out of scope and its entry read MET. Every reader refuses it instead, naming
the file, the element and the field. Each case is a recorded Prowler output with one field of one FAIL
changed; the case id says which.
"""

from __future__ import annotations

import copy
import csv
import gzip
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.inputs.findings.recorded import CMMC_COMPLIANCE_CSV, PLAIN_ASFF, PLAIN_CSV, PLAIN_OCSF
from tests.support.moto import aws_client
from verifier.errors import FindingsFormatError
from verifier.inputs.findings import load_findings
from verifier.providers import PROVIDERS, identity_fault

REPO = Path(__file__).resolve().parents[3]
PROVIDER_FIXTURES = REPO / "tests" / "fixtures" / "prowler" / "providers"
GOVCLOUD_OCSF = (
    REPO
    / "examples"
    / "mixed-enclave"
    / "prowler-output"
    / "aws-govcloud"
    / "prowler-output-123456789012.ocsf.json"
)
AZURE = PROVIDER_FIXTURES / "azure"
M365 = PROVIDER_FIXTURES / "m365"
GCP = PROVIDER_FIXTURES / "gcp"


def _one(directory: Path, pattern: str) -> Path:
    (path,) = directory.glob(pattern)
    return path


def _message(source: Path | str, element: str, field: str, value: str) -> str:
    """The refusal's start: the file, the element (a regex) and the field with its value."""
    return re.escape(f"{source}, ") + element + re.escape(f": {field} {value!r} is invalid: expected ")


def _row(number: int) -> str:
    return re.escape(f"row {number} (line ") + r"\d+\)"


# --- the table -----------------------------------------------------------------------------------------

RECORDED_TRIPLES = [
    ("aws", "123456789012", "us-east-1"),
    ("aws", "123456789012", "us-gov-west-1"),
    ("azure", "8c3f1a2b-5d6e-4f70-8a9b-1c2d3e4f5a6b", "usgovvirginia"),
    ("azure", "2b9e4d1c-7a3f-4c85-b6d0-9e8f7a6b5c4d", "usgovarizona"),
    ("azure", "4f2a7c1e-9b3d-4e8a-a1c6-0d5e7f9b2c48", "global"),  # Entra: the tenant id
    # App Service reports display names, and Prowler writes them as they come.
    ("azure", "8c3f1a2b-5d6e-4f70-8a9b-1c2d3e4f5a6b", "West Europe"),
    ("azure", "8c3f1a2b-5d6e-4f70-8a9b-1c2d3e4f5a6b", "USGov Virginia"),
    ("azure", "8c3f1a2b-5d6e-4f70-8a9b-1c2d3e4f5a6b", "East US 2"),
    ("m365", "contoso.onmicrosoft.us", "global"),
    ("m365", "contoso.onmicrosoft.com", "global"),
    ("m365", "contoso.com", "global"),  # a custom tenant domain
    ("gcp", "cui-enclave-prod", "US-EAST4"),
    ("gcp", "cui-enclave-prod", "US"),
    ("gcp", "cui-enclave-prod", "us-east4"),
    ("gcp", "cui-enclave-prod", "global"),
]


@pytest.mark.parametrize("triple", RECORDED_TRIPLES, ids="/".join)
def test_what_prowler_writes_is_sound(triple: tuple[str, str, str]) -> None:
    assert identity_fault(*triple) is None


@pytest.mark.parametrize(
    ("triple", "fault"),
    [
        (("AWS", "123456789012", "us-east-1"), 0),
        (("nonsense", "123456789012", "us-east-1"), 0),
        (("", "123456789012", "us-east-1"), 0),
        (("aws ", "123456789012", "us-east-1"), 0),
        (("aws", "123456789012 ", "us-east-1"), 1),
        (("aws", " 123456789012", "us-east-1"), 1),
        (("aws", "1.23457E+11", "us-east-1"), 1),
        (("aws", "12345678901", "us-east-1"), 1),
        (("aws", "123456789012\n", "us-east-1"), 1),
        (("aws", "123456789012", "US-EAST-1"), 2),
        (("aws", "123456789012", "us-east-1 "), 2),
        (("aws", "123456789012", "US-GOV-WEST-1"), 2),
        (("aws", "123456789012", "global"), 2),
        (("aws", "123456789012", ""), 2),
        (("azure", "8C3F1A2B-5D6E-4F70-8A9B-1C2D3E4F5A6B", "usgovvirginia"), 1),
        (("azure", "{8c3f1a2b-5d6e-4f70-8a9b-1c2d3e4f5a6b}", "usgovvirginia"), 1),
        (("azure", "123456789012", "usgovvirginia"), 1),
        (("azure", "8c3f1a2b-5d6e-4f70-8a9b-1c2d3e4f5a6b", "USGovVirginia"), 2),
        (("azure", "8c3f1a2b-5d6e-4f70-8a9b-1c2d3e4f5a6b", "us gov virginia"), 2),
        (("azure", "8c3f1a2b-5d6e-4f70-8a9b-1c2d3e4f5a6b", "West Europe "), 2),
        (("azure", "8c3f1a2b-5d6e-4f70-8a9b-1c2d3e4f5a6b", "West  Europe"), 2),
        (("azure", "8c3f1a2b-5d6e-4f70-8a9b-1c2d3e4f5a6b", "west europe"), 2),
        (("m365", "Contoso.onmicrosoft.us", "global"), 1),
        (("m365", "contoso.onmicrosoft.us.", "global"), 1),
        (("m365", "contoso", "global"), 1),
        # What Prowler writes without the Entra permission to read the domain: no scope can name it.
        (("m365", "Unknown tenant domain (missing Entra permissions)", "global"), 1),
        (("m365", "contoso.onmicrosoft.us", "Global"), 2),
        (("m365", "contoso.onmicrosoft.us", "usgovvirginia"), 2),
        (("gcp", "CUI-enclave-prod", "US"), 1),
        (("gcp", "482913756120", "US"), 1),  # the project number, not its id
        (("gcp", "cui-enclave-prod", "Us-East4"), 2),
        (("gcp", "cui-enclave-prod", "us-east4 "), 2),
    ],
)
def test_anything_else_is_named_by_its_field(triple: tuple[str, str, str], fault: int) -> None:
    assert identity_fault(*triple) == fault


def test_the_account_patterns_are_the_poam_schemas() -> None:
    """A finding's account is accepted exactly when a POA&M scope target could name it."""
    schema = json.loads((REPO / "verifier" / "schemas" / "poam.schema.json").read_text(encoding="utf-8"))
    defs = schema["$defs"]
    targets = {"aws": "account", "azure": "guid", "m365": "tenant_domain", "gcp": "gcp_project"}
    for provider, definition in targets.items():
        assert f"^{PROVIDERS[provider].account_pattern.pattern}$" == defs[definition]["pattern"], provider


# --- OCSF ----------------------------------------------------------------------------------------------


def _first_fail(records: list[dict[str, Any]]) -> int:
    return next(i for i, r in enumerate(records) if r["status_code"] == "FAIL")


def _ocsf_with(recording: Path, path: tuple[str, ...], value: str, target: Path) -> tuple[Path, int]:
    """``recording`` with ``path`` of its first FAIL set to ``value``, laid out as Prowler writes it."""
    records = json.loads(recording.read_text(encoding="utf-8"))
    index = _first_fail(records)
    holder = records[index]
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = value
    text = json.dumps(records, indent=4)
    if target.name.endswith(".gz"):
        target.write_bytes(gzip.compress(text.encode(), mtime=0))
    else:
        target.write_text(text, encoding="utf-8")
    return target, index


PROVIDER = ("cloud", "provider")
ACCOUNT = ("cloud", "account", "uid")
REGION = ("cloud", "region")
OCSF_CASES = {
    "provider-upper-case": (PLAIN_OCSF, PROVIDER, "AWS"),
    "provider-unknown": (PLAIN_OCSF, PROVIDER, "nonsense"),
    "provider-empty": (PLAIN_OCSF, PROVIDER, ""),
    "account-trailing-space": (PLAIN_OCSF, ACCOUNT, "123456789012 "),
    "account-spreadsheet-exponent": (PLAIN_OCSF, ACCOUNT, "1.23457E+11"),
    "region-upper-case": (PLAIN_OCSF, REGION, "US-EAST-1"),
    "region-trailing-space": (PLAIN_OCSF, REGION, "us-east-1 "),
    "govcloud-region-upper-case": (GOVCLOUD_OCSF, REGION, "US-GOV-WEST-1"),
    "azure-subscription-upper-case": (
        _one(AZURE, "*.ocsf.json"),
        ACCOUNT,
        "2B9E4D1C-7A3F-4C85-B6D0-9E8F7A6B5C4D",
    ),
    "azure-location-mixed-case": (_one(AZURE, "*.ocsf.json"), REGION, "USGovArizona"),
    "m365-tenant-domain-upper-case": (_one(M365, "*.ocsf.json"), ACCOUNT, "Contoso.onmicrosoft.us"),
    "m365-region-not-global": (_one(M365, "*.ocsf.json"), REGION, "usgovvirginia"),
    "gcp-project-upper-case": (_one(GCP, "*.ocsf.json"), ACCOUNT, "CUI-enclave-prod"),
    "gcp-location-mixed-case": (_one(GCP, "*.ocsf.json"), REGION, "Us-East4"),
}
OCSF_FIELDS = {PROVIDER: "cloud.provider", ACCOUNT: "cloud.account.uid", REGION: "cloud.region"}


@pytest.mark.parametrize("suffix", [".ocsf.json", ".ocsf.json.gz"], ids=["streamed", "gzip"])
@pytest.mark.parametrize("case", OCSF_CASES)
def test_ocsf_refuses_an_odd_identity(case: str, suffix: str, tmp_path: Path) -> None:
    recording, path, value = OCSF_CASES[case]
    source, index = _ocsf_with(recording, path, value, tmp_path / f"{case}{suffix}")
    with pytest.raises(
        FindingsFormatError, match=_message(source, re.escape(f"element {index}"), OCSF_FIELDS[path], value)
    ):
        load_findings([source])


def test_another_known_provider_must_carry_its_own_account_shape(tmp_path: Path) -> None:
    """An AWS finding relabelled ``azure`` is refused on its account, which no Azure scope could name."""
    source, index = _ocsf_with(
        PLAIN_OCSF, PROVIDER, "azure", tmp_path / "aws-finding-labelled-azure.ocsf.json"
    )
    expected = _message(source, re.escape(f"element {index}"), "cloud.account.uid", "123456789012")
    with pytest.raises(FindingsFormatError, match=expected + re.escape("a lower-case GUID")):
        load_findings([source])


def test_an_absent_provider_still_means_aws(tmp_path: Path) -> None:
    """Files written before other providers were supported carry no cloud.provider."""
    records = json.loads(PLAIN_OCSF.read_text(encoding="utf-8"))
    for record in records:
        del record["cloud"]["provider"]
    source = tmp_path / "no-provider.ocsf.json"
    source.write_text(json.dumps(records, indent=4), encoding="utf-8")
    assert {f.provider for f in load_findings([source]).findings} == {"aws"}


def test_a_scan_repeating_one_identity_checks_it_once() -> None:
    before = identity_fault.cache_info()
    findings = load_findings([PLAIN_OCSF]).findings
    after = identity_fault.cache_info()
    assert after.misses - before.misses <= 1  # one (provider, account, region) in the whole scan
    assert after.hits - before.hits >= len(findings) - 1


# --- CSV: findings and compliance ------------------------------------------------------------------------


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline=""), delimiter=";"))


def _csv_with(recording: Path, column: str, value: str, target: Path) -> int:
    """``recording`` with ``column`` of its first checked FAIL row set to ``value``; that row's number."""
    rows = _rows(recording)
    header = rows[0]
    status = header.index("STATUS")
    check = header.index("CHECKID") if "CHECKID" in header else header.index("CHECK_ID")
    number = next(n for n, row in enumerate(rows[1:], 1) if row[status] == "FAIL" and row[check] != "manual")
    rows[number][header.index(column)] = value
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    target.write_text(out.getvalue(), encoding="utf-8")
    return number


CSV_CASES = {
    "provider-upper-case": (PLAIN_CSV, "PROVIDER", "AWS"),
    "provider-empty": (PLAIN_CSV, "PROVIDER", ""),
    "account-spreadsheet-exponent": (PLAIN_CSV, "ACCOUNT_UID", "1.23457E+11"),
    "account-trailing-space": (PLAIN_CSV, "ACCOUNT_UID", "123456789012 "),
    "region-upper-case": (PLAIN_CSV, "REGION", "US-EAST-1"),
    "azure-subscription-upper-case": (
        _one(AZURE, "prowler-output-*.csv"),
        "ACCOUNT_UID",
        "2B9E4D1C-7A3F-4C85-B6D0-9E8F7A6B5C4D",
    ),
    "gcp-location-mixed-case": (_one(GCP, "prowler-output-*.csv"), "REGION", "Us"),
    "m365-tenant-domain-upper-case": (
        _one(M365, "prowler-output-*.csv"),
        "ACCOUNT_UID",
        "CONTOSO.onmicrosoft.us",
    ),
}


@pytest.mark.parametrize("case", CSV_CASES)
def test_csv_refuses_an_odd_identity(case: str, tmp_path: Path) -> None:
    recording, column, value = CSV_CASES[case]
    source = tmp_path / f"{case}.csv"
    number = _csv_with(recording, column, value, source)
    with pytest.raises(FindingsFormatError, match=_message(source, _row(number), column, value)):
        load_findings([source])


COMPLIANCE_CASES = {
    "provider-upper-case": (CMMC_COMPLIANCE_CSV, "PROVIDER", "AWS"),
    "account-spreadsheet-exponent": (CMMC_COMPLIANCE_CSV, "ACCOUNTID", "1.23457E+11"),
    "region-upper-case": (CMMC_COMPLIANCE_CSV, "REGION", "US-EAST-1"),
    "azure-subscription-upper-case": (
        _one(AZURE / "compliance", "*.csv"),
        "SUBSCRIPTIONID",
        "2B9E4D1C-7A3F-4C85-B6D0-9E8F7A6B5C4D",
    ),
    "m365-tenant-domain-trailing-space": (
        _one(M365 / "compliance", "*.csv"),
        "TENANTID",
        "contoso.onmicrosoft.us ",
    ),
    "gcp-location-mixed-case": (_one(GCP / "compliance", "*.csv"), "LOCATION", "Us"),
    "gcp-project-upper-case": (_one(GCP / "compliance", "*.csv"), "PROJECTID", "CUI-enclave-prod"),
}


@pytest.mark.parametrize("case", COMPLIANCE_CASES)
def test_compliance_csv_refuses_an_odd_identity(case: str, tmp_path: Path) -> None:
    recording, column, value = COMPLIANCE_CASES[case]
    source = tmp_path / f"prowler-output-{case}_cmmc_2.0.csv"
    number = _csv_with(recording, column, value, source)
    with pytest.raises(FindingsFormatError, match=_message(source, _row(number), column, value)):
        load_findings([source])


def test_compliance_csv_refuses_another_providers_columns(tmp_path: Path) -> None:
    """GCP rows under AWS's ACCOUNTID/REGION headings: a mixed-up file, not Prowler's."""
    text = _one(GCP / "compliance", "*.csv").read_text(encoding="utf-8")
    header, rest = text.split("\n", 1)
    source = tmp_path / "gcp-rows-aws-columns_cmmc_2.0.csv"
    source.write_text(header.replace("PROJECTID", "ACCOUNTID").replace("LOCATION", "REGION") + "\n" + rest)
    with pytest.raises(FindingsFormatError, match="PROVIDER 'gcp', but the header has ACCOUNTID/REGION"):
        load_findings([source])


# --- ASFF and Security Hub -------------------------------------------------------------------------------


def _asff_with(records: list[dict[str, Any]], edit: str, value: str) -> tuple[list[dict[str, Any]], int]:
    """The ASFF records with ``edit`` of the first FAILED one set to ``value``."""
    records = copy.deepcopy(records)
    index = next(i for i, r in enumerate(records) if r["Compliance"]["Status"] == "FAILED")
    if edit == "AwsAccountId":
        records[index]["AwsAccountId"] = value
    elif edit == "Resources[0].Region":
        records[index]["Resources"][0]["Region"] = value
    else:  # a top-level Region, honoured when the resource has none
        del records[index]["Resources"][0]["Region"]
        records[index]["Region"] = value
    return records, index


ASFF_CASES = {
    "account-trailing-space": ("AwsAccountId", "123456789012 "),
    "account-spreadsheet-exponent": ("AwsAccountId", "1.23457E+11"),
    "resource-region-upper-case": ("Resources[0].Region", "US-EAST-1"),
    "top-level-region-trailing-space": ("Region", "us-east-1 "),
}


@pytest.mark.parametrize("case", ASFF_CASES)
def test_asff_refuses_an_odd_identity(case: str, tmp_path: Path) -> None:
    field, value = ASFF_CASES[case]
    records, index = _asff_with(json.loads(PLAIN_ASFF.read_text(encoding="utf-8")), field, value)
    source = tmp_path / f"{case}.asff.json"
    source.write_text(json.dumps(records, indent=4), encoding="utf-8")
    with pytest.raises(
        FindingsFormatError, match=_message(source, re.escape(f"element {index}"), field, value)
    ):
        load_findings([source])


@pytest.mark.parametrize("case", ["account-trailing-space", "resource-region-upper-case"])
def test_security_hub_refuses_an_odd_identity(case: str, moto_aws: str) -> None:
    field, value = ASFF_CASES[case]
    records, _ = _asff_with(json.loads(PLAIN_ASFF.read_text(encoding="utf-8")), field, value)
    aws_client(moto_aws, "securityhub").batch_import_findings(Findings=records)
    with pytest.raises(
        FindingsFormatError, match=_message("securityhub://us-east-1", r"element \d+", field, value)
    ):
        load_findings(["securityhub://us-east-1"])


def test_iac_findings_among_cloud_findings_are_refused_with_where_to_read_them() -> None:
    """``prowler iac`` output carries provider "iac": never in any scope, so never silently dropped either."""
    source = REPO / "tests" / "fixtures" / "iac" / "head.ocsf.json"
    with pytest.raises(
        FindingsFormatError, match=re.escape("cloud.provider 'iac' is invalid") + ".*poam iac"
    ):
        load_findings([source])
