"""The verdict rules of ``verifier.evaluate``: MET only on positive proof, NOT_MET on any FAIL, else NOT_VERIFIED.

Findings here are built directly as normalised ``Finding`` records (what the readers produce), not as
Prowler files; the readers' own tests pin the formats.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.evaluation import (
    ACCOUNT,
    AS_OF,
    CHECKED,
    KMS,
    MAPPING,
    OTHER_REGION,
    OUTSIDE_ACCOUNT,
    POAM_TARGET,
    PRACTICE,
    REGION,
    S3_ENCRYPTION,
    SCANNED,
    SECOND_ACCOUNT,
    VALIDATION,
    aws_target,
    make_entry,
    make_finding,
)
from verifier.evaluate import (
    EvaluationSettings,
    FindingsIndex,
    evaluate,
    evaluate_entry,
    latest_per_uid,
)
from verifier.inputs.mapping import CheckMapping
from verifier.inputs.poam import poam_from_json
from verifier.model import (
    AttestationStatus,
    Basis,
    CheckTally,
    Entry,
    EntryResult,
    Finding,
    Poam,
    ReasonCode,
    Scope,
    ScopeTarget,
    Status,
    Verdict,
    Verification,
)
from verifier.outputs.reasons import render, rendered


def decide(
    findings: Sequence[Finding],
    entry: Entry | None = None,
    *,
    target: ScopeTarget = POAM_TARGET,
    mapping: CheckMapping = MAPPING,
    as_of: date = AS_OF,
    max_age: int = 7,
) -> EntryResult:
    return evaluate_entry(
        entry or make_entry(),
        (target,),
        mapping,
        FindingsIndex(findings),
        EvaluationSettings(as_of=as_of, max_scan_age_days=max_age),
    )


def passing(*accounts: str) -> list[Finding]:
    """One fresh PASS per check of the default entry, in each account."""
    return [make_finding(check, account=a) for a in accounts or (ACCOUNT,) for check in (KMS, VALIDATION)]


def reasons_text(result: EntryResult) -> str:
    return "\n".join(rendered(result))


def objective_reasons(result: EntryResult, objective_id: str) -> tuple[str, ...]:
    """One objective's reasons in words, each beginning with the objective's id."""
    (objective,) = (o for o in result.objectives if o.objective_id == objective_id)
    return tuple(render(reason) for reason in objective.reasons)


# --- MET ---------------------------------------------------------------------------------------------


def test_met_when_every_check_passes_in_the_scope_account() -> None:
    result = decide(passing())
    assert result.verdict is Verdict.MET
    assert result.entry_id == "POAM-001"
    assert result.practice_id == PRACTICE
    assert [(o.objective_id, o.verdict, o.checks) for o in result.objectives] == [
        ("3.3.8[a]", Verdict.MET, (KMS,)),
        ("3.3.8[b]", Verdict.MET, (VALIDATION,)),
    ]
    assert objective_reasons(result, "3.3.8[a]")[0].startswith("3.3.8[a]: all 1 check(s) PASS")
    assert ACCOUNT in reasons_text(result)


def test_met_needs_every_scope_account_and_gets_it() -> None:
    target = aws_target(ACCOUNT, SECOND_ACCOUNT)
    assert decide(passing(ACCOUNT, SECOND_ACCOUNT), target=target).verdict is Verdict.MET


# --- NOT_VERIFIED, one reason at a time ---------------------------------------------------------------


def test_not_verified_when_a_check_has_no_findings() -> None:
    result = decide([make_finding(KMS)])
    assert result.verdict is Verdict.NOT_VERIFIED
    assert f"{VALIDATION}: no in-scope findings" in reasons_text(result)
    assert "absence of findings is not evidence" in reasons_text(result)
    assert KMS not in reasons_text(result)


def test_not_verified_when_a_check_has_only_manual_results() -> None:
    result = decide([make_finding(KMS), make_finding(VALIDATION, Status.MANUAL)])
    assert result.verdict is Verdict.NOT_VERIFIED
    assert f"{VALIDATION}: 1 MANUAL result(s)" in reasons_text(result)


def test_not_verified_when_a_pass_is_muted() -> None:
    result = decide([make_finding(KMS), make_finding(VALIDATION, muted=True)])
    assert result.verdict is Verdict.NOT_VERIFIED
    assert f"{VALIDATION}: 1 muted PASS" in reasons_text(result)


def test_not_verified_when_a_scope_account_is_missing_from_the_scan() -> None:
    target = aws_target(ACCOUNT, SECOND_ACCOUNT)
    result = decide(passing(ACCOUNT), target=target)
    assert result.verdict is Verdict.NOT_VERIFIED
    assert f"3.3.8[a]: account {SECOND_ACCOUNT} does not appear in the scan results at all" in rendered(
        result
    )


def test_not_verified_when_an_account_is_missing_for_one_check() -> None:
    target = aws_target(ACCOUNT, SECOND_ACCOUNT)
    findings = [*passing(ACCOUNT), make_finding(KMS, account=SECOND_ACCOUNT)]
    result = decide(findings, target=target)
    assert result.verdict is Verdict.NOT_VERIFIED
    assert [o.verdict for o in result.objectives] == [Verdict.MET, Verdict.NOT_VERIFIED]
    assert objective_reasons(result, "3.3.8[b]") == (
        f"3.3.8[b]: {VALIDATION}: no findings for account {SECOND_ACCOUNT}: absence of findings is not evidence",
    )


def test_not_verified_when_a_scope_region_was_not_scanned() -> None:
    target = aws_target(ACCOUNT, regions=(REGION, OTHER_REGION))
    result = decide(passing(ACCOUNT), target=target)
    assert result.verdict is Verdict.NOT_VERIFIED
    assert rendered(result) == tuple(
        f"{objective}: region {OTHER_REGION} of account {ACCOUNT} does not appear in the scan results at all"
        for objective in CHECKED
    )


@pytest.mark.parametrize(
    ("days_old", "verdict"), [(0, Verdict.MET), (7, Verdict.MET), (8, Verdict.NOT_VERIFIED)]
)
def test_scan_age_boundary_is_seven_days(days_old: int, verdict: Verdict) -> None:
    # Late in the day on purpose: age is counted in calendar days, not hours.
    scanned = datetime.combine(AS_OF - timedelta(days=days_old), datetime.min.time(), UTC) + timedelta(
        hours=23, minutes=59
    )
    findings = [make_finding(KMS, time=scanned), make_finding(VALIDATION)]
    result = decide(findings)
    assert result.verdict is verdict
    if verdict is Verdict.NOT_VERIFIED:
        assert f"{KMS}: stale scan" in reasons_text(result)
        assert f"is {days_old} days old" in reasons_text(result)


def test_max_scan_age_setting_moves_the_boundary() -> None:
    old = SCANNED - timedelta(days=20)
    findings = [make_finding(KMS, time=old), make_finding(VALIDATION)]
    assert decide(findings, max_age=7).verdict is Verdict.NOT_VERIFIED
    assert decide(findings, max_age=30).verdict is Verdict.MET


def test_not_verified_when_a_finding_is_dated_after_as_of() -> None:
    future = datetime(2026, 11, 21, 0, 1, tzinfo=UTC)
    result = decide([make_finding(KMS, time=future), make_finding(VALIDATION)])
    assert result.verdict is Verdict.NOT_VERIFIED
    assert f"3.3.8[a]: {KMS}: a finding is dated 2026-11-21, after --as-of 2026-11-20" in rendered(result)


def test_a_finding_late_on_the_as_of_day_is_not_in_the_future() -> None:
    late = datetime(2026, 11, 20, 23, 59, tzinfo=UTC)
    assert decide([make_finding(KMS, time=late), make_finding(VALIDATION)]).verdict is Verdict.MET


def test_not_verified_when_neither_entry_nor_mapping_names_a_check() -> None:
    entry = make_entry(checks=None, practice_id="AT.L2-3.2.3")
    result = decide(passing(), entry)
    assert result.verdict is Verdict.NOT_VERIFIED
    assert rendered(result) == (
        "3.2.3[a] (potential indicators associated with insider threats are identified): no check evidences "
        "it — attest it with `poam attest POAM-001 --objective 3.2.3[a] …`, or leave it out of the entry's "
        "objectives if it was MET at the assessment",
        "3.2.3[b] (security awareness training on recognizing and reporting potential indicators of insider "
        "threat is provided to managers and employees): no check evidences it — attest it with `poam attest "
        "POAM-001 --objective 3.2.3[b] …`, or leave it out of the entry's objectives if it was MET at the "
        "assessment",
    )
    assert [o.basis for o in result.objectives] == [Basis.NONE, Basis.NONE]
    assert result.evidence == ()
    assert result.checks == {}


def test_not_verified_when_the_entry_names_an_empty_check_list() -> None:
    # An explicit empty list is the entry's choice; the mapping's checks do not fill it in.
    result = decide(passing(), make_entry(checks=()))
    assert result.verdict is Verdict.NOT_VERIFIED
    assert {r.code for r in result.reasons} == {ReasonCode.OBJECTIVE_NO_CHECKS}
    assert result.checks == {}


def _poam_document(verification: dict[str, Any]) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "organization": "Ridgeline Avionics, Inc.",
        "system": "Program Delta CUI Enclave",
        "assessment": {"level": 2, "type": "c3pao", "assessment_date": "2026-09-14"},
        "scope": {"provider": "aws", "accounts": [ACCOUNT], "regions": [REGION]},
        "entries": [
            {
                "id": "POAM-001",
                "practice_id": PRACTICE,
                "finding": "CloudTrail logs are not encrypted or integrity-validated.",
                "status": "open",
                "verification": verification,
            }
        ],
    }


def _decide_loaded(document: dict[str, Any], findings: Sequence[Finding]) -> EntryResult:
    poam = poam_from_json(document, "poam.json")
    settings_ = EvaluationSettings(as_of=AS_OF)
    (result,) = evaluate(poam, MAPPING, FindingsIndex(findings), settings_)
    return result


def test_mapping_checks_are_used_when_the_entry_names_none() -> None:
    document = _poam_document({"attestation": False})
    document["entries"][0]["objectives"] = list(CHECKED)
    assert _decide_loaded(document, [*passing(), make_finding(S3_ENCRYPTION)]).verdict is Verdict.MET
    result = _decide_loaded(document, [make_finding(KMS), make_finding(S3_ENCRYPTION)])
    assert result.verdict is Verdict.NOT_VERIFIED
    assert set(result.checks) == {KMS, VALIDATION, S3_ENCRYPTION}
    assert f"3.3.8[b]: {VALIDATION}: no in-scope findings" in reasons_text(result)


def test_entry_checks_replace_the_mapping_checks() -> None:
    document = _poam_document({"checks": [KMS]})
    document["entries"][0]["objectives"] = ["3.3.8[a]"]
    result = _decide_loaded(document, [make_finding(KMS), make_finding(VALIDATION, Status.FAIL)])
    assert result.verdict is Verdict.MET
    assert set(result.checks) == {KMS}


# --- NOT_MET -------------------------------------------------------------------------------------------


def test_not_met_when_a_check_fails() -> None:
    result = decide([make_finding(KMS, Status.FAIL), make_finding(VALIDATION)])
    assert result.verdict is Verdict.NOT_MET
    assert [o.verdict for o in result.objectives] == [Verdict.NOT_MET, Verdict.MET]
    assert objective_reasons(result, "3.3.8[a]") == (
        f"3.3.8[a]: {KMS}: FAIL on 1 resource(s): arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/org-trail "
        f"[{ACCOUNT}/{REGION}]",
    )


def test_not_met_when_the_fail_is_muted() -> None:
    result = decide([make_finding(KMS, Status.FAIL, muted=True), make_finding(VALIDATION)])
    assert result.verdict is Verdict.NOT_MET
    assert "1 muted: a muted FAIL is still a FAIL" in reasons_text(result)


def test_not_met_wins_over_not_verified_and_keeps_both_reasons() -> None:
    result = decide([make_finding(KMS, Status.FAIL)])
    assert result.verdict is Verdict.NOT_MET
    assert rendered(result)[0].startswith(f"3.3.8[a]: {KMS}: FAIL")
    assert f"3.3.8[b]: {VALIDATION}: no in-scope findings" in rendered(result)[1]


# --- latest result per finding wins ---------------------------------------------------------------------


def test_newer_pass_supersedes_older_fail() -> None:
    old_fail = make_finding(KMS, Status.FAIL, time=SCANNED - timedelta(days=2))
    result = decide([old_fail, *passing()])
    assert result.verdict is Verdict.MET
    assert old_fail not in result.evidence


def test_newer_fail_supersedes_older_pass() -> None:
    newer_fail = make_finding(KMS, Status.FAIL, time=SCANNED + timedelta(hours=1))
    assert decide([*passing(), newer_fail]).verdict is Verdict.NOT_MET
    assert decide([newer_fail, *passing()]).verdict is Verdict.NOT_MET


@pytest.mark.parametrize("fail_first", [True, False])
def test_pass_and_fail_at_the_same_time_is_not_met(fail_first: bool) -> None:
    fail = make_finding(KMS, Status.FAIL)
    findings = [fail, *passing()] if fail_first else [*passing(), fail]
    result = decide(findings)
    assert result.verdict is Verdict.NOT_MET
    assert fail in result.evidence
    assert result.checks[KMS] == CheckTally(failed=1, resources=(fail.resource_uid,))


@pytest.mark.parametrize(
    "rival",
    [make_finding(KMS, muted=True), make_finding(KMS, Status.MANUAL)],
    ids=["muted-pass", "manual"],
)
def test_a_tie_with_a_weaker_result_is_not_verified(rival: Finding) -> None:
    assert decide([*passing(), rival]).verdict is Verdict.NOT_VERIFIED
    assert decide([rival, *passing()]).verdict is Verdict.NOT_VERIFIED


def test_a_shared_uid_does_not_let_one_resource_hide_another() -> None:
    # A reader that leaves uids empty (or two colliding uids) must not merge different resources.
    old_fail = make_finding(KMS, Status.FAIL, resource="arn:aws:cloudtrail:us-east-1:1:trail/a", uid="")
    new_pass = make_finding(KMS, resource="arn:aws:cloudtrail:us-east-1:1:trail/b", uid="")
    new_pass = replace(new_pass, time=SCANNED + timedelta(hours=1))
    assert len(latest_per_uid([old_fail, new_pass])) == 2
    assert decide([old_fail, new_pass, make_finding(VALIDATION)]).verdict is Verdict.NOT_MET


# --- scope narrowing ---------------------------------------------------------------------------------


def test_fail_in_an_out_of_scope_region_does_not_count() -> None:
    findings = [*passing(), make_finding(KMS, Status.FAIL, region=OTHER_REGION)]
    result = decide(findings)
    assert result.verdict is Verdict.MET
    assert all(f.region == REGION for f in result.evidence)


def test_fail_in_an_in_scope_region_counts() -> None:
    target = aws_target(ACCOUNT, regions=(REGION, OTHER_REGION))
    findings = [*passing(), make_finding(KMS, Status.FAIL, region=OTHER_REGION)]
    assert decide(findings, target=target).verdict is Verdict.NOT_MET


def test_fail_in_an_out_of_scope_account_does_not_count() -> None:
    findings = [*passing(), make_finding(KMS, Status.FAIL, account=OUTSIDE_ACCOUNT)]
    assert decide(findings).verdict is Verdict.MET


def test_resource_glob_keeps_only_matching_resources() -> None:
    glob = Scope(accounts=(), resources=("arn:aws:s3:::cui-*",))
    entry = make_entry((S3_ENCRYPTION,), scope=glob, objectives=("3.3.8[a]",))
    cui = make_finding(S3_ENCRYPTION, resource="arn:aws:s3:::cui-data")
    public_fail = make_finding(S3_ENCRYPTION, Status.FAIL, resource="arn:aws:s3:::public-website")
    result = decide([cui, public_fail], entry)
    assert result.verdict is Verdict.MET
    assert result.evidence == (cui,)

    cui_fail = make_finding(S3_ENCRYPTION, Status.FAIL, resource="arn:aws:s3:::cui-archive")
    result = decide([cui, public_fail, cui_fail], entry)
    assert result.verdict is Verdict.NOT_MET
    assert "arn:aws:s3:::cui-archive" in reasons_text(result)
    assert "public-website" not in reasons_text(result)


def test_resource_glob_that_matches_nothing_is_not_verified() -> None:
    glob = Scope(accounts=(), resources=("arn:aws:s3:::cui-*",))
    entry = make_entry((S3_ENCRYPTION,), scope=glob, objectives=("3.3.8[a]",))
    result = decide([make_finding(S3_ENCRYPTION, resource="arn:aws:s3:::public-website")], entry)
    assert result.verdict is Verdict.NOT_VERIFIED
    assert "resources arn:aws:s3:::cui-*" in reasons_text(result)


def test_entry_scope_overrides_the_poam_scope_where_it_narrows() -> None:
    poam_target = aws_target(ACCOUNT, SECOND_ACCOUNT, regions=(REGION, OTHER_REGION))
    entry = make_entry(scope=Scope(accounts=(ACCOUNT,), regions=(REGION,)))
    # The second account is not scanned and a FAIL sits in the other region: neither is the entry's business.
    findings = [*passing(ACCOUNT), make_finding(KMS, Status.FAIL, region=OTHER_REGION)]
    assert decide(findings, entry, target=poam_target).verdict is Verdict.MET
    assert decide(findings, make_entry(), target=poam_target).verdict is Verdict.NOT_MET


def test_entry_scope_without_accounts_keeps_the_poam_accounts_and_regions() -> None:
    entry = make_entry(scope=Scope(accounts=(), resources=("arn:aws:cloudtrail:*",)))
    assert decide(passing(), entry).verdict is Verdict.MET
    # The POA&M's region still bounds the entry: a FAIL outside it is not the entry's business.
    assert decide([*passing(), make_finding(KMS, Status.FAIL, region=OTHER_REGION)], entry).verdict is (
        Verdict.MET
    )
    # ... and its account must still be proven.
    result = decide([], entry)
    assert result.verdict is Verdict.NOT_VERIFIED
    assert f"3.3.8[a]: account {ACCOUNT} does not appear in the scan results at all" in rendered(result)


# --- reasons, evidence, tallies -------------------------------------------------------------------------


def test_reasons_name_the_check_the_account_and_the_resource() -> None:
    target = aws_target(ACCOUNT, SECOND_ACCOUNT)
    bucket = "arn:aws:cloudtrail:us-east-1:123456789012:trail/legacy"
    result = decide([make_finding(KMS, Status.FAIL, resource=bucket)], target=target)
    text = reasons_text(result)
    assert f"{KMS}: FAIL on 1 resource(s): {bucket} [{ACCOUNT}/{REGION}]" in text
    assert f"account {SECOND_ACCOUNT} does not appear" in text
    assert f"{VALIDATION}: no in-scope findings (accounts {ACCOUNT}, {SECOND_ACCOUNT})" in text


def test_failure_reason_lists_five_resources_and_counts_the_rest() -> None:
    fails = [
        make_finding(KMS, Status.FAIL, resource=f"arn:aws:cloudtrail:us-east-1:1:trail/t{i}")
        for i in range(7)
    ]
    result = decide([*fails, make_finding(VALIDATION)])
    assert rendered(result)[0].startswith(f"3.3.8[a]: {KMS}: FAIL on 7 resource(s): ")
    assert rendered(result)[0].endswith(" and 2 more")


def test_evidence_holds_exactly_the_deciding_findings() -> None:
    superseded = make_finding(KMS, Status.FAIL, time=SCANNED - timedelta(days=1))
    out_of_region = make_finding(KMS, region=OTHER_REGION)
    out_of_account = make_finding(KMS, account=OUTSIDE_ACCOUNT)
    other_check = make_finding("iam_root_mfa_enabled")
    deciding = passing()
    result = decide([superseded, out_of_region, out_of_account, other_check, *deciding])
    assert result.verdict is Verdict.MET
    assert sorted(result.evidence, key=lambda f: f.check_id) == sorted(deciding, key=lambda f: f.check_id)


def test_tallies_count_the_latest_in_scope_findings_per_check() -> None:
    def bucket(name: str) -> str:
        return f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/{name}"

    findings = [
        make_finding(KMS, resource=bucket("a")),
        make_finding(KMS, resource=bucket("b")),
        make_finding(KMS, muted=True, resource=bucket("c")),
        make_finding(KMS, Status.FAIL, resource=bucket("d")),
        make_finding(KMS, Status.FAIL, muted=True, resource=bucket("e")),
        make_finding(KMS, Status.MANUAL, resource=bucket("f")),
        make_finding(KMS, Status.FAIL, resource=bucket("a"), time=SCANNED - timedelta(days=1)),  # superseded
        make_finding(VALIDATION, resource=bucket("a")),
    ]
    result = decide(findings)
    assert result.checks == {
        KMS: CheckTally(
            passed=2,
            failed=2,
            muted=2,
            manual=1,
            resources=tuple(bucket(n) for n in "abcdef"),
        ),
        VALIDATION: CheckTally(passed=1, resources=(bucket("a"),)),
    }
    assert len(result.evidence) == 7


def test_a_check_with_no_findings_has_an_empty_tally() -> None:
    assert decide([make_finding(KMS)]).checks[VALIDATION] == CheckTally()


def test_evaluate_decides_every_entry_in_file_order() -> None:
    entries = (
        make_entry(entry_id="POAM-002", checks=(VALIDATION,), objectives=("3.3.8[b]",)),
        make_entry(entry_id="POAM-001", checks=(KMS,), objectives=("3.3.8[a]",)),
        make_entry(entry_id="POAM-003", checks=None, practice_id="AT.L2-3.2.3"),
    )
    poam = Poam(
        organization="Ridgeline Avionics, Inc.",
        system="Program Delta",
        assessment=poam_from_json(_poam_document({}), "poam.json").assessment,
        targets=(POAM_TARGET,),
        entries=entries,
    )
    findings = [make_finding(KMS, Status.FAIL), make_finding(VALIDATION)]
    results = evaluate(poam, MAPPING, FindingsIndex(findings), EvaluationSettings(as_of=AS_OF))
    assert [(r.entry_id, r.verdict) for r in results] == [
        ("POAM-002", Verdict.MET),
        ("POAM-001", Verdict.NOT_MET),
        ("POAM-003", Verdict.NOT_VERIFIED),
    ]


# --- properties: nothing a scan adds, removes or mutes can manufacture a MET ---------------------------

ENTRY_CHECKS = (KMS, VALIDATION)
PROPERTY_TARGET = aws_target(ACCOUNT, SECOND_ACCOUNT, regions=(REGION,))
PROPERTY_ENTRY = make_entry(ENTRY_CHECKS)
RESOURCES = tuple(f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/t{i}" for i in range(3))

scan_times = st.builds(
    lambda days, hours: datetime.combine(AS_OF, datetime.min.time(), UTC) - timedelta(days=days, hours=hours),
    st.integers(min_value=-1, max_value=9),
    st.sampled_from((0, 6, 12)),
)
any_finding = st.builds(
    make_finding,
    check=st.sampled_from((*ENTRY_CHECKS, "iam_root_mfa_enabled")),
    status=st.sampled_from(Status),
    muted=st.booleans(),
    account=st.sampled_from((ACCOUNT, SECOND_ACCOUNT, OUTSIDE_ACCOUNT)),
    region=st.sampled_from((REGION, OTHER_REGION)),
    resource=st.sampled_from(RESOURCES),
    time=scan_times,
)
# A fresh PASS per check per account, so that MET is reachable and the properties are not vacuous.
baseline = [make_finding(c, account=a) for a in PROPERTY_TARGET.accounts for c in ENTRY_CHECKS]
scans = st.builds(
    lambda with_baseline, extra: (baseline if with_baseline else []) + extra,
    st.booleans(),
    st.lists(any_finding, max_size=12),
)
property_settings = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)


def decide_property(findings: Sequence[Finding]) -> EntryResult:
    return decide(findings, PROPERTY_ENTRY, target=PROPERTY_TARGET)


@property_settings
@given(
    scans,
    st.sampled_from(ENTRY_CHECKS),
    st.sampled_from(PROPERTY_TARGET.accounts),
    st.booleans(),
    scan_times,
)
def test_property_an_in_scope_fail_is_always_not_met(
    findings: list[Finding], check: str, account: str, muted: bool, time: datetime
) -> None:
    fail = make_finding(check, Status.FAIL, muted=muted, account=account, resource="arn:new", time=time)
    assert decide_property([*findings, fail]).verdict is Verdict.NOT_MET


@property_settings
@given(scans, st.sampled_from(ENTRY_CHECKS))
def test_property_removing_a_check_never_yields_met(findings: list[Finding], check: str) -> None:
    remaining = [f for f in findings if f.check_id != check]
    assert decide_property(remaining).verdict is not Verdict.MET


@property_settings
@given(scans, st.data())
def test_property_muting_never_turns_a_verdict_into_met(findings: list[Finding], data: st.DataObject) -> None:
    before = decide_property(findings).verdict
    if not findings:
        return
    index = data.draw(st.integers(min_value=0, max_value=len(findings) - 1))
    muted = [*findings]
    muted[index] = replace(findings[index], muted=True)
    after = decide_property(muted).verdict
    if before is not Verdict.MET:
        assert after is not Verdict.MET
    if after is Verdict.MET:
        assert findings[index] not in decide_property(findings).evidence


@property_settings
@given(scans)
def test_property_met_only_with_fresh_unmuted_passes_everywhere(findings: list[Finding]) -> None:
    result = decide_property(findings)
    if result.verdict is not Verdict.MET:
        return
    # An independent oracle: group by resource, keep the newest time, every record there must be a clean PASS.
    in_scope = [
        f
        for f in findings
        if f.check_id in ENTRY_CHECKS and f.account in PROPERTY_TARGET.accounts and f.region == REGION
    ]
    newest: dict[tuple[str, str, str], datetime] = {}
    for f in in_scope:
        key = (f.check_id, f.account, f.resource_uid)
        newest[key] = max(newest.get(key, f.time), f.time)
    deciding = [f for f in in_scope if f.time == newest[(f.check_id, f.account, f.resource_uid)]]
    assert all(f.status is Status.PASS and not f.muted for f in deciding)
    assert all(0 <= (AS_OF - f.time.date()).days <= 7 for f in deciding)
    covered = {(f.check_id, f.account) for f in deciding}
    assert covered == {(c, a) for c in ENTRY_CHECKS for a in PROPERTY_TARGET.accounts}


@property_settings
@given(scans, st.randoms(use_true_random=False))
def test_property_verdict_does_not_depend_on_finding_order(findings: list[Finding], rng: Any) -> None:
    shuffled = [*findings]
    rng.shuffle(shuffled)
    first, second = decide_property(findings), decide_property(shuffled)
    assert first.verdict is second.verdict
    assert set(first.evidence) == set(second.evidence)
    assert first.checks == second.checks


def test_passing_scan_cannot_prove_fips_validated_encryption() -> None:
    entry = make_entry(practice_id="SC.L2-3.13.11")
    result = decide(passing(ACCOUNT), entry)
    assert result.verdict is Verdict.NOT_VERIFIED
    assert any("FIPS validation" in reason for reason in rendered(result))


def test_an_entry_that_requires_an_attestation_is_never_met_on_checks_alone() -> None:
    entry = replace(
        make_entry(), verification=Verification(checks=(KMS, VALIDATION), scope=None, attestation=True)
    )
    result = decide(passing(ACCOUNT), entry)
    assert result.verdict is Verdict.NOT_VERIFIED
    assert any("requires an attestation" in reason for reason in rendered(result))


def test_attestation_only_entry_says_no_attestation_is_recorded() -> None:
    entry = replace(make_entry(), verification=Verification(checks=None, scope=None, attestation=True))
    result = decide(passing(ACCOUNT), entry, mapping=CheckMapping(practices={}))
    assert result.verdict is Verdict.NOT_VERIFIED
    assert [r.code for r in result.reasons] == [ReasonCode.OBJECTIVE_NO_CHECKS] * 2
    assert rendered(result)[0] == (
        "3.3.8[a] (audit information is protected from unauthorized access): no check evidences it — "
        "attest it with `poam attest POAM-001 --objective 3.3.8[a] …`, or leave it out of the entry's "
        "objectives if it was MET at the assessment"
    )


# --- attestations (judged by the pipeline; evaluation sees only the status) ----------------------

VALID = AttestationStatus(
    True, "attested by Dana Reyes (ISSO) on 2026-11-18; artifact(s) unchanged: plan.pdf"
)
EXPIRED = AttestationStatus(False, "the attestation of 2025-11-01 by Dana Reyes expired on 2026-11-01")


def decide_attested(
    findings: Sequence[Finding], entry: Entry, status: AttestationStatus | None, **kwargs: Any
) -> EntryResult:
    return evaluate_entry(
        entry,
        (POAM_TARGET,),
        kwargs.get("mapping", MAPPING),
        FindingsIndex(findings),
        EvaluationSettings(as_of=AS_OF),
        attestations={entry.id: (status,)} if status is not None else None,
    )


def attestation_entry(checks: Sequence[str] | None) -> Entry:
    verification = Verification(
        checks=tuple(checks) if checks is not None else None, scope=None, attestation=True
    )
    return replace(make_entry(), verification=verification)


def test_a_valid_attestation_meets_an_attestation_only_entry() -> None:
    result = decide_attested([], attestation_entry(None), VALID, mapping=CheckMapping(practices={}))
    assert result.verdict is Verdict.MET
    assert "Dana Reyes" in reasons_text(result)


def test_an_invalid_attestation_is_not_verified_with_its_reason() -> None:
    result = decide_attested([], attestation_entry(None), EXPIRED, mapping=CheckMapping(practices={}))
    assert result.verdict is Verdict.NOT_VERIFIED
    assert "expired on 2026-11-01" in reasons_text(result)


def test_a_practice_without_checks_needs_an_attestation_even_unflagged() -> None:
    result = decide_attested([], make_entry(checks=None), VALID, mapping=CheckMapping(practices={}))
    assert result.verdict is Verdict.MET


def test_an_attestation_never_overrides_a_fail() -> None:
    findings = [make_finding(KMS, Status.FAIL), make_finding(VALIDATION)]
    result = decide_attested(findings, attestation_entry((KMS, VALIDATION)), VALID)
    assert result.verdict is Verdict.NOT_MET


def test_checks_and_attestation_are_both_needed() -> None:
    entry = attestation_entry((KMS, VALIDATION))
    assert decide_attested(passing(ACCOUNT), entry, VALID).verdict is Verdict.MET
    assert decide_attested(passing(ACCOUNT), entry, None).verdict is Verdict.NOT_VERIFIED
    assert decide_attested(passing(ACCOUNT), entry, EXPIRED).verdict is Verdict.NOT_VERIFIED
    assert decide_attested([make_finding(KMS)], entry, VALID).verdict is Verdict.NOT_VERIFIED


def test_scan_cannot_prove_needs_passing_checks_and_a_valid_attestation() -> None:
    entry = make_entry(practice_id="SC.L2-3.13.11")
    assert decide_attested(passing(ACCOUNT), entry, VALID).verdict is Verdict.MET
    assert decide_attested(passing(ACCOUNT), entry, None).verdict is Verdict.NOT_VERIFIED
    assert decide_attested([make_finding(KMS)], entry, VALID).verdict is Verdict.NOT_VERIFIED


def test_an_attestation_is_ignored_for_an_entry_that_does_not_need_one() -> None:
    result = decide_attested(passing(ACCOUNT), make_entry(), EXPIRED)
    assert result.verdict is Verdict.MET
    assert "expired" not in reasons_text(result)
