"""``make prowler`` is idempotent and recovers from whatever an earlier run left at ``.venv-prowler``.

The recipe runs for real, with ``PYTHON`` pointing at a stand-in interpreter whose ``-m venv`` builds an
environment whose ``pip install prowler==V`` installs a ``prowler`` that answers ``--version`` (the real
install takes minutes and is exercised by ``make test`` itself).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PINNED = next(
    line.split(":=")[1].strip()
    for line in (REPO / "Makefile").read_text(encoding="utf-8").splitlines()
    if line.startswith("PROWLER_VERSION")
)

_FAKE_PYTHON = """#!/bin/sh
# stand-in for `python3 -m venv DIR`: an environment whose pip "installs" prowler==VERSION
[ "$1" = "-m" ] && [ "$2" = "venv" ] || exit 9
echo venv >> "$(dirname "$0")/calls"
mkdir -p "$3/bin"
cat > "$3/bin/pip" <<'PIP'
#!/bin/sh
for arg in "$@"; do
  case "$arg" in prowler==*)
    printf '#!/bin/sh\\necho "Prowler %s (You are running the latest version, yay!)"\\n' "${arg#prowler==}" \
      > "$(dirname "$0")/prowler"
    chmod +x "$(dirname "$0")/prowler";;
  esac
done
PIP
chmod +x "$3/bin/pip"
"""


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    python = tmp_path / "fakepython"
    python.write_text(_FAKE_PYTHON)
    python.chmod(0o755)
    return tmp_path


def _make_prowler(workspace: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-f",
            str(REPO / "Makefile"),
            "prowler",
            f"PYTHON={workspace / 'fakepython'}",
        ],
        cwd=workspace,
        capture_output=True,
        text=True,
        check=False,
    )


def _installed_version(workspace: Path) -> str:
    done = subprocess.run(
        [str(workspace / ".venv-prowler" / "bin" / "prowler"), "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.split()[1]


def _venv_calls(workspace: Path) -> int:
    calls = workspace / "calls"
    return len(calls.read_text().splitlines()) if calls.exists() else 0


def test_a_dangling_link_is_replaced_by_a_real_environment(workspace: Path) -> None:
    (workspace / ".venv-prowler").symlink_to("/nonexistent/pv/venv")
    done = _make_prowler(workspace)
    assert done.returncode == 0, done.stderr
    assert not (workspace / ".venv-prowler").is_symlink()
    assert _installed_version(workspace) == PINNED


def test_an_interrupted_install_is_rebuilt(workspace: Path) -> None:
    (workspace / ".venv-prowler" / "bin").mkdir(parents=True)
    (workspace / ".venv-prowler" / "lib-half-written").write_text("x")
    assert _make_prowler(workspace).returncode == 0
    assert _installed_version(workspace) == PINNED
    assert not (workspace / ".venv-prowler" / "lib-half-written").exists()


def test_another_prowler_version_is_replaced(workspace: Path) -> None:
    bin_dir = workspace / ".venv-prowler" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "prowler").write_text("#!/bin/sh\necho 'Prowler 5.1.0'\n")
    (bin_dir / "prowler").chmod(0o755)
    assert _make_prowler(workspace).returncode == 0
    assert _installed_version(workspace) == PINNED


def test_a_working_install_is_left_alone(workspace: Path) -> None:
    assert _make_prowler(workspace).returncode == 0
    assert _venv_calls(workspace) == 1
    again = _make_prowler(workspace)
    assert again.returncode == 0
    assert f"Prowler {PINNED} ready" in again.stdout
    assert _venv_calls(workspace) == 1


def test_a_failed_install_fails_make(workspace: Path) -> None:
    (workspace / "fakepython").write_text("#!/bin/sh\nexit 1\n")
    done = _make_prowler(workspace)
    assert done.returncode != 0
