"""``poam scan`` beyond one AWS account: GovCloud role ARNs, and Azure / M365 / GCP Prowler command lines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from verifier.errors import InputError, UsageError
from verifier.inputs.mapping import load_mapping
from verifier.inputs.poam import parse_poam
from verifier.model import Poam
from verifier.pipeline.provider_commands import parse_auth
from verifier.pipeline.scan import needed_checks_by_provider, provider_targets, scan_targets

REPO = Path(__file__).resolve().parents[2]
MIXED = REPO / "tests" / "fixtures" / "poam" / "v2" / "mixed_enclave.json"
MAPPING = load_mapping(REPO / "mappings" / "cmmc-l2-aws.json")
PROD = "8c3f1a2b-5d6e-4f70-8a9b-1c2d3e4f5a6b"
DEV = "2b9e4d1c-7a3f-4c85-b6d0-9e8f7a6b5c4d"


def mixed() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(MIXED.read_text())
    return loaded


def parsed(doc: dict[str, Any]) -> Poam:
    return parse_poam(json.dumps(doc).encode(), "poam.json").poam


def govcloud(**target: Any) -> Poam:
    doc = mixed()
    doc["scope"] = [{"provider": "aws", "accounts": ["123456789012"], "regions": ["us-gov-west-1"], **target}]
    doc["entries"] = []
    return parsed(doc)


def test_role_arns_built_from_role_name_use_the_govcloud_partition() -> None:
    targets = scan_targets(govcloud(role_name="ProwlerScan"), (), (), None)
    assert [t.credential_args for t in targets] == [
        ("-R", "arn:aws-us-gov:iam::123456789012:role/ProwlerScan")
    ]
    assert [t.regions for t in targets] == [("us-gov-west-1",)]


def test_an_explicit_partition_is_used_for_the_role_arn() -> None:
    poam = govcloud(role_name="ProwlerScan", partition="aws-us-gov", regions=[])
    assert scan_targets(poam, (), (), None)[0].credential_args[1].startswith("arn:aws-us-gov:iam::")


def test_a_role_arn_of_any_partition_is_accepted_and_scans_its_targets_regions() -> None:
    arn = "arn:aws-us-gov:iam::123456789012:role/Scanner"
    (target,) = scan_targets(govcloud(), (), (arn,), None)
    assert (target.account, target.credential_args, target.regions) == (
        "123456789012",
        ("-R", arn),
        ("us-gov-west-1",),
    )


def test_each_aws_target_assumes_its_own_role_in_its_own_partition() -> None:
    doc = mixed()
    doc["scope"] = [
        {"provider": "aws", "accounts": ["111111111111"], "regions": ["us-east-1"], "role_name": "Scan"},
        {
            "provider": "aws",
            "accounts": ["222222222222"],
            "regions": ["us-gov-east-1"],
            "role_name": "GovScan",
        },
    ]
    doc["entries"] = []
    targets = scan_targets(parsed(doc), (), (), None)
    assert [(t.credential_args[1], t.regions) for t in targets] == [
        ("arn:aws:iam::111111111111:role/Scan", ("us-east-1",)),
        ("arn:aws-us-gov:iam::222222222222:role/GovScan", ("us-gov-east-1",)),
    ]


def test_azure_m365_and_gcp_targets_get_their_own_prowler_flags() -> None:
    targets = provider_targets(parsed(mixed()), {})
    assert [(t.provider, t.label, t.credential_args) for t in targets] == [
        (
            "azure",
            f"azure-{PROD}",
            ("--az-cli-auth", "--subscription-ids", PROD, DEV, "--azure-region", "AzureUSGovernment"),
        ),
        ("m365", "m365-contoso.onmicrosoft.us", ("--az-cli-auth", "--region", "M365USGovernment")),
        ("gcp", "gcp-cui-enclave-prod", ("--project-ids", "cui-enclave-prod")),
    ]


def test_auth_choices_map_to_prowlers_flags() -> None:
    auth = parse_auth(
        ["azure=sp-env", "m365=certificate:/run/cert.pem", "gcp=impersonate:scan@p.iam.gserviceaccount.com"]
    )
    args = {t.provider: t.credential_args for t in provider_targets(parsed(mixed()), auth)}
    assert args["azure"][0] == "--sp-env-auth"
    assert args["m365"][:3] == ("--certificate-auth", "--certificate-path", "/run/cert.pem")
    assert args["gcp"][:2] == ("--impersonate-service-account", "scan@p.iam.gserviceaccount.com")


def test_an_environment_defaults_to_the_commercial_cloud() -> None:
    doc = mixed()
    del doc["scope"][1]["environment"]
    del doc["scope"][2]["environment"]
    args = {t.provider: t.credential_args for t in provider_targets(parsed(doc), {})}
    assert args["azure"][-2:] == ("--azure-region", "AzureCloud")
    assert args["m365"][-2:] == ("--region", "M365Global")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("azure", "expected PROVIDER=METHOD"),
        ("aws=az-cli", "expected PROVIDER=METHOD"),
        ("azure=browser", "azure methods are az-cli, sp-env, managed-identity"),
        ("m365=certificate", "needs a value"),
        ("gcp=adc:/x", "takes no value"),
    ],
)
def test_a_bad_auth_choice_is_a_usage_error(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parse_auth([text])


def test_the_same_provider_twice_in_auth_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="azure is given twice"):
        parse_auth(["azure=az-cli", "azure=sp-env"])


def test_checks_are_gathered_per_provider_from_open_entries() -> None:
    by_provider = needed_checks_by_provider(parsed(mixed()), MAPPING, all_practices=False)
    assert by_provider == {
        "aws": ("s3_bucket_default_encryption",),
        "azure": ("entra_privileged_user_has_mfa", "storage_blob_public_access_level_is_disabled"),
        "m365": (
            "admincenter_groups_not_public_visibility",
            "entra_policy_ensure_default_user_cannot_create_tenants",
        ),
        "gcp": ("compute_project_os_login_enabled",),
    }


def test_an_ambiguous_check_stops_the_scan_before_prowler_runs() -> None:
    doc = mixed()
    doc["entries"][1]["verification"] = {"checks": ["entra_policy_ensure_default_user_cannot_create_tenants"]}
    with pytest.raises(InputError, match="ambiguous"):
        needed_checks_by_provider(parsed(doc), MAPPING, all_practices=False)


def test_no_role_arn_is_guessed_for_a_version_1_scope_spanning_partitions() -> None:
    doc = json.loads((REPO / "poam.json").read_text())
    doc["scope"] |= {"regions": ["us-east-1", "us-gov-west-1"], "role_name": "Scanner"}
    poam = parsed(doc)
    with pytest.raises(UsageError, match="span AWS partitions, so no role ARN can be built"):
        scan_targets(poam, (), (), None)
