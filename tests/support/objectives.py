"""Per-objective results for output tests: a real run's entry results, judged per 800-171A objective.

Output tests render what evaluation records; these builders attach ``ObjectiveResult``s to the results of a
real run (the built-in example) the way the per-objective rules read them: an objective with checks takes
its checks' tallies (a FAIL is NOT_MET, else the entry's MET or its gaps), an attested objective is MET on
the attestation, any other objective is NOT_VERIFIED for want of evidence. Each entry gets every objective
of its practice, whatever its own list: made-up results for rendering, never for a bundle to verify (a bundle
verify refuses objectives other than the entry's; a test of the bundle uses the run as evaluated).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from verifier.catalog import assessment_procedures
from verifier.model import Basis, EntryResult, ObjectiveResult, Reason, ReasonCode, Verdict
from verifier.outputs.run import VerificationRun

ATTESTATION = "Jane Doe (ISSO) on 2026-11-20: training records examined"

# The example's entries: which of their practice's objectives each check evidences, and which are attested.
EXAMPLE_CHECKS: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "POAM-001": {
        "3.3.8[a]": ("cloudtrail_kms_encryption_enabled",),
        "3.3.8[b]": ("cloudtrail_log_file_validation_enabled",),
    },
    "POAM-002": {
        "3.5.7[c]": (
            "iam_password_policy_minimum_length_14",
            "iam_password_policy_symbol",
            "iam_password_policy_number",
            "iam_password_policy_uppercase",
            "iam_password_policy_lowercase",
        ),
    },
}
EXAMPLE_ATTESTED: Mapping[str, tuple[str, ...]] = {"POAM-008": ("3.2.3[b]",)}


def objective_ids(practice_id: str) -> tuple[str, ...]:
    """The practice's objective ids in catalog order."""
    return tuple(o.objective_id for o in assessment_procedures()[practice_id].objectives)


def judged(
    result: EntryResult, checks: Mapping[str, tuple[str, ...]], attested: Sequence[str] = ()
) -> EntryResult:
    """``result`` with one ``ObjectiveResult`` per objective of its practice, in catalog order."""
    results = tuple(
        _by_checks(result, oid, checks[oid])
        if checks.get(oid)
        else _attested(oid)
        if oid in attested
        else _unevidenced(result, oid)
        for oid in objective_ids(result.practice_id)
    )
    return replace(result, objectives=results)


def with_objectives(
    run: VerificationRun,
    checks: Mapping[str, Mapping[str, tuple[str, ...]]] = EXAMPLE_CHECKS,
    attested: Mapping[str, tuple[str, ...]] = EXAMPLE_ATTESTED,
) -> VerificationRun:
    """``run`` with every entry judged on all of its practice's objectives (``checks`` and ``attested`` by
    entry id)."""
    results = tuple(judged(r, checks.get(r.entry_id, {}), attested.get(r.entry_id, ())) for r in run.results)
    return replace(run, results=results)


def without_objectives(run: VerificationRun) -> VerificationRun:
    """``run`` as if no entry had been judged per objective."""
    return replace(run, results=tuple(replace(r, objectives=()) for r in run.results))


def _by_checks(result: EntryResult, objective_id: str, checks: tuple[str, ...]) -> ObjectiveResult:
    failures = tuple(
        r for r in result.reasons if r.code is ReasonCode.FAIL_FOUND and r.params.get("check") in checks
    )
    if failures:
        return ObjectiveResult(objective_id, Verdict.NOT_MET, Basis.CHECKS, failures, checks)
    verdict = Verdict.MET if result.verdict is Verdict.MET else Verdict.NOT_VERIFIED
    return ObjectiveResult(objective_id, verdict, Basis.CHECKS, result.reasons, checks)


def _attested(objective_id: str) -> ObjectiveResult:
    reason = Reason(ReasonCode.ATTESTED, {"attestation": ATTESTATION})
    return ObjectiveResult(
        objective_id, Verdict.MET, Basis.ATTESTATION, (reason,), attestations=(ATTESTATION,)
    )


def _unevidenced(result: EntryResult, objective_id: str) -> ObjectiveResult:
    reason = Reason(ReasonCode.NO_CHECKS, {"practice_id": result.practice_id, "entry_names_checks": False})
    return ObjectiveResult(objective_id, Verdict.NOT_VERIFIED, Basis.NONE, (reason,))
