"""Start-up of the ``poam`` commands a pre-commit hook or a shell runs, against importing typer alone.

Each command is run ``--repeat`` times, interleaved with the reference so that a noisy machine slows
both alike; the table shows medians and the ratio to ``python -c "import typer"`` measured in the same
run. Usage: ``python -m benchmarks.startup [--repeat 9]`` (part of ``make bench``).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_POAM = REPO_ROOT / "poam.json"

REFERENCE = ("python -c 'import typer'", [sys.executable, "-c", "import typer"])
# (label, arguments after `python -m verifier`, target ratio to the reference)
COMMANDS: tuple[tuple[str, tuple[str, ...], float], ...] = (
    ("poam --version", ("--version",), 2.0),
    ("poam --help", ("--help",), 2.0),
    ("poam lint (the example)", ("lint", "--poam", str(EXAMPLE_POAM)), 4.0),
)


def wall(command: Sequence[str]) -> float:
    """Seconds one run of ``command`` took, output discarded (a lint finding exits 1: still timed)."""
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, cwd=REPO_ROOT)
    return time.perf_counter() - started


def measure(repeat: int) -> dict[str, list[float]]:
    """Every command and the reference, ``repeat`` times each, interleaved."""
    times: dict[str, list[float]] = {REFERENCE[0]: []}
    for label, _, _ in COMMANDS:
        times[label] = []
    for _ in range(repeat):
        times[REFERENCE[0]].append(wall(REFERENCE[1]))
        for label, arguments, _ in COMMANDS:
            times[label].append(wall([sys.executable, "-m", "verifier", *arguments]))
    return times


def report(times: dict[str, list[float]]) -> str:
    """The Markdown table: medians, the ratio to the reference and the target."""
    reference = statistics.median(times[REFERENCE[0]])
    lines = [
        "| command | median wall (s) | / import typer | target |",
        "|---|---|---|---|",
        f"| {REFERENCE[0]} | {reference:.2f} | 1.00× | (reference) |",
    ]
    for label, _, target in COMMANDS:
        median = statistics.median(times[label])
        lines.append(f"| {label} | {median:.2f} | {median / reference:.2f}× | ≤ {target:g}× |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the arguments, measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args(argv)
    print(report(measure(args.repeat)))


if __name__ == "__main__":
    main()
