"""An Organizations-scoped POA&M with real Prowler: every member account moto's Organizations lists at run time
is scanned through STS assume-role, by poam-org-scan.yml's shard steps (gathered into one verdict) and by one
serial scan of a version 2 POA&M, whose AWS provider target names the organization."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.moto import REPO_ROOT, aws_client, aws_env
from tests.support.org_workflow import SHARDS, download, run_step, start_shard, workspace
from tests.support.organization import ENTRY, create_organization, seed_password_policies, write_org_poam

pytestmark = pytest.mark.live

GATHER = "Verify every shard's output (fails on NOT MET or NOT VERIFIED)"


def _serial_scan_verify(poam: Path, out: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "verifier", "scan", "--poam", str(poam), "--out", str(out), "--verify"]
    command += ["--mapping", str(REPO_ROOT / "mappings" / "cmmc-l2-aws.json"), "--parallel", "2"]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600, check=False)  # noqa: S603


def _verdicts(verification: Path) -> dict[str, tuple[str, tuple[str, ...]]]:
    entries = json.loads(verification.read_text(encoding="utf-8"))["entries"]
    return {e["id"]: (e["verdict"], tuple(sorted(e["reasons"]))) for e in entries}


def test_organization_scan_in_shards(tmp_path: Path, prowler_bin: str, moto: str) -> None:
    """poam-org-scan.yml's shard steps: each account once, gathered into one verdict naming the failing account.

    A serial organization scan (the same listing, one process) is the version 2 test below; splitting the
    listing into shards and gathering them is also tested on recorded outputs (tests/pipeline/test_org_workflow.py).
    """
    poam = tmp_path / "poam.json"
    write_org_poam(poam, {})
    org = create_organization(moto, 2)  # the management account and two members: three accounts
    seed_password_policies(moto, org.accounts[:-1])
    seed_password_policies(moto, org.accounts[-1:], reuse=5)  # one account fails the check
    env = {**aws_env(moto), "POAM_PROWLER_BIN": prowler_bin}
    root = workspace(tmp_path / "ws", poam, prowler_bin)
    shards = [start_shard(k, root, env) for k in range(1, SHARDS + 1)]
    for shard in shards:
        _, stderr = shard.communicate(timeout=3600)
        assert shard.returncode == 0, stderr

    # Shards 1/3..3/3 scanned every account moto listed exactly once, and each manifest records the whole
    # listing and how it was made.
    per_shard = [
        sorted(p.name for p in (root / f"out/shard-{k}/scan").iterdir()) for k in range(1, SHARDS + 1)
    ]
    assert sorted(a for share in per_shard for a in share) == list(org.accounts)
    assert [len(share) for share in per_shard] == [1, 1, 1]
    for k, (account,) in enumerate(per_shard, 1):
        manifest = json.loads((root / f"out/shard-{k}/scan" / account / "scan-manifest.json").read_text())
        assert manifest["organization"]["accounts"] == list(org.accounts)
        assert manifest["organization"]["method"].startswith("organizations:ListAccounts in o-")
        assert manifest["status"] == "succeeded" and manifest["account"] == account
    for k in range(1, SHARDS + 1):
        download(root / f"out/shard-{k}/scan", tmp_path / "scans", k)
    gathered = run_step(
        "verify",
        GATHER,
        root,
        {**env, "SCANS_DIR": str(tmp_path / "scans"), "HOME": os.environ.get("HOME", "/")},
    )
    assert gathered.returncode == 1, gathered.stderr  # the NOT_MET entry trips the gate
    verdict, reasons = _verdicts(root / "out" / "verification.json")[ENTRY]
    assert verdict == "NOT_MET", reasons
    assert any(org.accounts[-1] in reason for reason in reasons)
    assert not any(account in reason for reason in reasons for account in org.accounts[:-1])


def test_a_version_2_aws_target_scans_the_active_members_listed_at_run_time(
    tmp_path: Path, prowler_bin: str, moto: str
) -> None:
    poam = tmp_path / "poam.json"
    org = create_organization(moto, 3)
    closed, excluded, member = org.members
    aws_client(moto, "organizations").close_account(AccountId=closed)  # no longer ACTIVE
    # The POA&M lists no account: only the excluded one is named.
    write_org_poam(poam, {"exclude_accounts": [excluded]}, version=2)
    # Only the accounts that must be scanned get a password policy: scanning the closed or the excluded
    # account would find none (a FAIL) and the entry could not be MET.
    seed_password_policies(moto, (org.management, member))
    scan = _serial_scan_verify(poam, tmp_path / "out", {**aws_env(moto), "POAM_PROWLER_BIN": prowler_bin})
    assert scan.returncode == 0, scan.stderr
    (target,) = json.loads(poam.read_text(encoding="utf-8"))["scope"]  # version 2: a list of provider targets
    assert target["provider"] == "aws" and "accounts" not in target and target["organization"]
    expected = sorted((org.management, member))
    assert sorted(p.name for p in (tmp_path / "out" / "scan").iterdir()) == expected
    manifest = json.loads((tmp_path / "out" / "scan" / member / "scan-manifest.json").read_text())
    assert manifest["organization"]["accounts"] == expected
    assert manifest["organization"]["exclude_accounts"] == [excluded]
    verdict, reasons = _verdicts(tmp_path / "out" / "verification.json")[ENTRY]
    assert verdict == "MET", reasons
    evidence = json.loads((tmp_path / "out" / "evidence" / "entries" / f"{ENTRY}.json").read_text())
    assert sorted({f["account"] for f in evidence["findings"]}) == expected
    listed = json.loads((tmp_path / "out" / "verification.json").read_text())["scope_accounts"]["listed_by"]
    assert {tuple(listing["accounts"]) for listing in listed} == {tuple(expected)}
