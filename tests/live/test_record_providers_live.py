"""The committed Azure / Microsoft 365 / GCP fixtures are exactly what the recorder writes with real Prowler."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.support.moto import REPO_ROOT

pytestmark = pytest.mark.live

FIXTURES = REPO_ROOT / "tests" / "fixtures" / "prowler" / "providers"
RECORDER = REPO_ROOT / "examples" / "record_providers.py"
# Inputs the recorder reads, not outputs it writes.
HAND_KEPT = frozenset({"README.md", "mutelist.yaml"})


def _prowler_python(prowler_bin: str) -> str:
    """The interpreter Prowler is installed in: beside the executable, else the one its shebang names."""
    beside = Path(prowler_bin).parent / "python"
    if beside.exists():
        return str(beside)
    shebang = Path(prowler_bin).read_text(encoding="utf-8", errors="replace").splitlines()[0]
    assert shebang.startswith("#!"), f"{prowler_bin} is not a script; cannot find Prowler's interpreter"
    return shebang[2:].strip().split()[0]


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.name not in HAND_KEPT
    }


def test_recorder_reproduces_the_committed_fixtures_byte_for_byte(prowler_bin: str, tmp_path: Path) -> None:
    done = subprocess.run(
        [_prowler_python(prowler_bin), str(RECORDER), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        cwd=REPO_ROOT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    recorded, committed = _files(tmp_path), _files(FIXTURES)
    assert sorted(recorded) == sorted(committed)
    differing = [name for name in committed if recorded[name] != committed[name]]
    assert differing == [], f"re-recording changed {differing}: run `make examples-providers` and review"
    assert "azure: 6 findings" in done.stdout
