"""Run poam-org-scan.yml's own step scripts in a workspace laid out as the runner's checkout."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.support.moto import REPO_ROOT
from tests.support.workflows import workflow_step

WORKFLOW = "poam-org-scan.yml"
RUN_ID = "4242"
SHARDS = 3


def workspace(root: Path, poam: Path, prowler_bin: str | None = None) -> Path:
    """A checkout with the POA&M, the mappings and the two virtual environments' entry points."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(poam, root / "poam.json")
    shutil.copytree(REPO_ROOT / "mappings", root / "mappings")
    (root / ".venv" / "bin").mkdir(parents=True)
    (root / ".venv" / "bin" / "poam").symlink_to(Path(sys.executable).with_name("poam"))
    if prowler_bin:
        (root / ".venv-prowler" / "bin").mkdir(parents=True)
        (root / ".venv-prowler" / "bin" / "prowler").symlink_to(prowler_bin)
    return root


def run_step(job: str, name: str, root: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """One step's ``run:`` script under bash -e, with the workflow's env and GitHub's run id."""
    script = workflow_step(WORKFLOW, job, name)["run"]
    full_env = {**env, "SHARDS": str(SHARDS), "GITHUB_RUN_ID": RUN_ID}
    return subprocess.run(  # noqa: S603 - the workflow's own script
        ["bash", "-e", "-c", script],
        cwd=root,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )


def start_shard(shard: int, root: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    """Start the shard's scan step (the matrix runs shards at once, so the test does too)."""
    script = workflow_step(WORKFLOW, "scan", "Scan this shard")["run"]
    full_env = {**env, "SHARDS": str(SHARDS), "SHARD": str(shard), "GITHUB_RUN_ID": RUN_ID}
    return subprocess.Popen(  # noqa: S603 - the workflow's own script
        ["bash", "-e", "-c", script],
        cwd=root,
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def download(shard_scan: Path, scans_dir: Path, shard: int) -> Path:
    """What download-artifact leaves for one shard: its upload path's contents under the artifact's name."""
    target = scans_dir / f"poam-scan-shard-{shard}-{RUN_ID}"
    shutil.copytree(shard_scan, target)
    return target
