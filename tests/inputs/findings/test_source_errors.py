"""One unreadable findings source among readable ones is named and fails closed over what it may hold;
the rest still verify. Every source failing stays an error (exit 4), as before."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tests.support.evaluation import ACCOUNT, AS_OF, MAPPING, SECOND_ACCOUNT, make_entry, make_finding
from tests.support.poam import poam_copy
from verifier.errors import EnvError
from verifier.evaluate import EvaluationSettings, FindingsIndex, evaluate_entry
from verifier.inputs.findings import load_findings
from verifier.model import ScopeTarget, SourceError, Status
from verifier.outputs.reasons import rendered
from verifier.pipeline.bundle import verify_bundle
from verifier.pipeline.verify import VerifyOptions, run_verify

REPO = Path(__file__).resolve().parents[3]
EXAMPLE = REPO / "examples" / "prowler-output"
RECORDED_ON = date.fromisoformat((EXAMPLE / "recorded-on.txt").read_text().strip())
MISSING = "s3://no-such-bucket/scans/"


def test_an_unreadable_prefix_beside_a_readable_one_is_named(moto_aws: str) -> None:
    loaded = load_findings([EXAMPLE, MISSING])
    assert loaded.findings  # the readable source still counts
    (error,) = loaded.source_errors
    assert (error.location, error.accounts, error.regions) == (MISSING, (), ())
    assert "no such bucket" in error.reason


def test_every_source_failing_is_still_an_environment_error(moto_aws: str) -> None:
    with pytest.raises(EnvError, match="no such bucket"):
        load_findings([MISSING, "s3://another-missing-bucket/x/"])


def test_verify_fails_closed_over_the_unreadable_source_and_the_bundle_agrees(
    moto_aws: str, tmp_path: Path
) -> None:
    options = VerifyOptions(
        poam=poam_copy(tmp_path),
        mapping=REPO / "mappings" / "cmmc-l2-aws.json",
        findings=(EXAMPLE, MISSING),
        out=tmp_path / "out",
        as_of=RECORDED_ON,
    )
    run = run_verify(options, clock=lambda: datetime(2026, 12, 1, tzinfo=UTC)).run
    verdicts = {r.entry_id: r for r in run.results}
    # The example's passing entries can no longer be MET; its failing ones are still NOT_MET.
    assert verdicts["POAM-002"].verdict.value == "NOT_VERIFIED"
    assert any(f"findings source {MISSING} could not be read" in r for r in rendered(verdicts["POAM-002"]))
    assert verdicts["POAM-001"].verdict.value == "NOT_MET"
    assert "MET" not in {r.verdict.value for r in run.results if r.checks}
    report = verify_bundle(tmp_path / "out" / "evidence.zip", None)
    assert dict(report.verdicts) == {r.entry_id: r.verdict for r in run.results}


TARGETS = (ScopeTarget("aws", accounts=(ACCOUNT,), regions=("us-east-1",), partition="aws"),)


def _verdict(status: Status, error: SourceError) -> str:
    entry = make_entry()
    findings = [make_finding(check, status) for check in entry.verification.checks or ()]
    index = FindingsIndex(findings, (), [error])
    return evaluate_entry(entry, TARGETS, MAPPING, index, EvaluationSettings(as_of=AS_OF)).verdict.value


@pytest.mark.parametrize(
    ("error", "verdict"),
    [
        (
            SourceError(
                "securityhub://us-east-1?accounts=111111111111", "denied", (SECOND_ACCOUNT,), ("us-east-1",)
            ),
            "MET",
        ),
        (SourceError("securityhub://eu-west-1", "denied", (), ("eu-west-1",)), "MET"),
        (
            SourceError(f"securityhub://us-east-1?accounts={ACCOUNT}", "denied", (ACCOUNT,), ("us-east-1",)),
            "NOT_VERIFIED",
        ),
        (SourceError("s3://b/x/", "denied"), "NOT_VERIFIED"),
    ],
)
def test_only_entries_the_source_may_hold_lose_their_met(error: SourceError, verdict: str) -> None:
    assert _verdict(Status.PASS, error) == verdict


def test_a_fail_read_elsewhere_stays_not_met() -> None:
    assert _verdict(Status.FAIL, SourceError("s3://b/x/", "denied")) == "NOT_MET"
