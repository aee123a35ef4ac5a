"""The scan steps ``poam init`` generates, and the action's ``scan`` command, run as written with real
Prowler against a simulated account: the installed verifier and Prowler sit where the steps install them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support.action import Runner, action_inputs
from tests.support.cli import run_cli
from tests.support.moto import ACCOUNT_ID, REGION, REPO_ROOT, aws_env, seed_example_account

pytestmark = pytest.mark.live


def _link_tools(runner_temp: Path, poam_venv: str, prowler_venv: str, prowler_bin: str) -> None:
    for venv, name, target in (
        (poam_venv, "poam", Path(sys.executable).with_name("poam")),
        (poam_venv, "python", Path(sys.executable)),
        (prowler_venv, "prowler", Path(prowler_bin)),
    ):
        directory = runner_temp / venv / "bin"
        directory.mkdir(parents=True, exist_ok=True)
        (directory / name).symlink_to(target)


def test_the_generated_submission_workflow_scans_and_gates(
    tmp_path: Path, prowler_bin: str, moto: str, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "compliance"
    code, _ = run_cli(
        capsys,
        "init",
        str(repo),
        "--organization",
        "Ridgeline",
        "--system",
        "Delta",
        "--assessment-date",
        "2026-09-14",
        "--account",
        ACCOUNT_ID,
        "--region",
        REGION,
        # The install step is not run (the tools are linked in place); any pinned requirement will do.
        "--install",
        "poam-verifier @ git+https://github.com/acme/poam-verifier@v0.1.0",
    )
    assert code == 0
    # The example's entries (same account and region) into the scaffold's POA&M.
    poam = json.loads((repo / "poam.json").read_text(encoding="utf-8"))
    poam["entries"] = json.loads((REPO_ROOT / "poam.json").read_text(encoding="utf-8"))["entries"][:3]
    (repo / "poam.json").write_text(json.dumps(poam), encoding="utf-8")
    temp = tmp_path / "runner-temp"
    _link_tools(temp, "poam", "prowler", prowler_bin)
    workflow = yaml.safe_load(
        (repo / ".github" / "workflows" / "poam-verify.yml").read_text(encoding="utf-8")
    )
    (step,) = [
        s
        for s in workflow["jobs"]["verify"]["steps"]
        if s.get("name") == "Scan and verify (fails on NOT MET)"
    ]
    seed_example_account(moto)
    env = {**aws_env(moto), "AS_OF": "", "RUNNER_TEMP": str(temp)}
    done = subprocess.run(  # noqa: S603 - the generated workflow's own script
        ["bash", "-e", "-c", step["run"]], cwd=repo, env=env, capture_output=True, text=True, timeout=900
    )
    verification = json.loads((repo / "out" / "verification.json").read_text(encoding="utf-8"))
    verdicts = {e["verdict"] for e in verification["entries"]}
    assert done.returncode == (1 if "NOT_MET" in verdicts else 0), done.stderr
    assert verification["inputs"]["mapping"]["path"].endswith("cmmc-l2-aws.json")
    assert (repo / "out" / "evidence.zip").is_file()


def test_the_action_scan_command_runs_prowler_and_sets_outputs(
    tmp_path: Path, prowler_bin: str, moto: str
) -> None:
    runner = Runner(tmp_path)
    _link_tools(runner.temp, "poam-action", "poam-action-prowler", prowler_bin)
    (runner.work / "poam.json").write_bytes((REPO_ROOT / "poam.json").read_bytes())
    seed_example_account(moto)
    # The runner's own files stay the test's, whatever GITHUB_*/RUNNER_* the outer environment has.
    aws = {k: v for k, v in aws_env(moto).items() if not k.startswith(("GITHUB_", "RUNNER_"))}
    done = runner.run("Run poam", {**aws, **action_inputs(command="scan")})
    assert done.returncode == 0, done.stdout + done.stderr
    outputs = runner.outputs()
    summary = json.loads((runner.work / "out" / "verification.json").read_text(encoding="utf-8"))["summary"]
    assert outputs["met"] == str(summary["MET"]) and outputs["summary-path"] == "out/summary.md"
    assert sum(int(outputs[k]) for k in ("met", "not-met", "not-verified")) == len(
        json.loads((REPO_ROOT / "poam.json").read_text(encoding="utf-8"))["entries"]
    )
