"""Loading a POA&M: strict JSON, the schema with JSON-pointer messages, then the model's invariants."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest

from verifier.errors import ExitCode, InputError, SchemaError
from verifier.inputs.jsondoc import json_pointer
from verifier.inputs.poam import load_poam, parse_poam
from verifier.model import EntryStatus, MilestoneStatus, Resources, Scope, ScopeTarget


@pytest.fixture
def poam_dir(fixtures_dir: Path) -> Path:
    return fixtures_dir / "poam"


def load_error(path: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        load_poam(path)
    assert caught.value.exit_code is ExitCode.INVALID_INPUT
    assert int(caught.value.exit_code) == 3
    assert str(path) in caught.value.message
    return caught.value


def test_the_repository_poam_loads(repo_root: Path) -> None:
    loaded = load_poam(repo_root / "poam.json")
    poam = loaded.poam
    assert len(poam.entries) == 8
    assert [e.id for e in poam.entries] == [f"POAM-00{i}" for i in range(1, 9)]
    assert poam.assessment.assessment_date == date(2026, 9, 14)
    assert poam.assessment.conditional_status_date == date(2026, 9, 28)
    assert poam.targets == (
        ScopeTarget("aws", accounts=("123456789012",), regions=("us-east-1",), partition="aws"),
    )
    first = poam.entries[0]
    assert first.practice_id == "AU.L2-3.3.8"
    assert first.created == date(2026, 9, 14)
    assert first.status is EntryStatus.OPEN
    assert first.milestones[0].due == date(2026, 10, 30)
    assert first.milestones[0].status is MilestoneStatus.DONE
    assert first.milestones[0].status_date == date(2026, 10, 29)
    assert first.verification.checks == (
        "cloudtrail_log_file_validation_enabled",
        "cloudtrail_kms_encryption_enabled",
    )
    assert poam.entries[4].verification.scope == Scope(
        accounts=(), resources=("arn:aws:s3:::cui-*", "arn:aws:ec2:us-east-1:123456789012:volume/*")
    )
    attested = poam.entries[7].verification
    assert attested.checks is None
    assert attested.attestation is True


def test_loaded_poam_keeps_the_raw_document_and_its_digest(repo_root: Path) -> None:
    path = repo_root / "poam.json"
    loaded = load_poam(path)
    assert loaded.path == path
    assert loaded.document["entries"][0]["id"] == "POAM-001"
    assert loaded.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_minimal_fixture_loads(poam_dir: Path) -> None:
    entry = load_poam(poam_dir / "minimal.json").poam.entries[0]
    assert entry.resources == Resources(budget_usd=4500, fte=0.2, tooling=("Prowler",))
    assert entry.milestones[1].status_date is None


@pytest.mark.parametrize(
    ("fixture", "pointer", "detail"),
    [
        ("bad_status.json", "/entries/0/status", "'done' is not one of"),
        ("bad_account_id.json", "/scope/accounts/0", "does not match"),
        ("missing_finding.json", "/entries/0", "'finding' is a required property"),
        ("impossible_date.json", "/assessment/assessment_date", "is not a 'date'"),
    ],
)
def test_schema_errors_name_the_json_pointer(poam_dir: Path, fixture: str, pointer: str, detail: str) -> None:
    error = load_error(poam_dir / fixture)
    assert isinstance(error, SchemaError)
    assert f"schema violation at {pointer}: " in error.message
    assert detail in error.message


def test_duplicate_entry_ids_are_refused(poam_dir: Path) -> None:
    error = load_error(poam_dir / "duplicate_ids.json")
    assert "duplicate entry id 'POAM-001'" in error.message


def test_unknown_practice_id_is_refused(poam_dir: Path) -> None:
    error = load_error(poam_dir / "unknown_practice.json")
    assert "entry POAM-001: unknown CMMC Level 2 practice id 'AU.L2-3.3.99'" in error.message
    assert "did you mean" not in error.message


def test_wrong_case_practice_id_gets_a_did_you_mean_hint(poam_dir: Path) -> None:
    error = load_error(poam_dir / "wrong_case_practice.json")
    assert "unknown CMMC Level 2 practice id 'au.l2-3.3.8'" in error.message
    assert "did you mean 'AU.L2-3.3.8'?" in error.message


@pytest.mark.parametrize(
    ("fixture", "outside"),
    [
        ("entry_scope_outside_poam_scope.json", "111111111111"),
        ("entry_region_outside_poam_scope.json", "eu-west-1"),
    ],
)
def test_entry_scope_may_not_widen_the_poam_scope(poam_dir: Path, fixture: str, outside: str) -> None:
    error = load_error(poam_dir / fixture)
    assert f"entry POAM-001: verification.scope names {outside}, outside the POA&M's scope" in error.message


def test_entry_scope_that_narrows_loads(poam_dir: Path) -> None:
    scope = load_poam(poam_dir / "entry_scope_narrows.json").poam.entries[0].verification.scope
    assert scope == Scope(
        accounts=("123456789012",),
        regions=("us-east-1",),
        resources=("arn:aws:cloudtrail:*:123456789012:trail/org-trail",),
    )


def test_non_utf8_bytes_are_refused(poam_dir: Path) -> None:
    error = load_error(poam_dir / "not_utf8.json")
    assert "not UTF-8 text (bad byte at offset" in error.message


def test_truncated_json_is_refused_with_its_position(poam_dir: Path) -> None:
    error = load_error(poam_dir / "truncated.json")
    assert "not valid JSON (" in error.message
    assert " at line " in error.message


def test_nan_is_refused(poam_dir: Path) -> None:
    error = load_error(poam_dir / "nan_budget.json")
    assert "not valid JSON" in error.message


def test_duplicate_keys_are_refused(poam_dir: Path) -> None:
    # orjson and json keep the last of two equal keys; an ambiguous POA&M must not load at all.
    error = load_error(poam_dir / "duplicate_key.json")
    assert "duplicate key 'checks'" in error.message


def test_a_utf8_bom_is_accepted(poam_dir: Path) -> None:
    with_bom = load_poam(poam_dir / "bom.json")
    without = load_poam(poam_dir / "minimal.json")
    assert with_bom.poam == without.poam
    assert with_bom.sha256 != without.sha256  # the digest is of the bytes as given


def test_milestone_due_quarter_loads_without_a_date(poam_dir: Path) -> None:
    milestone = load_poam(poam_dir / "milestone_due_quarter.json").poam.entries[0].milestones[1]
    assert milestone.due is None
    assert milestone.due_text == "Q3"
    assert milestone.status is MilestoneStatus.PLANNED
    assert milestone.status_date is None


def test_unknown_extra_fields_are_accepted_and_kept(poam_dir: Path) -> None:
    loaded = load_poam(poam_dir / "extra_fields.json")
    assert loaded.poam.entries[0].id == "POAM-001"
    assert loaded.document["x_tracker"] == {"system": "Jira", "project": "SEC"}
    assert loaded.document["entries"][0]["jira_key"] == "SEC-101"


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    load_error(tmp_path / "absent.json")


def test_a_directory_is_an_input_error(tmp_path: Path) -> None:
    error = load_error(tmp_path)
    assert "is a directory" in error.message


def test_a_json_array_is_a_schema_error_at_the_root() -> None:
    with pytest.raises(SchemaError) as caught:
        parse_poam(b"[]", "poam.json")
    assert "poam.json: schema violation at /: " in caught.value.message


def test_schema_error_pointers_escape_slash_and_tilde() -> None:
    assert json_pointer(["entries", 0, "notes/2026~draft"]) == "/entries/0/notes~12026~0draft"


def test_vague_entry_loads_for_lint_to_judge(poam_dir: Path) -> None:
    # Null owner, "TBD" resources and undated milestones are credibility problems, not schema errors.
    entry = load_poam(poam_dir / "vague_entry.json").poam.entries[0]
    assert entry.owner is None
    assert entry.root_cause == ""
    assert entry.resources == Resources(budget_usd="TBD", fte=None, tooling=())
    assert [(m.due, m.due_text) for m in entry.milestones] == [(None, ""), (None, "")]


def test_entry_regions_are_free_when_the_poam_names_none(poam_dir: Path) -> None:
    entry = load_poam(poam_dir / "entry_region_without_poam_regions.json").poam.entries[0]
    assert entry.verification.scope == Scope(accounts=(), regions=("eu-west-1",))
