"""Mapping schema 3: each practice names every one of its 800-171A objectives and the checks that evidence it.

Every rule that makes a mapping invalid is an ``InputError`` (exit 3) naming the practice, the objective
and the check, because a mis-keyed objective or a check outside the practice would silently evidence
nothing, or something Prowler never mapped to the practice.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from verifier.catalog import objectives_by_id
from verifier.errors import ExitCode, InputError, SchemaError
from verifier.inputs.mapping import load_mapping

KMS = "cloudtrail_kms_encryption_enabled"
VALIDATION = "cloudtrail_log_file_validation_enabled"
AU_3_3_8 = [f"3.3.8[{letter}]" for letter in "abcdef"]


def _practice(**changes: Any) -> dict[str, Any]:
    """AU.L2-3.3.8 with two AWS checks: KMS evidences [a], log file validation [b], the rest nothing."""
    practice: dict[str, Any] = {
        "title": "Audit Protection",
        "aws": [KMS, VALIDATION, "s3_bucket_object_versioning"],
        "azure": ["keyvault_logging_enabled"],
        "objectives": {objective: {} for objective in AU_3_3_8},
        "why": {
            "aws": {
                KMS: "audit information protected from unauthorized access: logs encrypted with a KMS key",
                VALIDATION: "protected from unauthorized modification: digest files reveal a changed log",
            }
        },
    }
    practice["objectives"]["3.3.8[a]"] = {"aws": [KMS]}
    practice["objectives"]["3.3.8[b]"] = {"aws": [VALIDATION]}
    practice.update(changes)
    return practice


def _write(tmp_path: Path, practice: dict[str, Any], version: int = 3) -> Path:
    document = {
        "schema_version": version,
        "source": {"generator": "hand-written for tests", "providers": ["aws", "azure"]},
        "practices": {"AU.L2-3.3.8": practice},
    }
    path = tmp_path / "mapping.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _refused(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        load_mapping(path)
    assert caught.value.exit_code is ExitCode.INVALID_INPUT
    return caught.value.message


def test_assignments_and_reasons_load(tmp_path: Path) -> None:
    mapping = load_mapping(_write(tmp_path, _practice()))
    assert mapping.objective_checks("3.3.8[a]", "aws") == (KMS,)
    assert mapping.objective_checks("3.3.8[b]", "aws") == (VALIDATION,)
    assert mapping.objective_checks("3.3.8[c]", "aws") == ()
    assert mapping.objective_checks("3.3.8[a]", "azure") == ()
    assert mapping.objective_checks("3.3.8[z]", "aws") == ()  # unknown: evidences nothing, never raises
    assert mapping.why_for("AU.L2-3.3.8", "aws", KMS) is not None
    assert mapping.why_for("AU.L2-3.3.8", "aws", "s3_bucket_object_versioning") is None
    assert mapping.unassigned_checks("AU.L2-3.3.8", "aws") == ("s3_bucket_object_versioning",)
    assert mapping.unassigned_checks("AU.L2-3.3.8", "azure") == ("keyvault_logging_enabled",)
    assert mapping.objectives_with_checks("aws") == 2
    assert mapping.objectives_with_checks("azure") == 0
    # The verdicts still read the practice's list, assigned or not.
    assert mapping.checks_for("AU.L2-3.3.8", "aws") == (KMS, VALIDATION, "s3_bucket_object_versioning")


def test_a_missing_objective_is_refused(tmp_path: Path) -> None:
    practice = _practice()
    del practice["objectives"]["3.3.8[f]"]
    message = _refused(_write(tmp_path, practice))
    assert "AU.L2-3.3.8: objectives missing: 3.3.8[f]" in message


def test_an_objective_of_another_practice_is_refused(tmp_path: Path) -> None:
    practice = _practice()
    practice["objectives"]["3.3.9[a]"] = {}
    message = _refused(_write(tmp_path, practice))
    assert "AU.L2-3.3.8: objective 3.3.9[a] belongs to AU.L2-3.3.9" in message


def test_an_unknown_objective_id_is_refused(tmp_path: Path) -> None:
    practice = _practice()
    practice["objectives"]["3.3.8[z]"] = {}
    assert "3.3.8[z]" not in objectives_by_id()
    message = _refused(_write(tmp_path, practice))
    assert "AU.L2-3.3.8: unknown objective id '3.3.8[z]'" in message


def test_an_objective_id_of_the_wrong_shape_is_a_schema_violation(tmp_path: Path) -> None:
    practice = _practice()
    practice["objectives"]["3.3.8(a)"] = {}
    with pytest.raises(SchemaError) as caught:
        load_mapping(_write(tmp_path, practice))
    assert caught.value.exit_code is ExitCode.INVALID_INPUT


def test_an_assigned_check_outside_the_practice_list_is_refused(tmp_path: Path) -> None:
    practice = _practice()
    practice["objectives"]["3.3.8[c]"] = {"aws": ["s3_bucket_public_access"]}
    practice["why"]["aws"]["s3_bucket_public_access"] = "not deleted by the public"
    message = _refused(_write(tmp_path, practice))
    assert (
        "AU.L2-3.3.8: objective 3.3.8[c]: aws check 's3_bucket_public_access' is not in the practice's aws list"
        in message
    )


def test_a_check_of_another_provider_list_is_refused(tmp_path: Path) -> None:
    # The same id can exist for two providers; the assignment counts only for the provider it is listed under.
    practice = _practice()
    practice["objectives"]["3.3.8[d]"] = {"azure": [KMS]}
    practice["why"]["azure"] = {KMS: "logging tools protected"}
    message = _refused(_write(tmp_path, practice))
    assert f"objective 3.3.8[d]: azure check '{KMS}' is not in the practice's azure list" in message


def test_an_assigned_check_without_a_reason_is_refused(tmp_path: Path) -> None:
    practice = _practice()
    del practice["why"]["aws"][VALIDATION]
    message = _refused(_write(tmp_path, practice))
    assert f"AU.L2-3.3.8: objective 3.3.8[b]: aws check '{VALIDATION}' has no why.aws.{VALIDATION}" in message


def test_a_reason_for_an_unassigned_check_is_refused(tmp_path: Path) -> None:
    practice = _practice()
    practice["why"]["aws"]["s3_bucket_object_versioning"] = "a deleted log object can be restored"
    message = _refused(_write(tmp_path, practice))
    assert "why.aws.s3_bucket_object_versioning is given but no objective names" in message


def test_one_check_evidencing_two_objectives_has_one_reason(tmp_path: Path) -> None:
    practice = _practice()
    practice["objectives"]["3.3.8[e]"] = {"aws": [VALIDATION]}
    mapping = load_mapping(_write(tmp_path, practice))
    assert mapping.objective_checks("3.3.8[e]", "aws") == (VALIDATION,)


@pytest.mark.parametrize("reason", ["", "two\nlines"])
def test_a_reason_must_be_one_nonempty_line(tmp_path: Path, reason: str) -> None:
    practice = _practice()
    practice["why"]["aws"][KMS] = reason
    with pytest.raises(SchemaError):
        load_mapping(_write(tmp_path, practice))


def test_version_3_requires_objectives(tmp_path: Path) -> None:
    practice = _practice()
    del practice["objectives"], practice["why"]
    with pytest.raises(SchemaError) as caught:
        load_mapping(_write(tmp_path, practice))
    assert "objectives" in caught.value.message


def test_version_2_may_not_carry_objectives(tmp_path: Path) -> None:
    # A version 2 reader would ignore them: an assignment must never ride in a file that does not enforce it.
    with pytest.raises(SchemaError):
        load_mapping(_write(tmp_path, _practice(), version=2))


def test_version_2_still_loads_with_nothing_assigned(tmp_path: Path) -> None:
    practice = {"aws": [KMS]}
    mapping = load_mapping(_write(tmp_path, practice, version=2))
    assert mapping.checks_for("AU.L2-3.3.8", "aws") == (KMS,)
    assert mapping.objective_checks("3.3.8[a]", "aws") == ()
    assert mapping.unassigned_checks("AU.L2-3.3.8", "aws") == (KMS,)


def test_the_shipped_mapping_names_every_objective_of_every_practice() -> None:
    shipped = load_mapping(Path(__file__).resolve().parents[2] / "mappings" / "cmmc-l2-aws.json")
    named = {oid for by_objective in shipped.objectives.values() for oid in by_objective}
    assert named == set(objectives_by_id())
    assert len(named) == 320
