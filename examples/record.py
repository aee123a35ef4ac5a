"""Record the example Prowler output: real Prowler scanning a simulated account on a local moto server.

Run from the repository root with the dev environment (Prowler installed by ``make prowler``)::

    .venv/bin/python examples/record.py

It seeds account 123456789012 (us-east-1) as described in ``tests/support/moto.py``, runs Prowler once for
every check named in ``poam.json``, and replaces ``examples/prowler-output/`` with the new OCSF, CSV and ASFF
files plus ``recorded-on.txt`` (the scan's UTC date). A failed run leaves the previous recording untouched.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from tests.support.moto import (
    ACCOUNT_ID,
    HarnessError,
    aws_env,
    find_prowler,
    run_prowler,
    seed_example_account,
    start_moto_server,
)
from verifier.errors import VerifierError
from verifier.inputs.poam import load_poam

EXAMPLES_DIR = Path(__file__).resolve().parent
POAM_PATH = EXAMPLES_DIR.parent / "poam.json"
OUTPUT_DIR = EXAMPLES_DIR / "prowler-output"
OUTPUT_FILENAME = f"prowler-output-{ACCOUNT_ID}-example"
RECORDED_ON_FILE = "recorded-on.txt"


def poam_checks(poam_path: Path) -> list[str]:
    """Every check id named under ``verification.checks`` in the POA&M, in order of first appearance."""
    checks: dict[str, None] = {}
    for entry in load_poam(poam_path).poam.entries:
        checks.update(dict.fromkeys(entry.verification.checks or ()))
    return list(checks)


def scan_example_account(prowler: str, checks: list[str], out_dir: Path) -> float:
    """Seed a fresh simulated account and scan it into ``out_dir``; return the scan's wall time in seconds."""
    with start_moto_server() as endpoint:
        seed_example_account(endpoint, fixed=False)
        started = time.monotonic()
        run_prowler(prowler, aws_env(endpoint), checks, out_dir, OUTPUT_FILENAME)
        return time.monotonic() - started


def read_findings(out_dir: Path) -> list[dict[str, Any]]:
    """The OCSF findings of the recorded scan."""
    findings: list[dict[str, Any]] = json.loads((out_dir / f"{OUTPUT_FILENAME}.ocsf.json").read_text())
    return findings


def scan_date(findings: list[dict[str, Any]]) -> date:
    """The UTC date of the scan, from the findings' OCSF ``time`` (the latest one if the scan crossed midnight)."""
    times: list[int] = [finding["time"] for finding in findings if isinstance(finding.get("time"), int)]
    if not times:
        raise HarnessError("the recorded OCSF output has no finding with a 'time'; cannot date the scan")
    return datetime.fromtimestamp(max(times), UTC).date()


def status_by_check(findings: list[dict[str, Any]], checks: list[str]) -> dict[str, list[str]]:
    """Each requested check's finding statuses (empty: Prowler emitted no finding for it)."""
    statuses: dict[str, list[str]] = defaultdict(list)
    for finding in findings:
        statuses[finding["metadata"]["event_code"]].append(finding["status_code"])
    return {check: sorted(statuses.get(check, [])) for check in checks}


def publish(staging: Path, recorded_on: date) -> None:
    """Write ``recorded-on.txt``, drop empty folders Prowler leaves, and swap the staging folder in."""
    (staging / RECORDED_ON_FILE).write_text(f"{recorded_on.isoformat()}\n")
    for folder in staging.iterdir():
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    staging.chmod(0o755)  # mkdtemp creates it private
    if OUTPUT_DIR.exists():
        shutil.rmtree(OUTPUT_DIR)
    staging.rename(OUTPUT_DIR)


def record() -> None:
    """Scan into a staging folder next to the recording and publish it only if the scan succeeded."""
    prowler = find_prowler()
    if prowler is None:
        raise HarnessError("Prowler not installed (make prowler, or set POAM_PROWLER_BIN)")
    checks = poam_checks(POAM_PATH)
    staging = Path(tempfile.mkdtemp(prefix=".prowler-output-", dir=EXAMPLES_DIR))
    try:
        seconds = scan_example_account(prowler, checks, staging)
        findings = read_findings(staging)
        recorded_on = scan_date(findings)
        publish(staging, recorded_on)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    print(f"Prowler scan of {len(checks)} checks took {seconds:.1f} s; recorded on {recorded_on} (UTC)")
    for check, statuses in status_by_check(findings, checks).items():
        print(f"  {check:45} {', '.join(statuses) or 'no finding'}")
    print(f"Wrote {OUTPUT_DIR.relative_to(EXAMPLES_DIR.parent)}/")


def main() -> int:
    """Entry point: record, or print one line naming what went wrong."""
    try:
        record()
    except (HarnessError, VerifierError) as error:
        print(f"record.py: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
