"""The practice → check mapping: built from Prowler's own framework files, loaded and checked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from verifier.catalog import practices
from verifier.errors import ExitCode, InputError, SchemaError
from verifier.inputs.jsondoc import validate
from verifier.inputs.mapping import (
    CMMC_FRAMEWORK,
    CheckMapping,
    build_mapping,
    load_mapping,
    nist_to_practice_id,
    problems,
)
from verifier.providers import PROVIDERS

NIST_FRAMEWORK = PROVIDERS["aws"].nist_framework
BOTH = [CMMC_FRAMEWORK, NIST_FRAMEWORK]


@pytest.fixture
def mapping_dir(fixtures_dir: Path) -> Path:
    return fixtures_dir / "mapping"


@pytest.fixture
def cmmc(mapping_dir: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((mapping_dir / "cmmc_2.0_excerpt.json").read_text(encoding="utf-8"))
    return document


@pytest.fixture
def nist(mapping_dir: Path) -> dict[str, Any]:
    path = mapping_dir / "nist_800_171_revision_2_aws_excerpt.json"
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


@pytest.fixture
def built(cmmc: dict[str, Any], nist: dict[str, Any]) -> dict[str, Any]:
    return build_mapping(cmmc, nist, "5.46.0")


def requirement(cmmc: dict[str, Any], requirement_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(r for r in cmmc["requirements"] if r["id"] == requirement_id)
    return found


def nist_requirement(nist: dict[str, Any], requirement_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(r for r in nist["Requirements"] if r["Id"] == requirement_id)
    return found


# --- build_mapping -------------------------------------------------------------------------------------


def test_every_catalog_practice_is_present_in_catalog_order(built: dict[str, Any]) -> None:
    assert list(built["practices"]) == list(practices())
    assert built["practices"]["AT.L2-3.2.3"] == {
        "title": practices()["AT.L2-3.2.3"].title,
        "aws": [],
        "sources": {},
        "objectives": {"3.2.3[a]": {}, "3.2.3[b]": {}},
    }


def test_provenance_names_the_prowler_version_both_frameworks_and_every_provider(
    built: dict[str, Any],
) -> None:
    assert built["schema_version"] == 3
    assert built["source"] == {
        "generator": "poam mapping sync",
        "prowler_version": "5.46.0",
        "frameworks": BOTH,
        "cmmc_framework_version": "2.0",
        # From the framework's own `checks` keys, AWS first: m365 is covered though AU.L2-3.3.8 lists none.
        "providers": ["aws", "alibabacloud", "azure", "gcp", "m365", "oraclecloud"],
    }


@pytest.mark.parametrize(
    ("requirement_id", "practice_id"),
    [
        ("3_3_8", "AU.L2-3.3.8"),
        ("3_13_4", "SC.L2-3.13.4"),
        ("3_14_7", "SI.L2-3.14.7"),
        ("3_1_99", None),
        ("3.3.8", None),
        ("AU.L2-3.3.8", None),
        ("3_3_8_a", None),
    ],
)
def test_nist_requirement_ids_translate_to_practice_ids(requirement_id: str, practice_id: str | None) -> None:
    assert nist_to_practice_id(requirement_id) == practice_id


def test_aws_checks_are_the_sorted_union_of_both_frameworks(
    built: dict[str, Any], cmmc: dict[str, Any], nist: dict[str, Any]
) -> None:
    cmmc_checks = set(requirement(cmmc, "AU.L2-3.3.8")["checks"]["aws"])
    nist_checks = set(nist_requirement(nist, "3_3_8")["Checks"])
    assert built["practices"]["AU.L2-3.3.8"]["aws"] == sorted(cmmc_checks | nist_checks)
    assert "cloudtrail_kms_encryption_enabled" in built["practices"]["AU.L2-3.3.8"]["aws"]


def test_sources_list_every_framework_that_maps_a_check(built: dict[str, Any]) -> None:
    au = built["practices"]["AU.L2-3.3.8"]
    assert au["sources"]["aws"]["cloudtrail_kms_encryption_enabled"] == BOTH
    assert set(au["sources"]["aws"]) == set(au["aws"])
    ia = built["practices"]["IA.L2-3.5.7"]
    assert ia["sources"]["aws"]["iam_password_policy_lowercase"] == BOTH
    # Only NIST 800-171 maps unused access keys to password complexity.
    assert ia["sources"]["aws"]["iam_user_accesskey_unused"] == [NIST_FRAMEWORK]


def test_sources_cover_every_provider_with_checks(built: dict[str, Any]) -> None:
    for pid, body in built["practices"].items():
        listed = {key: checks for key, checks in body.items() if isinstance(checks, list) and checks}
        assert set(body["sources"]) == set(listed), pid
        for provider, checks in listed.items():
            assert sorted(body["sources"][provider]) == checks, (pid, provider)
    au = built["practices"]["AU.L2-3.3.8"]
    assert set(au["sources"]) == {"aws", "alibabacloud", "azure", "gcp"}
    # The NIST file is AWS-only: every other provider's check comes from cmmc_2.0 alone.
    assert {tuple(v) for p in ("alibabacloud", "azure", "gcp") for v in au["sources"][p].values()} == {
        (CMMC_FRAMEWORK,)
    }
    assert built["practices"]["IA.L2-3.5.7"]["sources"]["oraclecloud"] == {
        "identity_password_policy_minimum_length_14": [CMMC_FRAMEWORK]
    }


def test_non_aws_providers_are_kept_and_empty_lists_dropped(
    built: dict[str, Any], cmmc: dict[str, Any]
) -> None:
    au = built["practices"]["AU.L2-3.3.8"]
    source_checks = requirement(cmmc, "AU.L2-3.3.8")["checks"]
    assert au["azure"] == sorted(source_checks["azure"])
    assert au["gcp"] == sorted(source_checks["gcp"])
    assert au["alibabacloud"] == sorted(source_checks["alibabacloud"])
    assert source_checks["m365"] == []
    assert "m365" not in au
    assert "oraclecloud" not in au
    assert built["practices"]["IA.L2-3.5.7"]["oraclecloud"] == ["identity_password_policy_minimum_length_14"]


def test_level_1_and_level_3_requirements_are_ignored(
    built: dict[str, Any], cmmc: dict[str, Any], nist: dict[str, Any]
) -> None:
    assert "AC.L1-b.1.i" not in built["practices"]
    assert "AC.L3-3.1.2e" not in built["practices"]
    level2 = {c for r in cmmc["requirements"] if ".L2-" in r["id"] for c in r["checks"]["aws"]}
    level2 |= {c for r in nist["Requirements"] for c in r["Checks"]}
    level1_only = set(requirement(cmmc, "AC.L1-b.1.i")["checks"]["aws"]) - level2
    assert "awslambda_function_url_public" in level1_only
    every_aws_check = {c for body in built["practices"].values() for c in body["aws"]}
    assert not level1_only & every_aws_check
    assert built["practices"]["AC.L2-3.1.1"]["aws"] == []


def test_practices_without_checks_stay_empty(built: dict[str, Any]) -> None:
    # CMMC maps nothing to FIPS crypto; NIST's 3_13_4 has no checks at all.
    assert built["practices"]["SC.L2-3.13.11"]["aws"] == []
    assert built["practices"]["SC.L2-3.13.4"]["aws"] == []


def test_without_the_nist_file_only_cmmc_contributes(cmmc: dict[str, Any]) -> None:
    built = build_mapping(cmmc, None, "5.46.0")
    assert built["source"]["frameworks"] == [CMMC_FRAMEWORK]
    ia = built["practices"]["IA.L2-3.5.7"]
    assert "iam_user_accesskey_unused" not in ia["aws"]
    assert {tuple(v) for by_check in ia["sources"].values() for v in by_check.values()} == {(CMMC_FRAMEWORK,)}


def test_build_is_deterministic(cmmc: dict[str, Any], nist: dict[str, Any]) -> None:
    first = json.dumps(build_mapping(cmmc, nist, "5.46.0"))
    reversed_cmmc = {**cmmc, "requirements": list(reversed(cmmc["requirements"]))}
    assert json.dumps(build_mapping(reversed_cmmc, nist, "5.46.0")) == first


def test_a_built_mapping_satisfies_the_mapping_schema(built: dict[str, Any], tmp_path: Path) -> None:
    validate(built, "mapping.schema.json", "built")
    path = tmp_path / "mapping.json"
    path.write_text(json.dumps(built), encoding="utf-8")
    loaded = load_mapping(path)
    assert loaded.checks_for("AU.L2-3.3.8", "aws") == tuple(built["practices"]["AU.L2-3.3.8"]["aws"])


# --- load_mapping ---------------------------------------------------------------------------------------


def test_load_mapping_reads_checks_per_provider(mapping_dir: Path) -> None:
    path = mapping_dir / "minimal.json"
    mapping = load_mapping(path)
    assert mapping.checks_for("AU.L2-3.3.8", "aws") == (
        "cloudtrail_kms_encryption_enabled",
        "cloudtrail_log_file_validation_enabled",
    )
    assert mapping.checks_for("AU.L2-3.3.8", "azure") == ("keyvault_logging_enabled",)
    assert mapping.checks_for("AT.L2-3.2.3", "aws") == ()
    assert mapping.checks_for("SC.L2-3.13.11", "aws") == ()
    assert mapping.source == {"generator": "hand-written for tests"}
    assert mapping.path == str(path)
    assert len(mapping.sha256) == 64
    assert mapping.all_checks("aws") == {
        "cloudtrail_kms_encryption_enabled",
        "cloudtrail_log_file_validation_enabled",
        "iam_password_policy_lowercase",
        "iam_password_policy_retired_check",
    }


def test_load_mapping_rejects_unknown_practice_ids(mapping_dir: Path) -> None:
    path = mapping_dir / "unknown_practice.json"
    with pytest.raises(InputError) as caught:
        load_mapping(path)
    assert caught.value.exit_code is ExitCode.INVALID_INPUT
    assert f"{path}: unknown CMMC Level 2 practice ids: AC.L2-3.1.99" == caught.value.message


@pytest.mark.parametrize(
    ("fixture", "pointer"),
    [
        ("bad_check_id.json", "/practices/AU.L2-3.3.8/aws/0"),
        ("level1_practice_id.json", "/practices"),
        ("missing_source.json", "/"),
    ],
)
def test_load_mapping_rejects_schema_violations(mapping_dir: Path, fixture: str, pointer: str) -> None:
    with pytest.raises(SchemaError) as caught:
        load_mapping(mapping_dir / fixture)
    assert caught.value.exit_code is ExitCode.INVALID_INPUT
    assert f"schema violation at {pointer}: " in caught.value.message


def test_load_mapping_rejects_a_practice_listed_twice(mapping_dir: Path) -> None:
    # Silently keeping the second, shorter list would drop two checks and could turn a FAIL into a MET.
    with pytest.raises(InputError) as caught:
        load_mapping(mapping_dir / "duplicate_practice.json")
    assert "duplicate key 'AU.L2-3.3.8'" in caught.value.message


def test_load_mapping_ignores_keys_that_are_not_check_lists(mapping_dir: Path) -> None:
    mapping = load_mapping(mapping_dir / "boolean_note_in_practice.json")
    assert mapping.practices["AU.L2-3.3.8"] == {"aws": ("cloudtrail_kms_encryption_enabled",)}


def test_load_mapping_of_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="mapping not found"):
        load_mapping(tmp_path / "absent.json")


# --- problems and unmapped practices --------------------------------------------------------------------


def test_problems_name_checks_the_installed_prowler_does_not_know(mapping_dir: Path) -> None:
    mapping = load_mapping(mapping_dir / "minimal.json")
    known = frozenset(
        {
            "cloudtrail_kms_encryption_enabled",
            "cloudtrail_log_file_validation_enabled",
            "iam_password_policy_lowercase",
        }
    )
    assert problems(mapping, known) == [
        "IA.L2-3.5.7: check 'iam_password_policy_retired_check' is not known to the installed Prowler"
    ]
    assert problems(mapping, known | {"iam_password_policy_retired_check"}) == []


def test_problems_are_empty_when_the_check_list_is_unknown(mapping_dir: Path) -> None:
    assert problems(load_mapping(mapping_dir / "minimal.json"), None) == []


def test_problems_check_every_provider_against_its_own_list(mapping_dir: Path) -> None:
    mapping = load_mapping(mapping_dir / "minimal.json")
    aws = frozenset(
        {
            "cloudtrail_kms_encryption_enabled",
            "cloudtrail_log_file_validation_enabled",
            "iam_password_policy_lowercase",
            "iam_password_policy_retired_check",
        }
    )
    assert problems(mapping, {"aws": aws, "azure": frozenset({"keyvault_logging_enabled"})}) == []
    # An AWS id is not an Azure id: each provider is checked against its own list only.
    assert problems(mapping, {"aws": aws, "azure": aws}) == [
        "AU.L2-3.3.8: azure check 'keyvault_logging_enabled' is not known to the installed Prowler"
    ]


def test_a_provider_whose_checks_could_not_be_listed_is_a_problem(mapping_dir: Path) -> None:
    mapping = load_mapping(mapping_dir / "minimal.json")
    aws = mapping.all_checks("aws")
    assert problems(mapping, {"aws": aws}) == [
        "azure: the installed Prowler lists no checks for this provider"
    ]


def test_providers_are_declared_or_else_the_ones_listed(
    mapping_dir: Path, built: dict[str, Any], tmp_path: Path
) -> None:
    assert load_mapping(mapping_dir / "minimal.json").providers() == ("aws", "azure")
    path = tmp_path / "mapping.json"
    path.write_text(json.dumps(built), encoding="utf-8")
    assert load_mapping(path).providers() == ("aws", "alibabacloud", "azure", "gcp", "m365", "oraclecloud")


def test_a_version_1_mapping_with_aws_only_sources_still_loads(mapping_dir: Path) -> None:
    mapping = load_mapping(mapping_dir / "version1_aws_sources.json")
    assert mapping.checks_for("AU.L2-3.3.8", "aws") == ("cloudtrail_kms_encryption_enabled",)
    assert mapping.checks_for("AU.L2-3.3.8", "azure") == ("keyvault_logging_enabled",)
    assert mapping.providers() == ("aws", "azure")


@pytest.mark.parametrize("version", [1, 2])
def test_sources_must_have_the_shape_of_their_schema_version(
    mapping_dir: Path, tmp_path: Path, version: int
) -> None:
    # Version 1 keys sources by check; version 2 by provider, then check. Mixing them is a schema error.
    document = json.loads((mapping_dir / "version1_aws_sources.json").read_text(encoding="utf-8"))
    sources = document["practices"]["AU.L2-3.3.8"]["sources"]
    document["schema_version"] = version
    document["practices"]["AU.L2-3.3.8"]["sources"] = sources if version == 2 else {"aws": sources}
    path = tmp_path / "mapping.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(SchemaError, match="/practices/AU.L2-3.3.8/sources"):
        load_mapping(path)


def test_unmapped_practices_are_catalog_practices_without_checks() -> None:
    mapping = CheckMapping(
        practices={
            "AU.L2-3.3.8": {
                "aws": ("cloudtrail_kms_encryption_enabled",),
                "azure": ("keyvault_logging_enabled",),
            },
            "AT.L2-3.2.3": {"aws": ()},
            "AC.L2-3.1.1": {"azure": ("entra_policy_ensure_default_user_cannot_create_tenants",)},
        }
    )
    unmapped = mapping.unmapped_practices("aws")
    assert len(unmapped) == 109
    assert "AU.L2-3.3.8" not in unmapped
    assert unmapped[0] == "AC.L2-3.1.1"  # azure checks do not cover aws
    assert "AT.L2-3.2.3" in unmapped
    assert list(unmapped) == [pid for pid in practices() if pid != "AU.L2-3.3.8"]
    assert len(mapping.unmapped_practices("azure")) == 108
