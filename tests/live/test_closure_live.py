"""The closure story, live: real Prowler scans a moto account, the gap is fixed with boto3, MET follows.

No recorded output and no imitation: both scans are real Prowler runs against a moto server on
127.0.0.1, and ``poam verify`` is the real console entry point.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support.moto import (
    REPO_ROOT,
    aws_env,
    remediate_example_account,
    run_prowler,
    seed_example_account,
)

pytestmark = pytest.mark.live

ENTRIES = ("POAM-001", "POAM-004")


def _poam_for(entries: tuple[str, ...], path: Path) -> list[str]:
    """A copy of the example POA&M holding only ``entries``; returns the checks they need."""
    document = json.loads((REPO_ROOT / "poam.json").read_text(encoding="utf-8"))
    document["entries"] = [e for e in document["entries"] if e["id"] in entries]
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return sorted({c for e in document["entries"] for c in e["verification"]["checks"]})


def _verify(poam: Path, out: Path, *findings: Path) -> dict[str, Any]:
    command = [sys.executable, "-m", "verifier", "verify", "--poam", str(poam)]
    command += ["--mapping", str(REPO_ROOT / "mappings/cmmc-l2-aws.json"), "--out", str(out)]
    for path in findings:
        command += ["--findings", str(path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return {e["id"]: e for e in json.loads((out / "verification.json").read_text())["entries"]}


def test_gap_closed_in_aws_turns_not_met_into_met(tmp_path: Path, prowler_bin: str, moto: str) -> None:
    poam = tmp_path / "poam.json"
    checks = _poam_for(ENTRIES, poam)
    env = aws_env(moto)
    seed_example_account(moto)
    run_prowler(prowler_bin, env, checks, tmp_path / "scan-before", "before")
    before = _verify(poam, tmp_path / "out-before", tmp_path / "scan-before")

    remediate_example_account(moto)
    run_prowler(prowler_bin, env, checks, tmp_path / "scan-after", "after")
    after = _verify(poam, tmp_path / "out-after", tmp_path / "scan-after")
    # Both scans together: the newer result of each finding uid wins.
    both = _verify(poam, tmp_path / "out-both", tmp_path / "scan-before", tmp_path / "scan-after")

    assert {i: e["verdict"] for i, e in before.items()} == dict.fromkeys(ENTRIES, "NOT_MET")
    assert any("cloudtrail_log_file_validation_enabled: FAIL" in r for r in before["POAM-001"]["reasons"])
    assert any("kms_cmk_rotation_enabled: FAIL" in r for r in before["POAM-004"]["reasons"])
    assert {i: e["verdict"] for i, e in after.items()} == dict.fromkeys(ENTRIES, "MET")
    assert {i: e["verdict"] for i, e in both.items()} == dict.fromkeys(ENTRIES, "MET")
    assert after["POAM-004"]["checks"]["kms_cmk_rotation_enabled"]["fail"] == 0
    updated = json.loads((tmp_path / "out-after" / "poam.json").read_text())
    assert {e["id"]: e["status"] for e in updated["entries"]} == dict.fromkeys(ENTRIES, "ready_for_closeout")
