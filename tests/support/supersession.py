"""The deleted-resource case, with real Prowler and the real ``poam scan`` against a moto server.

An older scan finds ``s3_bucket_default_encryption`` FAIL on ``cui-logs`` and PASS on ``cui-data``;
``cui-logs`` is then deleted (the fix), and a newer scan of the same account, region and check finds
``cui-data`` only. Each scan is ``poam scan`` as a user runs it, so its ``scan-manifest.json`` is real.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.support.moto import REPO_ROOT, aws_client, aws_env, start_moto_server

ENCRYPTED_BUCKET = "cui-data"
DELETED_BUCKET = "cui-logs"
CHECK = "s3_bucket_default_encryption"
ENTRY = "POAM-005"


@dataclass(frozen=True)
class TwoScans:
    poam: Path
    older: Path  # the target's output directory of each scan (findings + scan-manifest.json)
    newer: Path


def write_poam(path: Path) -> None:
    """The example POA&M cut to one entry proven by the bucket encryption check on the CUI buckets."""
    document = json.loads((REPO_ROOT / "poam.json").read_text(encoding="utf-8"))
    (entry,) = [e for e in document["entries"] if e["id"] == ENTRY]
    entry["verification"] = {"checks": [CHECK], "scope": {"resources": ["arn:aws:s3:::cui-*"]}}
    document["entries"] = [entry]
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")


def scan_before_and_after_deletion(prowler_bin: str, work: Path, endpoint: str | None = None) -> TwoScans:
    """Run both scans against ``endpoint`` (an empty moto server; a fresh one when None); return where
    their outputs are."""
    if endpoint is None:
        with start_moto_server() as fresh:
            return scan_before_and_after_deletion(prowler_bin, work, fresh)
    poam = work / "poam.json"
    write_poam(poam)
    env = {**aws_env(endpoint), "POAM_PROWLER_BIN": prowler_bin}
    s3 = aws_client(endpoint, "s3")
    for bucket in (ENCRYPTED_BUCKET, DELETED_BUCKET):
        s3.create_bucket(Bucket=bucket)
    s3.put_bucket_encryption(
        Bucket=ENCRYPTED_BUCKET,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    _poam_scan(poam, work, "older", env)
    s3.delete_bucket(Bucket=DELETED_BUCKET)
    _poam_scan(poam, work, "newer", env)
    return TwoScans(poam, work / "older" / "scan" / "default", work / "newer" / "scan" / "default")


def _poam_scan(poam: Path, work: Path, out: str, env: dict[str, str]) -> None:
    """``poam scan --out <out>`` run in ``work``: the manifest records Prowler's output folder as given,
    so a relative one keeps the recorded fixtures free of where they were recorded."""
    command = [sys.executable, "-m", "verifier", "scan", "--poam", str(poam), "--out", out]
    command += ["--mapping", str(REPO_ROOT / "mappings" / "cmmc-l2-aws.json")]
    # Run from another folder, ``-m verifier`` must still import this checkout's package.
    path = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH", "")]))
    done = subprocess.run(  # noqa: S603 - fixed argv, no shell
        command,
        env={**env, "PYTHONPATH": path},
        cwd=work,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"poam scan failed ({done.returncode}):\n{done.stderr[-3000:]}")
