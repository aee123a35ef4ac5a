"""The shipped mapping is exactly what ``poam mapping sync`` builds from the installed Prowler."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.moto import REPO_ROOT

pytestmark = pytest.mark.live


def _poam(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "verifier", *args], capture_output=True, text=True, timeout=300, check=False
    )


def test_sync_regenerates_the_shipped_mapping(prowler_bin: str, tmp_path: Path) -> None:
    out = tmp_path / "mapping.json"
    done = _poam("mapping", "sync", "--prowler-bin", prowler_bin, "--out", str(out))
    assert done.returncode == 0, done.stderr
    shipped = json.loads((REPO_ROOT / "mappings" / "cmmc-l2-aws.json").read_text(encoding="utf-8"))
    assert json.loads(out.read_text(encoding="utf-8")) == shipped
    assert "55 practices with AWS checks" in done.stdout


def test_check_accepts_the_shipped_mapping_against_prowler(prowler_bin: str) -> None:
    mapping = str(REPO_ROOT / "mappings" / "cmmc-l2-aws.json")
    done = _poam("mapping", "check", "--mapping", mapping, "--prowler-bin", prowler_bin)
    assert done.returncode == 0, done.stderr
    assert "checked against Prowler 5.46.0" in done.stdout


def test_check_names_a_check_prowler_does_not_know(prowler_bin: str, tmp_path: Path) -> None:
    document = json.loads((REPO_ROOT / "mappings" / "cmmc-l2-aws.json").read_text(encoding="utf-8"))
    document["practices"]["SC.L2-3.13.16"]["aws"].append("s3_bucket_is_made_of_cheese")
    broken = tmp_path / "mapping.json"
    broken.write_text(json.dumps(document), encoding="utf-8")
    done = _poam("mapping", "check", "--mapping", str(broken), "--prowler-bin", prowler_bin)
    assert done.returncode == 3
    assert "s3_bucket_is_made_of_cheese" in done.stderr


def test_missing_prowler_is_an_environment_error(tmp_path: Path) -> None:
    done = _poam(
        "mapping", "sync", "--prowler-bin", str(tmp_path / "prowler"), "--out", str(tmp_path / "m.json")
    )
    assert done.returncode == 4
    assert "make prowler" in done.stderr
    assert not (tmp_path / "m.json").exists()
