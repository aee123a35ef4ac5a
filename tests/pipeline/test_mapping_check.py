"""``poam mapping check`` validates each provider's check ids against that provider's own Prowler listing.

A stand-in ``prowler`` script answers ``--version`` and ``<provider> --list-checks-json`` the way Prowler 5.46
does (the live tests run the real one); it lists a few ids for aws and azure and refuses any other provider.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from verifier.errors import EnvError, ExitCode
from verifier.pipeline.mapping import CheckOptions, SyncOptions, check_mapping, sync_mapping

FAKE_PROWLER = """#!/bin/sh
case "$1" in
  --version) echo "Prowler 5.46.0 (You are running the latest version, yay!)";;
  aws) echo '{"aws": ["cloudtrail_kms_encryption_enabled", "s3_bucket_public_access"]}';;
  azure) echo '{"azure": ["keyvault_logging_enabled"]}';;
  *) echo "prowler: error: argument provider: invalid choice: '$1'" >&2; exit 2;;
esac
"""


@pytest.fixture
def prowler(tmp_path: Path) -> str:
    path = tmp_path / "prowler"
    path.write_text(FAKE_PROWLER, encoding="utf-8")
    path.chmod(0o755)
    return str(path)


def _mapping(tmp_path: Path, practice: dict[str, Any]) -> Path:
    document = {
        "schema_version": 2,
        "source": {"generator": "hand-written for tests", "providers": sorted(k for k in practice)},
        "practices": {"AU.L2-3.3.8": practice},
    }
    path = tmp_path / "mapping.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_every_provider_is_checked_against_its_own_listing(prowler: str, tmp_path: Path) -> None:
    path = _mapping(
        tmp_path,
        {"aws": ["cloudtrail_kms_encryption_enabled"], "azure": ["keyvault_logging_enabled"]},
    )
    report = check_mapping(CheckOptions(path, prowler))
    assert report.problems == ()
    assert report.prowler_version == "5.46.0"
    assert [(c.provider, c.practices_with_checks, c.distinct_checks) for c in report.providers] == [
        ("aws", 1, 1),
        ("azure", 1, 1),
    ]


def test_an_id_known_only_to_another_provider_is_a_problem(prowler: str, tmp_path: Path) -> None:
    path = _mapping(
        tmp_path,
        {
            "aws": ["cloudtrail_kms_encryption_enabled"],
            # Known to Prowler, but as an AWS check: under azure it tests nothing.
            "azure": ["keyvault_logging_enabled", "s3_bucket_public_access"],
        },
    )
    report = check_mapping(CheckOptions(path, prowler))
    assert report.problems == (
        "AU.L2-3.3.8: azure check 's3_bucket_public_access' is not known to the installed Prowler",
    )


def test_a_provider_prowler_cannot_list_is_an_environment_error(prowler: str, tmp_path: Path) -> None:
    path = _mapping(
        tmp_path, {"aws": ["cloudtrail_kms_encryption_enabled"], "nosuchcloud": ["bucket_is_private"]}
    )
    with pytest.raises(EnvError) as caught:
        check_mapping(CheckOptions(path, prowler))
    assert caught.value.exit_code is ExitCode.ENVIRONMENT
    assert "`prowler nosuchcloud --list-checks-json` failed (exit 2)" in caught.value.message


def test_offline_checks_no_ids(prowler: str, tmp_path: Path) -> None:
    path = _mapping(tmp_path, {"aws": ["made_up_check"], "azure": ["another_made_up_check"]})
    report = check_mapping(CheckOptions(path, prowler, offline=True))
    assert report.problems == ()
    assert report.prowler_version is None


def test_sync_reports_coverage_per_provider(fixtures_dir: Path, tmp_path: Path) -> None:
    # The framework excerpts (fixtures/mapping) laid out as Prowler's compliance/ directory.
    compliance = tmp_path / "compliance"
    (compliance / "aws").mkdir(parents=True)
    excerpts = fixtures_dir / "mapping"
    (compliance / "cmmc_2.0.json").write_bytes((excerpts / "cmmc_2.0_excerpt.json").read_bytes())
    nist = (excerpts / "nist_800_171_revision_2_aws_excerpt.json").read_bytes()
    (compliance / "aws" / "nist_800_171_revision_2_aws.json").write_bytes(nist)
    out = tmp_path / "mapping.json"
    result = sync_mapping(SyncOptions(out, compliance_dir=compliance, prowler_version="5.46.0"))
    coverage = {c.provider: (c.practices_with_checks, c.distinct_checks) for c in result.providers}
    written = json.loads(out.read_text(encoding="utf-8"))
    assert list(coverage) == written["source"]["providers"]
    for provider, (with_checks, distinct) in coverage.items():
        lists = [body.get(provider, []) for body in written["practices"].values()]
        assert with_checks == sum(bool(checks) for checks in lists)
        assert distinct == len({c for checks in lists for c in checks})
    assert coverage["m365"] == (0, 0)  # covered by the framework, no check in these excerpts' L2 requirements
    assert (result.practices_with_checks, result.distinct_checks) == coverage["aws"]
