"""Record the mixed-enclave example's AWS GovCloud output: real ``poam scan`` + Prowler against moto.

Run from the repository root with the dev environment (Prowler installed by ``make prowler``)::

    .venv/bin/python examples/record_govcloud.py

It seeds a simulated GovCloud account (us-gov-west-1, ``tests/support/govcloud.py``), runs ``poam scan`` on a
POA&M scoped to it with ``role_name`` (so Prowler assumes ``arn:aws-us-gov:iam::123456789012:role/ProwlerScan``
with ``-f us-gov-west-1``, exactly as in GovCloud), and replaces
``examples/mixed-enclave/prowler-output/aws-govcloud/`` with Prowler's OCSF and CSV files plus
``recorded-on.txt``. The Microsoft 365 GCC High half of the example is Prowler's own output recorded by
``examples/record_providers.py`` (``tests/fixtures/prowler/providers/m365``), copied beside it. A failed run
leaves the previous recording untouched.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from tests.support.govcloud import govcloud_env, govcloud_poam, seed_govcloud_account
from tests.support.moto import ACCOUNT_ID, REPO_ROOT, HarnessError, find_prowler, start_moto_server

EXAMPLE_DIR = Path(__file__).resolve().parent / "mixed-enclave"
OUTPUT_DIR = EXAMPLE_DIR / "prowler-output"
GOVCLOUD_DIR = OUTPUT_DIR / "aws-govcloud"
M365_DIR = OUTPUT_DIR / "m365"
M365_RECORDING = REPO_ROOT / "tests" / "fixtures" / "prowler" / "providers" / "m365"
RECORDED_ON_FILE = "recorded-on.txt"
_SCAN_TIMEOUT_S = 1800


def scan_govcloud(prowler: str, workdir: Path) -> Path:
    """``poam scan`` of the seeded GovCloud account; returns the directory Prowler wrote into."""
    poam = workdir / "poam.json"
    poam.write_text(json.dumps(govcloud_poam(), indent=2), encoding="utf-8")
    command = [sys.executable, "-m", "verifier", "scan", "--poam", str(poam), "--out", str(workdir / "out")]
    command += ["--mapping", str(REPO_ROOT / "mappings" / "cmmc-l2-aws.json")]
    with start_moto_server() as endpoint:
        seed_govcloud_account(endpoint)
        env = {**govcloud_env(endpoint), "POAM_PROWLER_BIN": prowler}
        done = subprocess.run(  # noqa: S603 - our own CLI, fixed argv
            command, env=env, capture_output=True, text=True, timeout=_SCAN_TIMEOUT_S, check=False
        )
    if done.returncode != 0:
        raise HarnessError(f"poam scan exited {done.returncode}:\n{done.stderr[-3000:]}")
    return workdir / "out" / "scan" / ACCOUNT_ID


def publish(scanned: Path, staging: Path) -> str:
    """Copy Prowler's findings files (not its compliance folder) and date them; returns the date."""
    ocsf = next(scanned.glob("*.ocsf.json"))
    for path in (ocsf, next(scanned.glob("*.csv"))):
        shutil.copy(path, staging / path.name)
    times = [f["time"] for f in json.loads(ocsf.read_text(encoding="utf-8"))]
    recorded_on = datetime.fromtimestamp(max(times), UTC).date().isoformat()
    (staging / RECORDED_ON_FILE).write_text(f"{recorded_on}\n", encoding="utf-8")
    return recorded_on


def copy_m365() -> None:
    """The GCC High tenant's findings: Prowler's own output, recorded once for the tests."""
    M365_DIR.mkdir(parents=True, exist_ok=True)
    for path in M365_RECORDING.glob("*.ocsf.json"):
        shutil.copy(path, M365_DIR / path.name)


def record() -> str:
    prowler = find_prowler()
    if prowler is None:
        raise HarnessError("Prowler not installed (make prowler, or set POAM_PROWLER_BIN)")
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="govcloud-") as work:
        scanned = scan_govcloud(prowler, Path(work))
        staging = Path(tempfile.mkdtemp(prefix=".aws-govcloud-", dir=OUTPUT_DIR))
        try:
            recorded_on = publish(scanned, staging)
            staging.chmod(0o755)  # mkdtemp creates it private
            shutil.rmtree(GOVCLOUD_DIR, ignore_errors=True)
            staging.rename(GOVCLOUD_DIR)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    copy_m365()
    return recorded_on


def main() -> int:
    """Entry point: record, or print one line naming what went wrong."""
    try:
        recorded_on = record()
    except HarnessError as error:
        print(f"record_govcloud.py: error: {error}", file=sys.stderr)
        return 1
    print(f"Wrote {OUTPUT_DIR.relative_to(REPO_ROOT)}/ (GovCloud scan recorded on {recorded_on}, UTC)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
