"""Judging a change's Terraform: mutes and inline ignores never read as a fix; regressions skip mutes only.

The findings are the real ``prowler iac`` recordings in tests/fixtures/iac; a mute is made by setting one
recorded FAIL's status the way Prowler writes a muted finding.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from verifier.choices import IacFailOn
from verifier.inputs.findings.iac import IacFinding, load_iac_mapping, read_iac_findings
from verifier.inputs.poam import load_poam
from verifier.inputs.terraform_ignores import InlineIgnore
from verifier.model import Poam
from verifier.outputs.iac_report import render_summary, render_verification
from verifier.rules.iac import CodeVerdict, judge_change

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "iac"
MINIMAL_POAM = FIXTURES.parent / "poam" / "minimal.json"
MAPPING = load_iac_mapping(Path(__file__).resolve().parents[2] / "mappings" / "cmmc-l2-iac.json")
HEAD = read_iac_findings(FIXTURES / "head.ocsf.json")
BASE = read_iac_findings(FIXTURES / "base.ocsf.json")


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


def test_an_unmuted_new_fail_trips_the_gate(poam: Poam) -> None:
    report = judge_change(HEAD, BASE, MAPPING, poam, IacFailOn.REGRESSION)
    assert [r.finding.check_id for r in report.regressions] == ["AVD-AWS-0016"]
    assert report.gate_hit and report.muted_new_failures == ()


@pytest.mark.parametrize(
    "rule", ["AVD-AWS-0015", "aws-cloudtrail-encryption-customer-managed-key", "*", "avd-aws-0015"]
)
def test_an_inline_ignore_of_a_mapped_check_is_not_a_pass(poam: Poam, rule: str) -> None:
    passing = tuple(f for f in HEAD if f.check_id != "AVD-AWS-0016")  # as if the change fixed the FAIL
    assert judge_change(passing, None, MAPPING, poam).entries[0].verdict is CodeVerdict.PASSES_IN_CODE
    ignore = InlineIgnore(rule, "main.tf", 12)
    report = judge_change(passing, None, MAPPING, poam, ignores=(ignore,))
    (entry,) = report.entries
    assert entry.verdict is CodeVerdict.IGNORED_IN_CODE
    assert entry.ignores == (ignore,)
    assert f"`main.tf:12` ignore:{rule}" in render_summary(report)
    assert b'"inline_ignores"' in render_verification(report, MAPPING)


def test_an_ignore_of_an_unrelated_check_changes_nothing(poam: Poam) -> None:
    passing = tuple(f for f in HEAD if f.check_id != "AVD-AWS-0016")
    report = judge_change(passing, None, MAPPING, poam, ignores=(InlineIgnore("AVD-AWS-0065", "kms.tf", 3),))
    assert report.entries[0].verdict is CodeVerdict.PASSES_IN_CODE


def test_a_fail_outranks_an_ignore(poam: Poam) -> None:
    report = judge_change(HEAD, None, MAPPING, poam, ignores=(InlineIgnore("AVD-AWS-0015", "main.tf", 1),))
    assert report.entries[0].verdict is CodeVerdict.FAILS_IN_CODE


def test_checks_that_never_ran_are_named(poam: Poam) -> None:
    passing = tuple(f for f in HEAD if f.check_id != "AVD-AWS-0016")
    (entry,) = judge_change(passing, None, MAPPING, poam).entries
    evaluated = {f.check_id for f in passing}
    assert entry.not_evaluated == tuple(c for c in entry.checks if c not in evaluated)
    assert entry.not_evaluated  # the recording has no finding at all for some of AU.L2-3.3.8's checks
    summary = render_summary(judge_change(passing, None, MAPPING, poam))
    assert f"of {len(entry.checks)} checks evaluated" in summary
