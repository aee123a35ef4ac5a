"""``poam migrate --mapping`` writes schema 3 with nothing assigned; ``mapping sync`` keeps the assignments.

The sync tests lay Prowler's framework excerpts (fixtures/mapping) out as its compliance/ directory, so
no Prowler runs; the live test syncs over the shipped mapping with the real one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import run_cli
from verifier.catalog import assessment_procedures
from verifier.errors import ExitCode, InputError
from verifier.inputs.mapping import load_mapping
from verifier.pipeline.mapping import CheckOptions, SyncOptions, check_mapping, sync_mapping
from verifier.pipeline.migrate import migrate_mapping

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "mappings" / "cmmc-l2-aws.json"
KMS = "cloudtrail_kms_encryption_enabled"
VERSIONING = "s3_bucket_object_versioning"


def _objective_ids(pid: str) -> list[str]:
    return [o.objective_id for o in assessment_procedures()[pid].objectives]


# --- migrate --------------------------------------------------------------------------------------------


@pytest.fixture
def version_2(tmp_path: Path) -> Path:
    """The shipped mapping as it was in schema 2, with fields of the user's own that must survive."""
    document = json.loads(SHIPPED.read_text(encoding="utf-8"))
    document["schema_version"] = 2
    document["x-owner"] = {"team": "compliance"}
    for body in document["practices"].values():
        del body["objectives"]
        body.pop("why", None)
    document["practices"]["AU.L2-3.3.8"]["x-note"] = "reviewed 2026-11"
    path = tmp_path / "mapping.json"
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return path


def test_migrate_writes_version_3_with_every_objective_unassigned(
    version_2: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = json.loads(version_2.read_text(encoding="utf-8"))
    code, out = run_cli(capsys, "migrate", "--mapping", str(version_2))
    after = json.loads(version_2.read_text(encoding="utf-8"))
    assert code == 0
    assert "schema_version 2 -> 3" in out
    assert after["schema_version"] == 3
    assert after["x-owner"] == before["x-owner"]
    for pid, body in after["practices"].items():
        assert body["objectives"] == {oid: {} for oid in _objective_ids(pid)}  # fail closed: nothing assigned
        assert "why" not in body
        assert {k: v for k, v in body.items() if k != "objectives"} == before["practices"][pid]
    assert not list(version_2.parent.glob(".mapping.json.*"))  # no temporary file left behind
    mapping = load_mapping(version_2)
    assert mapping.checks_for("AU.L2-3.3.8", "aws") == tuple(before["practices"]["AU.L2-3.3.8"]["aws"])


def test_migrate_of_the_migrated_schema_2_mapping_reproduces_the_shipped_one(version_2: Path) -> None:
    document = json.loads(version_2.read_text(encoding="utf-8"))
    del document["x-owner"], document["practices"]["AU.L2-3.3.8"]["x-note"]
    version_2.write_text(json.dumps(document), encoding="utf-8")
    migrate_mapping(version_2)
    # The shipped mapping as migrate writes it: every assignment (and its why) is curated afterwards.
    shipped = json.loads(SHIPPED.read_text(encoding="utf-8"))
    for body in shipped["practices"].values():
        body["objectives"] = {objective_id: {} for objective_id in body["objectives"]}
        body.pop("why", None)
    assert json.loads(version_2.read_text(encoding="utf-8")) == shipped


def test_migrate_twice_leaves_the_file_untouched(version_2: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_cli(capsys, "migrate", "--mapping", str(version_2))
    migrated = version_2.read_bytes()
    code, out = run_cli(capsys, "migrate", "--mapping", str(version_2))
    assert code == 0
    assert "already schema_version 3" in out
    assert version_2.read_bytes() == migrated


def test_migrate_of_version_1_keys_its_aws_sources_by_provider(fixtures_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "mapping.json"
    path.write_bytes((fixtures_dir / "mapping" / "version1_aws_sources.json").read_bytes())
    before = json.loads(path.read_text(encoding="utf-8"))
    result = migrate_mapping(path)
    after = json.loads(path.read_text(encoding="utf-8"))
    assert (result.from_version, result.to_version, result.rewritten) == (1, 3, True)
    for pid, body in before["practices"].items():
        if "sources" in body:
            assert after["practices"][pid]["sources"] == {"aws": body["sources"]}
    assert (
        load_mapping(path).practices
        == load_mapping(fixtures_dir / "mapping" / "version1_aws_sources.json").practices
    )


def test_migrate_refuses_an_invalid_mapping_and_leaves_it(tmp_path: Path, fixtures_dir: Path) -> None:
    path = tmp_path / "mapping.json"
    path.write_bytes((fixtures_dir / "mapping" / "unknown_practice.json").read_bytes())
    before = path.read_bytes()
    with pytest.raises(InputError) as caught:
        migrate_mapping(path)
    assert caught.value.exit_code is ExitCode.INVALID_INPUT
    assert path.read_bytes() == before


def test_migrate_refuses_an_invalid_version_3_mapping(tmp_path: Path) -> None:
    document = json.loads(SHIPPED.read_text(encoding="utf-8"))
    del document["practices"]["AU.L2-3.3.8"]["objectives"]["3.3.8[c]"]
    path = tmp_path / "mapping.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(InputError, match=r"AU.L2-3.3.8: objectives missing: 3.3.8\[c\]"):
        migrate_mapping(path)


# --- sync -----------------------------------------------------------------------------------------------


@pytest.fixture
def compliance(fixtures_dir: Path, tmp_path: Path) -> Path:
    """The framework excerpts laid out as Prowler's compliance/ directory."""
    directory = tmp_path / "compliance"
    (directory / "aws").mkdir(parents=True)
    excerpts = fixtures_dir / "mapping"
    (directory / "cmmc_2.0.json").write_bytes((excerpts / "cmmc_2.0_excerpt.json").read_bytes())
    nist = (excerpts / "nist_800_171_revision_2_aws_excerpt.json").read_bytes()
    (directory / "aws" / "nist_800_171_revision_2_aws.json").write_bytes(nist)
    return directory


def _sync(compliance: Path, out: Path) -> Any:
    return sync_mapping(SyncOptions(out, compliance_dir=compliance, prowler_version="5.46.0"))


def _edit(path: Path, practice_id: str, change: Any) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document["practices"][practice_id])
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")


def test_sync_without_a_file_leaves_every_objective_unassigned(compliance: Path, tmp_path: Path) -> None:
    out = tmp_path / "mapping.json"
    result = _sync(compliance, out)
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written["schema_version"] == 3
    assert result.dropped == ()
    assert not result.kept_assignments
    for pid, body in written["practices"].items():
        assert body["objectives"] == {oid: {} for oid in _objective_ids(pid)}
        assert "why" not in body


def test_sync_creates_the_directory_of_a_new_mapping(compliance: Path, tmp_path: Path) -> None:
    out = tmp_path / "new" / "mappings" / "mapping.json"
    _sync(compliance, out)
    assert load_mapping(out).objectives
    assert not list(out.parent.glob("*.lock"))


def test_sync_keeps_assignments_and_reasons(compliance: Path, tmp_path: Path) -> None:
    out = tmp_path / "mapping.json"
    _sync(compliance, out)

    def assign(body: dict[str, Any]) -> None:
        body["objectives"]["3.3.8[a]"] = {"aws": [KMS]}
        body["objectives"]["3.3.8[c]"] = {"aws": [VERSIONING]}
        body["why"] = {
            "aws": {KMS: "access: encrypted with a KMS key", VERSIONING: "deletion: versions kept"}
        }

    _edit(out, "AU.L2-3.3.8", assign)
    curated = json.loads(out.read_text(encoding="utf-8"))
    result = _sync(compliance, out)
    assert json.loads(out.read_text(encoding="utf-8")) == curated  # nothing changed in Prowler: a fixed point
    assert result.kept_assignments and result.dropped == ()
    mapping = load_mapping(out)
    assert mapping.objective_checks("3.3.8[a]", "aws") == (KMS,)
    assert mapping.why_for("AU.L2-3.3.8", "aws", VERSIONING) == "deletion: versions kept"


def test_sync_puts_a_newly_mapped_check_in_the_list_unassigned(compliance: Path, tmp_path: Path) -> None:
    out = tmp_path / "mapping.json"
    _sync(compliance, out)

    def forget_versioning(body: dict[str, Any]) -> None:
        body["aws"].remove(VERSIONING)
        body["objectives"]["3.3.8[a]"] = {"aws": [KMS]}
        body["why"] = {"aws": {KMS: "access: encrypted with a KMS key"}}

    _edit(out, "AU.L2-3.3.8", forget_versioning)
    _sync(compliance, out)
    mapping = load_mapping(out)
    assert VERSIONING in mapping.checks_for("AU.L2-3.3.8", "aws")
    assert VERSIONING in mapping.unassigned_checks("AU.L2-3.3.8", "aws")
    assert mapping.objective_checks("3.3.8[a]", "aws") == (KMS,)


def test_sync_drops_an_assignment_of_a_check_prowler_no_longer_maps(
    compliance: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "mapping.json"
    _sync(compliance, out)

    def assign_retired(body: dict[str, Any]) -> None:
        body["aws"].append("cloudtrail_retired_check")
        body["objectives"]["3.3.8[b]"] = {"aws": ["cloudtrail_retired_check", KMS]}
        body["why"] = {"aws": {"cloudtrail_retired_check": "gone", KMS: "kept"}}

    _edit(out, "AU.L2-3.3.8", assign_retired)
    code, printed = run_cli(
        capsys,
        "mapping",
        "sync",
        "--out",
        str(out),
        "--compliance-dir",
        str(compliance),
        "--prowler-version",
        "5.46.0",
    )
    assert code == 0
    assert "dropped assignment" in printed
    assert "AU.L2-3.3.8 3.3.8[b]: aws check 'cloudtrail_retired_check'" in " ".join(printed.split())
    mapping = load_mapping(out)
    assert mapping.objective_checks("3.3.8[b]", "aws") == (KMS,)
    assert mapping.why_for("AU.L2-3.3.8", "aws", "cloudtrail_retired_check") is None
    assert "cloudtrail_retired_check" not in mapping.checks_for("AU.L2-3.3.8", "aws")


def test_sync_refuses_to_overwrite_an_invalid_mapping(compliance: Path, tmp_path: Path) -> None:
    out = tmp_path / "mapping.json"
    _sync(compliance, out)
    _edit(out, "AU.L2-3.3.8", lambda body: body["objectives"].pop("3.3.8[a]"))
    before = out.read_bytes()
    with pytest.raises(InputError, match=r"objectives missing: 3.3.8\[a\]"):
        _sync(compliance, out)
    assert out.read_bytes() == before  # hand-curated assignments are never silently replaced


# --- check ----------------------------------------------------------------------------------------------


def test_check_counts_objectives_with_a_check_and_lists_checks_that_evidence_nothing(
    compliance: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "mapping.json"
    _sync(compliance, out)

    def assign(body: dict[str, Any]) -> None:
        body["objectives"]["3.3.8[a]"] = {"aws": [KMS]}
        body["objectives"]["3.3.8[d]"] = {"aws": [KMS]}
        body["why"] = {"aws": {KMS: "access: encrypted with a KMS key"}}

    _edit(out, "AU.L2-3.3.8", assign)
    report = check_mapping(CheckOptions(out, offline=True))
    aws = next(c for c in report.objectives if c.provider == "aws")
    assert report.objective_count == 320
    assert aws.objectives_with_checks == 2
    unassigned = dict(aws.evidences_nothing)
    assert KMS not in unassigned["AU.L2-3.3.8"]
    assert VERSIONING in unassigned["AU.L2-3.3.8"]
    code, printed = run_cli(capsys, "mapping", "check", "--mapping", str(out), "--offline")
    assert code == 0
    assert "aws: 2 of 320 objectives have a check" in printed
    assert "AU.L2-3.3.8, checks that evidence nothing yet:" in printed
