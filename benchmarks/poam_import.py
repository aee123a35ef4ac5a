"""``poam import`` on hostile inputs: time and peak memory of each, one child process per input.

Each input once made an import quadratic or made it lose rows: a resources cell of 60,000 spaces (26 s
before) and of a megabyte (hours), a remediation plan of a megabyte of blank lines, a milestone with a
megabyte of spaces before its end, a workbook declaring ``A1:XFD1048576`` with a cell in column XFD on
each of 10,000 rows (58 s), one declaring ``A1`` (read as empty), one row after a million empty ones, and a
CSV whose first line is quote-and-comma noise that ``csv.Sniffer`` took hours over. Every input names a
real practice, so each import writes its POA&M (exit 0). The whole command is timed, interpreter start-up
and the lint of what it wrote included, with ``--report json`` (the table report of 10,000 entries spends
most of its time drawing their 60,000 lint findings).

Usage: ``python -m benchmarks.poam_import`` (also printed by ``python -m benchmarks.run``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.support.workbooks import (
    HEADER_ARGS,
    append_row_xml,
    declare_dimension,
    for_each_row_xml,
    poam_workbook,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
MEGABYTE = 1_000_000
HEADER = ("POAM ID", "Controls", "Weakness Description", "Point of Contact", "Resources Required")


@dataclass(frozen=True, slots=True)
class Measured:
    label: str
    file_bytes: int
    rows_read: int
    seconds: float
    peak_rss_bytes: int

    def row(self) -> str:
        return (
            f"| {self.label} | {self.file_bytes / 1e3:,.0f} | {self.rows_read:,} | {self.seconds:.2f} "
            f"| {self.peak_rss_bytes / 2**20:,.0f} |"
        )


def _one_row(path: Path, column: str, text: str) -> Path:
    """One item whose ``column`` holds ``text``."""
    return poam_workbook(path, [["P-1", "3.1.1", "gap", "Lee Park", text]], (*HEADER[:4], column))


def _xfd_rows(path: Path, rows: int) -> Path:
    """``rows`` items, each row ending in a cell in column XFD, the sheet declaring every row and column."""
    poam_workbook(path, [[f"P-{n}", "3.1.1", "gap", "Lee Park"] for n in range(1, rows + 1)], HEADER[:4])
    for_each_row_xml(path, lambda number: f'<c r="XFD{number}" t="inlineStr"><is><t>far</t></is></c>')
    return declare_dimension(path, "A1:XFD1048576")


def _declared_a1(path: Path, rows: int) -> Path:
    poam_workbook(path, [[f"P-{n}", "3.1.1", "gap", "Lee Park"] for n in range(1, rows + 1)], HEADER[:4])
    return declare_dimension(path, "A1")


def _last_row(path: Path) -> Path:
    """An item on row 2 and another on the sheet's last row, 1,048,573 empty rows below."""
    poam_workbook(path, [["P-1", "3.1.1", "gap", "Lee Park"]], HEADER[:4])
    return append_row_xml(path, 1_048_576, ["P-2", "3.1.2", "gap", "Lee Park"])


def _sniffer_csv(path: Path) -> Path:
    noise = ',"a' * (MEGABYTE // 3) + '"'  # closed, so the header on the next line is a record of its own
    path.write_text(f"{noise}\n{','.join(HEADER[:4])}\nP-1,3.1.1,gap,Lee Park\n", encoding="utf-8")
    return path


INPUTS: tuple[tuple[str, str, Callable[[Path], Path]], ...] = (
    (
        "resources cell, 60,000 spaces",
        "spaces.xlsx",
        lambda p: _one_row(p, "Resources Required", "Budget:" + " " * 60_000 + "x"),
    ),
    (
        "resources cell, 1 MB of spaces",
        "spaces-1mb.xlsx",
        lambda p: _one_row(p, "Resources Required", "Budget:" + " " * MEGABYTE + "x"),
    ),
    (
        "remediation plan, 1 MB of blank lines",
        "plan.xlsx",
        lambda p: _one_row(p, "Overall Remediation Plan", "\n" * MEGABYTE + "x"),
    ),
    (
        "milestone, 1 MB of spaces before its end",
        "milestone.xlsx",
        lambda p: _one_row(p, "Planned Milestones", "Fix" + " " * MEGABYTE + "x"),
    ),
    ("A1:XFD1048576 declared, a cell in XFD on 10,000 rows", "xfd.xlsx", lambda p: _xfd_rows(p, 10_000)),
    ("A1 declared (Apache POI), 10,000 rows", "poi.xlsx", lambda p: _declared_a1(p, 10_000)),
    ("an item on row 1,048,576", "last-row.xlsx", _last_row),
    ("CSV, a 1 MB first line of quote-comma noise", "sniffer.csv", _sniffer_csv),
)


def measure(label: str, source: Path, scratch: Path) -> Measured:
    """``poam import`` of ``source`` in a child: wall time, its own peak RSS, and the rows it read."""
    out = scratch / (source.stem + ".poam.json")
    command = [sys.executable, "-m", "verifier", "import", str(source), "--out", str(out), *HEADER_ARGS]
    report = scratch / (source.stem + ".report.json")
    with report.open("wb") as stdout:
        started = time.perf_counter()
        child = subprocess.Popen(
            [*command, "--report", "json"], cwd=REPO_ROOT, stdout=stdout, stderr=subprocess.PIPE
        )
        stderr = child.stderr.read() if child.stderr else b""
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        sys.exit(
            f"failed ({child.returncode}): {' '.join(command)}\n{stderr.decode(errors='replace')[-2000:]}"
        )
    rows_read = json.loads(report.read_text(encoding="utf-8"))["rows_read"]
    return Measured(label, source.stat().st_size, rows_read, seconds, usage.ru_maxrss * 1024)


def run(root: Path) -> str:
    """Build each hostile input under ``root`` and import it; the Markdown table."""
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root) as name:
        scratch = Path(name)
        results = []
        for label, file, make in INPUTS:
            results.append(measure(label, make(scratch / file), scratch))
            print(results[-1].row(), file=sys.stderr, flush=True)
    lines = [
        "| hostile `poam import` input | file (KB) | rows read | wall (s) | peak RSS (MB) |",
        "|---|---|---|---|---|",
        *(r.row() for r in results),
    ]
    return "\n".join(lines)


def main() -> None:
    print(run(REPO_ROOT / ".bench" / "poam-import"))


if __name__ == "__main__":
    main()
