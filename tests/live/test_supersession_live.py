"""The deleted-resource case live: two real ``poam scan`` runs against moto, ``cui-logs`` deleted between them;
verify over both scans is MET, with the removal named (the recorded fixtures are the same flow)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.moto import REPO_ROOT
from tests.support.supersession import DELETED_BUCKET, ENTRY, scan_before_and_after_deletion

pytestmark = pytest.mark.live


def test_a_bucket_deleted_between_two_scans_is_resolved_by_removal(tmp_path: Path, prowler_bin: str) -> None:
    scans = scan_before_and_after_deletion(prowler_bin, tmp_path)
    command = [
        sys.executable,
        "-m",
        "verifier",
        "verify",
        "--poam",
        str(scans.poam),
        "--out",
        str(tmp_path / "out"),
    ]
    command += ["--mapping", str(REPO_ROOT / "mappings" / "cmmc-l2-aws.json")]
    command += [
        "--findings",
        str(tmp_path / "older" / "scan"),
        "--findings",
        str(tmp_path / "newer" / "scan"),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)  # noqa: S603
    assert done.returncode == 0, done.stderr
    (entry,) = json.loads((tmp_path / "out" / "verification.json").read_text())["entries"]
    assert entry["id"] == ENTRY and entry["verdict"] == "MET", entry["reasons"]
    (removal,) = [r for r in entry["reasons"] if "resolved by removal" in r]
    assert DELETED_BUCKET in removal and str(scans.older) in removal and str(scans.newer) in removal
