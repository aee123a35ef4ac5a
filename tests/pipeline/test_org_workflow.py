"""poam-org-scan.yml's gather-verify-gate step, run as written over shard artifacts laid out as downloaded.

The shard scan step itself runs real Prowler in tests/live/test_org_scan_live.py.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.support.org_workflow import download, run_step, workspace
from tests.support.supersession import write_poam

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "supersession"
GATHER = "Verify every shard's output (fails on NOT MET or NOT VERIFIED)"
ACCOUNT = "123456789012"


def _org_poam(path: Path) -> Path:
    write_poam(path)
    document = json.loads(path.read_text())
    document["scope"] = {
        "provider": "aws",
        "regions": ["us-east-1"],
        "role_name": "Scanner",
        "organization": {},
    }
    path.write_text(json.dumps(document))
    return path


def _shard_output(tmp_path: Path, listed: list[str]) -> Path:
    """One shard's scan/ folder: the recorded newer scan as account 123456789012, with the org listing.

    The step verifies as of today, so the recorded scan is moved to now (its OCSF times and manifest).
    """
    scan = tmp_path / "shard-scan"
    (scan / ACCOUNT).mkdir(parents=True)
    now = datetime.now(UTC).replace(microsecond=0)
    findings = json.loads((FIXTURES / "newer" / "prowler-output-default.ocsf.json").read_text())
    for finding in findings:
        finding["time"], finding["time_dt"] = int(now.timestamp()), now.isoformat()
    (scan / ACCOUNT / "prowler-output-default.ocsf.json").write_text(json.dumps(findings))
    manifest_path = scan / ACCOUNT / "scan-manifest.json"
    manifest = json.loads((FIXTURES / "newer" / "scan-manifest.json").read_text())
    stamp = (now - timedelta(seconds=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    manifest |= {"account": ACCOUNT, "target": ACCOUNT, "shard": "1/3", "started": stamp, "ended": stamp}
    manifest["organization"] = {
        "accounts": listed,
        "method": "organizations:ListAccounts",
        "listed_at": manifest["started"],
    }
    manifest_path.write_text(json.dumps(manifest))
    return scan


def _env(tmp_path: Path) -> dict[str, str]:
    return {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "SCANS_DIR": str(tmp_path / "scans")}


def test_gather_passes_when_every_listed_account_was_scanned(tmp_path: Path) -> None:
    root = workspace(tmp_path / "ws", _org_poam(tmp_path / "poam.json"))
    download(_shard_output(tmp_path, [ACCOUNT]), tmp_path / "scans", 1)
    done = run_step("verify", GATHER, root, _env(tmp_path))
    assert done.returncode == 0, done.stderr
    verification = json.loads((root / "out" / "verification.json").read_text())
    assert "shard 2 uploaded nothing" in done.stdout and "shard 3 uploaded nothing" in done.stdout
    assert verification["scope_accounts"]["accounts"] == [ACCOUNT]
    assert [e["verdict"] for e in verification["entries"]] == ["MET"]


def test_gather_gates_on_a_listed_account_no_shard_scanned(tmp_path: Path) -> None:
    root = workspace(tmp_path / "ws", _org_poam(tmp_path / "poam.json"))
    download(_shard_output(tmp_path, [ACCOUNT, "111111111111"]), tmp_path / "scans", 1)
    done = run_step("verify", GATHER, root, _env(tmp_path))
    assert done.returncode == 1, done.stderr
    entry = json.loads((root / "out" / "verification.json").read_text())["entries"][0]
    assert entry["verdict"] == "NOT_VERIFIED"
    assert "3.13.16[a]: account 111111111111 does not appear in the scan results at all" in entry["reasons"]


def test_gather_with_no_shard_output_fails_without_verifying(tmp_path: Path) -> None:
    root = workspace(tmp_path / "ws", _org_poam(tmp_path / "poam.json"))
    (tmp_path / "scans").mkdir()
    done = run_step("verify", GATHER, root, _env(tmp_path))
    assert done.returncode == 4
    assert "no shard uploaded any output" in done.stdout
    assert not (root / "out").exists()
