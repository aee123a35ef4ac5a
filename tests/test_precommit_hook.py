"""The shipped pre-commit hook (``.pre-commit-hooks.yaml``, id ``poam-lint``) run by the real ``pre-commit``.

``pre-commit try-repo`` installs this repository as the hook's environment (from the package index, like
a user's first run; marker ``packaging``) and runs it in a temporary git repository, once on a POA&M with
mistakes (the commit is refused) and once on a clean one.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml

from tests.support.moto import REPO_ROOT

pytestmark = pytest.mark.packaging
PRE_COMMIT = Path(sys.executable).with_name("pre-commit")
# The example POA&M lints clean as of this date; its dates are moved so that it does so today too.
CLEAN_AS_OF = date(2026, 11, 25)


def _run(argv: list[str], cwd: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    env |= {
        "PRE_COMMIT_HOME": str(home),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False)


def _clean_today() -> str:
    delta = datetime.now(UTC).date() - CLEAN_AS_OF
    text = (REPO_ROOT / "poam.json").read_text(encoding="utf-8")
    return re.sub(
        r"\b\d{4}-\d{2}-\d{2}\b", lambda m: (date.fromisoformat(m.group(0)) + delta).isoformat(), text
    )


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pre-commit's cache, shared by the tests here so the hook environment is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture()
def compliance_repo(tmp_path: Path, home: Path) -> Path:
    repo = tmp_path / "compliance"
    repo.mkdir()
    assert _run(["git", "init", "-q"], repo, home).returncode == 0
    return repo


def _try_repo(repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    assert _run(["git", "add", "poam.json"], repo, home).returncode == 0
    return _run([str(PRE_COMMIT), "try-repo", str(REPO_ROOT), "poam-lint", "--all-files"], repo, home)


def test_the_hook_definition_lints_poam_json() -> None:
    (hook,) = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert (hook["id"], hook["language"], hook["files"]) == ("poam-lint", "python", r"^poam\.json$")
    assert hook["entry"].startswith("poam lint")


def test_the_hook_refuses_a_poam_with_mistakes(compliance_repo: Path, home: Path) -> None:
    shutil.copyfile(REPO_ROOT / "examples" / "poam-with-mistakes.json", compliance_repo / "poam.json")
    done = _try_repo(compliance_repo, home)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Failed" in done.stdout and "POAM001" in done.stdout


def test_the_hook_passes_a_clean_poam(compliance_repo: Path, home: Path) -> None:
    (compliance_repo / "poam.json").write_text(_clean_today(), encoding="utf-8")
    done = _try_repo(compliance_repo, home)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"poam lint .*Passed", done.stdout)


def test_the_hook_skips_commits_without_the_poam(compliance_repo: Path, home: Path) -> None:
    (compliance_repo / "notes.md").write_text("no POA&M here\n", encoding="utf-8")
    assert _run(["git", "add", "notes.md"], compliance_repo, home).returncode == 0
    done = _run(
        [str(PRE_COMMIT), "try-repo", str(REPO_ROOT), "poam-lint", "--all-files"], compliance_repo, home
    )
    assert done.returncode == 0 and "Skipped" in done.stdout, done.stdout + done.stderr
