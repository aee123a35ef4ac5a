"""GovCloud end to end: real Prowler assumes a role in the aws-us-gov partition (moto, us-gov-west-1).

The scope names only ``regions: [us-gov-west-1]`` and ``role_name``: the partition, the role ARN and the
``-f`` region all follow from it, and the evidence carries the ARNs Prowler writes in GovCloud.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support.govcloud import (
    COMPLIANT_BUCKET,
    NONCOMPLIANT_BUCKET,
    govcloud_env,
    govcloud_poam,
    seed_govcloud_account,
)
from tests.support.moto import REPO_ROOT

pytestmark = pytest.mark.live


def scan_verify(poam: Path, out: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "verifier", "scan", "--poam", str(poam), "--out", str(out), "--verify"]
    command += ["--mapping", str(REPO_ROOT / "mappings" / "cmmc-l2-aws.json")]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=1800, check=False)


def test_govcloud_scope_scans_with_a_govcloud_role_and_judges_govcloud_arns(
    tmp_path: Path, prowler_bin: str, moto: str
) -> None:
    poam = tmp_path / "poam.json"
    poam.write_text(json.dumps(govcloud_poam(), indent=2), encoding="utf-8")
    seed_govcloud_account(moto)
    done = scan_verify(poam, tmp_path / "out", {**govcloud_env(moto), "POAM_PROWLER_BIN": prowler_bin})
    assert done.returncode == 0, done.stderr
    assert "scanning 123456789012: 1 checks in us-gov-west-1" in done.stderr
    verification = json.loads((tmp_path / "out" / "verification.json").read_text())
    verdicts = {e["id"]: e for e in verification["entries"]}
    assert verdicts["GOV-001"]["verdict"] == "MET", verdicts["GOV-001"]["reasons"]
    assert verdicts["GOV-002"]["verdict"] == "NOT_MET", verdicts["GOV-002"]["reasons"]
    assert f"arn:aws-us-gov:s3:::{NONCOMPLIANT_BUCKET}" in verdicts["GOV-002"]["reasons"][0]
    assert evidence_resources(tmp_path, "GOV-001") == [f"arn:aws-us-gov:s3:::{COMPLIANT_BUCKET}"]
    assert evidence_resources(tmp_path, "GOV-002") == [f"arn:aws-us-gov:s3:::{NONCOMPLIANT_BUCKET}"]
    # Prowler itself ran in the GovCloud partition: every finding it wrote says so.
    scanned = json.loads(next((tmp_path / "out" / "scan" / "123456789012").glob("*.ocsf.json")).read_text())
    assert {r["resources"][0]["cloud_partition"] for r in scanned} == {"aws-us-gov"}


def evidence_resources(tmp_path: Path, entry_id: str) -> list[str]:
    entry: dict[str, Any] = json.loads(
        (tmp_path / "out" / "evidence" / "entries" / f"{entry_id}.json").read_text()
    )
    return [f["resource_uid"] for f in entry["findings"]]
