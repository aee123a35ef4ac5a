"""Per-provider, fail-closed verdicts for a POA&M spanning AWS, Azure, Microsoft 365 and GCP.

Findings are recorded Prowler output: the AWS scan of a moto account (``tests/fixtures/prowler/plain``)
and Prowler 5.46.0's own Azure Government / M365 GCC High / GCP output (``.../providers``).
"""

from __future__ import annotations

import copy
import dataclasses
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from verifier.errors import InputError
from verifier.evaluate import EvaluationSettings, FindingsIndex, evaluate
from verifier.inputs.findings import load_findings
from verifier.inputs.mapping import CheckMapping, load_mapping
from verifier.inputs.poam import parse_poam
from verifier.model import EntryResult, Verdict
from verifier.outputs.reasons import rendered

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
MIXED = FIXTURES / "poam" / "v2" / "mixed_enclave.json"
RECORDED = [
    FIXTURES / "prowler" / "plain" / "plain.ocsf.json",
    *sorted((FIXTURES / "prowler" / "providers").glob("*/*.ocsf.json")),
]
MAPPING = load_mapping(REPO / "mappings" / "cmmc-l2-aws.json")
SETTINGS = EvaluationSettings(as_of=date(2026, 12, 1), max_scan_age_days=7)
TENANT = "4f2a7c1e-9b3d-4e8a-a1c6-0d5e7f9b2c48"
PROD = "8c3f1a2b-5d6e-4f70-8a9b-1c2d3e4f5a6b"


def document() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(MIXED.read_text())
    return loaded


def results(
    doc: dict[str, Any], findings: list[Path] | None = None, mapping: CheckMapping = MAPPING
) -> dict[str, EntryResult]:
    poam = parse_poam(json.dumps(doc).encode(), "mixed.json").poam
    index = FindingsIndex(load_findings(findings or RECORDED).findings)
    return {r.entry_id: r for r in evaluate(poam, mapping, index, SETTINGS)}


def entry(doc: dict[str, Any], entry_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(e for e in doc["entries"] if e["id"] == entry_id)
    return found


@pytest.fixture(scope="module")
def mixed() -> dict[str, EntryResult]:
    return results(document())


@pytest.mark.parametrize(
    ("entry_id", "verdict"),
    [
        ("MIX-001", Verdict.NOT_MET),  # a public M365 group (the muted one counts too)
        ("MIX-002", Verdict.MET),  # m365 tenant-creation policy PASS
        ("MIX-003", Verdict.MET),  # blob access on cui-prod only
        ("MIX-004", Verdict.NOT_MET),  # cui-dev FAILs
        ("MIX-005", Verdict.NOT_MET),  # Entra: Break Glass without MFA, on the tenant
        ("MIX-006", Verdict.MET),  # gcp and aws checks both PASS on the named resources
        ("MIX-007", Verdict.MET),  # a bare check the mapping lists for gcp only
        ("MIX-008", Verdict.NOT_VERIFIED),  # azure and m365 are in scope but no check examines them
    ],
)
def test_mixed_enclave_verdicts(mixed: dict[str, EntryResult], entry_id: str, verdict: Verdict) -> None:
    assert mixed[entry_id].verdict is verdict, rendered(mixed[entry_id])


def test_checks_are_named_with_their_provider_in_a_mixed_poam(mixed: dict[str, EntryResult]) -> None:
    assert list(mixed["MIX-006"].checks) == [
        "gcp:compute_project_os_login_enabled",
        "aws:s3_bucket_default_encryption",
    ]
    assert list(mixed["MIX-007"].checks) == ["gcp:compute_project_os_login_enabled"]
    assert {f.provider for f in mixed["MIX-006"].evidence} == {"gcp", "aws"}


def test_a_provider_no_check_examines_is_named_as_unverified(mixed: dict[str, EntryResult]) -> None:
    reasons = rendered(mixed["MIX-008"])
    assert any(
        r.startswith("3.1.1[d]: azure: no azure check verifies AC.L2-3.1.1") and PROD in r for r in reasons
    )
    assert any(
        r.startswith("3.1.1[d]: m365: no m365 check verifies") and "contoso.onmicrosoft.us" in r
        for r in reasons
    )


def test_entra_findings_count_for_the_azure_target_through_its_tenant_id(
    mixed: dict[str, EntryResult],
) -> None:
    result = mixed["MIX-005"]
    assert {f.account for f in result.evidence} == {TENANT}
    assert result.checks["azure:entra_privileged_user_has_mfa"].failed == 1


def test_without_a_tenant_id_entra_findings_are_out_of_scope_and_say_why() -> None:
    doc = document()
    del doc["scope"][1]["tenant_id"]
    result = results(doc)["MIX-005"]
    assert result.verdict is Verdict.NOT_VERIFIED
    assert "names no tenant_id, and this check reports on the tenant" in rendered(result)[0]


def test_a_provider_account_missing_from_the_scan_is_not_verified() -> None:
    doc = document()
    doc["scope"][2]["accounts"].append("fabrikam.onmicrosoft.us")
    entry(doc, "MIX-002")["verification"]["scope"] = {
        "accounts": ["contoso.onmicrosoft.us", "fabrikam.onmicrosoft.us"]
    }
    result = results(doc)["MIX-002"]
    assert result.verdict is Verdict.NOT_VERIFIED
    assert "3.1.2[b]: account fabrikam.onmicrosoft.us does not appear in the scan results at all" in rendered(
        result
    )


def test_met_needs_every_providers_findings_not_just_one() -> None:
    # Without the GCP output the GCP half of MIX-006 has no evidence: never MET on AWS alone.
    without_gcp = [p for p in RECORDED if "/gcp/" not in p.as_posix()]
    result = results(document(), without_gcp)["MIX-006"]
    assert result.verdict is Verdict.NOT_VERIFIED
    assert any("account cui-enclave-prod does not appear in the scan results" in r for r in rendered(result))


def test_default_checks_cover_every_provider_in_the_entrys_scope() -> None:
    doc = document()
    del entry(doc, "MIX-003")["verification"]["checks"]
    entry(doc, "MIX-003")["verification"]["scope"] = {"accounts": [PROD, "cui-enclave-prod"]}
    # A mapping that assigns every azure and gcp check of the practice to the entry's objective.
    assigned = {p: MAPPING.checks_for("AC.L2-3.1.1", p) for p in ("azure", "gcp")}
    objectives = {**MAPPING.objectives, "AC.L2-3.1.1": {"3.1.1[d]": assigned}}
    mapping = dataclasses.replace(MAPPING, objectives=objectives)
    checks = results(doc, mapping=mapping)["MIX-003"].checks
    expected = [f"azure:{c}" for c in MAPPING.checks_for("AC.L2-3.1.1", "azure")]
    expected += [f"gcp:{c}" for c in MAPPING.checks_for("AC.L2-3.1.1", "gcp")]
    assert list(checks) == expected


def test_an_ambiguous_bare_check_is_an_input_error_naming_both_providers() -> None:
    doc = document()
    entry(doc, "MIX-002")["verification"] = {
        "checks": ["entra_policy_ensure_default_user_cannot_create_tenants"]
    }
    with pytest.raises(InputError) as caught:
        results(doc)
    assert "ambiguous" in caught.value.message
    assert "azure and m365" in caught.value.message
    assert "m365:entra_policy_ensure_default_user_cannot_create_tenants" in caught.value.message


def test_narrowing_to_one_provider_settles_a_bare_check() -> None:
    doc = document()
    entry(doc, "MIX-002")["verification"]["checks"] = [
        "entra_policy_ensure_default_user_cannot_create_tenants"
    ]
    assert results(doc)["MIX-002"].verdict is Verdict.MET


def test_a_check_for_a_provider_outside_the_entrys_scope_is_refused() -> None:
    doc = document()
    entry(doc, "MIX-002")["verification"]["checks"] = ["gcp:compute_project_os_login_enabled"]
    with pytest.raises(InputError, match="is for gcp, which is not in the entry's scope"):
        results(doc)


def test_findings_of_another_provider_never_count(mixed: dict[str, EntryResult]) -> None:
    # An AWS-only POA&M judging the same files sees none of the other providers' findings.
    doc = copy.deepcopy(document())
    doc["scope"] = [doc["scope"][0]]
    doc["entries"] = [
        {
            "id": "A",
            "practice_id": "AC.L2-3.1.1",
            "finding": "x",
            "status": "open",
            "verification": {"checks": ["storage_blob_public_access_level_is_disabled"]},
        }
    ]
    result = results(doc)["A"]
    assert result.verdict is Verdict.NOT_VERIFIED
    assert result.evidence == ()


@pytest.mark.parametrize(
    "check", ["exchange_organization_mailbox_auditing_enabled", "teams_external_domains_restricted"]
)
def test_a_powershell_m365_check_without_findings_in_gcc_high_says_why(check: str) -> None:
    doc = document()
    entry(doc, "MIX-002")["verification"]["checks"] = {"3.1.2[b]": [f"m365:{check}"]}
    result = results(doc)["MIX-002"]
    assert result.verdict is Verdict.NOT_VERIFIED
    (reason,) = rendered(result)
    assert "absence of findings is not evidence" in reason
    assert "through PowerShell connected to commercial endpoints" in reason
    assert "M365USGovernment (GCC High)" in reason


def test_the_gcc_high_note_is_not_given_for_commercial_microsoft_365() -> None:
    doc = document()
    doc["scope"][2]["environment"] = "M365Global"
    entry(doc, "MIX-002")["verification"]["checks"] = {
        "3.1.2[b]": ["m365:exchange_organization_mailbox_auditing_enabled"]
    }
    (reason,) = rendered(results(doc)["MIX-002"])
    assert "PowerShell" not in reason


@pytest.mark.parametrize("spelling", ["USGov Virginia", "usgovvirginia"])
def test_a_fail_under_either_spelling_of_a_scoped_location_counts(tmp_path: Path, spelling: str) -> None:
    # App Service reports "USGov Virginia" where storage reports "usgovvirginia": one location, so a FAIL
    # under either spelling is in a scope naming either (else it would drop out and the PASS decide MET).
    azure = next((FIXTURES / "prowler" / "providers" / "azure").glob("*.ocsf.json"))
    findings = json.loads(azure.read_text())
    prod_pass = next(f for f in findings if f["cloud"]["account"]["uid"] == PROD)
    failing = copy.deepcopy(prod_pass)
    failing["status_code"], failing["finding_info"]["uid"] = "FAIL", failing["finding_info"]["uid"] + "-2"
    failing["resources"][0]["uid"] += "-second"
    failing["cloud"]["region"] = failing["resources"][0]["region"] = spelling
    (tmp_path / azure.name).write_text(json.dumps([*findings, failing]))
    doc = document()
    doc["scope"][1]["regions"] = ["usgovvirginia"]  # a POA&M names the location name (its schema's pattern)

    result = results(doc, [p for p in RECORDED if "/azure/" not in p.as_posix()] + [tmp_path / azure.name])

    assert result["MIX-003"].verdict is Verdict.NOT_MET
