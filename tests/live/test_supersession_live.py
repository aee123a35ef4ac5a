"""The deleted-resource case live: two real ``poam scan`` runs against moto, ``cui-logs`` deleted between them.

Verify over both scans is MET, with the removal named (the recorded fixtures are the same flow); the same
newer findings without the manifest that proves their scan complete leave the entry not MET. Both scans
run once for the module (each Prowler start costs seconds) and every test reads them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support.moto import REPO_ROOT, reset_moto_server
from tests.support.supersession import DELETED_BUCKET, ENTRY, TwoScans, scan_before_and_after_deletion

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory, prowler_bin: str, moto_endpoint: str) -> TwoScans:
    reset_moto_server(moto_endpoint)  # the session's server, emptied: only this module's buckets are on it
    return scan_before_and_after_deletion(prowler_bin, tmp_path_factory.mktemp("scans"), moto_endpoint)


def _verify(scans: TwoScans, out: Path, *findings: Path) -> dict[str, Any]:
    """``poam verify`` over ``findings`` as a user runs it; the one entry of verification.json."""
    command = [sys.executable, "-m", "verifier", "verify", "--poam", str(scans.poam), "--out", str(out)]
    command += ["--mapping", str(REPO_ROOT / "mappings" / "cmmc-l2-aws.json")]
    for location in findings:
        command += ["--findings", str(location)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)  # noqa: S603
    assert done.returncode == 0, done.stderr
    (entry,) = json.loads((out / "verification.json").read_text())["entries"]
    assert entry["id"] == ENTRY
    return dict(entry)


def test_a_bucket_deleted_between_two_scans_is_resolved_by_removal(scans: TwoScans, tmp_path: Path) -> None:
    entry = _verify(scans, tmp_path / "out", scans.older, scans.newer)
    assert entry["verdict"] == "MET", entry["reasons"]
    (removal,) = [r for r in entry["reasons"] if "resolved by removal" in r]
    assert DELETED_BUCKET in removal and str(scans.older) in removal and str(scans.newer) in removal


def test_the_newer_findings_without_their_manifest_prove_no_removal(scans: TwoScans, tmp_path: Path) -> None:
    # What `prowler --status PASS` (or --resource-arn arn:aws:s3:::cui-data) would have written: the same
    # findings, with nothing to say the scan was complete.
    newer = tmp_path / "newer-findings-only"
    newer.mkdir()
    for output in scans.newer.glob("prowler-output-*"):
        shutil.copy(output, newer / output.name)
    entry = _verify(scans, tmp_path / "out", scans.older, newer)
    assert entry["verdict"] == "NOT_VERIFIED", entry["reasons"]
    assert not any("resolved by removal" in r for r in entry["reasons"])
    (unproven,) = [r for r in entry["reasons"] if "cannot prove it complete" in r]
    assert DELETED_BUCKET in unproven and str(scans.older) in unproven and str(newer) in unproven
