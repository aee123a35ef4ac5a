"""AWS Organization scopes: accounts listed from moto's Organizations at run time; verify takes the
listed accounts (recorded in scan manifests) as the scope; shards split the targets."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.support.moto import aws_client
from tests.support.organization import create_organization
from tests.support.supersession import write_poam
from verifier.errors import InputError, UsageError
from verifier.inputs.organizations import list_organization
from verifier.inputs.poam import load_poam
from verifier.model import Organization
from verifier.outputs.reasons import rendered
from verifier.pipeline.bundle import verify_bundle
from verifier.pipeline.scan import Shard, Target, parse_shard, shard_targets
from verifier.pipeline.verify import VerifyOptions, run_verify

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "supersession"
REPO = Path(__file__).resolve().parents[2]
SCANNED = "123456789012"
UNSCANNED = "111111111111"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


# --- listing -------------------------------------------------------------------------------------


def test_every_active_account_is_listed(moto_aws: str) -> None:
    org = create_organization(moto_aws, 3)
    listing = list_organization(Organization(), lambda: NOW, aws_client(moto_aws, "organizations"))
    assert listing.accounts == org.accounts
    assert listing.method.startswith("organizations:ListAccounts in o-")
    assert listing.listed_at == NOW


def test_ous_are_listed_recursively_and_exclusions_apply(moto_aws: str) -> None:
    org = create_organization(moto_aws, 3)
    client = aws_client(moto_aws, "organizations")
    under_top = list_organization(Organization(ou_ids=(org.top_ou,)), lambda: NOW, client)
    # The first member sits in the top OU, the last in an OU nested beneath it.
    assert under_top.accounts == tuple(sorted((org.members[0], org.members[-1])))
    assert f"recursively under {org.top_ou}" in under_top.method
    excluded = list_organization(
        Organization(ou_ids=(org.top_ou,), exclude_accounts=(org.members[0],)), lambda: NOW, client
    )
    assert excluded.accounts == (org.members[-1],)
    assert f"excluding {org.members[0]}" in excluded.method


def test_a_suspended_account_is_not_listed(moto_aws: str) -> None:
    org = create_organization(moto_aws, 2)
    client = aws_client(moto_aws, "organizations")
    client.close_account(AccountId=org.members[0])
    listing = list_organization(Organization(), lambda: NOW, client)
    assert org.members[0] not in listing.accounts
    assert org.members[1] in listing.accounts


# --- the POA&M ------------------------------------------------------------------------------------


def _org_poam(path: Path, organization: dict[str, Any], version: int = 1, **scope: Any) -> Path:
    write_poam(path)
    document = json.loads(path.read_text())
    target = {"provider": "aws", "regions": ["us-east-1"], "organization": organization, **scope}
    # Version 2 lists provider targets: the organization belongs to its AWS target.
    document["scope"] = target if version == 1 else [target]
    document["schema_version"] = version
    path.write_text(json.dumps(document))
    return path


def test_an_organization_scope_may_leave_out_accounts(tmp_path: Path) -> None:
    poam = load_poam(_org_poam(tmp_path / "poam.json", {"ou_ids": ["ou-ab12-cdefgh34"]})).poam
    (target,) = poam.targets
    assert target.accounts == ()
    assert target.organization == Organization(ou_ids=("ou-ab12-cdefgh34",))


def test_a_version_2_aws_target_may_give_an_organization_instead_of_accounts(tmp_path: Path) -> None:
    poam = load_poam(_org_poam(tmp_path / "poam.json", {"ou_ids": ["ou-ab12-cdefgh34"]}, version=2)).poam
    (target,) = poam.targets
    assert target.accounts == ()
    assert target.organization == Organization(ou_ids=("ou-ab12-cdefgh34",))


def test_a_version_2_target_of_another_provider_cannot_give_only_an_organization(tmp_path: Path) -> None:
    path = _org_poam(tmp_path / "poam.json", {}, version=2)
    document = json.loads(path.read_text())
    document["scope"][0]["provider"] = "gcp"
    del document["scope"][0]["regions"]
    path.write_text(json.dumps(document))
    with pytest.raises(InputError, match="schema violation at /scope"):
        load_poam(path)


def test_a_scope_with_neither_accounts_nor_organization_is_refused(tmp_path: Path) -> None:
    path = _org_poam(tmp_path / "poam.json", {})
    document = json.loads(path.read_text())
    del document["scope"]["organization"]
    path.write_text(json.dumps(document))
    with pytest.raises(InputError, match="schema violation at /scope"):
        load_poam(path)


# --- verify over the listed accounts --------------------------------------------------------------


def _scan_with_listing(tmp_path: Path, accounts: list[str] | None) -> Path:
    scan = tmp_path / "scan"
    shutil.copytree(FIXTURES / "newer", scan)
    manifest = json.loads((scan / "scan-manifest.json").read_text())
    manifest["account"] = SCANNED
    if accounts is not None:
        manifest["organization"] = {
            "accounts": accounts,
            "method": "organizations:ListAccounts in o-example, ACTIVE accounts only",
            "listed_at": manifest["started"],
        }
    (scan / "scan-manifest.json").write_text(json.dumps(manifest))
    return scan


def _verify(tmp_path: Path, scan: Path, version: int = 1) -> tuple[Any, dict[str, Any]]:
    poam = _org_poam(tmp_path / "poam.json", {}, version)
    started = json.loads((scan / "scan-manifest.json").read_text())["started"]
    options = VerifyOptions(
        poam=poam,
        mapping=REPO / "mappings" / "cmmc-l2-aws.json",
        findings=(scan,),
        out=tmp_path / "out",
        as_of=datetime.fromisoformat(started).date(),
    )
    outcome = run_verify(options, clock=lambda: NOW)
    (result,) = outcome.run.results
    return result, json.loads((tmp_path / "out" / "verification.json").read_text())


@pytest.mark.parametrize("version", [1, 2])
def test_the_listed_accounts_are_the_scope(tmp_path: Path, version: int) -> None:
    result, verification = _verify(tmp_path, _scan_with_listing(tmp_path, [SCANNED]), version)
    assert result.verdict.value == "MET", rendered(result)
    listed = verification["scope_accounts"]
    assert listed["accounts"] == [SCANNED]
    assert listed["listed_by"][0]["method"].startswith("organizations:ListAccounts")
    assert listed["listed_by"][0]["manifest"].endswith("scan-manifest.json")
    assert verify_bundle(tmp_path / "out" / "evidence.zip", None).verdicts == (("POAM-005", result.verdict),)


@pytest.mark.parametrize("version", [1, 2])
def test_a_listed_account_with_no_scan_is_not_verified(tmp_path: Path, version: int) -> None:
    result, _ = _verify(tmp_path, _scan_with_listing(tmp_path, [SCANNED, UNSCANNED]), version)
    assert result.verdict.value == "NOT_VERIFIED"
    assert f"3.13.16[a]: account {UNSCANNED} does not appear in the scan results at all" in rendered(result)


@pytest.mark.parametrize("version", [1, 2])
def test_no_listing_leaves_every_entry_not_verified(tmp_path: Path, version: int) -> None:
    result, verification = _verify(tmp_path, _scan_with_listing(tmp_path, None), version)
    assert result.verdict.value == "NOT_VERIFIED"
    assert any("no scan manifest lists its accounts" in r for r in rendered(result))
    assert verification["scope_accounts"] == {"accounts": None, "listed_by": []}
    assert verify_bundle(tmp_path / "out" / "evidence.zip", None).verdicts == (("POAM-005", result.verdict),)


# --- shards ---------------------------------------------------------------------------------------


def _targets(count: int) -> list[Target]:
    return [
        Target(f"{n:012d}", f"{n:012d}", ("-R", f"arn:aws:iam::{n:012d}:role/Scanner"), "aws")
        for n in range(count)
    ]


@pytest.mark.parametrize(("count", "shards"), [(12, 3), (10, 3), (2, 3), (1, 1), (7, 7)])
def test_shards_cover_every_target_exactly_once_in_equal_shares(count: int, shards: int) -> None:
    targets = _targets(count)
    split = [shard_targets(list(reversed(targets)), Shard(k, shards)) for k in range(1, shards + 1)]
    assert sorted(t.label for share in split for t in share) == sorted(t.label for t in targets)
    sizes = [len(share) for share in split]
    assert max(sizes) - min(sizes) <= 1
    # Stable: the same scope gives the same split whatever order the accounts were listed in.
    assert split == [shard_targets(targets, Shard(k, shards)) for k in range(1, shards + 1)]


@pytest.mark.parametrize("text", ["0/3", "4/3", "3", "a/b", "1/0", "-1/2"])
def test_a_bad_shard_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError, match="expected K/N"):
        parse_shard(text)
