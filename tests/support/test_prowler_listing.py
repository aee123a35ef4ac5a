"""The session's caching Prowler replays a real answer, and only for the listing questions."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support.prowler_listing import listing_prowler

# A stand-in for Prowler that logs every command line it is given.
_FAKE = """#!{python}
import json, sys
with open({log!r}, "a", encoding="utf-8") as log:
    log.write(json.dumps(sys.argv[1:]) + "\\n")
args = sys.argv[1:]
if args == ["--version"]:
    print("Prowler 5.46.0")
elif args == ["aws", "--list-checks-json"]:
    print(json.dumps({{"aws": ["s3_bucket_default_encryption"]}}))
elif args[:1] == ["nowhere"]:
    print("unknown provider", file=sys.stderr)
    sys.exit(2)
else:
    print("scanned " + " ".join(args))
    sys.exit(3)
"""


def _fake_prowler(tmp_path: Path) -> tuple[Path, Path]:
    log = tmp_path / "calls.jsonl"
    fake = tmp_path / "real" / "prowler"
    fake.parent.mkdir()
    fake.write_text(_FAKE.format(python=sys.executable, log=str(log)), encoding="utf-8")
    fake.chmod(0o755)
    return fake, log


def _run(prowler: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([prowler, *args], capture_output=True, text=True, timeout=60, check=False)  # noqa: S603


def _calls(log: Path) -> list[list[str]]:
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def test_listings_run_once_and_replay_the_real_answer(tmp_path: Path) -> None:
    fake, log = _fake_prowler(tmp_path)
    cached = listing_prowler(str(fake), tmp_path / "cached")
    first = [_run(cached, "--version").stdout, _run(cached, "aws", "--list-checks-json").stdout]
    again = [_run(cached, "--version").stdout, _run(cached, "aws", "--list-checks-json").stdout]
    assert first == again == ["Prowler 5.46.0\n", '{"aws": ["s3_bucket_default_encryption"]}\n']
    assert _calls(log) == [["--version"], ["aws", "--list-checks-json"]]


def test_scans_and_failures_always_reach_the_real_prowler(tmp_path: Path) -> None:
    fake, log = _fake_prowler(tmp_path)
    cached = listing_prowler(str(fake), tmp_path / "cached")
    for _ in range(2):
        scan = _run(cached, "aws", "--checks", "s3_bucket_default_encryption")
        assert (scan.returncode, scan.stdout) == (3, "scanned aws --checks s3_bucket_default_encryption\n")
        failed = _run(cached, "nowhere", "--list-checks-json")
        assert (failed.returncode, failed.stderr) == (2, "unknown provider\n")
    assert len(_calls(log)) == 4  # nothing replayed: a failed listing is not kept


def test_the_cached_prowler_runs_with_prowlers_own_interpreter(tmp_path: Path) -> None:
    fake, _ = _fake_prowler(tmp_path)
    cached = Path(listing_prowler(str(fake), tmp_path / "cached"))
    # `mapping sync` finds Prowler's compliance files through the interpreter a console script names.
    assert cached.read_text(encoding="utf-8").splitlines()[0] == f"#!{sys.executable}"


def test_workers_sharing_a_directory_ask_prowler_once(tmp_path: Path) -> None:
    fake, log = _fake_prowler(tmp_path)
    # Each xdist worker writes the script into the run's shared directory, then they ask at the same time.
    scripts = [listing_prowler(str(fake), tmp_path / "shared") for _ in range(2)]
    askers = [
        subprocess.Popen([s, "aws", "--list-checks-json"], stdout=subprocess.PIPE, text=True)  # noqa: S603
        for s in scripts * 3
    ]
    answers = {asker.communicate(timeout=60)[0] for asker in askers}
    assert answers == {'{"aws": ["s3_bucket_default_encryption"]}\n'}
    assert _calls(log) == [["aws", "--list-checks-json"]]
