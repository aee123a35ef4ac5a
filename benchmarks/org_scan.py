"""Organisation fan-out: 12 moto accounts scanned serially, with ``--parallel 2``, and as 3 shards in 3 processes.

One moto server holds an AWS Organization (the management account and 11 members, some in nested OUs),
each account seeded through STS assume-role. The POA&M's scope is the organization, so every mode lists
the accounts at run time and assumes ``role_name`` into each. Per mode: the wall time of the scan (for
the shards, until the last of the three processes ends, as parallel runners would), then the wall
time of ``poam verify`` over the mode's outputs, which is the verifier's own overhead on top of
Prowler. All three modes must reach the same verdicts.

Usage: ``.venv/bin/python -m benchmarks.org_scan [--members 11]`` (``make bench-org``). Needs Prowler.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.support.moto import REPO_ROOT, aws_env, find_prowler, start_moto_server
from tests.support.organization import create_organization, seed_password_policies, write_org_poam

MAPPING = REPO_ROOT / "mappings" / "cmmc-l2-aws.json"
SHARDS = 3


def _poam(*args: str) -> list[str]:
    return [sys.executable, "-m", "verifier", *args, "--mapping", str(MAPPING)]


def _wait(processes: list[subprocess.Popen[str]]) -> None:
    for process in processes:
        _, stderr = process.communicate(timeout=7200)
        if process.returncode != 0:
            sys.exit(f"failed ({process.returncode}): {' '.join(map(str, process.args))}\n{stderr[-2000:]}")  # type: ignore[arg-type]


def _timed(commands: list[list[str]], env: dict[str, str]) -> float:
    """Start every command at once and wait for the last; the wall time of the whole set."""
    started = time.perf_counter()
    processes = [
        subprocess.Popen(c, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # noqa: S603
        for c in commands
    ]
    _wait(processes)
    return time.perf_counter() - started


def _verify(poam: Path, outputs: list[Path], out: Path, env: dict[str, str]) -> tuple[float, dict[str, str]]:
    command = _poam("verify", "--poam", str(poam), "--out", str(out), "--history", str(out / "ledger.jsonl"))
    for output in outputs:
        command += ["--findings", str(output)]
    seconds = _timed([command], env)
    entries = json.loads((out / "verification.json").read_text(encoding="utf-8"))["entries"]
    return seconds, {e["id"]: e["verdict"] for e in entries}


def _modes(poam: Path, scratch: Path) -> dict[str, tuple[list[list[str]], list[Path]]]:
    def scan(name: str, *extra: str) -> list[str]:
        return _poam("scan", "--poam", str(poam), "--out", str(scratch / name), *extra)

    shards = [scan(f"shard-{k}", "--shard", f"{k}/{SHARDS}") for k in range(1, SHARDS + 1)]
    return {
        "serial": ([scan("serial")], [scratch / "serial" / "scan"]),
        "--parallel 2": ([scan("parallel", "--parallel", "2")], [scratch / "parallel" / "scan"]),
        f"{SHARDS} shards, {SHARDS} processes": (
            shards,
            [scratch / f"shard-{k}" / "scan" for k in range(1, SHARDS + 1)],
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=11, help="Member accounts besides the management one.")
    members = parser.parse_args().members
    prowler = find_prowler()
    if prowler is None:
        sys.exit("Prowler not installed: make prowler")
    rows: list[tuple[str, float, float]] = []
    verdicts: dict[str, dict[str, str]] = {}
    with tempfile.TemporaryDirectory() as tmp, start_moto_server() as endpoint:
        scratch = Path(tmp)
        organization = create_organization(endpoint, members)
        seed_password_policies(endpoint, organization.accounts)
        poam = scratch / "poam.json"
        write_org_poam(poam, {})
        env = {**aws_env(endpoint), "POAM_PROWLER_BIN": prowler}
        for name, (commands, outputs) in _modes(poam, scratch).items():
            scan_seconds = _timed(commands, env)
            verify_seconds, verdicts[name] = _verify(poam, outputs, scratch / f"verify-{len(rows)}", env)
            rows.append((name, scan_seconds, verify_seconds))
            print(
                f"{name}: scan {scan_seconds:.1f} s, verify {verify_seconds:.1f} s",
                file=sys.stderr,
                flush=True,
            )
    same = len({json.dumps(v, sort_keys=True) for v in verdicts.values()}) == 1
    print(
        f"{len(organization.accounts)} accounts, 1 check each; {platform.machine()}, {os.cpu_count()} cores"
    )
    print("| mode | scan wall time | verify over the outputs |")
    print("| --- | --- | --- |")
    for name, scan_seconds, verify_seconds in rows:
        print(f"| {name} | {scan_seconds:.1f} s | {verify_seconds:.1f} s |")
    print(f"same verdicts in every mode: {same} ({next(iter(verdicts.values()))})")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
