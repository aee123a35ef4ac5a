"""Targeted ``poam scan`` vs a full ``prowler --compliance cmmc_2.0`` run, same moto account, one process.

Prints both wall times and their ratio. Usage: ``.venv/bin/python -m benchmarks.scan_vs_compliance``
(``make bench``). Needs Prowler (``make prowler``) and moto; all traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.support.moto import REPO_ROOT, aws_env, find_prowler, seed_example_account, start_moto_server


def _timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1800, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1, 3):
        sys.exit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stderr[-2000:]}")
    return elapsed


def main() -> None:
    prowler = find_prowler()
    if prowler is None:
        sys.exit("Prowler not installed: make prowler")
    with tempfile.TemporaryDirectory() as scratch, start_moto_server() as endpoint:
        out = Path(scratch)
        seed_example_account(endpoint)
        env = {**aws_env(endpoint), "POAM_PROWLER_BIN": prowler}
        scan = [sys.executable, "-m", "verifier", "scan", "--poam", str(REPO_ROOT / "poam.json")]
        scan += [
            "--mapping",
            str(REPO_ROOT / "mappings/cmmc-l2-aws.json"),
            "--out",
            str(out / "targeted"),
            "--verify",
        ]
        targeted = _timed(scan, env)
        full = [prowler, "aws", "-f", "us-east-1", "--compliance", "cmmc_2.0", "-M", "json-ocsf", "csv"]
        full += ["-o", str(out / "full"), "--no-banner"]
        compliance = _timed(full, env)
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}")
    print("| run | wall time (s) |")
    print("|---|---|")
    print(f"| poam scan --verify (example POA&M, 13 checks) | {targeted:.1f} |")
    print(f"| prowler --compliance cmmc_2.0 (all CMMC checks) | {compliance:.1f} |")
    print(f"| ratio | {compliance / targeted:.1f}x |")


if __name__ == "__main__":
    main()
