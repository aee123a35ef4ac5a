"""Judging a change's Terraform: a PASS needs a declared resource; mutes and inline ignores never read as a
fix; regressions skip mutes only.

The findings are the real ``prowler iac`` recordings in tests/fixtures/iac of the Terraform of the same name
in tests/fixtures/terraform (tests/fixtures/iac/record.py); a mute is made by setting one recorded FAIL's
status the way Prowler writes a muted finding.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path

import pytest

from verifier.choices import IacFailOn
from verifier.inputs.findings.iac import IacFinding, load_iac_mapping, read_iac_findings
from verifier.inputs.poam import load_poam, poam_from_json
from verifier.inputs.terraform import TerraformDeclarations, read_declarations
from verifier.inputs.terraform_ignores import InlineIgnore, read_inline_ignores
from verifier.model import Poam
from verifier.outputs.iac_report import render_summary, render_verification
from verifier.outputs.markdown import md_text
from verifier.rules.iac import CodeVerdict, judge_change

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "iac"
MINIMAL_POAM = FIXTURES.parent / "poam" / "minimal.json"
MAPPING = load_iac_mapping(Path(__file__).resolve().parents[2] / "mappings" / "cmmc-l2-iac.json")
TERRAFORM = FIXTURES.parent / "terraform"
HEAD = read_iac_findings(FIXTURES / "head.ocsf.json")
BASE = read_iac_findings(FIXTURES / "base.ocsf.json")
COMPLEXITY_PRACTICE = "IA.L2-3.5.7"  # one Trivy check: AVD-AWS-0063, on aws_iam_account_password_policy


def _recorded(scenario: str) -> tuple[tuple[IacFinding, ...], TerraformDeclarations]:
    """A recorded ``prowler iac`` run and the resources its Terraform declares."""
    return read_iac_findings(FIXTURES / f"{scenario}.ocsf.json"), read_declarations(TERRAFORM / scenario)


def _poam_on(*practice_ids: str) -> Poam:
    """minimal.json with one open entry per practice: POAM-001, POAM-002, ... in the order given."""
    document = json.loads(MINIMAL_POAM.read_text())
    template = document["entries"][0]
    document["entries"] = [
        {**copy.deepcopy(template), "id": f"POAM-{n:03}", "practice_id": practice_id}
        for n, practice_id in enumerate(practice_ids, start=1)
    ]
    return poam_from_json(document, "test")


@pytest.fixture
def poam() -> Poam:
    """POAM-001 on AU.L2-3.3.8: in the recorded head its only failing check is AVD-AWS-0016."""
    return load_poam(MINIMAL_POAM).poam


def _muted(findings: tuple[IacFinding, ...], check_id: str) -> tuple[IacFinding, ...]:
    return tuple(
        dataclasses.replace(f, muted=True) if f.check_id == check_id and f.status == "FAIL" else f
        for f in findings
    )


def test_the_recorded_head_fails_poam_001_on_one_check(poam: Poam) -> None:
    (entry,) = judge_change(HEAD, BASE, MAPPING, poam).entries
    assert entry.verdict is CodeVerdict.FAILS_IN_CODE
    assert {f.check_id for f in entry.failures} == {"AVD-AWS-0016"}


def test_a_muted_fail_still_fails_the_entry(poam: Poam) -> None:
    report = judge_change(_muted(HEAD, "AVD-AWS-0016"), BASE, MAPPING, poam, IacFailOn.REGRESSION)
    (entry,) = report.entries
    assert entry.verdict is CodeVerdict.FAILS_IN_CODE
    assert [f.check_id for f in entry.muted_failures] == ["AVD-AWS-0016"]
    assert "muted — a mute is not a fix" in render_summary(report)


def test_a_muted_new_fail_is_listed_but_not_a_regression(poam: Poam) -> None:
    report = judge_change(_muted(HEAD, "AVD-AWS-0016"), BASE, MAPPING, poam, IacFailOn.REGRESSION)
    assert report.regressions == ()
    assert not report.gate_hit
    assert [r.finding.check_id for r in report.muted_new_failures] == ["AVD-AWS-0016"]
    assert "AVD-AWS-0016" not in {f.check_id for f in report.head_failures}  # SARIF shows unmuted only
    summary = render_summary(report)
    assert "New failures muted by the mutelist (not gated)" in summary


def test_the_summary_lists_a_section_only_when_it_has_items(poam: Poam) -> None:
    unmuted = render_summary(judge_change(HEAD, BASE, MAPPING, poam, IacFailOn.REGRESSION))
    muted = render_summary(
        judge_change(_muted(HEAD, "AVD-AWS-0016"), BASE, MAPPING, poam, IacFailOn.REGRESSION)
    )

    assert "\n### Regressions\n\n- AVD-AWS-0016 (" in unmuted
    assert "### New failures muted" not in unmuted
    assert "### Regressions" not in muted
    assert "\n### New failures muted by the mutelist (not gated)\n\n- AVD-AWS-0016: " in muted
    for summary in (unmuted, muted):
        assert "\n### Still failing\n\n- POAM-001 AVD-AWS-0016" in summary


def test_an_unmuted_new_fail_trips_the_gate(poam: Poam) -> None:
    report = judge_change(HEAD, BASE, MAPPING, poam, IacFailOn.REGRESSION)
    assert [r.finding.check_id for r in report.regressions] == ["AVD-AWS-0016"]
    assert report.gate_hit and report.muted_new_failures == ()


@pytest.mark.parametrize("rule", ["AVD-AWS-0063", "aws-iam-set-minimum-password-length", "*", "avd-aws-0063"])
def test_an_inline_ignore_of_a_mapped_check_is_not_a_pass(rule: str) -> None:
    findings, declarations = _recorded("password_policy_strict")
    poam = _poam_on(COMPLEXITY_PRACTICE)
    passing = judge_change(findings, None, MAPPING, poam, declarations=declarations)
    assert passing.entries[0].verdict is CodeVerdict.PASSES_IN_CODE
    ignore = InlineIgnore(rule, "main.tf", 2)
    report = judge_change(findings, None, MAPPING, poam, ignores=(ignore,), declarations=declarations)
    (entry,) = report.entries
    assert entry.verdict is CodeVerdict.IGNORED_IN_CODE
    assert entry.ignores == (ignore,)
    assert f"main.tf:2 ignore:{md_text(rule)}" in render_summary(report)  # `*` is escaped as text
    assert b'"inline_ignores"' in render_verification(report, MAPPING)


def test_an_ignore_of_an_unrelated_check_changes_nothing() -> None:
    findings, declarations = _recorded("password_policy_strict")
    ignore = InlineIgnore("AVD-AWS-0065", "kms.tf", 3)
    report = judge_change(
        findings, None, MAPPING, _poam_on(COMPLEXITY_PRACTICE), ignores=(ignore,), declarations=declarations
    )
    assert report.entries[0].verdict is CodeVerdict.PASSES_IN_CODE


def test_a_fail_outranks_an_ignore(poam: Poam) -> None:
    report = judge_change(HEAD, None, MAPPING, poam, ignores=(InlineIgnore("AVD-AWS-0015", "main.tf", 1),))
    assert report.entries[0].verdict is CodeVerdict.FAILS_IN_CODE


def test_checks_with_nothing_declared_are_named_and_never_pass(poam: Poam) -> None:
    """Head fixed the FAIL and declares a trail and a bucket, but no log group: AVD-AWS-0017 proves nothing."""
    passing = tuple(f for f in HEAD if f.check_id != "AVD-AWS-0016")
    report = judge_change(passing, None, MAPPING, poam, declarations=read_declarations(TERRAFORM / "head"))
    (entry,) = report.entries
    assert entry.verdict is CodeVerdict.NOT_IN_THIS_CODE
    assert [(c.check_id, c.resource_types) for c in entry.nothing_to_examine] == [
        ("AVD-AWS-0017", ("aws_cloudwatch_log_group",))
    ]
    evaluated = {f.check_id for f in passing}
    assert entry.not_evaluated == tuple(c for c in entry.checks if c not in evaluated)
    summary = render_summary(report)
    assert "not in this code" in summary
    assert "nothing to examine for AVD-AWS-0017 (looked for aws\\_cloudwatch\\_log\\_group)" in summary
    assert "aws\\_cloudtrail.audit (main.tf:17)" in summary


def test_without_declarations_nothing_passes(poam: Poam) -> None:
    findings, _ = _recorded("password_policy_strict")
    (entry,) = judge_change(findings, None, MAPPING, _poam_on(COMPLEXITY_PRACTICE)).entries
    assert entry.verdict is CodeVerdict.NOT_IN_THIS_CODE


def test_an_s3_bucket_alone_passes_no_iam_kms_or_cloudtrail_entry() -> None:
    """The recording holds Trivy's PASS on `.` for the password policy the code never declares."""
    findings, declarations = _recorded("s3_bucket_only")
    assert any(f.check_id == "AVD-AWS-0063" and f.status == "PASS" and f.file == "" for f in findings)
    practice_ids = sorted(MAPPING.practices)
    report = judge_change(findings, None, MAPPING, _poam_on(*practice_ids), declarations=declarations)
    verdicts = {e.practice_id: e.verdict for e in report.entries}
    assert CodeVerdict.PASSES_IN_CODE not in verdicts.values()
    password = next(e for e in report.entries if e.practice_id == COMPLEXITY_PRACTICE)
    assert password.verdict is CodeVerdict.NOT_IN_THIS_CODE
    assert [c.resource_types for c in password.nothing_to_examine] == [("aws_iam_account_password_policy",)]
    for practice_id in ("AC.L2-3.1.1", "IA.L2-3.5.3", "SC.L2-3.13.10", "AU.L2-3.3.1"):
        assert verdicts[practice_id] in {CodeVerdict.NOT_IN_THIS_CODE, CodeVerdict.FAILS_IN_CODE}, practice_id


def test_a_strict_password_policy_passes_in_code_with_its_resource_named() -> None:
    findings, declarations = _recorded("password_policy_strict")
    report = judge_change(findings, None, MAPPING, _poam_on(COMPLEXITY_PRACTICE), declarations=declarations)
    (entry,) = report.entries
    assert entry.verdict is CodeVerdict.PASSES_IN_CODE
    ((check,),) = [entry.in_code]
    assert [(r.address, r.file, r.line) for r in check.resources] == [
        ("aws_iam_account_password_policy.strict", "main.tf", 2)
    ]
    document = json.loads(render_verification(report, MAPPING))
    (rendered,) = document["entries"]
    assert rendered["checks_nothing_to_examine"] == []
    assert rendered["checks_in_code"][0]["resources"] == [
        {"type": "aws_iam_account_password_policy", "name": "strict", "file": "main.tf", "line": 2}
    ]


def test_a_strict_password_policy_in_a_local_module_passes_in_code() -> None:
    findings, declarations = _recorded("password_policy_in_module")
    (entry,) = judge_change(
        findings, None, MAPPING, _poam_on(COMPLEXITY_PRACTICE), declarations=declarations
    ).entries
    assert entry.verdict is CodeVerdict.PASSES_IN_CODE
    assert [r.file for c in entry.in_code for r in c.resources] == ["modules/iam/main.tf"]


def test_a_weak_password_policy_fails_in_code() -> None:
    findings, declarations = _recorded("password_policy_weak")
    (entry,) = judge_change(
        findings, None, MAPPING, _poam_on(COMPLEXITY_PRACTICE), declarations=declarations
    ).entries
    assert entry.verdict is CodeVerdict.FAILS_IN_CODE
    assert [(f.check_id, f.resource, f.start_line) for f in entry.failures] == [
        ("AVD-AWS-0063", "aws_iam_account_password_policy.weak", 3)
    ]


def test_an_ignored_password_policy_is_ignored_in_code() -> None:
    """Trivy drops the ignored check: the recording has no AVD-AWS-0063 finding at all."""
    findings, declarations = _recorded("password_policy_ignored")
    assert "AVD-AWS-0063" not in {f.check_id for f in findings}
    ignores = read_inline_ignores(TERRAFORM / "password_policy_ignored")
    (entry,) = judge_change(
        findings, None, MAPPING, _poam_on(COMPLEXITY_PRACTICE), ignores=ignores, declarations=declarations
    ).entries
    assert entry.verdict is CodeVerdict.IGNORED_IN_CODE
    assert [(i.rule, i.file, i.line) for i in entry.ignores] == [("AVD-AWS-0063", "main.tf", 2)]


def test_root_mfa_never_passes_in_code() -> None:
    """Nothing Terraform declares is the root user: AVD-AWS-0142 has no resource types to look for."""
    findings, declarations = _recorded("password_policy_strict")
    report = judge_change(findings, None, MAPPING, _poam_on("IA.L2-3.5.3"), declarations=declarations)
    assert report.entries[0].verdict is CodeVerdict.NOT_IN_THIS_CODE
    assert "AVD-AWS-0142 (no Terraform resource is what it examines)" in render_summary(report)


def test_declared_names_from_the_pr_are_escaped_in_the_summary(tmp_path: Path) -> None:
    """Resource labels and file names come from the PR's author: none may add markup to the comment."""
    (tmp_path / "a|b.tf").write_text(
        'resource "aws_iam_account_password_policy" "x![i](https://evil.example/i.png)" {}\n'
    )
    findings, _ = _recorded("password_policy_strict")
    report = judge_change(
        findings, None, MAPPING, _poam_on(COMPLEXITY_PRACTICE), declarations=read_declarations(tmp_path)
    )
    summary = render_summary(report)
    assert report.entries[0].verdict is CodeVerdict.PASSES_IN_CODE
    assert "![i]" not in summary and "a|b.tf" not in summary
    assert md_text("aws_iam_account_password_policy.x![i](https://evil.example/i.png)") in summary
