"""POAM018: every check id the entry names exists in the mapping, the Prowler release's list and the installed Prowler."""

from __future__ import annotations

from tests.rules.builders import AUDIT_CHECKS, context, entry, poam, run
from verifier.inputs.known_checks import KnownChecks
from verifier.model import Verification
from verifier.rules.credibility import UnknownCheck
from verifier.rules.ruleset import Severity

RULE = UnknownCheck()
TYPO = "cloudtrail_log_validation_enabled"


def test_a_check_unknown_to_the_mapping_is_an_error() -> None:
    (problem,) = run(RULE, context(poam(entry(verification=Verification((TYPO,), None)))))
    assert problem.severity is Severity.ERROR
    assert "mappings/test.json" in problem.message


def test_a_check_unknown_to_the_installed_prowler_is_an_error() -> None:
    known = frozenset(AUDIT_CHECKS[:1])
    (problem,) = run(RULE, context(known_checks={"aws": known}))
    assert AUDIT_CHECKS[1] in problem.message and "installed Prowler" in problem.message


def test_known_checks_pass_and_nothing_is_judged_without_a_reference() -> None:
    assert run(RULE, context(known_checks={"aws": frozenset(AUDIT_CHECKS)})) == []
    assert run(RULE, context(poam(entry(verification=Verification((TYPO,), None))), mapping=None)) == []


def test_a_misspelling_names_the_release_and_the_id_it_was_meant_to_be() -> None:
    release = KnownChecks("5.46.0", {"aws": frozenset({*AUDIT_CHECKS, "s3_bucket_default_encryption"})})
    misspelled = poam(entry(verification=Verification(("s3_bucket_default_encrpytion",), None)))

    (problem,) = run(RULE, context(misspelled, release_checks=release))

    assert problem.message == (
        "unknown check `s3_bucket_default_encrpytion` for aws (Prowler 5.46.0); "
        "did you mean `s3_bucket_default_encryption`?"
    )


def test_an_id_the_release_lists_is_judged_by_the_mapping_alone() -> None:
    release = KnownChecks("5.46.0", {"aws": frozenset({TYPO, *AUDIT_CHECKS})})
    (problem,) = run(
        RULE, context(poam(entry(verification=Verification((TYPO,), None))), release_checks=release)
    )
    assert "the mapping" in problem.message and "Prowler 5.46.0" not in problem.message
