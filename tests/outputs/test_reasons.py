"""The reason table: every code has words, and the words are what each output has always printed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from verifier.model import Reason, ReasonCode
from verifier.outputs.reasons import TEMPLATES, reason_json, render

SCOPE = {"accounts": ["123456789012", "210987654321"], "regions": ["us-east-1"], "resources": []}
REMOVED = {
    "check": "s3_bucket_public_access",
    "resource_uid": "arn:aws:s3:::old-bucket",
    "account": "123456789012",
    "region": "us-east-1",
    "source_file": "out/old.ocsf.json",
    "time": "2026-11-01T09:00:00+00:00",
    "scan": "out/new/scan-manifest.json",
    "scan_files": ["out/new/a.ocsf.json"],
    "started": "2026-11-20T09:00:00+00:00",
}

# One reason of every code, with the words it renders to. Exhaustive: a new code needs a row here.
EXAMPLES: dict[ReasonCode, tuple[dict[str, Any], str]] = {
    ReasonCode.FAIL_FOUND: (
        {
            "check": "kms_cmk_rotation_enabled",
            "failed": 8,
            "muted": 1,
            "resources": [{"resource_uid": "key/1", "account": "123456789012", "region": "us-east-1"}],
            "more": 6,
        },
        "kms_cmk_rotation_enabled: FAIL on 8 resource(s) (1 muted: a muted FAIL is still a FAIL): "
        "key/1 [123456789012/us-east-1] and 6 more",
    ),
    ReasonCode.PROVIDER_UNCHECKED: (
        {
            "provider": "azure",
            "practice_id": "AC.L2-3.1.1",
            "entry_names_checks": True,
            "accounts": ["sub-1"],
        },
        "azure: no azure check verifies AC.L2-3.1.1 (the entry names none), so its azure accounts (sub-1) "
        "are unverified; narrow verification.scope to the accounts this gap concerns, or name checks for them",
    ),
    ReasonCode.ACCOUNT_NOT_SCANNED: (
        {"account": "123456789012"},
        "account 123456789012 does not appear in the scan results at all",
    ),
    ReasonCode.SOURCE_UNREADABLE: (
        {"location": "s3://b/k.json", "error": "AccessDenied"},
        "findings source s3://b/k.json could not be read (AccessDenied): it may hold newer results for "
        "this scope, so none here can prove it",
    ),
    ReasonCode.ORGANIZATION_NOT_LISTED: (
        {},
        "the scope is an AWS Organization and no scan manifest lists its accounts (run `poam scan` with the "
        "organization's credentials): the accounts to prove are unknown",
    ),
    ReasonCode.REGION_NOT_SCANNED: (
        {"account": "123456789012", "region": "eu-west-1"},
        "region eu-west-1 of account 123456789012 does not appear in the scan results at all",
    ),
    ReasonCode.NO_IN_SCOPE_FINDINGS: (
        {
            "check": "exchange_transport_rules_whitelist_disabled",
            "scope": {"accounts": ["contoso.onmicrosoft.us"], "regions": [], "resources": ["arn:*"]},
            "provider": "m365",
            "untenanted_target": None,
            "commercial_only": {"service": "exchange", "environments": ["M365USGovGCCHigh"]},
        },
        "exchange_transport_rules_whitelist_disabled: no in-scope findings (accounts contoso.onmicrosoft.us; "
        "resources arn:*): absence of findings is not evidence; Prowler runs m365 exchange checks through "
        "PowerShell connected to commercial endpoints, so in M365USGovGCCHigh (GCC High) they may produce no "
        "findings: this practice needs another proof there (an attestation)",
    ),
    ReasonCode.NO_FINDINGS_FOR_ACCOUNT: (
        {"check": "iam_root_mfa_enabled", "account": "210987654321"},
        "iam_root_mfa_enabled: no findings for account 210987654321: absence of findings is not evidence",
    ),
    ReasonCode.MANUAL_RESULTS: (
        {"check": "iam_root_mfa_enabled", "count": 2},
        "iam_root_mfa_enabled: 2 MANUAL result(s) need human review, not an automated PASS",
    ),
    ReasonCode.MUTED_PASS: (
        {"check": "iam_root_mfa_enabled", "count": 1},
        "iam_root_mfa_enabled: 1 muted PASS result(s): a muted result is not evidence",
    ),
    ReasonCode.STALE_FINDINGS: (
        {"check": "iam_root_mfa_enabled", "oldest": "2026-11-01", "age_days": 19, "max_scan_age_days": 7},
        "iam_root_mfa_enabled: stale scan: a finding from 2026-11-01 is 19 days old (--max-scan-age 7)",
    ),
    ReasonCode.FINDING_AFTER_AS_OF: (
        {"check": "iam_root_mfa_enabled", "newest": "2026-11-21", "as_of": "2026-11-20"},
        "iam_root_mfa_enabled: a finding is dated 2026-11-21, after --as-of 2026-11-20",
    ),
    ReasonCode.REMOVAL_UNPROVEN: (
        {**REMOVED, "scan_files": [], "incomplete": None},
        "s3_bucket_public_access: arn:aws:s3:::old-bucket [123456789012/us-east-1] FAIL in out/old.ocsf.json "
        "(2026-11-01T09:00:00+00:00) is not reported by the newer scan out/new/scan-manifest.json "
        "(2026-11-20T09:00:00+00:00), which cannot prove it complete (no proof): rescan with `poam scan`",
    ),
    ReasonCode.ATTESTATION_NOT_VALID: (
        {"attestation": "the attestation of 2026-11-01 by Dana expired on 2026-11-10"},
        "attestation not valid: the attestation of 2026-11-01 by Dana expired on 2026-11-10",
    ),
    ReasonCode.SCAN_CANNOT_PROVE: (
        {"practice_id": "SC.L2-3.13.11"},
        "SC.L2-3.13.11: FIPS validation of the cryptographic modules cannot be observed by a configuration "
        "scan; closure needs an attestation",
    ),
    ReasonCode.ATTESTATION_MISSING: (
        {},
        "verification requires an attestation and no valid attestation is recorded for this entry",
    ),
    ReasonCode.NO_CHECKS: (
        {"practice_id": "AT.L2-3.2.1", "entry_names_checks": False},
        "no automated check verifies AT.L2-3.2.1: the mapping has none and the entry names none, so closure "
        "needs recorded human evidence (attestation)",
    ),
    ReasonCode.NO_CHECKS_ATTESTATION_MISSING: (
        {"practice_id": "AT.L2-3.2.1"},
        "no automated check verifies AT.L2-3.2.1: verification requires an attestation and no valid "
        "attestation is recorded for this entry",
    ),
    ReasonCode.OBJECTIVE_NO_CHECKS: (
        {"objective": "3.3.8[c]", "entry": "POAM-001"},
        "3.3.8[c] (audit information is protected from unauthorized deletion): no check evidences it — attest "
        "it with `poam attest POAM-001 --objective 3.3.8[c] …`, or leave it out of the entry's objectives if it "
        "was MET at the assessment",
    ),
    ReasonCode.ALL_CHECKS_PASS: (
        {"check_count": 2, "resource_count": 3, "scope": SCOPE, "newest_scan": "2026-11-19"},
        "all 2 check(s) PASS on 3 resource(s) in accounts 123456789012, 210987654321; regions us-east-1; "
        "newest scan 2026-11-19",
    ),
    ReasonCode.ATTESTED: (
        {"attestation": "attested by Dana Reyes (ISSO) on 2026-11-01"},
        "attested by Dana Reyes (ISSO) on 2026-11-01",
    ),
    ReasonCode.ATTESTED_WITHOUT_CHECKS: (
        {"practice_id": "AT.L2-3.2.1", "attestation": "attested by Dana Reyes (ISSO) on 2026-11-01"},
        "no automated check verifies AT.L2-3.2.1: attested by Dana Reyes (ISSO) on 2026-11-01",
    ),
    ReasonCode.RESOLVED_BY_REMOVAL: (
        REMOVED,
        "s3_bucket_public_access: arn:aws:s3:::old-bucket [123456789012/us-east-1] resolved by removal: FAIL "
        "in out/old.ocsf.json (2026-11-01T09:00:00+00:00) is absent from the newer complete scan "
        "out/new/scan-manifest.json (files out/new/a.ocsf.json) (2026-11-20T09:00:00+00:00)",
    ),
}


def test_every_reason_code_has_words() -> None:
    assert set(TEMPLATES) == set(ReasonCode)


def test_every_reason_code_has_an_example_here() -> None:
    assert set(EXAMPLES) == set(ReasonCode)


@pytest.mark.parametrize("code", list(ReasonCode))
def test_each_code_renders_its_parameters_to_its_words(code: ReasonCode) -> None:
    params, words = EXAMPLES[code]
    assert render(Reason(code, params)) == words


@pytest.mark.parametrize("code", list(ReasonCode))
def test_a_recorded_reason_carries_code_parameters_and_words_through_json(code: ReasonCode) -> None:
    params, words = EXAMPLES[code]
    recorded = json.loads(json.dumps(reason_json(Reason(code, params)), allow_nan=False))
    assert recorded == {"code": code.value, "params": params, "text": words}
    assert render(Reason(ReasonCode(recorded["code"]), recorded["params"])) == words


def test_codes_are_stable_lower_snake_case_names() -> None:
    assert all(code.value == code.name.lower() for code in ReasonCode)


def test_the_reason_codes_doc_lists_every_code_and_no_other() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "reason-codes.md").read_text(encoding="utf-8")
    listed = {line.split("`")[1] for line in doc.splitlines() if line.startswith("### `")}
    assert listed == {code.value for code in ReasonCode}


def test_a_reason_about_an_objective_begins_with_its_id() -> None:
    reason = Reason(
        ReasonCode.MUTED_PASS, {"check": "kms_cmk_rotation_enabled", "count": 1, "objective": "3.13.10[b]"}
    )
    assert render(reason) == (
        "3.13.10[b]: kms_cmk_rotation_enabled: 1 muted PASS result(s): a muted result is not evidence"
    )
