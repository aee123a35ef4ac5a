"""POAM019: a check mapped only to other practices may not prove this one (warning)."""

from __future__ import annotations

from tests.rules.builders import AUDIT_CHECKS, context, entry, poam, run
from verifier.model import Verification
from verifier.rules.credibility import CheckForAnotherPractice
from verifier.rules.ruleset import Severity

RULE = CheckForAnotherPractice()


def test_a_check_of_another_practice_is_warned() -> None:
    checks = (*AUDIT_CHECKS, "kms_cmk_rotation_enabled")
    (problem,) = run(RULE, context(poam(entry(verification=Verification(checks, None)))))
    assert problem.severity is Severity.WARNING
    assert "mapped to SC.L2-3.13.10, not to AU.L2-3.3.8" in problem.message


def test_a_check_shared_with_the_practice_passes() -> None:
    shared = Verification(("s3_bucket_default_encryption",), None)  # mapped to AU.L2-3.3.8 and SC.L2-3.13.16
    assert run(RULE, context(poam(entry(verification=shared)))) == []


def test_unknown_checks_are_left_to_poam018() -> None:
    unknown = Verification(("not_a_check",), None)
    assert run(RULE, context(poam(entry(verification=unknown)))) == []
    assert run(RULE, context(mapping=None)) == []
