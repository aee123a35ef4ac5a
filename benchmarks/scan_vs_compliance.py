"""Targeted ``poam scan`` vs a full ``prowler --compliance cmmc_2.0`` run, same moto account, one process.

Both runs scan the same account and region against one seeded moto server on 127.0.0.1. The machine is
shared and noisy, so the runs are repeated in rounds whose order alternates (a fresh moto server loads each
service's backend on first use; alternating keeps that cost from always landing on the same side), and the
ratio is taken from the medians. A third run, Prowler alone on the targeted check list, shows how much of the
targeted time is Prowler's own start-up rather than the verifier's.

Usage: ``.venv/bin/python -m benchmarks.scan_vs_compliance [--rounds 5]`` (``make bench-scan``). Needs
Prowler (``make prowler``) and moto.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tests.support.moto import REPO_ROOT, aws_env, find_prowler, seed_example_account, start_moto_server
from verifier.inputs.mapping import load_mapping
from verifier.inputs.poam import load_poam
from verifier.pipeline.scan import needed_checks

POAM = REPO_ROOT / "poam.json"
MAPPING = REPO_ROOT / "mappings/cmmc-l2-aws.json"
REGION = "us-east-1"


def _timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1800, check=False)  # noqa: S603
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1, 3):
        sys.exit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stderr[-2000:]}")
    return elapsed


def _commands(prowler: str, checks: tuple[str, ...], out: Path, round_no: int) -> dict[str, list[str]]:
    here = out / f"round-{round_no}"
    targeted = [sys.executable, "-m", "verifier", "scan", "--poam", str(POAM), "--mapping", str(MAPPING)]
    targeted += ["--out", str(here / "targeted"), "--verify", "--history", str(here / "ledger.jsonl")]
    common = ["-f", REGION, "-M", "json-ocsf", "csv", "--no-banner"]
    return {
        "targeted": targeted,
        "compliance": [prowler, "aws", "--compliance", "cmmc_2.0", *common, "-o", str(here / "full")],
        "prowler-only": [prowler, "aws", "--checks", *checks, *common, "-o", str(here / "checks")],
    }


def _rounds(rounds: int, run: Callable[[str, int], float]) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {"targeted": [], "compliance": [], "prowler-only": []}
    for round_no in range(rounds):
        order = list(times) if round_no % 2 == 0 else list(reversed(times))
        for name in order:
            times[name].append(run(name, round_no))
            print(f"round {round_no + 1}: {name} {times[name][-1]:.1f} s", file=sys.stderr, flush=True)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="Repetitions of each run (order alternates).")
    rounds = parser.parse_args().rounds
    prowler = find_prowler()
    if prowler is None:
        sys.exit("Prowler not installed: make prowler")
    checks = needed_checks(load_poam(POAM).poam, load_mapping(MAPPING), all_practices=False)
    with tempfile.TemporaryDirectory() as scratch, start_moto_server() as endpoint:
        seed_example_account(endpoint)
        env = {**aws_env(endpoint), "POAM_PROWLER_BIN": prowler}
        times = _rounds(
            rounds, lambda name, n: _timed(_commands(prowler, checks, Path(scratch), n)[name], env)
        )
    median = {name: statistics.median(values) for name, values in times.items()}
    _report(times, median, len(checks))


def _report(times: dict[str, list[float]], median: dict[str, float], checks: int) -> None:
    def row(label: str, name: str) -> str:
        each = ", ".join(f"{t:.1f}" for t in times[name])
        return f"| {label} | {median[name]:.1f} | {each} |"

    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}")
    print("| run | median wall time (s) | each round (s) |\n|---|---|---|")
    print(row(f"poam scan --verify (example POA&M, {checks} checks)", "targeted"))
    print(row("prowler --compliance cmmc_2.0 (all CMMC checks)", "compliance"))
    print(row(f"prowler --checks (the same {checks} checks, no verifier)", "prowler-only"))
    ratios = ", ".join(f"{c / t:.2f}" for c, t in zip(times["compliance"], times["targeted"], strict=True))
    print(f"| ratio compliance / targeted | {median['compliance'] / median['targeted']:.2f}x | {ratios} |")
    overhead = median["targeted"] - median["prowler-only"]
    print(f"| verifier overhead (targeted − prowler-only) | {overhead:.1f} | |")


if __name__ == "__main__":
    main()
