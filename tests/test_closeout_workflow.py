"""poam-verify.yml's closeout job: manual, builds the package from the scan, puts the Hash Value in the job
summary and uploads the package. Its own scripts are run here on the built-in example's recorded scan."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.support.workflows import WORKFLOWS_DIR, workflow_step

REPO = Path(__file__).resolve().parents[1]
EXAMPLE_SCAN = REPO / "examples" / "prowler-output"
RECORDED_ON = (EXAMPLE_SCAN / "recorded-on.txt").read_text().strip()


def _job() -> dict[str, object]:
    document = yaml.safe_load((WORKFLOWS_DIR / "poam-verify.yml").read_text(encoding="utf-8"))
    assert set(document[True]) == {"workflow_dispatch"}  # PyYAML reads `on` as True: manual runs only
    closeout = document[True]["workflow_dispatch"]["inputs"]["closeout"]
    assert closeout["options"] == ["no", "draft", "final"] and closeout["default"] == "no"
    return dict(document["jobs"]["closeout"])


def test_the_closeout_job_runs_only_when_asked_and_uploads_the_package() -> None:
    job = _job()
    assert job["if"] == "${{ inputs.closeout == 'draft' || inputs.closeout == 'final' }}"
    assert job["permissions"] == {"contents": "read", "id-token": "write"}
    upload = workflow_step("poam-verify.yml", "closeout", "Upload the closeout package")
    assert upload["with"]["path"] == "closeout/"


def _checkout(root: Path) -> None:
    """The repository's example as the job sees it: the POA&M, the mapping, what `poam scan` left, and a
    `.venv/bin/poam` that runs this tree's verifier."""
    shutil.copy(REPO / "poam.json", root / "poam.json")
    shutil.copytree(REPO / "mappings", root / "mappings")
    shutil.copytree(EXAMPLE_SCAN, root / "out" / "scan" / "123456789012")
    poam = root / ".venv" / "bin" / "poam"
    poam.parent.mkdir(parents=True)
    poam.write_text(
        f'#!/bin/sh\nPYTHONPATH="{REPO}" exec "{sys.executable}" -m verifier "$@"\n', encoding="utf-8"
    )
    poam.chmod(0o755)


def _run(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - a fixed bash running the workflow's own script
        ["/bin/bash", "-eo", "pipefail", "-c", script],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_build_and_summary_steps_put_the_hash_value_in_the_job_summary(tmp_path: Path) -> None:
    _checkout(tmp_path)
    summary = tmp_path / "summary.md"
    env = {"AS_OF": RECORDED_ON, "MODE": "draft", "GITHUB_STEP_SUMMARY": str(summary)}
    build = workflow_step("poam-verify.yml", "closeout", "Build the closeout package")
    done = _run(build["run"], tmp_path, env)
    assert done.returncode == 0, done.stdout + done.stderr
    done = _run(workflow_step("poam-verify.yml", "closeout", "Job summary")["run"], tmp_path, env)
    assert done.returncode == 0, done.stderr
    log = (tmp_path / "closeout" / "CMMCAssessmentArtifacts.log").read_bytes()
    text = summary.read_text(encoding="utf-8")
    assert f"**Hash Value: {hashlib.sha256(log).hexdigest().upper()}**" in text
    assert "DRAFT" in text


def test_a_final_closeout_with_an_item_open_fails_the_step_and_leaves_only_the_report(tmp_path: Path) -> None:
    _checkout(tmp_path)
    build = workflow_step("poam-verify.yml", "closeout", "Build the closeout package")
    done = _run(build["run"], tmp_path, {"AS_OF": RECORDED_ON, "MODE": "final"})
    assert done.returncode == 1
    assert (tmp_path / "closeout-blocked.md").is_file() and not (tmp_path / "closeout").exists()
