"""schema_version 2: the scope as a list of provider targets, and version 1 read as a one-target list."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from verifier.errors import InputError, SchemaError
from verifier.inputs.poam import load_poam, migrated_document, parse_poam
from verifier.model import ScopeTarget

REPO = Path(__file__).resolve().parents[2]
MIXED = REPO / "tests" / "fixtures" / "poam" / "v2" / "mixed_enclave.json"
V1 = REPO / "poam.json"


def parsed(doc: dict[str, Any]) -> Any:
    return parse_poam(json.dumps(doc).encode(), "poam.json").poam


def mixed() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(MIXED.read_text())
    return loaded


def aws_only(**target: Any) -> dict[str, Any]:
    doc = mixed()
    doc["scope"] = [{"provider": "aws", "accounts": ["123456789012"], **target}]
    doc["entries"] = []
    return doc


def test_version_2_reads_one_target_per_provider_with_its_options() -> None:
    poam = load_poam(MIXED).poam
    assert poam.providers == ("aws", "azure", "m365", "gcp")
    azure = poam.targets[1]
    assert azure.environment == "AzureUSGovernment"
    assert azure.tenant_id == "4f2a7c1e-9b3d-4e8a-a1c6-0d5e7f9b2c48"
    assert poam.targets[0].partition == "aws"
    assert poam.targets[3] == ScopeTarget(provider="gcp", accounts=("cui-enclave-prod",))


def test_version_1_is_read_as_one_aws_target() -> None:
    poam = load_poam(V1).poam
    assert poam.targets == (
        ScopeTarget(provider="aws", accounts=("123456789012",), regions=("us-east-1",), partition="aws"),
    )
    assert poam.providers == ("aws",)


@pytest.mark.parametrize(
    ("target", "partition"),
    [
        ({"regions": ["us-gov-west-1"]}, "aws-us-gov"),
        ({"regions": ["us-gov-west-1", "us-gov-east-1"], "role_name": "ProwlerScan"}, "aws-us-gov"),
        ({"regions": ["us-east-1"]}, "aws"),
        ({}, "aws"),
        ({"partition": "aws-us-gov"}, "aws-us-gov"),
    ],
)
def test_the_aws_partition_comes_from_the_scope(target: dict[str, Any], partition: str) -> None:
    assert parsed(aws_only(**target)).targets[0].partition == partition


def test_a_version_1_govcloud_scope_gets_the_govcloud_partition() -> None:
    doc = json.loads(V1.read_text())
    doc["scope"]["regions"] = ["us-gov-west-1"]
    doc["entries"] = []
    assert parsed(doc).targets[0].partition == "aws-us-gov"


def test_regions_of_two_partitions_in_one_target_are_refused() -> None:
    with pytest.raises(InputError, match=r"different AWS partitions \(aws, aws-us-gov\)"):
        parsed(aws_only(regions=["us-east-1", "us-gov-west-1"]))


def test_an_explicit_partition_must_agree_with_the_regions() -> None:
    with pytest.raises(InputError, match="partition 'aws' but region"):
        parsed(aws_only(partition="aws", regions=["us-gov-west-1"]))


@pytest.mark.parametrize(
    ("index", "field", "value"),
    [
        (1, "accounts", ["not-a-subscription"]),
        (2, "regions", ["usgovvirginia"]),
        (2, "environment", "AzureUSGovernment"),
        (1, "environment", "M365USGovernment"),
        (3, "accounts", ["123456789012"]),
        (0, "accounts", ["contoso.onmicrosoft.us"]),
    ],
)
def test_each_provider_target_is_held_to_its_own_shapes(index: int, field: str, value: Any) -> None:
    doc = mixed()
    doc["scope"][index][field] = value
    with pytest.raises(SchemaError, match=f"/scope/{index}/{field}"):
        parsed(doc)


def test_an_unknown_provider_is_a_schema_error() -> None:
    doc = mixed()
    doc["scope"][0]["provider"] = "alibabacloud"
    with pytest.raises(SchemaError, match="/scope/0/provider"):
        parsed(doc)


def test_one_account_in_two_targets_is_refused() -> None:
    doc = mixed()
    doc["scope"].append({"provider": "gcp", "accounts": ["cui-enclave-prod"]})
    with pytest.raises(InputError, match="gcp account cui-enclave-prod is in two scope targets"):
        parsed(doc)


def test_an_entry_cannot_widen_the_scope() -> None:
    doc = mixed()
    doc["entries"][0]["verification"]["scope"] = {"accounts": ["other-project-1"]}
    with pytest.raises(InputError, match="names other-project-1, outside the POA&M's scope"):
        parsed(doc)


def test_an_entry_narrowing_that_leaves_no_target_is_refused() -> None:
    doc = mixed()
    # us-east-1 is the AWS target's region, cui-enclave-prod a GCP project: no target has both.
    doc["entries"][0]["verification"]["scope"] = {"accounts": ["cui-enclave-prod"], "regions": ["us-east-1"]}
    with pytest.raises(InputError, match="leaves no scope target"):
        parsed(doc)


def test_version_1_files_do_not_take_version_2_shapes() -> None:
    doc = json.loads(V1.read_text())
    doc["scope"] = [doc["scope"]]
    with pytest.raises(SchemaError, match="/scope"):
        parsed(doc)


def test_migration_wraps_the_scope_and_keeps_everything_else_in_place() -> None:
    original = json.loads(V1.read_text())
    original["scope"]["x-owner"] = "platform team"
    original["x-custom"] = {"kept": True}
    migrated = migrated_document(original)
    assert migrated["schema_version"] == 2
    assert migrated["scope"] == [original["scope"]]
    assert list(migrated) == list(original)
    assert {k: v for k, v in migrated.items() if k not in ("schema_version", "scope")} == {
        k: v for k, v in original.items() if k not in ("schema_version", "scope")
    }


def test_a_migrated_poam_reads_as_the_same_model() -> None:
    original = json.loads(V1.read_text())
    migrated = migrated_document(original)
    assert parse_poam(json.dumps(migrated).encode(), "poam.json").schema_version == 2
    # The v1 scope object was already read as the one target it becomes: the models are equal.
    assert parsed(migrated) == parsed(original)


def test_a_version_1_scope_mixing_partitions_still_loads_with_its_partition_unknown() -> None:
    # Version 1 files loaded before partitions were checked; they keep loading, and nothing is built from it.
    doc = json.loads(V1.read_text())
    doc["scope"]["regions"] = ["us-east-1", "us-gov-west-1"]
    assert parsed(doc).targets[0].partition == ""
    with pytest.raises(InputError, match="different AWS partitions"):
        parsed(migrated_document(doc))
