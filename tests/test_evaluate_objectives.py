"""Verdicts per NIST SP 800-171A objective: an entry is MET only when every objective it is judged on is.

The example POA&M's POAM-001 (AU.L2-3.3.8) with the shipped mapping: its two CloudTrail checks evidence
3.3.8[a] and [b]; nothing a scan shows evidences [c]-[f] (audit information protected from deletion, the
logging tools protected at all), so only an attestation, or leaving them out of the entry, can settle them.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from verifier.errors import InputError
from verifier.evaluate import EvaluationSettings, FindingsIndex, evaluate_entry
from verifier.inputs.mapping import load_mapping
from verifier.inputs.poam import parse_poam
from verifier.model import (
    AttestationStatus,
    Basis,
    Entry,
    EntryResult,
    Finding,
    Poam,
    ReasonCode,
    Status,
    Verdict,
)
from verifier.outputs.reasons import render

REPO = Path(__file__).resolve().parents[1]
MAPPING = load_mapping(REPO / "mappings" / "cmmc-l2-aws.json")
AS_OF = date(2026, 11, 20)
SCANNED = datetime(2026, 11, 19, 14, 0, tzinfo=UTC)
ACCOUNT = "123456789012"
KMS = "cloudtrail_kms_encryption_enabled"
VALIDATION = "cloudtrail_log_file_validation_enabled"
UNCHECKED = ("3.3.8[c]", "3.3.8[d]", "3.3.8[e]", "3.3.8[f]")


def example(**changes: Any) -> tuple[Poam, Entry]:
    """The built-in example POA&M and its POAM-001, with ``changes`` to that entry's JSON."""
    document = json.loads((REPO / "poam.json").read_text())
    raw = document["entries"][0]
    raw.update(changes)
    for key in [k for k, v in changes.items() if v is None]:
        del raw[key]
    poam = parse_poam(json.dumps(document).encode(), "poam.json").poam
    return poam, poam.entries[0]


def finding(check: str, status: Status = Status.PASS) -> Finding:
    resource = f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/org-trail"
    return Finding(
        check_id=check,
        status=status,
        muted=False,
        account=ACCOUNT,
        region="us-east-1",
        resource_uid=resource,
        finding_uid=f"prowler-aws-{check}-{ACCOUNT}-us-east-1-{resource}",
        time=SCANNED,
        prowler_version="5.46.0",
        source_file="scan.ocsf.json",
        status_extended="",
        severity="",
        provider="aws",
    )


PASSING = (finding(KMS), finding(VALIDATION))


def decide(
    poam: Poam,
    entry: Entry,
    findings: tuple[Finding, ...] = PASSING,
    attestations: tuple[AttestationStatus, ...] = (),
) -> EntryResult:
    return evaluate_entry(
        entry,
        poam.targets,
        MAPPING,
        FindingsIndex(findings),
        EvaluationSettings(as_of=AS_OF),
        attestations={entry.id: attestations} if attestations else None,
    )


def verdicts(result: EntryResult) -> dict[str, Verdict]:
    return {o.objective_id: o.verdict for o in result.objectives}


def attested(*objectives: str, valid: bool = True, day: int = 18) -> AttestationStatus:
    return AttestationStatus(
        valid,
        f"attested by Dana Reyes (ISSO) on 2026-11-{day}; artifact(s) unchanged: trail-policy.pdf"
        if valid
        else "the attestation of 2025-11-01 by Dana Reyes expired on 2026-11-01",
        objectives=objectives or None,
        attested_at=datetime(2026, 11, day, tzinfo=UTC),
    )


def test_without_objectives_the_example_entry_is_not_verified_naming_the_four_unchecked_ones() -> None:
    poam, entry = example(objectives=None)
    result = decide(poam, entry)
    assert result.verdict is Verdict.NOT_VERIFIED
    assert verdicts(result) == {
        "3.3.8[a]": Verdict.MET,
        "3.3.8[b]": Verdict.MET,
        **dict.fromkeys(UNCHECKED, Verdict.NOT_VERIFIED),
    }
    gaps = [r for r in result.reasons if r.code is ReasonCode.OBJECTIVE_NO_CHECKS]
    assert [r.params["objective"] for r in gaps] == list(UNCHECKED)
    assert render(gaps[0]) == (
        "3.3.8[c] (audit information is protected from unauthorized deletion): no check evidences it — "
        "attest it with `poam attest POAM-001 --objective 3.3.8[c] …`, or leave it out of the entry's "
        "objectives if it was MET at the assessment"
    )


def test_with_the_two_checked_objectives_the_example_entry_is_met() -> None:
    poam, entry = example()
    assert entry.objectives == ("3.3.8[a]", "3.3.8[b]")
    result = decide(poam, entry)
    assert result.verdict is Verdict.MET
    assert [(o.objective_id, o.basis, o.checks) for o in result.objectives] == [
        ("3.3.8[a]", Basis.CHECKS, (KMS,)),
        ("3.3.8[b]", Basis.CHECKS, (VALIDATION,)),
    ]
    assert list(result.checks) == [VALIDATION, KMS]  # the entry's own order


def test_a_fail_makes_its_objective_and_the_entry_not_met() -> None:
    poam, entry = example()
    result = decide(poam, entry, (finding(KMS), finding(VALIDATION, Status.FAIL)))
    assert result.verdict is Verdict.NOT_MET
    assert verdicts(result) == {"3.3.8[a]": Verdict.MET, "3.3.8[b]": Verdict.NOT_MET}


def test_an_attestation_covering_the_unchecked_objectives_makes_them_met() -> None:
    poam, entry = example(objectives=None)
    result = decide(poam, entry, attestations=(attested(*UNCHECKED),))
    assert result.verdict is Verdict.MET
    assert {
        o.objective_id: o.basis for o in result.objectives if o.objective_id in UNCHECKED
    } == dict.fromkeys(UNCHECKED, Basis.ATTESTATION)
    assert all(o.attestations for o in result.objectives if o.objective_id in UNCHECKED)


def test_an_attestation_never_overrides_a_fail_even_when_it_names_the_objective() -> None:
    poam, entry = example(objectives=None)
    everything = attested("3.3.8[a]", "3.3.8[b]", *UNCHECKED)
    result = decide(poam, entry, (finding(KMS), finding(VALIDATION, Status.FAIL)), (everything,))
    assert result.verdict is Verdict.NOT_MET
    assert verdicts(result)["3.3.8[b]"] is Verdict.NOT_MET
    assert verdicts(result)["3.3.8[a]"] is Verdict.MET


def test_nor_a_missing_finding() -> None:
    poam, entry = example(objectives=None)
    result = decide(poam, entry, (finding(KMS),), (attested("3.3.8[a]", "3.3.8[b]", *UNCHECKED),))
    assert verdicts(result)["3.3.8[b]"] is Verdict.NOT_VERIFIED
    assert result.verdict is Verdict.NOT_VERIFIED


def test_several_attestations_of_one_entry_each_count_for_the_objectives_they_cover() -> None:
    poam, entry = example(objectives=None)
    first, second = attested("3.3.8[c]", "3.3.8[d]", day=10), attested("3.3.8[e]", "3.3.8[f]", day=12)
    assert decide(poam, entry, attestations=(first, second)).verdict is Verdict.MET
    only_first = decide(poam, entry, attestations=(first,))
    assert [o for o, v in verdicts(only_first).items() if v is not Verdict.MET] == ["3.3.8[e]", "3.3.8[f]"]


def test_for_one_objective_the_newest_attestation_decides() -> None:
    poam, entry = example(objectives=None)
    older = attested(*UNCHECKED, day=10)
    newer_expired = replace(attested(*UNCHECKED, valid=False), attested_at=datetime(2026, 11, 15, tzinfo=UTC))
    result = decide(poam, entry, attestations=(newer_expired, older))
    assert result.verdict is Verdict.NOT_VERIFIED
    assert {r.code for r in result.reasons if r.params["objective"] in UNCHECKED} == {
        ReasonCode.ATTESTATION_NOT_VALID
    }


def test_an_older_record_without_objectives_covers_the_objectives_no_check_evidences() -> None:
    poam, entry = example(objectives=None)
    result = decide(poam, entry, attestations=(attested(),))
    assert result.verdict is Verdict.MET
    assert [o.basis for o in result.objectives] == [Basis.CHECKS] * 2 + [Basis.ATTESTATION] * 4


def test_an_entry_verified_by_attestation_needs_one_for_every_objective_checks_or_not() -> None:
    poam, entry = example(verification={"checks": [KMS, VALIDATION], "attestation": True})
    assert decide(poam, entry).verdict is Verdict.NOT_VERIFIED
    assert decide(poam, entry, attestations=(attested("3.3.8[a]"),)).verdict is Verdict.NOT_VERIFIED
    assert decide(poam, entry, attestations=(attested("3.3.8[a]", "3.3.8[b]"),)).verdict is Verdict.MET
    # An older record naming no objectives covers all of them for such an entry.
    assert decide(poam, entry, attestations=(attested(),)).verdict is Verdict.MET


@pytest.mark.parametrize(
    ("objectives", "message"),
    [
        (["3.3.8[z]"], "unknown 800-171A objective id '3.3.8[z]'"),
        (["3.3.9[a]"], "objective 3.3.9[a] belongs to AU.L2-3.3.9, not AU.L2-3.3.8"),
    ],
)
def test_an_objective_id_of_another_practice_or_unknown_is_invalid_input(
    objectives: list[str], message: str
) -> None:
    with pytest.raises(InputError, match=message.replace("[", r"\[").replace("]", r"\]")):
        example(objectives=objectives)


def test_the_object_form_assigns_a_check_the_mapping_does_not() -> None:
    verification = {"checks": {"3.3.8[c]": ["s3_bucket_object_versioning"]}}
    poam, entry = example(objectives=["3.3.8[c]"], verification=verification)
    versioning = replace(finding("s3_bucket_object_versioning"), resource_uid="arn:aws:s3:::audit-logs")
    result = decide(poam, entry, (versioning,))
    assert result.verdict is Verdict.MET
    assert result.objectives[0].checks == ("s3_bucket_object_versioning",)
